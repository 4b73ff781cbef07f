"""Audited requests per second: the audit head locked early on one chain (before), locked last
on one chain, and locked last on up to 16 chains (now).

    .venv/bin/python benchmarks/bench_audit.py [--seconds 3] [--rounds 5] [--workers 1,6]

Each worker is a process with its own connection doing what an audited page does: begin, read a
row, record one read event, ~5 ms of "rendering" (a sleep: this 2-core machine is shared, and a
busy loop would measure the other sessions), commit. Three forms, interleaved in chunks of
`--seconds`, the order reversed every round:

- `early` (before issue 14): the event is chained at once onto chain 0
  (`audit.append_queued(head_id=1)` right after `audit.record`), as `record` used to, so the one
  head row stays locked through rendering and commit.
- `last1`: chained onto chain 0 just before the commit (`append_queued(head_id=1)`), the head
  locked last: what appending at commit alone gives.
- `chains` (now): chained by the commit itself (`before_commit`) onto the first chain whose head
  no one holds, opening another (up to 16) when all are held.

Runs on PostgreSQL (`DATABASE_URL`, else the local server) in a throwaway database `audit_bench_*`,
created, migrated and dropped here. Prints, per form and worker count, the median requests/s over
the rounds, the p95 / max wait of the statement that locks the head (`UPDATE audit_head SET
seq`, timed in the worker) and the median time the head stays locked (from that statement's
return to the end of the commit), then verifies the whole chain the run wrote. Last lines:
`speed-up at N workers: X` (requests/s of `chains` / `early`).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import secrets
import statistics
import sys
import time
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from alembic import command
from sqlalchemy import event
from sqlalchemy.engine import make_url

from casework.audit import services as audit
from casework.auth.models import User
from casework.config import normalise_database_url
from casework.db import db
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.factories import make_user

RENDER_SECONDS = 0.005
FORMS = ("early", "last1", "chains")
LOCKING_STATEMENT = "UPDATE audit_head SET seq"


def _request(user_id: object, form: str, number: int, locked: dict[str, float]) -> float:
    """One audited page view; returns how long it held the head row locked."""
    user = db.session.get(User, user_id)
    assert user is not None
    audit.record(
        "client.read",
        actor=user,
        object_type="client",
        object_id=f"bench-{number}",
        client_id="00000000-0000-0000-0000-000000000001",
        fields=["family_name", "given_name"],
    )
    if form == "early":
        audit.append_queued(head_id=1)
    time.sleep(RENDER_SECONDS)
    if form == "last1":
        audit.append_queued(head_id=1)
    db.session.commit()
    return time.perf_counter() - locked.pop("at")


def _worker(url: str, user_id: object, pipe: Pipe) -> None:
    """Serve chunks on command: ("run", form, start_at, end_at) -> (requests, waits, holds)."""
    app = make_test_app(url)
    waits: list[float] = []
    holds: list[float] = []
    locked: dict[str, float] = {}
    with app.app_context():
        started: dict[int, float] = {}

        @event.listens_for(db.engine, "before_cursor_execute")
        def _before(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
            if statement.startswith(LOCKING_STATEMENT):
                started[id(cursor)] = time.perf_counter()

        @event.listens_for(db.engine, "after_cursor_execute")
        def _after(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
            if statement.startswith(LOCKING_STATEMENT):
                locked["at"] = time.perf_counter()
                waits.append(locked["at"] - started.pop(id(cursor)))

    number = 0
    while True:
        message = pipe.recv()
        if message[0] == "stop":
            break
        _, form, start_at, end_at = message
        waits.clear()
        holds.clear()
        time.sleep(max(0.0, start_at - time.time()))
        done = 0
        while time.time() < end_at:
            with app.app_context():
                holds.append(_request(user_id, form, number, locked))
            number, done = number + 1, done + 1
        pipe.send((done, list(waits), list(holds)))
    with app.app_context():
        db.engine.dispose()


def _admin(server: str) -> tuple[str, Any]:
    url = make_url(normalise_database_url(server))
    admin = url.set(drivername="postgresql", database=url.database or "postgres")
    return admin.render_as_string(hide_password=False), url


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run(url: str, seconds: float, rounds: int, worker_counts: list[int]) -> dict[int, float]:
    app = make_test_app(url)
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        user_id = make_user().id
        db.session.commit()
        db.engine.dispose()
    context = multiprocessing.get_context("fork")  # the same test keys in every worker
    pipes = []
    processes = []
    for _ in range(max(worker_counts)):
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(url, user_id, child), daemon=True)
        process.start()
        pipes.append(parent)
        processes.append(process)

    def chunk(form: str, workers: int) -> tuple[float, list[float], list[float]]:
        start_at = time.time() + 0.3
        for pipe in pipes[:workers]:
            pipe.send(("run", form, start_at, start_at + seconds))
        results = [pipe.recv() for pipe in pipes[:workers]]
        waits = [wait for _, chunk_waits, _ in results for wait in chunk_waits]
        holds = [hold for _, _, chunk_holds in results for hold in chunk_holds]
        return sum(done for done, _, _ in results) / seconds, waits, holds

    for workers in worker_counts:  # warm up: imports, pools, plans
        for form in FORMS:
            chunk(form, workers)
    rates: dict[tuple[str, int], list[float]] = {}
    waits: dict[tuple[str, int], list[float]] = {}
    holds: dict[tuple[str, int], list[float]] = {}
    for round_number in range(rounds):
        order = FORMS if round_number % 2 == 0 else FORMS[::-1]
        for workers in worker_counts:
            for form in order:
                rate, chunk_waits, chunk_holds = chunk(form, workers)
                rates.setdefault((form, workers), []).append(rate)
                waits.setdefault((form, workers), []).extend(chunk_waits)
                holds.setdefault((form, workers), []).extend(chunk_holds)
    for pipe in pipes:
        pipe.send(("stop",))
    for process in processes:
        process.join(timeout=30)

    print(
        f"{'form':6} {'workers':>7} {'requests/s':>11} {'p95 lock wait':>14} {'max':>9} "
        f"{'median lock held':>17}"
    )
    for workers in worker_counts:
        for form in FORMS:
            key = (form, workers)
            print(
                f"{form:6} {workers:>7} {statistics.median(rates[key]):>11.1f} "
                f"{_percentile(waits[key], 0.95) * 1000:>11.2f} ms "
                f"{max(waits[key]) * 1000:>6.1f} ms "
                f"{statistics.median(holds[key]) * 1000:>14.2f} ms"
            )
    with app.app_context():
        report = audit.verify_trail()
        print(f"verify: {'ok' if report.ok else report.problem}, {report.events_checked} events")
        db.engine.dispose()
        if not report.ok:
            raise SystemExit(1)
    return {
        workers: statistics.median(rates[("chains", workers)])
        / statistics.median(rates[("early", workers)])
        for workers in worker_counts
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one chunk")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", default="1,6", help="worker counts, comma-separated")
    arguments = parser.parse_args()
    server = os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    if not server.startswith("postgres"):
        raise SystemExit("bench_audit runs on PostgreSQL: set DATABASE_URL to a server")
    worker_counts = [int(n) for n in arguments.workers.split(",")]
    admin_dsn, url = _admin(server)
    name = f"audit_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    print(
        f"PostgreSQL, database {name}: read a row, record one event, "
        f"{RENDER_SECONDS * 1000:.0f} ms rendering, commit; chunks of {arguments.seconds:g} s, "
        f"{arguments.rounds} rounds, medians"
    )
    try:
        speed_ups = run(
            url.set(database=name).render_as_string(hide_password=False),
            arguments.seconds,
            arguments.rounds,
            worker_counts,
        )
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for workers, speed_up in speed_ups.items():
        print(f"speed-up at {workers} workers: {speed_up:.2f}")


if __name__ == "__main__":
    main()
