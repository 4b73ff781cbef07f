"""Property-based API testing from the OpenAPI document: no 5xx, and every answer as documented.

Each operation gets generated requests, valid and invalid, once with random ids in its path and
once with the ids of real objects, sent with a supervisor's token.
"""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.world import build_world
from tests.conftest import make_test_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 8


def _operations() -> list[tuple[str, str]]:
    document_only = make_test_app(f"sqlite:///{tempfile.mkdtemp()}/openapi.sqlite3")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", document_only)
    return sorted(
        (result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()
    )


@pytest.mark.parametrize(("method", "path"), _operations())
def test_the_api_keeps_its_documented_promises(app: Flask, method: str, path: str) -> None:
    world = build_world(app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method.lower()]
    headers = {"Authorization": f"Bearer {world.tokens['supervisor']}"}
    real_ids = {name: str(value) for name, value in world.ids.items() if name.endswith("_id")}
    wanted = {p.name for p in operation.path_parameters}
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if wanted and wanted <= set(real_ids):
        fixed = {name: real_ids[name] for name in wanted}
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))
    for strategy in strategies:
        _run(strategy, headers)


def _run(strategy: Any, headers: dict[str, str]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    check()
