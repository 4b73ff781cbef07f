"""`flask users ...`: create and disable staff accounts, and give roles as the server's operator.

The operator runs on the server with the master key at hand, so these commands apply roles at
once (audited with the system as actor); the web and the API make clinical and administrator
roles wait for a second person (`casework.auth.grants`)."""

from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup

from casework.auth import grants, services
from casework.auth.models import Language, Role
from casework.cli import use_case
from casework.errors import NotFound

users_cli = AppGroup("users", help="Manage staff accounts.")

_ROLES = click.Choice([role.value for role in Role])


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in e-mail (unique).")
@click.option("--role", "roles", required=True, multiple=True, type=_ROLES, help="Repeatable.")
@click.option("--team", default=None, help="Team name; created when new.")
@click.option("--name", "display_name", default="", help="Display name (default: the e-mail).")
@click.option("--language", type=click.Choice([lang.value for lang in Language]), default="pl")
@click.option("--generate-password", is_flag=True, help="Generate a password and print it once.")
@use_case
def create(
    email: str,
    roles: tuple[str, ...],
    team: str | None,
    display_name: str,
    language: str,
    generate_password: bool,
) -> None:
    """Create a staff account; the password is prompted for, or generated and printed once."""
    if generate_password:
        password = _generated_password()
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = services.create_user(
        email,
        display_name=display_name,
        roles=[Role(role) for role in roles],
        password=password,
        team=services.get_or_create_team(team) if team else None,
        language=Language(language),
    )
    click.echo(f"created {user.email} ({', '.join(sorted(user.roles))})")
    if generate_password:
        click.echo(f"password (shown once): {password}")


def _generated_password() -> str:
    return secrets.token_urlsafe(12)


@users_cli.command("disable")
@click.argument("email")
@use_case
def disable(email: str) -> None:
    """Disable an account and end all of its sessions."""
    user = services.disable_user(email)
    click.echo(f"disabled {user.email}; all of its sessions are ended")


@users_cli.command("grant")
@click.argument("email")
@click.option("--role", "roles", required=True, multiple=True, type=_ROLES, help="Repeatable.")
@use_case
def grant(email: str, roles: tuple[str, ...]) -> None:
    """Add roles to an account at once (the operator's way, e.g. a second administrator)."""
    user = services.find_user(email)
    if user is None:
        raise NotFound("no user with the e-mail %(email)s", email=email.strip().lower())
    grants.apply_directly(user, added=[Role(role) for role in roles], actor=None)
    click.echo(f"{user.email} now holds: {', '.join(sorted(user.roles))}")
