"""Audit hash chain: each event's MAC covers its fields, its sequence number and the previous MAC.

Editing, deleting or reordering a stored event breaks the chain at that event. Cutting off the
newest events cannot be seen from the chain alone; a signed checkpoint of the head, kept outside
the database, catches that.

Chain `c` of a trail of several numbers its events from `c * CHAIN_SPAN + 1`: a seq names its
chain, and the MAC covers it. Chain 0 is 1, 2, 3, ...
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from casework.crypto.errors import AuditChainError
from casework.crypto.keys import KEY_LENGTH

GENESIS_MAC = "0" * 64
CHECKPOINT_PREFIX = "casework-checkpoint/v1"
_EVENT_LABEL = b"casework/audit-event/v1"
_CHECKPOINT_LABEL = b"casework/audit-checkpoint/v1"
_MAC_PATTERN = re.compile(r"[0-9a-f]{64}")
MAX_SEQ = 2**63 - 1
CHECKPOINTS_PREFIX = "casework-checkpoint/v2"
_CHECKPOINTS_LABEL = b"casework/audit-checkpoints/v2"
CHAIN_SPAN = 2**48  #: chain c holds c * CHAIN_SPAN + 1 ... (c + 1) * CHAIN_SPAN


def chain_of(seq: int) -> int:
    return (seq - 1) // CHAIN_SPAN


def chain_start(chain: int) -> int:  # the seq before a chain's first event
    return chain * CHAIN_SPAN


# --- canonical form -------------------------------------------------------------------------


def _canonical_value(value: object, path: str) -> Any:
    if isinstance(value, enum.Enum):
        return _canonical_value(value.value, path)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        raise AuditChainError(f"audit field {path} is a float; store a string or an integer")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise AuditChainError(f"audit field {path} is a naive datetime; use UTC")
        text = value.astimezone(dt.UTC).isoformat(timespec="microseconds")
        return text.removesuffix("+00:00") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditChainError(f"audit field {path} has a key that is not a string")
            result[key] = _canonical_value(item, f"{path}.{key}")
        return result
    if isinstance(value, list | tuple):
        return [_canonical_value(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise AuditChainError(f"audit field {path} has unsupported type {type(value).__name__}")


def canonical_event_bytes(fields: Mapping[str, object]) -> bytes:
    """The bytes an event's MAC covers: JSON, sorted keys, no spaces, UTF-8, no floats.

    Datetimes must be timezone-aware and become UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`; dates ISO;
    UUIDs canonical text; enums their value. Strings are not Unicode-normalised: the record is
    bit-exact. MAC exactly what the database gives back (e.g. timestamps at its precision).
    """
    if not isinstance(fields, Mapping):
        raise AuditChainError("audit event fields must be a mapping")
    canonical = _canonical_value(fields, "event")
    return json.dumps(
        canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


# --- MACs -----------------------------------------------------------------------------------


def _check_key(audit_key: bytes) -> None:
    if not isinstance(audit_key, bytes) or len(audit_key) != KEY_LENGTH:
        raise AuditChainError(f"the audit key must be {KEY_LENGTH} bytes")


def _check_seq(seq: int) -> None:
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_SEQ:
        raise AuditChainError("an audit sequence number must be a positive integer")


def _check_mac(mac: str, what: str) -> None:
    if not isinstance(mac, str) or not _MAC_PATTERN.fullmatch(mac):
        raise AuditChainError(f"{what} must be 64 lowercase hex characters")


def event_mac(audit_key: bytes, previous_mac: str, seq: int, canonical_bytes: bytes) -> str:
    """HMAC-SHA256 (hex) over label, previous MAC, sequence number and the canonical fields.

    The first event's previous MAC is GENESIS_MAC.
    """
    _check_key(audit_key)
    _check_mac(previous_mac, "the previous MAC")
    _check_seq(seq)
    message = b"".join(
        (
            _EVENT_LABEL,
            previous_mac.encode("ascii"),
            seq.to_bytes(8, "big"),
            len(canonical_bytes).to_bytes(8, "big"),
            canonical_bytes,
        )
    )
    return hmac.new(audit_key, message, hashlib.sha256).hexdigest()


class ChainLink(Protocol):
    """What verification reads from a stored event: a ChainEvent, or any object with these (or
    a mapping with the keys "seq", "mac" and "fields")."""

    @property
    def seq(self) -> int: ...

    @property
    def mac(self) -> str: ...

    @property
    def fields(self) -> Mapping[str, object]: ...


@dataclass(frozen=True)
class ChainEvent:
    """One audit event as chained: its sequence number, MAC and the fields the MAC covers."""

    seq: int
    mac: str
    fields: Mapping[str, object] = field(repr=False)
    #: The audit key (chain segment) that made `mac`; read when verifying with several keys.
    key_id: str | None = None


def next_event(
    audit_key: bytes, previous: ChainLink | None, fields: Mapping[str, object]
) -> ChainEvent:
    """The event that follows `previous` (None for the first event) in the chain.

    The caller must serialise appends (a unique constraint on seq and a retry, or a lock):
    two events with the same seq or built on the same head fork the chain.
    """
    seq, previous_mac = (1, GENESIS_MAC) if previous is None else (previous.seq + 1, previous.mac)
    mac = event_mac(audit_key, previous_mac, seq, canonical_event_bytes(fields))
    return ChainEvent(seq, mac, fields)


#: One audit key, or the keys of every chain segment by id, oldest first.
AuditKeys = bytes | Mapping[str, bytes]


def _key_list(audit_key: AuditKeys) -> list[bytes]:
    keys = [audit_key] if isinstance(audit_key, bytes) else list(audit_key.values())
    for key in keys:
        _check_key(key)
    return keys


# --- checkpoints ----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Checkpoint:
    """A signed statement that the chain's head was at `seq` with `mac`."""

    seq: int
    mac: str


def _checkpoint_tag(audit_key: bytes, seq: int, mac: str) -> str:
    message = _CHECKPOINT_LABEL + seq.to_bytes(8, "big") + mac.encode("ascii")
    return hmac.new(audit_key, message, hashlib.sha256).hexdigest()


def make_checkpoint(audit_key: bytes, seq: int, mac: str) -> str:
    """`casework-checkpoint/v1:<seq>:<head mac>:<tag>`, to be kept outside the database."""
    _check_key(audit_key)
    _check_seq(seq)
    _check_mac(mac, "the head MAC")
    return f"{CHECKPOINT_PREFIX}:{seq}:{mac}:{_checkpoint_tag(audit_key, seq, mac)}"


def parse_checkpoint(audit_key: AuditKeys, text: str) -> Checkpoint:
    """Parse and authenticate a checkpoint made by `make_checkpoint` (with any of the keys)."""
    keys = _key_list(audit_key)
    parts = text.strip().split(":") if isinstance(text, str) else []
    well_formed = (
        len(parts) == 4 and parts[0] == CHECKPOINT_PREFIX and _MAC_PATTERN.fullmatch(parts[3])
    )
    if not well_formed or not re.fullmatch(r"[1-9][0-9]{0,18}", parts[1]):
        raise AuditChainError(f"a checkpoint looks like '{CHECKPOINT_PREFIX}:<seq>:<mac>:<tag>'")
    seq, mac, tag = int(parts[1]), parts[2], parts[3]
    _check_seq(seq)
    _check_mac(mac, "the checkpoint's MAC")
    if not any(hmac.compare_digest(tag, _checkpoint_tag(key, seq, mac)) for key in keys):
        raise AuditChainError("the checkpoint's signature does not match (wrong key, or edited)")
    return Checkpoint(seq, mac)


def _checkpoints_tag(audit_key: bytes, heads: list[Checkpoint]) -> str:
    message = _CHECKPOINTS_LABEL + b"".join(
        head.seq.to_bytes(8, "big") + head.mac.encode("ascii") for head in heads
    )
    return hmac.new(audit_key, message, hashlib.sha256).hexdigest()


def make_checkpoints(audit_key: bytes, heads: Iterable[tuple[int, str]]) -> str:
    """One signed checkpoint of the heads of several chains, one `<seq>-<mac>` each:
    `casework-checkpoint/v2:<seq>-<mac>,<seq>-<mac>...:<tag>`."""
    ordered = sorted(Checkpoint(seq, mac) for seq, mac in heads)
    for head in ordered:
        make_checkpoint(audit_key, head.seq, head.mac)  # checks the key, each seq and MAC
    if not ordered or len({chain_of(head.seq) for head in ordered}) != len(ordered):
        raise AuditChainError("a checkpoint names each chain's head once")
    body = ",".join(f"{head.seq}-{head.mac}" for head in ordered)
    return f"{CHECKPOINTS_PREFIX}:{body}:{_checkpoints_tag(audit_key, ordered)}"


def parse_checkpoints(audit_key: AuditKeys, text: str) -> tuple[Checkpoint, ...]:
    """Parse and authenticate a checkpoint of one chain (v1) or of several (v2): the heads."""
    if not isinstance(text, str) or not text.strip().startswith(CHECKPOINTS_PREFIX + ":"):
        return (parse_checkpoint(audit_key, text),)
    parts = text.strip().split(":")
    entries = [entry.partition("-") for entry in parts[1].split(",")] if len(parts) == 3 else []
    if (
        not entries
        or not _MAC_PATTERN.fullmatch(parts[2])
        or not all(
            re.fullmatch(r"[1-9][0-9]{0,18}", seq)
            and int(seq) <= MAX_SEQ
            and _MAC_PATTERN.fullmatch(mac)
            for seq, _, mac in entries
        )
    ):
        raise AuditChainError(
            f"a checkpoint looks like '{CHECKPOINTS_PREFIX}:<seq>-<mac>,<seq>-<mac>...:<tag>'"
        )
    heads = sorted(Checkpoint(int(seq), mac) for seq, _, mac in entries)
    tags = (_checkpoints_tag(key, heads) for key in _key_list(audit_key))
    if not any(hmac.compare_digest(parts[2], tag) for tag in tags):
        raise AuditChainError("the checkpoint's signature does not match (wrong key, or edited)")
    if len({chain_of(head.seq) for head in heads}) != len(heads):
        raise AuditChainError("a checkpoint names each chain's head once")
    return tuple(heads)


# --- verification ---------------------------------------------------------------------------


class Problem(enum.StrEnum):
    """Why verification stopped."""

    EDITED = "edited"  # the event's MAC does not match its fields and predecessor
    MISSING = "missing"  # a sequence number is skipped: deleted, or stored out of order
    OUT_OF_ORDER = "out_of_order"  # a sequence number repeats or goes backwards
    TRUNCATED = "truncated"  # the chain ends before the checkpoint's head
    FORKED = "forked"  # the event at the checkpoint's seq has another MAC
    MALFORMED = "malformed"  # a stored event cannot be serialised or has a malformed MAC
    HEAD_MISSING = "head_missing"  # a chain has events but its head row was deleted


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of `verify_chain`; `first_bad_seq` is where trust in the chain ends."""

    events_checked: int
    head_seq: int | None
    head_mac: str | None
    problem: Problem | None = None
    first_bad_seq: int | None = None
    detail: str = ""
    #: The head of each chain verified (several when the trail has several chains).
    chain_heads: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None


def _as_link(event: ChainLink | Mapping[str, Any]) -> ChainLink:
    if isinstance(event, Mapping):
        return ChainEvent(
            seq=cast(int, event.get("seq")),  # a missing seq is reported as malformed
            mac=event.get("mac", ""),
            fields=event.get("fields", {}),
            key_id=event.get("key_id"),
        )
    return event


def verify_chain(
    events: Iterable[ChainLink | Mapping[str, Any]],
    audit_key: AuditKeys,
    checkpoint: Checkpoint | None = None,
    *,
    chain: int = 0,
) -> VerifyReport:
    """Check a chain (by default chain 0) from its first event, in the order given (normally by
    seq), stopping at the first problem.

    Events after a problem are not judged: once one link is broken, the rest of the chain can
    not be told apart from a forgery built on it. `head_*` describe the last event that verified.

    With the keys of several segments (a mapping, oldest first), each event is checked with the
    key its `key_id` names, and segments only move forward: an event under an earlier key after
    a later one is refused. The first event of a segment covers the previous one's last MAC.
    """
    _key_list(audit_key)
    segments = None if isinstance(audit_key, bytes) else list(audit_key)
    segment = 0
    previous_mac, expected_seq, checked = GENESIS_MAC, chain_start(chain) + 1, 0
    head_seq: int | None = None

    def report(problem: Problem, bad_seq: int, detail: str) -> VerifyReport:
        head_mac = previous_mac if head_seq is not None else None
        return VerifyReport(checked, head_seq, head_mac, problem, bad_seq, detail)

    for stored in events:
        event = _as_link(stored)
        seq = event.seq
        if isinstance(seq, bool) or not isinstance(seq, int):
            return report(Problem.MALFORMED, expected_seq, "an event's seq is not an integer")
        if seq > expected_seq:
            return report(
                Problem.MISSING,
                expected_seq,
                f"expected event {expected_seq} but found {seq}: deleted, or stored out of order",
            )
        if seq < expected_seq:
            return report(
                Problem.OUT_OF_ORDER,
                seq,
                f"event {seq} appears after event {expected_seq - 1}: repeated or reordered",
            )
        if isinstance(audit_key, bytes):
            key = audit_key
        else:
            key_id = getattr(event, "key_id", None)
            if not isinstance(key_id, str) or key_id not in audit_key:
                return report(
                    Problem.EDITED, seq, f"event {seq} names an audit key this server does not hold"
                )
            assert segments is not None
            if segments.index(key_id) < segment:
                return report(
                    Problem.EDITED, seq, f"event {seq} goes back to an earlier audit key's segment"
                )
            segment, key = segments.index(key_id), audit_key[key_id]
        try:
            expected_mac = event_mac(key, previous_mac, seq, canonical_event_bytes(event.fields))
        except AuditChainError as error:
            return report(Problem.MALFORMED, seq, f"event {seq}: {error}")
        stored_mac = event.mac if isinstance(event.mac, str) else ""
        well_formed = _MAC_PATTERN.fullmatch(stored_mac) is not None  # compare_digest needs ASCII
        if not well_formed or not hmac.compare_digest(stored_mac, expected_mac):
            return report(
                Problem.EDITED,
                seq,
                f"event {seq} does not match its MAC: edited, or moved from elsewhere",
            )
        seen_by_checkpoint = checkpoint.mac if checkpoint and seq == checkpoint.seq else None
        if seen_by_checkpoint and not hmac.compare_digest(event.mac, seen_by_checkpoint):
            return report(
                Problem.FORKED, seq, f"event {seq} differs from the one the checkpoint saw"
            )
        previous_mac, head_seq, expected_seq, checked = event.mac, seq, seq + 1, checked + 1

    if checkpoint is not None and (head_seq or chain_start(chain)) < checkpoint.seq:
        return report(
            Problem.TRUNCATED,
            expected_seq,
            f"the chain ends at event {head_seq or chain_start(chain)} but the checkpoint saw "
            f"event {checkpoint.seq}: the newest events were removed",
        )
    return VerifyReport(checked, head_seq, previous_mac if head_seq is not None else None)
