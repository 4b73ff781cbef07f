"""`flask reports run NAME --from --to [--project] --format --output`: a report to a file."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from casework.cli import CommandError
from casework.jobs import runner
from casework.jobs.cli import background_option, run_job
from casework.reports import jobs, services
from casework.reports.exports import FORMATS
from casework.suppression import DEFAULT_THRESHOLD

reports_cli = AppGroup("reports", help="Reports for funders, computed from the data.")


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date like 2026-01-31, not {value!r}") from None


def _uuid(value: str | None, option: str) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError(f"{option} must be a project id (a UUID), not {value!r}") from None


@reports_cli.command("list")
def list_command() -> None:
    """The reports defined in reports/*.yaml."""
    for report in sorted(services.all_reports().values(), key=lambda r: r.key):
        click.echo(f"{report.key}\t{report.title.get('en', report.key)}")


@reports_cli.command("run")
@click.argument("name")
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--project", default=None, help="Project id; default: all projects.")
@click.option("--team", default=None, help="Team id; default: the whole centre.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="xlsx", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (with --background: `flask jobs download` writes it later).",
)
@click.option("--language", type=click.Choice(["pl", "en", "uk"]), default="pl", show_default=True)
@click.option(
    "--publication",
    is_flag=True,
    help="Suppress small cells for publication (counts below --threshold).",
)
@click.option("--threshold", type=click.IntRange(2, 100), default=DEFAULT_THRESHOLD)
@background_option
def run(
    name: str,
    start: str,
    end: str,
    project: str | None,
    team: str | None,
    fmt: str,
    output: Path,
    language: str,
    publication: bool,
    threshold: int,
    background: bool,
) -> None:
    """Compute report NAME for the period and write it to OUTPUT (the whole centre), printing
    progress as indicators are counted ("3/12"); --background queues it instead."""
    if output is None and not background:
        raise CommandError("--output is required (or --background)")
    done = run_job(
        lambda: jobs.start_export(
            None,
            name,
            start=_date(start, "--from"),
            end=_date(end, "--to"),
            project_id=_uuid(project, "--project"),
            team_id=_uuid(team, "--team"),
            language=language,
            fmt=fmt,
            threshold=threshold if publication else None,
            dispatch=False,
        ),
        background=background,
    )
    if background or output is None:
        return
    try:
        output.write_bytes(runner.job_file(done))
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror}") from None
    click.echo(f"{done.summary} written to {output}")
