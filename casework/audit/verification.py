"""Verifying the audit trail (every chain against its head) and signed checkpoints of the heads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from itertools import groupby

from sqlalchemy import select

from casework.audit.chaining import segment_key, signing_key_id
from casework.audit.models import CHAINS, AuditEvent, AuditHead
from casework.crypto.chain import (
    GENESIS_MAC,
    ChainEvent,
    Checkpoint,
    Problem,
    VerifyReport,
    chain_of,
    chain_start,
    make_checkpoint,
    make_checkpoints,
    parse_checkpoints,
    verify_chain,
)
from casework.crypto.keystore import key_material
from casework.db import db


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
        return make_checkpoint(segment_key(last.key_id), last.seq, last.mac)
    return make_checkpoints(segment_key(signing_key_id()), [(h.seq, h.mac) for h in used])
