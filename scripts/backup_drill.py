"""Backup-and-restore drill: dump the database, restore it into a new one with the key file
restored separately, and prove the copy is usable.

    python scripts/backup_drill.py [--database-url URL] [--key-file PATH] [--key-backup PATH]
                                   [--checkpoint PATH] [--keep]

Steps, each printed with its outcome; the first failure stops the drill with exit status 1:

1. checkpoint  a signed checkpoint of the live audit trail (`flask audit checkpoint`), or the one
               given with --checkpoint (kept elsewhere, e.g. last night's)
2. dump        `pg_dump --format=custom` of the database
3. no keys     the dump holds none of the keys (master, blind-index, audit), in any encoding
4. key file    the key file comes back from its own backup (--key-backup; default: a copy of
               --key-file made now) into a fresh 0600 file, and loads as in production
5. restore     `pg_restore` into a new database `<name>_drill_<random>`
6. verify      `flask audit verify --checkpoint` on the copy with the restored key file: the app
               starts (every key matches the check value the copy recorded) and the whole chain
               verifies up to the checkpoint
7. decrypt     sampled session notes of the copy decrypt (their text is never printed)
8. clean up    the copy and the dump are dropped (kept with --keep)

DATABASE_URL and CASEWORK_KEY_FILE are the defaults for the first two options. PostgreSQL only;
`pg_dump` and `pg_restore` of the server's major version on PATH.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import URL, make_url

from casework.config import normalise_database_url
from casework.crypto.errors import KeyConfigError
from casework.crypto.keyfile import load_key_file
from casework.crypto.keys import KeyMaterial

#: Environment variables that configure keys: the drill's commands get the restored file only.
_KEY_VARIABLES = (
    "CASEWORK_KEY_FILE",
    "CASEWORK_MASTER_KEYS",
    "CASEWORK_PRIMARY_KEY_ID",
    "CASEWORK_BLIND_INDEX_KEY",
    "CASEWORK_AUDIT_KEY",
)


class DrillFailed(Exception):
    """A step found the backup unusable; the message says what, never a key or a value."""


def _step(number: int, name: str, action: Callable[[], str]) -> None:
    print(f"{number}/8 {name:<11} ...", end=" ", flush=True)
    started = time.perf_counter()
    try:
        outcome = action()
    except DrillFailed as failure:
        print(f"FAILED: {failure}", flush=True)
        raise
    except (OSError, psycopg.Error, KeyConfigError) as error:
        print(f"FAILED: {type(error).__name__}: {error}", flush=True)
        raise DrillFailed(str(error)) from None
    print(f"ok ({time.perf_counter() - started:.1f} s): {outcome}", flush=True)


def _libpq(url: URL) -> str:
    """A URL that pg_dump, pg_restore and psycopg understand (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str], *, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise DrillFailed(f"{Path(command[0]).name} exited {result.returncode}: {lines[-1:]}")
    return result.stdout


def _flask(database: URL, key_file: Path, *arguments: str) -> str:
    """A `flask` command against `database` with `key_file` as the only key source."""
    env = {name: value for name, value in os.environ.items() if name not in _KEY_VARIABLES}
    env |= {"DATABASE_URL": _libpq(database), "CASEWORK_KEY_FILE": str(key_file)}
    app = ["-m", "flask", "--app", "casework:create_app"]
    return _run([sys.executable, *app, *arguments], env=env)


def _key_encodings(material: KeyMaterial) -> Iterator[str]:
    """Every key as text could carry it: base64 (the key file), hex (bytea in a dump)."""
    keys = [key.secret for key in material.master_keys]
    keys += [*material.blind_index_keys().values(), *material.audit_keys().values()]
    for secret in keys:
        yield base64.b64encode(secret).decode()
        yield base64.urlsafe_b64encode(secret).decode().rstrip("=")
        yield secret.hex()


@contextmanager
def _admin(url: URL) -> Iterator[psycopg.Connection]:
    with psycopg.connect(_libpq(url.set(database="postgres")), autocommit=True) as admin:
        yield admin


def _sample_notes(database: URL, material: KeyMaterial, samples: int) -> str:
    """Decrypt `samples` session notes of the copy, picked at random through the primary key."""
    from casework import create_app
    from casework.care.models import SessionNote
    from casework.db import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": _libpq(database), "CASEWORK_KEY_MATERIAL": material}
    )
    with app.app_context():
        try:
            if db.session.scalar(select(func.count()).select_from(SessionNote)) == 0:
                raise DrillFailed("the copy holds no session note to decrypt")
            checked: set[uuid.UUID] = set()
            for _ in range(samples):
                start = uuid.uuid4()
                query = select(SessionNote).order_by(SessionNote.id).limit(1)
                note = db.session.scalar(query.where(SessionNote.id >= start))
                note = note or db.session.scalar(query)
                assert note is not None
                try:
                    body = note.body
                except Exception as error:  # an integrity failure: the key does not open it
                    raise DrillFailed(
                        f"note {note.id} does not decrypt ({type(error).__name__})"
                    ) from None
                if not isinstance(body, str) and note.body_ciphertext is not None:
                    raise DrillFailed(f"note {note.id} decrypts to nothing")
                checked.add(note.id)
        finally:
            db.session.remove()
            db.engine.dispose()
    return f"{len(checked)} sampled note(s) decrypt"


