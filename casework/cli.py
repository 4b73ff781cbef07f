"""CLI wiring: one commit per command, and a one-line error with exit code 2 on bad input."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click
from flask import Flask

from casework.db import db
from casework.errors import DomainError

P = ParamSpec("P")
R = TypeVar("R")


class CommandError(click.ClickException):
    """Bad input to a command: one line on stderr, exit code 2, nothing written."""

    exit_code = 2


def use_case(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command body as one transaction: commit on success, roll back on a domain error."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = command(*args, **kwargs)
        except DomainError as error:
            db.session.rollback()
            raise CommandError(error.message) from None
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run


def register_commands(app: Flask) -> None:
    from casework.audit.cli import audit_cli
    from casework.auth.cli import users_cli
    from casework.catalogue.cli import catalogue_cli
    from casework.crypto.cli import keys_cli
    from casework.demo.cli import demo
    from casework.groups.cli import groups_cli
    from casework.migrate import db_cli
    from casework.reports.cli import reports_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo)
    app.cli.add_command(keys_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(catalogue_cli)
    app.cli.add_command(groups_cli)
    app.cli.add_command(reports_cli)
