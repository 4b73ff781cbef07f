"""Encrypted vs plaintext session-note throughput through the ORM, in the same run.

    .venv/bin/python benchmarks/bench_crypto.py [--notes 20000]

Runs on a throwaway SQLite file, and also on PostgreSQL when DATABASE_URL points to a server
(a throwaway database is created there and dropped). Prints write and read throughputs for both
paths and ends with `ratio: <encrypted / plaintext>`, the lower of the write and read ratios.
Each path keeps its best of 5 alternating rounds (3 before): on a shared machine, one round in
which another process took the CPU decided a ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command
from sqlalchemy import LargeBinary, Text, Uuid, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casework.crypto.columns import Encrypted
from casework.crypto.keys import KeyMaterial
from casework.db import UUIDPk, db
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.database import throwaway_database

BATCH = 500
CLIENTS = 100


class BenchBase(DeclarativeBase):
    pass


class EncryptedNote(BenchBase):
    __tablename__ = "bench_encrypted_notes"
    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    body_ciphertext: Mapped[bytes | None] = mapped_column("body", LargeBinary)
    body = Encrypted[str]("body_ciphertext", owner="client_id")


class PlainNote(BenchBase):
    __tablename__ = "bench_plain_notes"
    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    body: Mapped[str | None] = mapped_column(Text)


def _note_text(number: int) -> str:
    paragraph = (
        "Sesja {n}: klientka opisuje napięcia w komunikacji z partnerem, pracujemy nad "
        "nazywaniem potrzeb i granic. Ustalenia: ćwiczenie rozmowy w parach, obserwacja "
        "sytuacji konfliktowych, kontakt z konsultantką ds. przemocy w razie potrzeby. "
    )
    return (paragraph.format(n=number) * 8)[:2048]


def _write(model: type, notes: int, client_ids: list[uuid.UUID]) -> float:
    start = time.perf_counter()
    for offset in range(0, notes, BATCH):
        for number in range(offset, min(offset + BATCH, notes)):
            note = model(client_id=client_ids[number % len(client_ids)])
            note.body = _note_text(number)
            db.session.add(note)
        db.session.commit()
    return time.perf_counter() - start


def _read(model: type) -> tuple[float, int]:
    db.session.expunge_all()
    db.session.close()  # a new unit of work: data keys are unwrapped again
    start = time.perf_counter()
    characters = 0
    for note in db.session.scalars(select(model).execution_options(yield_per=BATCH)):
        characters += len(note.body)
    return time.perf_counter() - start, characters


def _measure(model: type, notes: int, client_ids: list[uuid.UUID]) -> tuple[float, float]:
    db.session.execute(model.__table__.delete())
    db.session.commit()
    write_seconds = _write(model, notes, client_ids)
    read_seconds, characters = _read(model)
    assert characters == sum(len(_note_text(n)) for n in range(notes))
    return notes / write_seconds, notes / read_seconds


def run(url: str, notes: int, rounds: int) -> float:
    """Alternate the two paths `rounds` times and keep each path's best figures."""
    app = make_test_app(url, CASEWORK_KEY_MATERIAL=KeyMaterial.generate("bench"))
    paths = {"plaintext": PlainNote, "encrypted": EncryptedNote}
    best = {label: (0.0, 0.0) for label in paths}
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        BenchBase.metadata.create_all(db.engine)
        client_ids = [uuid.uuid4() for _ in range(CLIENTS)]
        for model in paths.values():
            _write(model, 200, client_ids)  # warm up: caches, pool, the clients' data keys
        for _ in range(rounds):
            for label, model in paths.items():
                write, read = _measure(model, notes, client_ids)
                best[label] = (max(best[label][0], write), max(best[label][1], read))
        db.session.close()
        db.engine.dispose()
    for label, (write, read) in best.items():
        print(f"  {label:9}  write {write:9.0f} notes/s   read {read:9.0f} notes/s")
    write_ratio = best["encrypted"][0] / best["plaintext"][0]
    read_ratio = best["encrypted"][1] / best["plaintext"][1]
    print(f"  write ratio {write_ratio:.3f}   read ratio {read_ratio:.3f}")
    return min(write_ratio, read_ratio)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    notes, rounds = arguments.notes, arguments.rounds
    ratios = []
    with tempfile.TemporaryDirectory() as directory:
        servers = [("SQLite", None)]
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith("postgres"):
            servers.append(("PostgreSQL", database_url))
        for name, server in servers:
            print(
                f"{name}: {notes} notes of ~2 KB, {CLIENTS} clients, batches of {BATCH}, "
                f"best of {rounds} rounds"
            )
            with throwaway_database(server, Path(directory)) as url:
                ratios.append(run(url, notes, rounds))
    print(f"ratio: {min(ratios):.3f}")


if __name__ == "__main__":
    main()
