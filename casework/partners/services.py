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
    EventReach,
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


def get_institution(user: User, institution_id: uuid.UUID) -> PartnerInstitution:
    policy.require_partner_work(user)
    return policy.require_visible(user, PartnerInstitution, institution_id, what="institution")


def update_institution(
    user: User,
    institution_id: uuid.UUID,
    *,
    name: str,
    kind: InstitutionKind,
    city: str | None = None,
) -> PartnerInstitution:
    """Rename an institution or correct its kind or city; names stay unique."""
    institution = get_institution(user, institution_id)
    name = name.strip()
    if not name:
        raise ValidationError("an institution needs a name", fields={"name": ["required"]})
    clash = db.session.scalar(
        select(PartnerInstitution.id).where(
            PartnerInstitution.name == name, PartnerInstitution.id != institution.id
        )
    )
    if clash:
        raise Conflict("the institution %(name)s is already on the list", name=name)
    institution.name = name
    institution.kind = kind
    institution.city = (city or "").strip() or None
    db.session.flush()
    return institution


def all_institutions(user: User) -> list[PartnerInstitution]:
    """Every partner institution by name (the choices of the training and event forms)."""
    policy.require_partner_work(user)
    return list(db.session.scalars(select(PartnerInstitution).order_by(PartnerInstitution.name)))


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
    online: bool = False,
    partner_ids: list[uuid.UUID] | None = None,
    reach: dict[str, int] | None = None,
) -> PublicEvent:
    """An event with its total headcount; optionally the partner institutions that organised it
    with the centre and the people reached per language (where known: at most the total)."""
    policy.require_partner_work(user)
    if headcount < 0:
        raise ValidationError("a headcount cannot be negative", fields={"headcount": ["negative"]})
    if not title.strip():
        raise ValidationError("an event needs a title", fields={"title": ["required"]})
    by_language = _reach(reach or {}, headcount)
    event = PublicEvent(
        title=title.strip(),
        kind=kind,
        held_on=held_on,
        headcount=headcount,
        place=(place or "").strip() or None,
        online=online,
        created_by_id=user.id,
        created_at=utcnow(),
        partners=_partners(partner_ids or []),
        reach=[EventReach(language=code, headcount=n) for code, n in sorted(by_language.items())],
    )
    db.session.add(event)
    db.session.flush()
    return event


def _partners(ids: list[uuid.UUID]) -> list[PartnerInstitution]:
    wanted = set(ids)
    if not wanted:
        return []
    found = list(
        db.session.scalars(select(PartnerInstitution).where(PartnerInstitution.id.in_(wanted)))
    )
    if len(found) != len(wanted):
        raise ValidationError(
            "every institution must be on the partner list first",
            fields={"partner_ids": ["unknown institution"]},
        )
    return found


def _reach(reach: dict[str, int], total: int) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for code, count in reach.items():
        code = code.strip().lower()
        if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
            raise ValidationError(
                "%(code)s is not a language code", code=code, fields={"reach": ["language"]}
            )
        if count < 1:
            raise ValidationError(
                "a headcount per language is at least 1", fields={"reach": ["headcount"]}
            )
        cleaned[code] = cleaned.get(code, 0) + count
    if sum(cleaned.values()) > total:
        raise ValidationError(
            "the people reached per language add up to more than the total of %(total)s",
            total=total,
            fields={"reach": ["over total"]},
        )
    return cleaned


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


def training_totals(user: User, training_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    """Per training: professionals trained and institutions taking part (one query)."""
    policy.require_partner_work(user)
    if not training_ids:
        return {}
    tp = TrainingParticipation
    rows = db.session.execute(
        select(tp.training_id, func.sum(tp.headcount), func.count(func.distinct(tp.institution_id)))
        .where(tp.training_id.in_(training_ids))
        .group_by(tp.training_id)
    )
    return {training_id: (int(total), int(places)) for training_id, total, places in rows}
