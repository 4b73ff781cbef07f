"""`flask import clients|consultations|groups FILE --mapping M --as EMAIL [--dry-run]`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from casework.auth.models import User
from casework.cli import CommandError, use_case
from casework.db import db
from casework.imports import jobs, services
from casework.imports.mapping import parse_mapping_text
from casework.imports.reading import MAX_FILE_BYTES, detect_format, read_sheet
from casework.jobs.cli import background_option, run_job
from casework.jobs.models import Job

import_cli = AppGroup("import", help="Import spreadsheets (CSV or XLSX).")


def _read(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"no such file: {path}")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise CommandError(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB; split it")
    return file.read_bytes()


def _run(
    kind: str,
    file: str,
    mapping_path: str,
    email: str,
    dry_run: bool,
    only_good: bool,
    background: bool = False,
) -> None:
    content = _read(file)
    mapping = parse_mapping_text(_read(mapping_path).decode("utf-8", "replace"))
    actor = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if actor is None or not actor.is_active:
        raise CommandError(f"no active staff member with the e-mail {email}")
    sheet = read_sheet(content, detect_format(content, file))
    preview = services.preview_rows(actor, kind, sheet, mapping)
    for row in preview.bad:
        reasons = "; ".join(problem.english() for problem in row.problems)
        click.echo(f"row {row.number}: {reasons}", err=True)
    if dry_run:
        click.echo(
            f"{preview.rows} rows: {len(preview.good)} to import, {preview.already_imported} "
            f"already imported, {len(preview.bad)} with problems (dry run: nothing written)"
        )
        if preview.bad:
            raise SystemExit(1)
        return
    if preview.bad and not only_good:
        raise CommandError(
            f"{len(preview.bad)} row(s) have problems; correct them, or choose to import only "
            "the good rows"
        )

    def start() -> Job:
        upload = services.start_upload(actor, kind=kind, content=content, filename=file)
        services.set_mapping(actor, upload.id, mapping)
        return jobs.start_import(actor, upload.id, only_good_rows=only_good, dispatch=False)

    done = run_job(start, background=background)
    if done.summary:
        click.echo(done.summary)


def _options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(
        [
            click.argument("file", type=click.Path(dir_okay=False)),
            click.option(
                "--mapping",
                "mapping_path",
                required=True,
                type=click.Path(dir_okay=False),
                help="JSON or YAML: field name -> column heading.",
            ),
            click.option("--as", "email", required=True, help="E-mail of the staff member."),
            click.option(
                "--dry-run", is_flag=True, help="List every row's problems; write nothing."
            ),
            click.option(
                "--only-good-rows", is_flag=True, help="Import the good rows even if some are bad."
            ),
            background_option,
        ]
    ):
        command = option(command)
    return command


@import_cli.command("clients")
@_options
@use_case
def import_clients(
    file: str,
    mapping_path: str,
    email: str,
    dry_run: bool,
    only_good_rows: bool,
    background: bool,
) -> None:
    """Import clients, each with their basis for processing; a second run adds nobody twice."""
    _run(services.CLIENTS, file, mapping_path, email, dry_run, only_good_rows, background)


@import_cli.command("consultations")
@_options
@use_case
def import_consultations(
    file: str,
    mapping_path: str,
    email: str,
    dry_run: bool,
    only_good_rows: bool,
    background: bool,
) -> None:
    """Import past consultations (anonymous statistics) as the consultant who held them."""
    _run(services.CONSULTATIONS, file, mapping_path, email, dry_run, only_good_rows, background)


@import_cli.command("groups")
@_options
@use_case
def import_groups(
    file: str,
    mapping_path: str,
    email: str,
    dry_run: bool,
    only_good_rows: bool,
    background: bool,
) -> None:
    """Import past group participation (completed, withdrawn, attended) into runs one manages."""
    _run(services.GROUPS, file, mapping_path, email, dry_run, only_good_rows, background)
