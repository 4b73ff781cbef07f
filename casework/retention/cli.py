"""`flask retention ...`: apply the retention policy, or see what it would do and what it did."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from casework.cli import use_case
from casework.retention import services

retention_cli = AppGroup("retention", help="Anonymise clients whose last contact ended long ago.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be anonymised.")
@click.option("--batch-size", default=None, type=click.IntRange(1, 100_000))
def run(dry_run: bool, batch_size: int | None) -> None:
    """Anonymise (crypto-shred) every due client, in batches; safe to stop and run again."""
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
    record = use_case(services.start_run)(policy)
    size = batch_size or policy.batch_size
    while use_case(services.anonymise_batch)(record, batch_size=size):
        pass  # one transaction per batch: a stopped run keeps what it finished
    use_case(services.finish_run)(record)
    click.echo(
        f"anonymised {record.clients_anonymised} clients last in contact on or before "
        f"{record.cutoff_at.date().isoformat()} ({years} years); "
        f"{record.keys_destroyed} data keys destroyed; run {record.id}"
    )


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
