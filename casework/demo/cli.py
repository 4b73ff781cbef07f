"""`flask demo`: fill the current database with the synthetic demo centre."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.cli import CommandError, use_case
from casework.demo.services import DEFAULT_DEMO_PASSWORD, create_demo_centre


@click.command("demo")
@with_appcontext
@click.option("--password", default=DEFAULT_DEMO_PASSWORD, show_default=True)
@click.option(
    "--cases",
    default=130,
    show_default=True,
    type=click.IntRange(0, 5000),
    help="How many synthetic cases to create (only on a database without them).",
)
@use_case
def demo(password: str, cases: int) -> None:
    """Create (or bring up to date) the synthetic demo centre and print its accounts."""
    if current_app.config["CASEWORK_ENV"] == "production":
        raise CommandError("the demo centre has published passwords; it is refused in production")
    users = create_demo_centre(password=password, cases=cases)
    width = max(len(user.email) for user in users)
    click.echo(f"{'e-mail':<{width}}  {'password':<16}  roles")
    for user in users:
        click.echo(f"{user.email:<{width}}  {password:<16}  {', '.join(sorted(user.roles))}")
    click.echo("(all clients, cases and notes in the demo are synthetic)")
