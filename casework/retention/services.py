"""Applying the retention policy: clients whose last contact with the centre ended more than
the configured number of years ago are anonymised by the erasure code path (crypto-shredding),
in batches; the statistical columns stay, so reports still count them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from casework.audit import services as audit
from casework.care.models import Enrolment, EnrolmentStatus
from casework.cases.models import Case, CaseParticipant, CaseState
from casework.clients.models import Client
from casework.consultations.models import InformationConsultation
from casework.crypto.models import BlindIndexEntry
from casework.db import db, utcnow
from casework.groups.models import OPEN_STATUSES, GroupEnrolment
from casework.privacy.services import anonymise_client
from casework.retention.models import RetentionRun

OPEN_CARE = (EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITLISTED)


@dataclass(frozen=True)
class RetentionPolicy:
    """How long a client's record is kept after their last contact with the centre."""

    years_after_last_contact: int
    batch_size: int = 200

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RetentionPolicy:
        return cls(
            years_after_last_contact=config["CASEWORK_RETENTION_YEARS"],
            batch_size=config["CASEWORK_RETENTION_BATCH_SIZE"],
        )

    def cutoff(self, now: datetime) -> datetime:
        """The moment `years_after_last_contact` years before `now` (29 February: the 28th)."""
        year = now.year - self.years_after_last_contact
        try:
            return now.replace(year=year)
        except ValueError:
            return now.replace(year=year, day=28)


def is_due(cutoff: datetime) -> ColumnElement[bool]:
    """A client is due when not yet erased, registered and last in contact at or before
    `cutoff`: every case closed by then, every service and group enrolment ended by then, no
    consultation after it. An open case or enrolment keeps a client whatever its age."""
    case_not_over = exists().where(
        CaseParticipant.client_id == Client.id,
        Case.id == CaseParticipant.case_id,
        or_(Case.state != CaseState.CLOSED, Case.closed_at.is_(None), Case.closed_at > cutoff),
    )
    care_not_over = exists().where(
        Enrolment.client_id == Client.id,
        or_(
            Enrolment.status.in_(OPEN_CARE),
            func.coalesce(Enrolment.ended_at, Enrolment.started_at) > cutoff,
        ),
    )
    group_not_over = exists().where(
        GroupEnrolment.client_id == Client.id,
        or_(
            GroupEnrolment.status.in_(OPEN_STATUSES),
            func.coalesce(GroupEnrolment.ended_at, GroupEnrolment.enrolled_at) > cutoff,
        ),
    )
    recent_consultation = exists().where(
        InformationConsultation.client_id == Client.id,
        InformationConsultation.consulted_on > cutoff.date(),
    )
    return and_(
        Client.erased_at.is_(None),
        Client.created_at <= cutoff,
        ~case_not_over,
        ~care_not_over,
        ~group_not_over,
        ~recent_consultation,
    )


def _due_ids(cutoff: datetime) -> Select[Any]:
    return select(Client.id).where(is_due(cutoff))


@dataclass(frozen=True)
class Preview:
    """What a run would do now: counts only, never who."""

    cutoff_at: datetime
    clients: int
    blind_indexes: int


def preview(policy: RetentionPolicy, *, now: datetime | None = None) -> Preview:
    """The dry run: how many clients are due, and how many blind indexes would go."""
    cutoff = policy.cutoff(now or utcnow())
    due = _due_ids(cutoff)
    clients = db.session.scalar(select(func.count()).select_from(due.subquery()))
    indexes = db.session.scalar(
        select(func.count()).select_from(BlindIndexEntry).where(BlindIndexEntry.client_id.in_(due))
    )
    return Preview(cutoff, clients or 0, indexes or 0)


def start_run(policy: RetentionPolicy, *, now: datetime | None = None) -> RetentionRun:
    """Open the record of a run; its cutoff holds for every batch of it."""
    run = RetentionRun(
        years_after_last_contact=policy.years_after_last_contact,
        cutoff_at=policy.cutoff(now or utcnow()),
        clients_anonymised=0,
        keys_destroyed=0,
    )
    db.session.add(run)
    db.session.flush()
    return run


def anonymise_batch(run: RetentionRun, *, batch_size: int) -> int:
    """Anonymise up to `batch_size` due clients; returns how many (0: nothing left).

    The client rows are locked (PostgreSQL), so two runs at once never shred one client twice:
    the second sees the first's `erased_at` and skips the row. A client already erased is never
    due: a second run, or a rerun after a stopped one, changes nothing already done."""
    clients = list(
        db.session.scalars(
            select(Client)
            .where(is_due(run.cutoff_at))
            .order_by(Client.id)
            .limit(batch_size)
            .with_for_update(of=Client)
        )
    )
    for client in clients:
        run.keys_destroyed += anonymise_client(
            client, actor=None, action="client.anonymise", reason_row=run
        )
    run.clients_anonymised += len(clients)
    db.session.flush()
    return len(clients)


def finish_run(run: RetentionRun) -> RetentionRun:
    """Close the run's record and write its audit event (the per-client events refer to it)."""
    run.finished_at = utcnow()
    audit.record_change(
        "retention.run", run, actor=None, fields=["clients_anonymised", "keys_destroyed"]
    )
    db.session.flush()
    return run


def run_history(*, limit: int = 20) -> list[RetentionRun]:
    """The newest runs first: the statistics kept about applying the policy."""
    return list(
        db.session.scalars(
            select(RetentionRun).order_by(RetentionRun.started_at.desc()).limit(limit)
        )
    )
