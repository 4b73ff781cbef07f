"""Writing audit events into the hash chain, and verifying the chain."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any, Protocol, cast

from flask import g, has_request_context
from sqlalchemy import (
    BigInteger,
    Executable,
    Join,
    Select,
    Table,
    TextClause,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.event import listens_for
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from casework.audit.models import CHAINS, AuditEvent, AuditHead
from casework.crypto.chain import (
    GENESIS_MAC,
    ChainEvent,
    Checkpoint,
    Problem,
    VerifyReport,
    canonical_event_bytes,
    chain_of,
    chain_start,
    event_mac,
    make_checkpoint,
    make_checkpoints,
    parse_checkpoints,
    verify_chain,
)
from casework.crypto.errors import AuditChainError
from casework.crypto.keys import INITIAL_KEY_ID
from casework.crypto.keystore import key_material
from casework.db import db, utcnow
from casework.errors import Conflict


def client_pseudonym(client_id: uuid.UUID | str, *, audit_key: bytes | None = None) -> str:
    """A keyed pseudonym for a client in the audit trail (not reversible without the key).

    Stable within a chain segment: events are filed under the key of their segment (default:
    the newest configured audit key).
    """
    message = b"casework/client-pseudonym/v1:" + str(client_id).encode()
    key = audit_key or key_material().audit_key
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _segment_key(key_id: str) -> bytes:
    """The audit key of the segment new events join; a server without it cannot audit."""
    key = key_material().audit_keys().get(key_id)
    if key is None:
        raise AuditChainError(
            f"audit events are now signed with the key {key_id!r}, which is not configured here"
        )
    return key


class Actor(Protocol):
    """Who acts: a staff account (`casework.auth.models.User`); audit needs only its id and
    roles, so the trail does not depend on the accounts package."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def roles(self) -> AbstractSet[str]: ...


def _actor_role(actor: Actor | None) -> str:
    if actor is None:
        return "system"
    return ",".join(sorted(actor.roles)) or "none"


#: A field is named, never quoted: an identifier, so no value or sentence fits in the trail.
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,79}")


def _field_names(fields: Iterable[str]) -> list[str]:
    names = sorted(set(fields))
    for name in names:
        if not isinstance(name, str) or not _FIELD_NAME.fullmatch(name):
            raise ValueError("audit events hold field names, never values or free text")
    return names


def reason_reference(row: object) -> str:
    """`<table>:<id>` of the stored row whose encrypted column holds a reason: the only form a
    reason takes in the append-only trail, so erasing or re-keying that row reaches it."""
    state = inspect(row, raiseerr=False)
    table = getattr(type(row), "__tablename__", None)
    row_id = getattr(row, "id", None)
    stored = state is not None and (state.pending or state.persistent)
    if not stored or not isinstance(table, str) or not isinstance(row_id, uuid.UUID):
        raise TypeError("an audit reason is a reference to a stored row, never text")
    return f"{table}:{row_id}"


@dataclass(frozen=True)
class Read:
    """One object an event is about: its id and the client it belongs to."""

    object_id: uuid.UUID | str | None
    client_id: uuid.UUID | str | None = None


def record(
    action: str,
    *,
    actor: Actor | None,
    object_type: str,
    object_id: uuid.UUID | str | None = None,
    client_id: uuid.UUID | str | None = None,
    fields: Iterable[str] = (),
    reason_row: object | None = None,
) -> AuditEvent:
    """Append one event in the current transaction; it is kept exactly when the change is."""
    return record_many(
        action,
        actor=actor,
        object_type=object_type,
        objects=[Read(object_id, client_id)],
        fields=fields,
        reason_row=reason_row,
    )[0]


def record_change(
    action: str,
    obj: object,
    *,
    actor: Actor | None,
    fields: Iterable[str] = (),
    reason_row: object | None = None,
) -> AuditEvent:
    """Append one event about the model instance `obj`: its audit type (`__audit_type__`), id and
    client (`audit_client_id`, else `client_id`) come from the object itself."""
    return record(
        action,
        actor=actor,
        object_type=audit_type_of(obj),
        object_id=getattr(obj, "id"),  # noqa: B009
        client_id=audit_client_of(obj),
        fields=fields,
        reason_row=reason_row,
    )


def audit_type_of(obj: object) -> str:
    return str(getattr(type(obj), "__audit_type__"))  # noqa: B009


