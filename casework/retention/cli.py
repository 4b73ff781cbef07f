"""`flask retention ...`: apply the retention policy, or see what it would do and what it did."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from casework.jobs.cli import background_option, run_job
from casework.retention import jobs, services

retention_cli = AppGroup("retention", help="Anonymise clients whose last contact ended long ago.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be anonymised.")
@click.option("--batch-size", default=None, type=click.IntRange(1, 100_000))
@background_option
def run(dry_run: bool, batch_size: int | None, background: bool) -> None:
    """Anonymise (crypto-shred) every due client, in batches, printing progress ("200/1000");
    safe to stop and run again. --background queues it for `flask jobs worker`."""
    policy = services.RetentionPolicy.from_config(current_app.config)
    years = policy.years_after_last_contact
    if dry_run:
        preview = services.preview(policy)
        click.echo(
            f"would anonymise {preview.clients} clients last in contact on or before "
            f"{preview.cutoff_at.date().isoformat()} ({years} years), "
            f"destroying their data keys and {preview.blind_indexes} blind indexes"
        )
        return
    done = run_job(
        lambda: jobs.start_run(batch_size=batch_size, dispatch=False), background=background
    )
    if done.summary:
        click.echo(done.summary)


@retention_cli.command("history")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def history(limit: int) -> None:
    """The latest runs: when, the policy applied, and what each changed."""
    for entry in services.run_history(limit=limit):
        finished = entry.finished_at.isoformat(timespec="seconds") if entry.finished_at else "-"
        click.echo(
            f"{entry.started_at.isoformat(timespec='seconds')}  finished {finished}  "
            f"{entry.years_after_last_contact} years  cutoff {entry.cutoff_at.date().isoformat()}  "
            f"{entry.clients_anonymised} clients  {entry.keys_destroyed} keys"
        )
