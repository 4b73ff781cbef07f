"""`flask groups complete-runs`: completion from attendance for runs that have ended."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from casework.cli import use_case
from casework.groups.services.completion import complete_ended_runs

groups_cli = AppGroup("groups", help="Group runs.")


@groups_cli.command("complete-runs")
@use_case
def complete_runs() -> None:
    """Mark completed everyone who met their service's attendance threshold in an ended run."""
    done = complete_ended_runs()
    click.echo(f"{sum(done.values())} participations completed in {len(done)} ended runs")
