from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from casework import all_models  # noqa: F401
from casework.db import Base, db
from casework.migrate import alembic_config
from tests.conftest import make_test_app


def _run(url: str, action: str, revision: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        try:
            getattr(command, action)(alembic_config(), revision)
        finally:
            db.engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_builds_every_table_and_downgrade_removes_them(fresh_database_url: str) -> None:
    _run(fresh_database_url, "upgrade", "head")
    assert _tables(fresh_database_url) == set(Base.metadata.tables)
    _run(fresh_database_url, "downgrade", "base")
    assert _tables(fresh_database_url) == set()
    _run(fresh_database_url, "upgrade", "head")
    assert _tables(fresh_database_url) == set(Base.metadata.tables)


def test_models_and_migrated_schema_agree(fresh_database_url: str) -> None:
    _run(fresh_database_url, "upgrade", "head")
    engine = create_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
