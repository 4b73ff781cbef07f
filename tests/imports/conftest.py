"""Fixtures of the import tests."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask

from tests.imports.group_sheets import make_world


@pytest.fixture
def world(app: Flask, team: dict[str, uuid.UUID]) -> dict[str, Any]:
    """A run of the facilitator that ended last month, three people the facilitator registered
    and one only an outside supervisor may see."""
    with app.app_context():
        return make_world(team)
