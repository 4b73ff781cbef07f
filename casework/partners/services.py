"""Use cases for partner work: institutions, trainings with headcounts per type, events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from casework import policy
from casework.auth.models import User
from casework.db import db, utcnow
from casework.errors import Conflict, ValidationError
from casework.pagination import Page, paginate
from casework.partners.models import (
    EventKind,
    InstitutionKind,
    PartnerInstitution,
    ProfessionalType,
    PublicEvent,
    Training,
    TrainingParticipation,
)


def create_institution(
    user: User, *, name: str, kind: InstitutionKind, city: str | None = None
) -> PartnerInstitution:
    policy.require_partner_work(user)
    name = name.strip()
    if not name:
        raise ValidationError("an institution needs a name", fields={"name": ["required"]})
    if db.session.scalar(select(PartnerInstitution.id).where(PartnerInstitution.name == name)):
        raise Conflict("the institution %(name)s is already on the list", name=name)
    institution = PartnerInstitution(name=name, kind=kind, city=(city or "").strip() or None)
    db.session.add(institution)
    db.session.flush()
    return institution


def list_institutions(
    user: User, *, kind: InstitutionKind | None = None, cursor: str | None = None, limit: int = 50
) -> Page[PartnerInstitution]:
    policy.require_partner_work(user)
    query = select(PartnerInstitution)
    if kind is not None:
        query = query.where(PartnerInstitution.kind == kind)
    return paginate(
        query,
        [PartnerInstitution.name, PartnerInstitution.id],
        cursor=cursor,
        limit=limit,
        descending=False,
    )


@dataclass(frozen=True)
class Headcount:
    institution_id: uuid.UUID
    professional_type: ProfessionalType
    headcount: int


def create_training(
    user: User,
    *,
    title: str,
    held_on: date,
    hours: int | None = None,
    participants: list[Headcount] | None = None,
) -> Training:
    policy.require_partner_work(user)
    if not title.strip():
        raise ValidationError("a training needs a title", fields={"title": ["required"]})
    training = Training(title=title.strip(), held_on=held_on, hours=hours, created_by_id=user.id)
    db.session.add(training)
    db.session.flush()
    if participants:
        add_participants(user, training.id, participants)
    return training


def _require_training(user: User, training_id: uuid.UUID) -> Training:
    policy.require_partner_work(user)
    return policy.require_visible(user, Training, training_id, what="training")


def add_participants(
    user: User, training_id: uuid.UUID, participants: list[Headcount]
) -> list[TrainingParticipation]:
    """Add headcounts per institution and professional type; a repeated pair adds to its count."""
    training = _require_training(user, training_id)
    ids = {p.institution_id for p in participants}
    known = set(
        db.session.scalars(select(PartnerInstitution.id).where(PartnerInstitution.id.in_(ids)))
    )
    if ids - known:
        raise ValidationError(
            "every institution must be on the partner list first",
            fields={"participants": ["unknown institution"]},
        )
    if any(p.headcount < 1 for p in participants):
        raise ValidationError("a headcount is at least 1", fields={"participants": ["headcount"]})
    existing = {
        (row.institution_id, row.professional_type): row
        for row in db.session.scalars(
            select(TrainingParticipation).where(TrainingParticipation.training_id == training.id)
        )
    }
    for item in participants:
        key = (item.institution_id, item.professional_type)
        row = existing.get(key)
        if row is None:
            row = TrainingParticipation(
                training_id=training.id,
                institution_id=item.institution_id,
                professional_type=item.professional_type,
                headcount=0,
            )
            db.session.add(row)
            existing[key] = row
        row.headcount += item.headcount
    db.session.flush()
    return participations_of(training.id)


def participations_of(training_id: uuid.UUID) -> list[TrainingParticipation]:
    return list(
        db.session.scalars(
            select(TrainingParticipation)
            .where(TrainingParticipation.training_id == training_id)
            .order_by(TrainingParticipation.institution_id, TrainingParticipation.professional_type)
        )
    )


def get_training(user: User, training_id: uuid.UUID) -> tuple[Training, list[Any]]:
    training = _require_training(user, training_id)
    return training, participations_of(training.id)


def list_trainings(
    user: User,
    *,
    held_from: date | None = None,
    held_to: date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Training]:
    policy.require_partner_work(user)
    query = select(Training)
    if held_from:
        query = query.where(Training.held_on >= held_from)
    if held_to:
        query = query.where(Training.held_on <= held_to)
    return paginate(query, [Training.held_on, Training.id], cursor=cursor, limit=limit)


def professionals_trained(
    user: User, *, held_from: date | None = None, held_to: date | None = None
) -> list[dict[str, Any]]:
    """Professionals trained per institution and type (and in how many trainings), in SQL."""
    policy.require_partner_work(user)
    query = (
        select(
            PartnerInstitution.id,
            PartnerInstitution.name,
            TrainingParticipation.professional_type,
            func.sum(TrainingParticipation.headcount),
            func.count(func.distinct(TrainingParticipation.training_id)),
        )
        .join(PartnerInstitution, PartnerInstitution.id == TrainingParticipation.institution_id)
        .join(Training, Training.id == TrainingParticipation.training_id)
        .group_by(
            PartnerInstitution.id, PartnerInstitution.name, TrainingParticipation.professional_type
        )
        .order_by(PartnerInstitution.name, TrainingParticipation.professional_type)
    )
    if held_from:
        query = query.where(Training.held_on >= held_from)
    if held_to:
        query = query.where(Training.held_on <= held_to)
    return [
        {
            "institution_id": institution_id,
            "institution_name": name,
            "professional_type": ProfessionalType(kind),
            "professionals": int(total),
            "trainings": trainings,
        }
        for institution_id, name, kind, total, trainings in db.session.execute(query)
    ]


def create_event(
    user: User,
    *,
    title: str,
    kind: EventKind,
    held_on: date,
    headcount: int,
    place: str | None = None,
) -> PublicEvent:
    policy.require_partner_work(user)
    if headcount < 0:
        raise ValidationError("a headcount cannot be negative", fields={"headcount": ["negative"]})
    if not title.strip():
        raise ValidationError("an event needs a title", fields={"title": ["required"]})
    event = PublicEvent(
        title=title.strip(),
        kind=kind,
        held_on=held_on,
        headcount=headcount,
        place=(place or "").strip() or None,
        created_by_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def list_events(
    user: User,
    *,
    kind: EventKind | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[PublicEvent]:
    policy.require_partner_work(user)
    query = select(PublicEvent)
    if kind is not None:
        query = query.where(PublicEvent.kind == kind)
    if held_from:
        query = query.where(PublicEvent.held_on >= held_from)
    if held_to:
        query = query.where(PublicEvent.held_on <= held_to)
    return paginate(query, [PublicEvent.held_on, PublicEvent.id], cursor=cursor, limit=limit)
