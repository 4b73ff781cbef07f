"""`flask demo`: fill the current database with the synthetic demo centre, or a large one."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.cli import CommandError, use_case
from casework.db import db
from casework.demo.scale import ScaleError, generate, staff_email
from casework.demo.scale.generate import CLIENTS_PER_TEAM
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
@click.option(
    "--scale",
    type=click.IntRange(1, 10_000_000),
    default=None,
    help="Instead: write a large centre of this many clients straight into an empty database.",
)
@click.option(
    "--notes-per-client",
    default=10,
    show_default=True,
    type=click.IntRange(0, 1000),
    help="With --scale: session notes per client, on average.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="With --scale: the seed.")
@click.option(
    "--batch",
    default=CLIENTS_PER_TEAM,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="With --scale: clients per team (each team is written in one transaction).",
)
@use_case
def demo(
    password: str, cases: int, scale: int | None, notes_per_client: int, seed: int, batch: int
) -> None:
    """Create (or bring up to date) the synthetic demo centre and print its accounts."""
    if current_app.config["CASEWORK_ENV"] == "production":
        raise CommandError("the demo centre has published passwords; it is refused in production")
    if scale is not None:
        _scale(scale, notes_per_client=notes_per_client, seed=seed, batch=batch, password=password)
        return
    users = create_demo_centre(password=password, cases=cases)
    width = max(len(user.email) for user in users)
    click.echo(f"{'e-mail':<{width}}  {'password':<16}  roles")
    for user in users:
        click.echo(f"{user.email:<{width}}  {password:<16}  {', '.join(sorted(user.roles))}")
    click.echo("(all clients, cases and notes in the demo are synthetic)")


def _scale(clients: int, *, notes_per_client: int, seed: int, batch: int, password: str) -> None:
    """`flask demo --scale N`: the generator commits team by team, outside the command's session."""
    db.session.rollback()  # nothing of this session's is written; release its connection

    def progress(phase: str, done: int, total: int) -> None:
        if phase != "teams" or done == total or done % max(1, total // 20) == 0:
            click.echo(f"{phase}: {done}/{total}", err=True)

    try:
        report = generate(
            db.engine,
            clients,
            notes_per_client=notes_per_client,
            seed=seed,
            progress=progress,
            password=password,
            clients_per_team=batch,
        )
    except ScaleError as error:
        raise CommandError(str(error)) from None
    for line in report.lines():
        click.echo(line)
    click.echo(
        f"staff accounts (password {password}): {staff_email('casemanager', 0, 1)}, "
        f"{staff_email('therapist', 0, 1)}, {staff_email('supervisor', 0, 1)}, … (per team)"
    )
    click.echo("(all clients, cases and notes in the generated centre are synthetic)")
