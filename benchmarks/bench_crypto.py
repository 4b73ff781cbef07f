"""What field encryption costs one request: encrypted vs plaintext session notes, interleaved.

    .venv/bin/python benchmarks/bench_crypto.py [--requests 600] [--chunk 20] [--notes 20]

A request here is what a web request does around a note: a fresh session (a new app context
and a connection checked out of the pool), the signed-in user loaded, the case through the
policy (`policy.require_case`, `policy.can_see_note`), then either

- read: the 5 latest notes of one client of the case, decrypted, one audit event per note; or
- write: one new note sealed under the client's data key, its audit event;

and the commit. The two sides differ only in the note table: `bench_encrypted_notes` keeps the
body as AES-GCM ciphertext (`crypto.columns.Encrypted`, the product's column), `bench_plain_notes`
as text. Requests run in chunks, encrypted and plaintext alternating (ABAB..., who goes first
alternating too), so that noise from other processes hits both alike; each figure is the median
of the per-chunk ratios `plaintext time / encrypted time`. Prints `read ratio: X`,
`write ratio: X` and last `ratio: X` (the read ratio; goal >= 0.9).

Runs on a throwaway SQLite file; on PostgreSQL when DATABASE_URL is a postgresql URL, in a
database of its own (bench_crypto_<random>) that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from alembic import command
from flask import Flask
from sqlalchemy import Enum, LargeBinary, Text, Uuid, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casework import policy
from casework.audit import services as audit
from casework.auth.models import Role, User
from casework.auth.services import get_or_create_team
from casework.care.models import NoteKind, NoteState
from casework.config import normalise_database_url
from casework.crypto.columns import Encrypted
from casework.crypto.keys import KeyMaterial
from casework.db import Timestamp, UUIDPk, db
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.factories import make_case, make_user

LATEST = 5
NOTE_CONTENT = ("body", "addenda")


class BenchBase(DeclarativeBase):
    pass


class _NoteColumns:
    """The columns and indexes of `care.models.SessionNote` that a read touches, body aside
    (foreign keys left out: these tables live outside the product's metadata)."""

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[NoteKind] = mapped_column(Enum(NoteKind, native_enum=False, length=40))
    is_individual: Mapped[bool] = mapped_column(default=False)
    state: Mapped[NoteState] = mapped_column(Enum(NoteState, native_enum=False, length=40))
    created_at: Mapped[Timestamp]


class EncryptedNote(_NoteColumns, BenchBase):
    __tablename__ = "bench_encrypted_notes"
    __audit_type__ = "session_note"
    body_ciphertext: Mapped[bytes | None] = mapped_column("body", LargeBinary)
    body = Encrypted[str]("body_ciphertext", owner="client_id")


class PlainNote(_NoteColumns, BenchBase):
    __tablename__ = "bench_plain_notes"
    __audit_type__ = "session_note"
    body: Mapped[str | None] = mapped_column(Text)


NoteModel = type[EncryptedNote] | type[PlainNote]


def _note_text(number: int) -> str:
    paragraph = (
        "Sesja {n}: klientka opisuje napięcia w komunikacji z partnerem, pracujemy nad "
        "nazywaniem potrzeb i granic. Ustalenia: ćwiczenie rozmowy w parach, obserwacja "
        "sytuacji konfliktowych, kontakt z konsultantką ds. przemocy w razie potrzeby. "
    )
    return (paragraph.format(n=number) * 8)[:2048]


def read_latest(app: Flask, model: NoteModel, user_id: uuid.UUID, case_id: uuid.UUID) -> int:
    """One request: the latest notes of the case's client, decrypted and audited."""
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        case = policy.require_case(user, case_id)
        client_id = case.client_ids[0]
        notes = [
            note
            for note in db.session.scalars(
                select(model)
                .where(model.case_id == case.id, model.client_id == client_id)
                .order_by(model.created_at.desc())
                .limit(LATEST)
            )
            if policy.can_see_note(user, note, case, joint=False)  # type: ignore[arg-type]
        ]
        audit.record_many(
            "note.read",
            actor=user,
            object_type=model.__audit_type__,
            objects=[audit.Read(note.id, note.client_id) for note in notes],
            fields=NOTE_CONTENT,
        )
        characters = sum(len(note.body or "") for note in notes)
        db.session.commit()
        return characters


def write_one(
    app: Flask, model: NoteModel, user_id: uuid.UUID, case_id: uuid.UUID, number: int
) -> None:
    """One request: a new note about the case's client, sealed and audited."""
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        case = policy.require_case(user, case_id)
        note = model(
            case_id=case.id,
            client_id=case.client_ids[0],
            author_id=user.id,
            kind=NoteKind.PROGRESS,
            state=NoteState.SIGNED,
        )
        note.body = _note_text(number)
        db.session.add(note)
        audit.record_change("note.create", note, actor=user, fields=["body"])
        db.session.commit()


def _seed(app: Flask, cases: int, notes: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A case manager with `cases` open cases, each client with `notes` notes of both kinds."""
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        BenchBase.metadata.create_all(db.engine)
        team = get_or_create_team("Bench team")
        manager = make_user(roles=(Role.CASE_MANAGER,), team=team)
        case_ids = [make_case(manager).id for _ in range(cases)]
        db.session.commit()
        manager_id = manager.id
    for case_id in case_ids:
        for number in range(notes):
            for model in (EncryptedNote, PlainNote):
                write_one(app, model, manager_id, case_id, number)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
        db.engine.dispose()
    return manager_id, case_ids


def _interleaved(
    requests: int, chunk: int, request: Callable[[NoteModel, int], object]
) -> tuple[float, float, float]:
    """Median ms per request of each side and the median per-chunk ratio plain / encrypted."""
    ratios: list[float] = []
    per_request: dict[NoteModel, list[float]] = {EncryptedNote: [], PlainNote: []}
    for number, start in enumerate(range(0, requests, chunk)):
        order = (EncryptedNote, PlainNote) if number % 2 == 0 else (PlainNote, EncryptedNote)
        seconds: dict[NoteModel, float] = {}
        for model in order:
            began = time.perf_counter()
            for index in range(start, min(start + chunk, requests)):
                request(model, index)
            seconds[model] = time.perf_counter() - began
            per_request[model].append(seconds[model] / min(chunk, requests - start))
        ratios.append(seconds[PlainNote] / seconds[EncryptedNote])
    return (
        statistics.median(per_request[EncryptedNote]) * 1000,
        statistics.median(per_request[PlainNote]) * 1000,
        statistics.median(ratios),
    )


def _statements(app: Flask, request: Callable[[NoteModel, int], object], model: NoteModel) -> int:
    """How many statements one request on `model`'s table sends."""
    sent: list[str] = []

    def count(*_args: object) -> None:
        sent.append("")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        request(model, 0)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def run(url: str, *, requests: int, chunk: int, cases: int, notes: int) -> tuple[float, float]:
    app = make_test_app(url, CASEWORK_KEY_MATERIAL=KeyMaterial.generate("bench"))
    user_id, case_ids = _seed(app, cases, notes)

    def read(model: NoteModel, index: int) -> object:
        return read_latest(app, model, user_id, case_ids[index % len(case_ids)])

    def write(model: NoteModel, index: int) -> object:
        write_one(app, model, user_id, case_ids[index % len(case_ids)], index)
        return None

    _interleaved(2 * chunk, chunk, read)  # warm up: pool, statement caches, imports
    counts = {
        (kind, model): _statements(app, request, model)
        for kind, request in (("read", read), ("write", write))
        for model in (EncryptedNote, PlainNote)
    }
    print(
        "  statements per request: "
        + ", ".join(
            f"{kind} {counts[kind, EncryptedNote]} encrypted / {counts[kind, PlainNote]} plaintext"
            for kind in ("read", "write")
        )
    )
    read_encrypted, read_plain, read_ratio = _interleaved(requests, chunk, read)
    write_encrypted, write_plain, write_ratio = _interleaved(requests, chunk, write)
    print(f"  read {LATEST} latest notes, median ms per request: ", end="")
    print(f"encrypted {read_encrypted:.2f}, plaintext {read_plain:.2f}")
    print("  write one note, median ms per request: ", end="")
    print(f"encrypted {write_encrypted:.2f}, plaintext {write_plain:.2f}")
    print(f"  read ratio: {read_ratio:.3f}")
    print(f"  write ratio: {write_ratio:.3f}")
    with app.app_context():
        db.engine.dispose()
    return read_ratio, write_ratio


@contextmanager
def throwaway_database(server_url: str | None, directory: Path) -> Iterator[str]:
    """A new empty database of this benchmark's own, dropped afterwards."""
    if not server_url:
        yield f"sqlite:///{directory / 'bench_crypto.sqlite3'}"
        return
    url = make_url(normalise_database_url(server_url))
    name = f"bench_crypto_{secrets.token_hex(4)}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per side and kind")
    parser.add_argument("--chunk", type=int, default=20)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--notes", type=int, default=20, help="notes per client at the start")
    arguments = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    server = database_url if database_url.startswith("postgres") else None
    print(
        f"{'PostgreSQL' if server else 'SQLite'}: {arguments.requests} requests per side, "
        f"chunks of {arguments.chunk}, {arguments.cases} clients with {arguments.notes} notes "
        "of ~2 KB each"
    )
    with (
        tempfile.TemporaryDirectory() as directory,
        throwaway_database(server, Path(directory)) as url,
    ):
        read_ratio, _write_ratio = run(
            url,
            requests=arguments.requests,
            chunk=arguments.chunk,
            cases=arguments.cases,
            notes=arguments.notes,
        )
    print(f"ratio: {read_ratio:.3f}")


if __name__ == "__main__":
    main()
