"""Chaining audit events at the commit: the queue in the session, the chains' heads, the hooks.

`audit.record*` (casework/audit/services.py) queue events here; just before the transaction
commits they are numbered, MAC'd and inserted under the lock of one chain's head, taken last.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Executable,
    Join,
    Select,
    Table,
    TextClause,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.event import listens_for
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from casework.audit.models import CHAINS, AuditEvent, AuditHead
from casework.crypto.chain import GENESIS_MAC, canonical_event_bytes, chain_start, event_mac
from casework.crypto.errors import AuditChainError
from casework.crypto.keys import INITIAL_KEY_ID
from casework.crypto.keystore import key_material
from casework.db import db
from casework.metrics import timed_audit_append


def client_pseudonym(client_id: uuid.UUID | str, *, audit_key: bytes | None = None) -> str:
    """A keyed pseudonym for a client in the audit trail (not reversible without the key).

    Stable within a chain segment: events are filed under the key of their segment (default:
    the newest configured audit key).
    """
    message = b"casework/client-pseudonym/v1:" + str(client_id).encode()
    key = audit_key or key_material().audit_key
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def segment_key(key_id: str) -> bytes:
    """The audit key of the segment new events join; a server without it cannot audit."""
    key = key_material().audit_keys().get(key_id)
    if key is None:
        raise AuditChainError(
            f"audit events are now signed with the key {key_id!r}, which is not configured here"
        )
    return key


#: `Session.info` key of the events this session's transaction has recorded and not yet chained.
_QUEUE = "casework.audit.queue"

_EVENTS = cast(Table, AuditEvent.__table__)
HEAD_TABLE = cast(Table, AuditHead.__table__)
_COLUMNS = [column.key for column in _EVENTS.columns]


@dataclass
class _Queued:
    """An event recorded in a transaction, waiting for its commit to be chained."""

    event: AuditEvent
    client_id: uuid.UUID | str | None
    #: The (innermost) transaction it was recorded in: rolling that back drops it.
    transaction: SessionTransaction


def enqueue(events: Sequence[tuple[AuditEvent, uuid.UUID | str | None]]) -> None:
    """Queue events (each with the client it names) in this transaction: `append_queued`
    chains them at its commit.

    A chain's head row is locked only there, last, so the lock is held for the few statements
    of the append and the commit, not for the rest of the request (rendering included).
    """
    session = db.session()
    if session.get_transaction() is None:
        session.connection()  # begin now: an event belongs to the transaction it was recorded in
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None
    queue: list[_Queued] = session.info.setdefault(_QUEUE, [])
    queue += [_Queued(event, client_id, transaction) for event, client_id in events]


def append_queued(session: Session | None = None, *, head_id: int | None = None) -> None:
    """Chain the events this transaction recorded, now: lock a chain's head, number and MAC them.

    Runs by itself just before every commit, and before the trail is read inside the
    transaction that wrote to it; call it directly only to know an event's `seq` before commit.
    """
    session = session if session is not None else db.session()
    queued: list[_Queued] = session.info.pop(_QUEUE, None) or []
    if queued:
        _chain(session, queued, head_id)


@timed_audit_append
def _chain(session: Session, queued: list[_Queued], head_id: int | None) -> None:
    """The append itself (what an "audit append time" metric should time)."""
    session.flush()  # the transaction's own changes first, outside the lock
    # Bumping a head takes its write lock, so appends to one chain queue, not fork; it is the
    # transaction's last lock, held until the commit that follows.
    head_id, last_seq, previous_mac, key_id = _take_head(session, len(queued), head_id)
    audit_key = segment_key(key_id)
    for seq, entry in enumerate(queued, start=last_seq - len(queued) + 1):
        event = entry.event
        event.seq, event.key_id, event.prev_mac = seq, key_id, previous_mac
        if entry.client_id is not None:
            event.client_pseudonym = client_pseudonym(entry.client_id, audit_key=audit_key)
        event.mac = event_mac(
            audit_key, previous_mac, seq, canonical_event_bytes(event.chained_fields())
        )
        previous_mac = event.mac
    rows = [{column: getattr(entry.event, column) for column in _COLUMNS} for entry in queued]
    set_head = update(HEAD_TABLE).where(HEAD_TABLE.c.id == head_id).values(mac=previous_mac)
    # An executemany, whose SQL is compiled once a process (SQLAlchemy sends the rows as one
    # multi-row INSERT per 1,000): a multi-row VALUES statement is never cached, and compiling
    # it again for each request's events, under the head's lock, cost more than the round trip.
    session.execute(insert(_EVENTS), rows)
    session.execute(set_head)


def _take_head(session: Session, count: int, head_id: int | None) -> tuple[int, int, str, str]:
    """Lock a chain's head and move it on by `count`: (head id, its new seq, the MAC the first
    event follows, the segment's key id).

    On PostgreSQL the first head nobody else holds (so one user at a time always appends to
    chain 0), else a new chain, else (all CHAINS busy) wait for one. SQLite has one writer at a
    time and one chain.
    """
    bump = (
        update(HEAD_TABLE)
        .values(seq=HEAD_TABLE.c.seq + count)
        .returning(HEAD_TABLE.c.id, HEAD_TABLE.c.seq, HEAD_TABLE.c.mac, HEAD_TABLE.c.key_id)
    )
    if head_id is None and session.get_bind().dialect.name == "postgresql":
        free = (
            select(HEAD_TABLE.c.id)
            .order_by(HEAD_TABLE.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        for _ in range(CHAINS + 1):  # each retry follows another transaction opening a chain
            row = session.execute(bump.where(HEAD_TABLE.c.id == free)).one_or_none()
            if row is not None:
                return tuple(row)  # type: ignore[return-value]
            head_id = _open_chain(session)
            if head_id != _RACED:
                break
        if head_id is None or head_id == _RACED:  # every chain is busy: wait for one of them
            head_id = secrets.randbelow(CHAINS) + 1
    return tuple(session.execute(bump.where(HEAD_TABLE.c.id == (head_id or 1))).one())  # type: ignore[return-value]


#: `_open_chain` lost a race to open the next chain: look for a free head again.
_RACED = 0


def _open_chain(session: Session) -> int | None:
    """The head of a new chain, created locked by this transaction: its id; `_RACED` when
    another transaction opened the same chain first; None when all CHAINS exist."""
    next_id = (session.scalar(select(func.max(HEAD_TABLE.c.id))) or 0) + 1
    if next_id > CHAINS:
        return None
    # The segment's key as head 1 has it: a rotation locks the table, so none is under way.
    source = select(
        literal(next_id),
        literal(chain_start(next_id - 1), BigInteger),
        literal(GENESIS_MAC),
        HEAD_TABLE.c.key_id,
    ).where(HEAD_TABLE.c.id == 1)
    opened = session.execute(
        postgresql_insert(HEAD_TABLE)
        .from_select(["id", "seq", "mac", "key_id"], source)
        .on_conflict_do_nothing()
    )
    return next_id if cast(CursorResult[Any], opened).rowcount == 1 else _RACED


@listens_for(Session, "before_commit")
def _append_before_commit(session: Session) -> None:
    append_queued(session)


def _recorded_within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """An event is lost with the transaction (or savepoint) it records."""
    queue: list[_Queued] | None = session.info.get(_QUEUE)
    if queue:
        queue[:] = [q for q in queue if not _recorded_within(q.transaction, previous_transaction)]


@listens_for(Session, "after_transaction_end")
def _forget_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (queue emptied before), rolled back or closed
        session.info.pop(_QUEUE, None)


_TRAIL_TABLES = (AuditEvent.__tablename__, AuditHead.__tablename__)


@listens_for(Session, "do_orm_execute")
def _append_before_reading_the_trail(state: ORMExecuteState) -> None:
    """A transaction that reads the trail sees the events it recorded, as autoflush does rows."""
    if state.session.info.get(_QUEUE) and _reads_the_trail(state.statement):
        append_queued(state.session)


def _reads_the_trail(statement: Executable) -> bool:
    if isinstance(statement, TextClause):
        return any(table in statement.text for table in _TRAIL_TABLES)
    if not isinstance(statement, Select):
        return False
    froms = list(statement.get_final_froms())
    while froms:
        source = froms.pop()
        if isinstance(source, Join):
            froms += [source.left, source.right]
        elif getattr(source, "name", None) in _TRAIL_TABLES:
            return True
    return False


def signing_key_id() -> str:
    """The id of the audit key new events are signed with (the chain heads')."""
    return db.session.scalar(select(AuditHead.key_id).where(AuditHead.id == 1)) or INITIAL_KEY_ID
