"""`/metrics`: hidden (404) without a configured token, 401 with a wrong one; requests timed by
endpoint name (never the URL and its ids), responses by status class, audit appends, the
database pool and the job queue. Multi-process gunicorn: tests/test_gunicorn.py."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from casework.audit.chaining import append_queued
from casework.audit.services import record
from casework.config import ConfigError
from casework.db import db
from casework.metrics import redis_queue_depth
from tests.conftest import make_test_app

TOKEN = "metrics-token-for-tests-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
REDIS_URL = "redis://127.0.0.1:6379/7"
#: An endpoint label is a Flask endpoint name ("blueprint.view"), never a path.
ENDPOINT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@pytest.fixture
def metered(app: Flask) -> Iterator[FlaskClient]:
    """The test app with a metrics token configured for this test only."""
    app.config["CASEWORK_METRICS_TOKEN"] = TOKEN
    try:
        yield app.test_client()
    finally:
        app.config["CASEWORK_METRICS_TOKEN"] = None


def _samples(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def _requests(endpoint: str, method: str = "GET") -> float:
    value = REGISTRY.get_sample_value(
        "casework_http_request_duration_seconds_count", {"endpoint": endpoint, "method": method}
    )
    return value or 0.0


def _responses(endpoint: str, status_class: str, method: str = "GET") -> float:
    labels = {"endpoint": endpoint, "method": method, "status_class": status_class}
    return REGISTRY.get_sample_value("casework_http_responses_total", labels) or 0.0


def test_without_a_token_configured_metrics_do_not_exist(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=BEARER).status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "],
)
def test_a_missing_or_wrong_token_is_refused(metered: FlaskClient, authorization: str) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = metered.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "casework_http" not in response.get_data(as_text=True)


def test_a_short_token_refuses_to_start(database_url: str) -> None:
    with pytest.raises(ConfigError, match="CASEWORK_METRICS_TOKEN is 6 characters"):
        make_test_app(database_url, CASEWORK_METRICS_TOKEN="secret")


def test_requests_are_timed_by_endpoint_and_counted_by_status_class(metered: FlaskClient) -> None:
    before = _requests("health.healthz"), _responses("health.healthz", "2xx")
    for _ in range(3):
        assert metered.get("/healthz").status_code == 200
    samples = _samples(metered)
    key = (("endpoint", "health.healthz"), ("method", "GET"))
    assert samples[("casework_http_request_duration_seconds_count", key)] == before[0] + 3
    assert samples[("casework_http_responses_total", (*key, ("status_class", "2xx")))] == (
        before[1] + 3
    )
    assert samples[("casework_http_request_duration_seconds_sum", key)] > 0


def test_urls_with_ids_are_labelled_by_endpoint_never_by_path(metered: FlaskClient) -> None:
    case_id, nowhere = uuid.uuid4(), f"/no-such-page-{uuid.uuid4()}"
    before_signed_out = _responses("casefile_pages.show", "3xx")
    before_missing = _responses("unmatched", "4xx")
    assert metered.get(f"/cases/{case_id}").status_code == 302  # to the sign-in page
    assert metered.get(nowhere).status_code == 404
    assert _responses("casefile_pages.show", "3xx") == before_signed_out + 1
    assert _responses("unmatched", "4xx") == before_missing + 1
    text = metered.get("/metrics", headers=BEARER).get_data(as_text=True)
    assert str(case_id) not in text and "no-such-page" not in text


def test_labels_hold_only_endpoint_names_and_known_methods(
    app: Flask, metered: FlaskClient
) -> None:
    assert metered.open("/healthz", method="BREW").status_code == 405
    assert _responses("unmatched", "4xx", method="other") >= 1  # no route matched BREW
    # The registry is the process's: other tests' apps add their own test endpoints, so the
    # check is the endpoint's form (a name, never a path with ids) and this app's are there.
    seen = set()
    for (name, labels), _value in _samples(metered).items():
        if name.startswith("casework_http"):
            label = dict(labels)
            assert ENDPOINT_NAME.fullmatch(label["endpoint"]), label
            seen.add(label["endpoint"])
            assert label["method"] in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "other"}
    assert {"health.healthz", "unmatched"} <= seen


def test_a_failing_request_counts_as_5xx(database_url: str) -> None:
    failing = make_test_app(database_url, CASEWORK_METRICS_TOKEN=TOKEN)

    @failing.route("/test-failure")
    def _fail() -> str:
        raise RuntimeError("broken on purpose")

    before = _responses("_fail", "5xx")
    assert failing.test_client().get("/test-failure").status_code == 500
    assert _responses("_fail", "5xx") == before + 1
    with failing.app_context():
        db.engine.dispose()


def test_audit_appends_are_timed(app: Flask) -> None:
    before = REGISTRY.get_sample_value("casework_audit_append_seconds_count") or 0.0
    with app.app_context():
        record("metrics.test", actor=None, object_type="test", object_id="one")
        append_queued()  # events are chained when their transaction commits (or is read)
        record("metrics.test", actor=None, object_type="test", object_id="two")
        record("metrics.test", actor=None, object_type="test", object_id="three")
        append_queued()  # two queued events: one append
    assert REGISTRY.get_sample_value("casework_audit_append_seconds_count") == before + 2


def test_pool_connections_are_counted_while_in_use(database_url: str) -> None:
    pooled = make_test_app(database_url)
    baseline_open = REGISTRY.get_sample_value("casework_db_pool_open_connections") or 0.0
    baseline_out = REGISTRY.get_sample_value("casework_db_pool_checked_out_connections") or 0.0
    with pooled.app_context():
        with db.engine.connect():
            assert REGISTRY.get_sample_value("casework_db_pool_checked_out_connections") == (
                baseline_out + 1
            )
            assert REGISTRY.get_sample_value("casework_db_pool_open_connections") == (
                baseline_open + 1
            )
        assert REGISTRY.get_sample_value("casework_db_pool_checked_out_connections") == (
            baseline_out
        )
        assert pooled.test_client().get("/readyz").status_code == 200
        assert REGISTRY.get_sample_value("casework_db_pool_checked_out_connections") == (
            baseline_out
        )
        db.engine.dispose()
    assert REGISTRY.get_sample_value("casework_db_pool_open_connections") == baseline_open
    assert (REGISTRY.get_sample_value("casework_db_pool_capacity_connections") or 0) > 0


def test_queue_depth_is_absent_without_a_queue_and_read_when_wired(
    app: Flask, metered: FlaskClient
) -> None:
    names = {name for name, _labels in _samples(metered)}
    assert "casework_job_queue_depth" not in names  # no REDIS_URL in tests
    readers = app.extensions["casework.metrics"]
    default = readers["queue_depth"]
    try:
        readers["queue_depth"] = lambda: 7
        assert _samples(metered)[("casework_job_queue_depth", ())] == 7

        def unreachable() -> int:
            raise redis.ConnectionError("no Redis here")

        readers["queue_depth"] = unreachable
        names = {name for name, _labels in _samples(metered)}  # the scrape still answers
        assert "casework_job_queue_depth" not in names
    finally:
        readers["queue_depth"] = default


def test_rq_queue_depth_is_the_length_of_its_redis_list() -> None:
    assert redis_queue_depth(None) is None
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.ConnectionError:
        connection.close()
        pytest.skip("no Redis at 127.0.0.1:6379: the list-length read needs a real one")
    queue = f"ops-test-{uuid.uuid4().hex}"
    try:
        assert redis_queue_depth(REDIS_URL, queue) == 0
        connection.rpush(f"rq:queue:{queue}", "job-1", "job-2", "job-3")
        assert redis_queue_depth(REDIS_URL, queue) == 3
    finally:
        connection.delete(f"rq:queue:{queue}")
        connection.close()
