"""Recording audit events: what an event holds, reads gathered per request, key segments.

Events are chained at the commit (`casework.audit.chaining`) and verified by
`casework.audit.verification`; both are re-exported here for the callers of `audit.services`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Protocol

from flask import g, has_request_context
from sqlalchemy import inspect, select, text, update

from casework.audit.chaining import HEAD_TABLE, append_queued, enqueue
from casework.audit.chaining import client_pseudonym as client_pseudonym
from casework.audit.chaining import signing_key_id as signing_key_id
from casework.audit.models import AuditEvent, AuditHead
from casework.audit.verification import checkpoint as checkpoint
from casework.audit.verification import verify_trail as verify_trail
from casework.crypto.keystore import key_material
from casework.db import db, utcnow
from casework.errors import Conflict


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
    """One event per object, chained with a constant number of statements (lists use this).

    Events are queued and chained when the transaction commits (`chaining.append_queued`), in
    the same transaction. A reason is never written here: `reason_row` is the row that keeps it
    encrypted, and the event holds only its reference (`reason_reference`). In a request, reads
    are also gathered until its commit point (`finish_reads`), so a page that reads one object
    twice records it once; the events returned then are placeholders."""
    if not objects:
        return []
    field_names = _field_names(fields)
    reason = reason_reference(reason_row) if reason_row is not None else None
    gathered = g.get("audit_reads") if has_request_context() and _is_read(action) else None
    if gathered is not None:
        return _gather(gathered, action, actor, object_type, objects, set(field_names), reason)
    return _queue(action, actor, object_type, objects, field_names, reason)


def _queue(
    action: str,
    actor: Actor | None,
    object_type: str,
    objects: Sequence[Read],
    field_names: list[str],
    reason: str | None,
) -> list[AuditEvent]:
    """One event per object, chained when the transaction commits (`append_queued`)."""
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
    events = [
        AuditEvent(object_id=str(item.object_id) if item.object_id is not None else None, **common)
        for item in objects
    ]
    enqueue([(event, item.client_id) for event, item in zip(events, objects, strict=True)])
    return events


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
    db.session.execute(update(HEAD_TABLE).values(key_id=new_key_id))
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