def audit_client_of(obj: object) -> uuid.UUID | None:
    """The client an object's events are filed under (none for staff-only records)."""
    for attribute in ("audit_client_id", "client_id"):
        if hasattr(obj, attribute):
            value = getattr(obj, attribute)
            return value if isinstance(value, uuid.UUID) or value is None else uuid.UUID(str(value))
    return None


def record_many(
    action: str,
    *,
    actor: Actor | None,
    object_type: str,
    objects: Sequence[Read],
    fields: Iterable[str] = (),
    reason_row: object | None = None,
) -> list[AuditEvent]:
    """One event per object, appended with a constant number of statements (lists use this).

    A reason is never written here: `reason_row` is the row that keeps it encrypted, and the
    event holds only its reference (`reason_reference`). In a request, reads are gathered and
    written at its commit point (`finish_reads`), so a page that reads one object twice records
    it once."""
    if not objects:
        return []
    field_names = _field_names(fields)
    reason = reason_reference(reason_row) if reason_row is not None else None
    gathered = g.get("audit_reads") if has_request_context() and _is_read(action) else None
    if gathered is not None:
        return _gather(gathered, action, actor, object_type, objects, set(field_names), reason)
    return _queue(action, actor, object_type, objects, field_names, reason)


#: `Session.info` key of the events this session's transaction has recorded and not yet chained.
_QUEUE = "casework.audit.queue"

_EVENTS = cast(Table, AuditEvent.__table__)
_HEAD = cast(Table, AuditHead.__table__)
_COLUMNS = [column.key for column in _EVENTS.columns]


@dataclass
class _Queued:
    """An event recorded in a transaction, waiting for its commit to be chained."""

    event: AuditEvent
    client_id: uuid.UUID | str | None
    #: The (innermost) transaction it was recorded in: rolling that back drops it.
    transaction: SessionTransaction


def _queue(
    action: str,
    actor: Actor | None,
    object_type: str,
    objects: Sequence[Read],
    field_names: list[str],
    reason: str | None,
) -> list[AuditEvent]:
    """One event per object, chained when the transaction commits (`append_queued`).

    The chain's head row is locked only there, last, so the lock is held for the few statements
    of the append and the commit, not for the rest of the request (rendering included).
    """
    session = db.session()
    if session.get_transaction() is None:
        session.connection()  # begin now: an event belongs to the transaction it was recorded in
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None
    common = {
        "occurred_at": utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "actor_role": _actor_role(actor),
        "action": action,
        "object_type": object_type,
        "fields": field_names,
        "reason": reason,
        "request_id": g.get("request_id") if has_request_context() else None,
    }
    queue: list[_Queued] = session.info.setdefault(_QUEUE, [])
    events = []
    for item in objects:
        object_id = str(item.object_id) if item.object_id is not None else None
        event = AuditEvent(object_id=object_id, **common)
        queue.append(_Queued(event, item.client_id, transaction))
        events.append(event)
    return events


