"""`flask keys ...`: generate key files; rotate and retire master, blind-index and audit keys;
see key usage; purge destroyed keys from disk."""

from __future__ import annotations

import dataclasses
import os
import secrets
import uuid
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from casework.audit import services as audit
from casework.cli import CommandError, use_case
from casework.crypto.errors import KeyConfigError
from casework.crypto.keyfile import generate_key_file_text, write_key_file
from casework.crypto.keys import KEY_LENGTH, KeyMaterial, MasterKey, check_key_id, default_key_id
from casework.crypto.keystore import key_material
from casework.crypto.purge import purge_destroyed_keys
from casework.db import db
from casework.jobs.cli import background_option, run_job
from casework.keyadmin import jobs, services

keys_cli = AppGroup("keys", help="Manage the encryption keys.")


@click.command("generate")
@click.option("--key-id", default=None, help="Id of the master key (default: dated).")
def generate(key_id: str | None) -> None:
    """Print a new key file (master key, blind-index key, audit key) to standard output."""
    click.echo(generate_key_file_text(key_id), nl=False)


keys_cli.add_command(generate)  # needs no app: works before any key exists


@keys_cli.command("status")
def status() -> None:
    """Show each master key and how many data keys it wraps, the blind-index and audit keys."""
    material = key_material()
    ring = material.master_keys
    for key_id, count in services.key_usage().items():
        mark = " (primary)" if key_id == ring.primary_id else ""
        click.echo(f"{key_id}{mark}: {count} data keys")
    left = services.clients_left_to_reindex()
    click.echo(
        f"blind-index key {material.blind_index_key_id}: {left} clients still indexed under "
        "an older key"
    )
    click.echo(f"audit events are signed with {audit.signing_key_id()}")


@keys_cli.command("rotate-master")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@background_option
def rotate_master(batch_size: int, background: bool) -> None:
    """Rewrap every data key under the primary master key, in batches, printing progress
    ("500/12000"); safe to kill and rerun. --background queues it for `flask jobs worker`."""
    done = run_job(
        lambda: jobs.start_rotation(jobs.REWRAP, batch_size=batch_size, dispatch=False),
        background=background,
    )
    if done.summary:
        click.echo(done.summary)


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


def _new_key_id(key_id: str | None) -> str:
    try:
        return check_key_id(key_id or default_key_id(), source="--key-id")
    except KeyConfigError as error:
        raise CommandError(str(error)) from None


@use_case
def _record_key_step(action: str, key_id: str) -> None:
    services.record_key_event(action, key_id)


@keys_cli.command("add-blind-index")
@click.option("--key-id", default=None, help="Id of the new blind-index key (default: dated).")
def add_blind_index(key_id: str | None) -> None:
    """Make a new blind-index key current in the key file; the old one stays for searching."""
    path = _key_file()
    material = key_material()
    new_id = _new_key_id(key_id)
    if new_id in material.blind_index_keys():
        raise CommandError(f"a blind-index key with the id {new_id} exists already")
    updated = dataclasses.replace(
        material,
        blind_index_key=secrets.token_bytes(KEY_LENGTH),
        blind_index_key_id=new_id,
        old_blind_index_keys=(
            (material.blind_index_key_id, material.blind_index_key),
            *material.old_blind_index_keys,
        ),
    )
    _replace_key_file(path, updated)
    _record_key_step("key.blind_index_add", new_id)
    click.echo(f"{new_id} is now the current blind-index key in {path}")
    click.echo("restart every worker, then run: flask keys rotate-blind-index")


@keys_cli.command("rotate-blind-index")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@background_option
def rotate_blind_index(batch_size: int, background: bool) -> None:
    """Recompute every blind index under the current key, in batches, printing progress; safe
    to kill and rerun. --background queues it for `flask jobs worker`.

    When none is left under an old key, the old keys are retired from the key file (with
    --background: by running this command again once the job is done).
    """
    material = key_material()
    done = run_job(
        lambda: jobs.start_rotation(jobs.REINDEX, batch_size=batch_size, dispatch=False),
        background=background,
    )
    if background:
        return
    if done.summary:
        click.echo(done.summary)
    if material.old_blind_index_keys:
        _retire_old_blind_index_keys(material)


@use_case
def _retire_old_blind_index_keys(material: KeyMaterial) -> None:
    services.check_old_blind_index_keys_unused()
    old_ids = [key_id for key_id, _ in material.old_blind_index_keys]
    for key_id in old_ids:
        services.record_key_event("key.blind_index_retire", key_id)
    try:
        path = _key_file()
    except CommandError:
        click.echo(f"remove the old blind-index keys {', '.join(old_ids)} where they are set")
        return
    _replace_key_file(path, dataclasses.replace(material, old_blind_index_keys=()))
    click.echo(f"retired {', '.join(old_ids)}; {path} no longer holds them")


@keys_cli.command("add-audit-key")
@click.option("--key-id", default=None, help="Id of the new audit key (default: dated).")
def add_audit_key(key_id: str | None) -> None:
    """Add a new audit key to the key file; the chain moves to it with `rotate-audit`."""
    path = _key_file()
    material = key_material()
    new_id = _new_key_id(key_id)
    if new_id in material.audit_keys():
        raise CommandError(f"an audit key with the id {new_id} exists already")
    updated = dataclasses.replace(
        material,
        audit_key=secrets.token_bytes(KEY_LENGTH),
        audit_key_id=new_id,
        old_audit_keys=(*material.old_audit_keys, (material.audit_key_id, material.audit_key)),
    )
    _replace_key_file(path, updated)
    _record_key_step("key.audit_add", new_id)
    click.echo(f"{new_id} is the newest audit key in {path}")
    click.echo("restart every worker, then run: flask keys rotate-audit")


@keys_cli.command("rotate-audit")
@use_case
def rotate_audit() -> None:
    """Start a new audit chain segment signed with the newest audit key."""
    new_id = key_material().audit_key_id
    event = audit.start_segment(new_id)
    click.echo(
        f"audit events from sequence {event.seq} on are signed with {new_id}; keep the older "
        "audit keys in the key file: `flask audit verify` needs them"
    )


@keys_cli.command("purge")
def purge() -> None:
    """Rewrite the key tables so destroyed keys leave the disk (runs after erasure by itself)."""
    if not purge_destroyed_keys(db.engine):
        raise CommandError("the key tables are in use by a long transaction; try again later")
    click.echo("destroyed keys purged from the key tables")
