"""Shared fixtures: one migrated database per run, a rolled-back transaction per test.

`CASEWORK_TEST_DATABASE_URL` chooses the server: unset runs on SQLite, a PostgreSQL URL runs
on a new database created on that server for this run and dropped at its end.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import Connection, Engine, event

from casework import create_app
from casework.auth.models import Language, Role, User
from casework.catalogue.services import sync_catalogue
from casework.crypto.keys import KeyMaterial
from casework.db import db
from casework.migrate import alembic_config
from tests.database import is_postgres, throwaway_database
from tests.factories import PASSWORD, make_team, make_user
from tests.pages import sign_in

# The same examples on every run: CI stays reproducible; widen the search locally with
# --hypothesis-seed or by editing this profile.
settings.register_profile("casework", derandomize=True, deadline=None, database=None)
settings.load_profile("casework")

TEST_SERVER_URL = os.environ.get("CASEWORK_TEST_DATABASE_URL", "")
#: Keys made for this run only; no test touches the developer's instance key file.
TEST_KEYS = KeyMaterial.generate("test-master")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translation catalogues (the .mo files are build products, not in git)."""
    from tests.i18n_support import compile_catalogues

    compile_catalogues()


def pytest_report_header() -> str:
    return f"casework database: {'PostgreSQL' if is_postgres(TEST_SERVER_URL) else 'SQLite'}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if is_postgres(TEST_SERVER_URL):
        once = pytest.mark.skip(reason="browser journeys run once, in the SQLite pass")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(once)
        return
    skip = pytest.mark.skip(reason="PostgreSQL only; the PostgreSQL run of the suite covers it")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(TEST_SERVER_URL, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second, empty database on the same server, for tests of the migrations themselves."""
    with throwaway_database(TEST_SERVER_URL, tmp_path_factory.mktemp("fresh")) as url:
        yield url


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    config = {
        "CASEWORK_ENV": "testing",
        "SECRET_KEY": "test-secret-key-long-enough-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "CASEWORK_KEY_MATERIAL": TEST_KEYS,
        # No role must use two-factor sign-in here (the demo and production: supervisors and
        # administrators); tests/auth/test_two_factor.py turns it on.
        "CASEWORK_TWO_FACTOR_ROLES": frozenset(),
    }
    return create_app(config | overrides)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = make_test_app(database_url)
    with app.app_context(), db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with app.app_context():
        sync_catalogue()  # reference data every test may use; kept for the whole run
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_connection(app: Flask) -> Iterator[Connection]:
    """The connection of this test's transaction, rolled back at its end."""
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    # No app context stays pushed: each request and `with app.app_context()` gets its own
    # session (and `g`), all bound to this one connection, commits becoming savepoints.
    with db.bound_to(app, connection):
        yield connection
    transaction.rollback()
    connection.close()


#: Every engine a test's app opened a connection with (apps made inside tests included).
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember_engine(connection: Connection) -> None:
    _ENGINES.add(connection.engine)


@pytest.fixture(autouse=True)
def _close_idle_connections() -> Iterator[None]:
    """After each test, close the pooled connections of every engine: an app built inside a test
    and dropped would otherwise leave open PostgreSQL connections to the garbage collector, whose
    ResourceWarning then fails whichever later test it happens in."""
    yield
    for engine in list(_ENGINES):
        engine.pool.dispose()


@pytest.fixture(autouse=True)
def _rollback(request: pytest.FixtureRequest) -> None:
    """Every test that uses the app runs inside one transaction that is rolled back."""
    if "app" in request.fixturenames:
        request.getfixturevalue("db_connection")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client whose browser asks for English (tests that need another language say so)."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def login_as(app: Flask, client: FlaskClient) -> Callable[..., User]:
    """Create a user with `role` (and extra roles) and sign the test client in as them."""

    def login(role: Role, *more: Role, **fields: Any) -> User:
        with app.app_context():
            user = make_user(roles=(role, *more), password=PASSWORD, **fields)
            db.session.commit()
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def team(app: Flask) -> dict[str, Any]:
    """A committed team with every role (`tests.factories.TEAM_ROLES`), by member name."""
    return make_team(app)


@pytest.fixture
def team_emails(app: Flask, team: dict[str, Any]) -> dict[str, str]:
    """The e-mail addresses of the `team`'s members by name (and their ids as `<name>_id`), each
    reading the pages in English."""
    with app.app_context():
        people = {name: db.session.get(User, user_id) for name, user_id in team.items()}
        for user in people.values():
            assert user is not None
            user.preferred_language = Language.EN
        db.session.commit()
        emails = {name: user.email for name, user in people.items() if user is not None}
    return emails | {f"{name}_id": str(user_id) for name, user_id in team.items()}