def append_queued(session: Session | None = None, *, head_id: int | None = None) -> None:
    """Chain the events this transaction recorded, now: lock a chain's head, number and MAC them.

    Runs by itself just before every commit, and before the trail is read inside the
    transaction that wrote to it; call it directly only to know an event's `seq` before commit.
    """
    session = session if session is not None else db.session()
    queued: list[_Queued] = session.info.pop(_QUEUE, None) or []
    if not queued:
        return
    session.flush()  # the transaction's own changes first, outside the lock
    # Bumping a head takes its write lock, so appends to one chain queue, not fork; it is the
    # transaction's last lock, held until the commit that follows.
    head_id, last_seq, previous_mac, key_id = _take_head(session, len(queued), head_id)
    audit_key = _segment_key(key_id)
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
    set_head = update(_HEAD).where(_HEAD.c.id == head_id).values(mac=previous_mac)
    if session.get_bind().dialect.name == "postgresql":
        # The events ride on the head's statement: one round trip fewer under the lock.
        chained = insert(_EVENTS).values(rows).cte("chained")
        session.execute(set_head.add_cte(chained))
    else:
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
        update(_HEAD)
        .values(seq=_HEAD.c.seq + count)
        .returning(_HEAD.c.id, _HEAD.c.seq, _HEAD.c.mac, _HEAD.c.key_id)
    )
    if head_id is None and session.get_bind().dialect.name == "postgresql":
        free = (
            select(_HEAD.c.id)
            .order_by(_HEAD.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        for _ in range(CHAINS + 1):  # each retry follows another transaction opening a chain
            row = session.execute(bump.where(_HEAD.c.id == free)).one_or_none()
            if row is not None:
                return tuple(row)  # type: ignore[return-value]
            head_id = _open_chain(session)
            if head_id != _RACED:
                break
        if head_id is None or head_id == _RACED:  # every chain is busy: wait for one of them
            head_id = secrets.randbelow(CHAINS) + 1
    return tuple(session.execute(bump.where(_HEAD.c.id == (head_id or 1))).one())  # type: ignore[return-value]


#: `_open_chain` lost a race to open the next chain: look for a free head again.
_RACED = 0


def _open_chain(session: Session) -> int | None:
    """The head of a new chain, created locked by this transaction: its id; `_RACED` when
    another transaction opened the same chain first; None when all CHAINS exist."""
    next_id = (session.scalar(select(func.max(_HEAD.c.id))) or 0) + 1
    if next_id > CHAINS:
        return None
    # The segment's key as head 1 has it: a rotation locks the table, so none is under way.
    source = select(
        literal(next_id),
        literal(chain_start(next_id - 1), BigInteger),
        literal(GENESIS_MAC),
        _HEAD.c.key_id,
    ).where(_HEAD.c.id == 1)
    opened = session.execute(
        postgresql_insert(_HEAD)
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


def _is_read(action: str) -> bool:
    """Reads are named `<object>.read` or `<object>.<what>_read`."""
    return action.endswith("read")


@dataclass
class _GatheredRead:
    actor: Actor | None
    action: str
    object_type: str
    item: Read
    reason: str | None
    #: Returned to the caller; its fields grow when the object is read again for other fields.
    placeholder: AuditEvent


def gather_reads() -> None:
    """From now on, this request's read events wait for `finish_reads`: one per object, action,
    actor and reason, with the fields of every read of it."""
    g.audit_reads = {}


def finish_reads(*, shown: bool) -> None:
    """At the request's commit point: write the gathered reads (`shown`) or drop them (a page
    that only redirected elsewhere showed nothing). Later reads are written at once."""
    gathered: dict[tuple[object, ...], _GatheredRead] | None = g.pop("audit_reads", None)
    if not gathered or not shown:
        return
    batches: dict[tuple[object, ...], list[_GatheredRead]] = {}
    for read in gathered.values():
        actor_id = read.actor.id if read.actor is not None else None
        key = (actor_id, read.action, read.object_type, read.reason, *read.placeholder.fields)
        batches.setdefault(key, []).append(read)
    for reads in batches.values():
        first = reads[0]
        _queue(
            first.action,
            first.actor,
            first.object_type,
            [read.item for read in reads],
            list(first.placeholder.fields),
            first.reason,
        )


def _gather(
    gathered: dict[tuple[object, ...], _GatheredRead],
    action: str,
    actor: Actor | None,
    object_type: str,
    objects: Sequence[Read],
    fields: set[str],
    reason: str | None,
) -> list[AuditEvent]:
    """Events not yet in the chain: `finish_reads` writes them."""
    events = []
    actor_id = actor.id if actor is not None else None
    for item in objects:
        key = (actor_id, action, object_type, str(item.object_id), str(item.client_id), reason)
        read = gathered.get(key)
        if read is None:
            placeholder = AuditEvent(action=action, object_type=object_type, fields=[])
            read = gathered[key] = _GatheredRead(
                actor, action, object_type, item, reason, placeholder
            )
        read.placeholder.fields = sorted(set(read.placeholder.fields) | fields)
        events.append(read.placeholder)
    return events


def verify_trail(checkpoint_text: str | None = None) -> VerifyReport:
    """Check every chain and that each ends where its head row says; with a checkpoint kept
    elsewhere, also that nobody cut a tail and rewound its head row too."""
    audit_keys = key_material().audit_keys()
    checkpoints = (
        {chain_of(c.seq): c for c in parse_checkpoints(audit_keys, checkpoint_text)}
        if checkpoint_text
        else {}
    )
    heads = {head.id - 1: (head.seq, head.mac) for head in db.session.scalars(select(AuditHead))}
    reports: list[VerifyReport] = []
    seen: set[int] = set()
    rows = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
    )
    try:
        for chain, events in groupby(rows, key=lambda row: chain_of(row.seq)):
            links = (ChainEvent(e.seq, e.mac, e.chained_fields(), e.key_id) for e in events)
            reports.append(_verify_one(chain, links, audit_keys, checkpoints, heads))
            seen.add(chain)
            if not reports[-1].ok:
                return reports[-1]
    finally:
        rows.close()  # verification may stop early; release the server-side cursor
    for chain in sorted(
        (heads.keys() | checkpoints.keys()) - {chain_of(r.head_seq or 1) for r in reports}
    ):
        reports.append(_verify_one(chain, iter(()), audit_keys, checkpoints, heads))
        if not reports[-1].ok:
            return reports[-1]
    first = reports[0] if reports else VerifyReport(0, None, None)
    return replace(
        first,
        events_checked=sum(r.events_checked for r in reports),
        chain_heads=tuple(r.head_seq for r in reports if r.head_seq is not None),
    )


def _verify_one(
    chain: int,
    links: Iterator[ChainEvent],
    audit_keys: dict[str, bytes],
    checkpoints: dict[int, Checkpoint],
    heads: dict[int, tuple[int, str]],
) -> VerifyReport:
    """One chain's events, then its head row."""
    if not 0 <= chain < CHAINS:
        bad = next(links).seq
        return VerifyReport(0, None, None, Problem.MALFORMED, bad, f"event {bad} is in no chain")
    report = verify_chain(links, audit_keys, checkpoints.get(chain), chain=chain)
    if not report.ok:
        return report
    last_seq = report.head_seq or chain_start(chain)
    head = heads.get(chain)
    where = "the chain" if chain == 0 else f"chain {chain}"
    if head is None:
        if report.head_seq is None:
            return report
        return replace(
            report,
            problem=Problem.HEAD_MISSING,
            first_bad_seq=last_seq,
            detail=f"{where} has events up to sequence {last_seq} but no head row",
        )
    if head != (last_seq, report.head_mac or GENESIS_MAC):
        return replace(
            report,
            problem=Problem.TRUNCATED,
            first_bad_seq=last_seq + 1,
            detail=f"{where} ends at sequence {last_seq}, its head row says {head[0]}",
        )
    return report


def checkpoint() -> str | None:
    """A signed checkpoint of every chain's newest event, to keep outside the database (None: no
    events). A trail of one chain gets the v1 form (one head)."""
    heads = db.session.scalars(select(AuditHead).order_by(AuditHead.id)).all()
    used = [head for head in heads if head.seq > chain_start(head.id - 1)]
    if not used:
        return None
    if [head.id for head in used] == [1]:
        last = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.seq <= chain_start(1))
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        )
        if last is None:
            return None
        return make_checkpoint(_segment_key(last.key_id), last.seq, last.mac)
    return make_checkpoints(_segment_key(signing_key_id()), [(h.seq, h.mac) for h in used])


