"""`flask keys ...`: generate key files, rotate and retire master keys, see key usage."""

from __future__ import annotations

import dataclasses
import os
import secrets
import uuid
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from casework.cli import CommandError, use_case
from casework.crypto.keyfile import generate_key_file_text, write_key_file
from casework.crypto.keys import KeyMaterial, MasterKey
from casework.crypto.keystore import key_material
from casework.db import db
from casework.keyadmin import services

keys_cli = AppGroup("keys", help="Manage the encryption keys.")


@click.command("generate")
@click.option("--key-id", default=None, help="Id of the master key (default: dated).")
def generate(key_id: str | None) -> None:
    """Print a new key file (master key, blind-index key, audit key) to standard output."""
    click.echo(generate_key_file_text(key_id), nl=False)


keys_cli.add_command(generate)  # needs no app: works before any key exists


@keys_cli.command("status")
def status() -> None:
    """Show each master key and how many data keys it wraps."""
    ring = key_material().master_keys
    for key_id, count in services.key_usage().items():
        mark = " (primary)" if key_id == ring.primary_id else ""
        click.echo(f"{key_id}{mark}: {count} data keys")


@keys_cli.command("rotate-master")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
def rotate_master(batch_size: int) -> None:
    """Rewrap every data key under the primary master key, in batches; safe to kill and rerun."""
    total = services.keys_left_to_rewrap()
    with click.progressbar(length=total, label="rewrapping data keys") as progress:
        while True:
            done = services.rewrap_batch(batch_size)
            db.session.commit()
            progress.update(done)
            if done == 0:
                break
    click.echo(f"all data keys are wrapped by {key_material().master_keys.primary_id}")


def _key_file() -> Path:
    configured = os.environ.get("CASEWORK_KEY_FILE", "").strip()
    if configured:
        return Path(configured)
    if current_app.config["CASEWORK_ENV"] != "production" and not os.environ.get(
        "CASEWORK_MASTER_KEYS"
    ):
        return Path(current_app.instance_path) / "keys.json"
    raise CommandError(
        "keys come from environment variables; edit CASEWORK_MASTER_KEYS and "
        "CASEWORK_PRIMARY_KEY_ID where they are set"
    )


def _replace_key_file(path: Path, material: KeyMaterial) -> None:
    """Write the new key file beside the old one, then swap it in atomically."""
    staged = path.with_name(f".{path.name}.{secrets.token_hex(6)}.new")
    write_key_file(staged, material)
    os.replace(staged, path)


@keys_cli.command("add-master")
@click.option("--key-id", default=None)
def add_master(key_id: str | None) -> None:
    """Add a new master key to the key file and make it primary (then run rotate-master)."""
    path = _key_file()
    material = key_material()
    new_key = MasterKey.generate(key_id)
    if new_key.key_id in material.master_keys:
        raise CommandError(f"a master key with the id {new_key.key_id} exists already")
    updated = dataclasses.replace(
        material, master_keys=material.master_keys.with_new_primary(new_key)
    )
    _replace_key_file(path, updated)
    click.echo(f"{new_key.key_id} is now the primary master key in {path}")
    click.echo("restart the service, then run: flask keys rotate-master")


@keys_cli.command("retire")
@click.argument("key_id")
@use_case
def retire(key_id: str) -> None:
    """Remove a master key from the key file; refused while any data key still uses it."""
    material = key_material()
    if key_id not in material.master_keys:
        raise CommandError(f"no master key with the id {key_id}")
    services.check_retirable(key_id)
    path = _key_file()
    updated = dataclasses.replace(material, master_keys=material.master_keys.retire(key_id))
    _replace_key_file(path, updated)
    click.echo(f"retired {key_id}; {path} no longer holds it")


@keys_cli.command("rotate-client")
@click.argument("client_id", type=click.UUID)
@use_case
def rotate_client(client_id: uuid.UUID) -> None:
    """Re-encrypt one client's fields under a new data key and destroy the old one."""
    rows = services.rotate_client_key(client_id)
    click.echo(f"client {client_id}: {rows} rows re-encrypted under a new data key")
