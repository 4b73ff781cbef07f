"""`flask catalogue sync`: bring the services table in step with the catalogue file."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from casework.catalogue.services import sync_catalogue
from casework.cli import use_case

catalogue_cli = AppGroup("catalogue", help="The service catalogue.")


@catalogue_cli.command("sync")
@use_case
def sync() -> None:
    """Add new services from the catalogue file and update changed names."""
    added, updated = sync_catalogue()
    click.echo(f"catalogue in step: {added} added, {updated} updated")
