"""Many transactions appending at once on PostgreSQL, each through its own connection: every
chain has no gap and no fork, an open transaction holding unchained events blocks nobody, and
one holding a chain's head sends the others to another chain.

Threads cannot share the per-test rolled-back transaction, so this module migrates a throwaway
database of its own.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import select

from casework.audit import services as audit
from casework.audit.models import AuditEvent, AuditHead
from casework.crypto.chain import GENESIS_MAC, chain_of, chain_start
from casework.db import db
from casework.migrate import alembic_config
from tests.conftest import make_test_app

WRITERS = 6
TRANSACTIONS_EACH = 10


@pytest.fixture
def own_app(fresh_database_url: str) -> Iterator[Flask]:
    app = make_test_app(fresh_database_url)
    with app.app_context():
        command.upgrade(alembic_config(), "head")
    yield app
    with app.app_context():
        db.engine.dispose()


def _record(writer: int, number: int, objects: int) -> None:
    audit.record_many(
        "client.read",
        actor=None,
        object_type="client",
        objects=[audit.Read(f"w{writer}-t{number}-o{o}") for o in range(objects)],
        fields=["given_name"],
    )


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()


@pytest.mark.postgres_only
def test_concurrent_appends_leave_every_chain_without_gaps_or_forks(own_app: Flask) -> None:
    errors: list[BaseException] = []
    committed: list[int] = []

    def write(writer: int) -> None:
        try:
            for number in range(TRANSACTIONS_EACH):
                with own_app.app_context():
                    objects = 1 + (writer + number) % 3
                    _record(writer, number, objects)
                    time.sleep(0.005)  # "rendering", the events still unchained
                    if number % 4 == 3:
                        db.session.rollback()  # a failed request: its events vanish with it
                        continue
                    db.session.commit()
                    committed.append(objects)
        except BaseException as error:  # reported below
            errors.append(error)

    _run([threading.Thread(target=write, args=(n,)) for n in range(WRITERS)])
    assert errors == []

    with own_app.app_context():
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        assert len(events) == sum(committed)
        heads = {head.id - 1: head for head in db.session.scalars(select(AuditHead))}
        for chain, in_chain in itertools.groupby(events, key=lambda e: chain_of(e.seq)):
            links = list(in_chain)
            start = chain_start(chain)
            assert [e.seq for e in links] == list(range(start + 1, start + len(links) + 1))
            assert links[0].prev_mac == GENESIS_MAC
            assert all(e.prev_mac == p.mac for p, e in itertools.pairwise(links))
            assert (heads[chain].seq, heads[chain].mac) == (links[-1].seq, links[-1].mac)
        assert not any(e.object_id and e.object_id.endswith(("t3-o0", "t7-o0")) for e in events)
        report = audit.verify_trail()
        assert report.ok and report.events_checked == sum(committed)


@pytest.mark.postgres_only
def test_an_open_transaction_with_recorded_events_blocks_no_other_append(own_app: Flask) -> None:
    others_done = threading.Event()
    outcome: dict[str, object] = {}

    def slow_page() -> None:
        with own_app.app_context():
            _record(0, 0, 1)
            # Before, the head row was locked here and the others queued behind it.
            outcome["others_finished_meanwhile"] = others_done.wait(timeout=20)
            db.session.commit()

    def quick_pages() -> None:
        time.sleep(0.2)  # the slow page has recorded its event by now
        with own_app.app_context():
            for number in range(5):
                _record(1, number, 1)
                db.session.commit()
        others_done.set()

    _run([threading.Thread(target=slow_page), threading.Thread(target=quick_pages)])
    assert outcome["others_finished_meanwhile"] is True
    with own_app.app_context():
        last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert last is not None and last.object_id == "w0-t0-o0" and last.seq == 6
        assert audit.verify_trail().ok


@pytest.mark.postgres_only
def test_a_transaction_holding_a_chain_sends_the_others_to_another_chain(
    own_app: Flask, tmp_path
) -> None:
    holding = threading.Event()
    others_done = threading.Event()
    outcome: dict[str, object] = {}

    def holder() -> None:
        with own_app.app_context():
            _record(0, 0, 1)
            audit.append_queued()  # chain 0's head is now locked until this commits
            holding.set()
            outcome["others_finished_meanwhile"] = others_done.wait(timeout=20)
            db.session.commit()

    def others() -> None:
        holding.wait(timeout=20)
        with own_app.app_context():
            for number in range(3):
                _record(1, number, 2)
                db.session.commit()
        others_done.set()

    _run([threading.Thread(target=holder), threading.Thread(target=others)])
    assert outcome["others_finished_meanwhile"] is True
    with own_app.app_context():
        seqs = list(db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
        assert seqs == [1, *range(chain_start(1) + 1, chain_start(1) + 7)]
        report = audit.verify_trail()
        assert report.ok and report.chain_heads == (1, chain_start(1) + 6)
        checkpoint = tmp_path / "heads.txt"
        assert (
            own_app.test_cli_runner()
            .invoke(args=["audit", "checkpoint", "--output", str(checkpoint)])
            .exit_code
            == 0
        )
        assert checkpoint.read_text().startswith("casework-checkpoint/v2:")
        verified = own_app.test_cli_runner().invoke(
            args=["audit", "verify", "--checkpoint", str(checkpoint)]
        )
        assert verified.exit_code == 0, verified.output
        assert "ok: 7 events in 2 chains" in verified.output
