"""What every command shares: one commit per command, a one-line error with exit code 2."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click

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