def drill(
    database: URL,
    key_file: Path,
    key_backup: Path,
    checkpoint: Path | None,
    *,
    keep: bool,
    samples: int,
) -> None:
    work = Path(tempfile.mkdtemp(prefix="casework-drill-"))
    work.chmod(0o700)
    dump = work / "casework.dump"
    copy = database.set(database=f"{database.database}_drill_{secrets.token_hex(4)}")
    restored_key_file = work / "restored-keys" / "keys.json"
    checkpoint_file = work / "checkpoint.txt"
    created = False

    def take_checkpoint() -> str:
        if checkpoint is not None:
            shutil.copyfile(checkpoint, checkpoint_file)
            return f"the checkpoint kept at {checkpoint}"
        text = _flask(database, key_file, "audit", "checkpoint").strip()
        checkpoint_file.write_text(text + "\n")
        return f"head at sequence {text.split(':')[1]}"

    def take_dump() -> str:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), _libpq(database)])
        return f"{dump.stat().st_size / 1e6:.1f} MB"

    def no_keys_in_dump() -> str:
        encodings = list(_key_encodings(load_key_file(key_file)))
        as_sql = ["pg_restore", "--file=-", str(dump)]
        with subprocess.Popen(as_sql, stdout=subprocess.PIPE, text=True) as listing:
            assert listing.stdout is not None
            found = any(any(e in line for e in encodings) for line in listing.stdout)
            listing.stdout.close()
        if found:
            raise DrillFailed("the dump contains a key: keys must live outside the database")
        if listing.returncode not in (0, -13):  # -13: stopped early (SIGPIPE) once found
            raise DrillFailed(f"pg_restore could not list the dump (exit {listing.returncode})")
        return "no key in any encoding"

    def restore_key_file() -> str:
        restored_key_file.parent.mkdir(mode=0o700)
        descriptor = os.open(restored_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as target, open(key_backup, "rb") as source:
            shutil.copyfileobj(source, target)
        try:
            load_key_file(restored_key_file, production=True)
        except KeyConfigError as error:
            raise DrillFailed(str(error)) from None
        return f"from {key_backup}, mode 0600"

    def restore() -> str:
        nonlocal created
        with _admin(database) as admin:
            admin.execute(f'CREATE DATABASE "{copy.database}"')
        created = True
        _run(["pg_restore", "--no-owner", "--exit-on-error", "-d", _libpq(copy), str(dump)])
        return f"into {copy.database}"

    def verify() -> str:
        extra = ["--checkpoint", str(checkpoint_file)] if checkpoint_file.exists() else []
        return _flask(copy, restored_key_file, "audit", "verify", *extra).strip()

    def decrypt() -> str:
        return _sample_notes(copy, load_key_file(restored_key_file, production=True), samples)

    try:
        _step(1, "checkpoint", take_checkpoint)
        _step(2, "dump", take_dump)
        _step(3, "no keys", no_keys_in_dump)
        _step(4, "key file", restore_key_file)
        _step(5, "restore", restore)
        _step(6, "verify", verify)
        _step(7, "decrypt", decrypt)
    finally:

        def clean_up() -> str:
            if keep:
                return f"kept: database {copy.database}, files in {work}"
            if created:
                with _admin(database) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{copy.database}" WITH (FORCE)')
            shutil.rmtree(work)
            return "copy and dump removed"

        _step(8, "clean up", clean_up)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--key-file", default=os.environ.get("CASEWORK_KEY_FILE", ""))
    parser.add_argument("--key-backup", help="where the key file's own backup is kept")
    parser.add_argument("--checkpoint", type=Path, help="a checkpoint kept outside the database")
    parser.add_argument("--samples", type=int, default=3, help="notes to decrypt")
    parser.add_argument("--keep", action="store_true", help="keep the copy and the dump")
    arguments = parser.parse_args()
    if not arguments.database_url.startswith("postgres"):
        parser.error("--database-url (or DATABASE_URL) must name a PostgreSQL database")
    if not arguments.key_file or not Path(arguments.key_file).is_file():
        parser.error("--key-file (or CASEWORK_KEY_FILE) must name the key file")
    database = make_url(normalise_database_url(arguments.database_url))
    key_file = Path(arguments.key_file)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            key_backup = Path(arguments.key_backup) if arguments.key_backup else None
            if key_backup is None:  # stands in for the separate backup of the key file
                key_backup = Path(scratch) / "key-backup.json"
                shutil.copyfile(key_file, key_backup)
            drill(
                database,
                key_file,
                key_backup,
                arguments.checkpoint,
                keep=arguments.keep,
                samples=arguments.samples,
            )
    except DrillFailed:
        print("drill FAILED", flush=True)
        raise SystemExit(1) from None
    print("drill passed: the backup restores, its trail verifies and its notes decrypt")


if __name__ == "__main__":
    main()
