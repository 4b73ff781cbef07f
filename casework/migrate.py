"""`flask db ...`: Alembic migrations, the only way the schema is made or changed."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from alembic.util import CommandError as AlembicCommandError
from flask.cli import AppGroup

from casework.cli import CommandError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Create or change the database schema (Alembic migrations).")


def _alembic(action: str, *args: object, **kwargs: object) -> None:
    """Run an Alembic command; its errors become one line and exit code 2."""
    try:
        getattr(command, action)(alembic_config(), *args, **kwargs)
    except AlembicCommandError as error:
        raise CommandError(str(error)) from None


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s",
    )
    config.set_main_option("truncate_slug_length", "40")
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    _alembic("upgrade", revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (default: one step; `base` empties it)."""
    _alembic("downgrade", revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@click.option("--autogenerate", is_flag=True, help="Draft it from the models (review by hand!).")
def revision(message: str, autogenerate: bool) -> None:
    """Write a new migration file."""
    _alembic("revision", message=message, autogenerate=autogenerate)


@db_cli.command("check")
def check() -> None:
    """Fail when the models and the migrations disagree."""
    _alembic("check")


@db_cli.command("current")
def current() -> None:
    """Show the revision the database is at."""
    _alembic("current")


@db_cli.command("history")
def history() -> None:
    """List the migrations."""
    _alembic("history")