def signing_key_id() -> str:
    """The id of the audit key new events are signed with (the chain heads')."""
    return db.session.scalar(select(AuditHead.key_id).where(AuditHead.id == 1)) or INITIAL_KEY_ID


def start_segment(new_key_id: str, *, actor: Actor | None = None) -> AuditEvent:
    """Sign every new event with the audit key `new_key_id` from now on.

    In every chain, the first event of the new segment records the switch; its MAC covers the
    last MAC of the previous segment, so the two segments stay one chain. Older keys verify,
    never sign. Returns chain 0's event.
    """
    keys = list(key_material().audit_keys())
    if db.session.get_bind().dialect.name == "postgresql":
        # Waits for every append and chain opening under way, and holds new ones until the
        # commit: no chain misses the switch, none is opened under the old key meanwhile.
        db.session.execute(text("LOCK TABLE audit_head IN SHARE ROW EXCLUSIVE MODE"))
    heads = db.session.execute(
        select(AuditHead.id, AuditHead.key_id).order_by(AuditHead.id).with_for_update()
    ).all()
    current = heads[0].key_id if heads else None
    if current == new_key_id:
        raise Conflict(
            "audit events are already signed with %(key)s; add a new audit key first",
            key=new_key_id,
        )
    if current not in keys or keys.index(current) > keys.index(new_key_id):
        raise Conflict(
            "audit key %(key)s must come after the current one in the key configuration",
            key=new_key_id,
        )
    db.session.execute(update(_HEAD).values(key_id=new_key_id))
    events = []
    for head in heads:
        events.append(
            record("audit.key_rotate", actor=actor, object_type="audit_key", object_id=new_key_id)
        )
        append_queued(head_id=head.id)  # the heads are locked already
    return events[0]


def record_integrity_failure(
    *, actor: Actor | None, table: str, column: str, row_id: object, client_id: str | None
) -> None:
    """Record a failed decryption in a transaction of its own, since the request's is lost."""
    db.session.rollback()
    record(
        "decrypt_failed",
        actor=actor,
        object_type=table,
        object_id=str(row_id),
        client_id=client_id,
        fields=[column],
    )
    db.session.commit()
