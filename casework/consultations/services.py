"""Use cases for information consultations: log one fast, list, read, count, manage topics."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, distinct, func, select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.clients.models import Gender, MigrationReason
from casework.clients.services.clients import client_choices
from casework.clients.services.consents import require_processing_basis
from casework.clock import centre_today
from casework.consultations.models import (
    AgeGroup,
    Channel,
    ConsultationTopic,
    InformationConsultation,
    consultation_topic_links,
)
from casework.consultations.visitors import returning_visitor_token
from casework.db import db, get_or_not_found
from casework.errors import N_, Conflict, Forbidden, ValidationError, check_version
from casework.pagination import Page, paginate

MAX_DURATION_MINUTES = 480


def log_consultation(
    user: User,
    *,
    consulted_on: date,
    channel: Channel,
    language: str,
    topic_codes: list[str],
    duration_minutes: int,
    client_id: uuid.UUID | None = None,
    gender: Gender | None = None,
    age_group: AgeGroup | None = None,
    nationality: str | None = None,
    migration_reason: MigrationReason | None = None,
    visitor_document: str | None = None,
    visitor_phone: str | None = None,
) -> InformationConsultation:
    """Log a consultation: linked to a client, or anonymous with statistics and a visitor token."""
    policy.LOG_CONSULTATIONS.require(user)
    if consulted_on > centre_today():
        raise ValidationError(
            "a consultation is logged once it happened", fields={"consulted_on": ["future"]}
        )
    if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise ValidationError(
            "duration must be between 1 and %(most)s minutes",
            fields={"duration_minutes": ["out of range"]},
            most=MAX_DURATION_MINUTES,
        )
    topics = _active_topics(topic_codes)
    anonymous = {
        "gender": gender,
        "age_group": age_group,
        "nationality": nationality,
        "migration_reason": migration_reason,
    }
    if client_id is not None:
        given = sorted(name for name, value in anonymous.items() if value is not None)
        if given or visitor_document or visitor_phone:
            raise ValidationError(
                "a consultation linked to a client takes its statistics from the client record",
                fields={name: ["only for anonymous visitors"] for name in given or ["client_id"]},
            )
        policy.require_chosen_client(user, client_id, visible=policy.consultation_clients(user))
        require_processing_basis([client_id])
    token = None
    if visitor_document is not None or visitor_phone is not None:
        token = returning_visitor_token(document=visitor_document, phone=visitor_phone)
    consultation = InformationConsultation(
        consulted_on=consulted_on,
        channel=channel,
        language=language.strip().lower(),
        duration_minutes=duration_minutes,
        consultant_id=user.id,
        team_id=user.team_id,
        client_id=client_id,
        nationality=nationality.upper() if nationality else None,
        gender=gender,
        age_group=age_group,
        migration_reason=migration_reason,
        visitor_token=token,
    )
    consultation.topics = topics
    db.session.add(consultation)
    audit.record_change(
        "consultation.create",
        consultation,
        actor=user,
        fields=["topics", "client_id"] if client_id else ["topics"],
    )
    db.session.flush()
    return consultation


def _active_topics(codes: list[str]) -> list[ConsultationTopic]:
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        raise ValidationError("choose at least one topic", fields={"topic_codes": ["empty"]})
    found = {
        t.code: t
        for t in db.session.scalars(
            select(ConsultationTopic).where(
                ConsultationTopic.code.in_(wanted), ConsultationTopic.is_active.is_(True)
            )
        )
    }
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise ValidationError(
            "unknown or retired topics: %(codes)s",
            fields={"topic_codes": [f"unknown: {code}" for code in unknown]},
            codes=unknown,
        )
    return [found[code] for code in wanted]


@dataclass(frozen=True)
class ConsultationFilters:
    consulted_from: date | None = None
    consulted_to: date | None = None
    channel: Channel | None = None
    language: str | None = None
    topic_code: str | None = None
    consultant_id: uuid.UUID | None = None
    linked: bool | None = None


def _filtered(user: User, filters: ConsultationFilters) -> Select[Any]:
    query = select(InformationConsultation).where(policy.visible_consultations(user))
    if filters.consulted_from:
        query = query.where(InformationConsultation.consulted_on >= filters.consulted_from)
    if filters.consulted_to:
        query = query.where(InformationConsultation.consulted_on <= filters.consulted_to)
    if filters.channel:
        query = query.where(InformationConsultation.channel == filters.channel)
    if filters.language:
        query = query.where(InformationConsultation.language == filters.language.lower())
    if filters.consultant_id:
        query = query.where(InformationConsultation.consultant_id == filters.consultant_id)
    if filters.linked is not None:
        column = InformationConsultation.client_id
        query = query.where(column.is_not(None) if filters.linked else column.is_(None))
    if filters.topic_code:
        query = query.where(
            InformationConsultation.id.in_(
                select(consultation_topic_links.c.consultation_id).where(
                    consultation_topic_links.c.topic_code == filters.topic_code
                )
            )
        )
    return query


def _audit_linked(user: User, consultations: list[InformationConsultation]) -> None:
    audit.record_many(
        "consultation.read",
        actor=user,
        object_type="information_consultation",
        objects=[audit.Read(c.id, c.client_id) for c in consultations if c.client_id],
        fields=["client_id"],
    )


def list_consultations(
    user: User, filters: ConsultationFilters, *, cursor: str | None = None, limit: int = 50
) -> Page[InformationConsultation]:
    """One's own consultations (supervisors: their teams'), newest first."""
    policy.CONSULTATION_FIGURES.require(user)
    page = paginate(
        _filtered(user, filters),
        [InformationConsultation.consulted_on, InformationConsultation.id],
        cursor=cursor,
        limit=limit,
    )
    _audit_linked(user, page.items)
    return page


def count_logged_on(user: User, day: date) -> int:
    """How many consultations `user` logged for `day` (the "logged today" count of the form)."""
    policy.LOG_CONSULTATIONS.require(user)
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(InformationConsultation)
            .where(
                InformationConsultation.consultant_id == user.id,
                InformationConsultation.consulted_on == day,
            )
        )
        or 0
    )


def get_consultation(user: User, consultation_id: uuid.UUID) -> InformationConsultation:
    """Read one consultation (audited when it is linked to a client)."""
    consultation = require_consultation(user, consultation_id)
    _audit_linked(user, [consultation])
    return consultation


def require_consultation(user: User, consultation_id: uuid.UUID) -> InformationConsultation:
    """The consultation if `user` may see it, else NotFound (the same as a missing one)."""
    return policy.require_visible(
        user, InformationConsultation, consultation_id, what="consultation"
    )


def summary(user: User, filters: ConsultationFilters) -> dict[str, Any]:
    """Counts for reports: totals, anonymous vs linked, returning visitors, by channel and topic."""
    policy.CONSULTATION_FIGURES.require(user)
    base = _filtered(user, filters).subquery()
    totals = db.session.execute(
        select(
            func.count(),
            func.count(base.c.client_id),
            func.count(distinct(base.c.visitor_token)),
            func.coalesce(func.sum(base.c.duration_minutes), 0),
        ).select_from(base)
    ).one()
    visits = (
        select(base.c.visitor_token, func.count().label("visits"))
        .where(base.c.visitor_token.is_not(None))
        .group_by(base.c.visitor_token)
        .subquery()
    )
    returning = db.session.scalar(
        select(func.count()).select_from(visits).where(visits.c.visits > 1)
    )
    by_channel = db.session.execute(
        select(base.c.channel, func.count()).group_by(base.c.channel).order_by(base.c.channel)
    )
    by_language = db.session.execute(
        select(base.c.language, func.count()).group_by(base.c.language).order_by(base.c.language)
    )
    by_topic = db.session.execute(
        select(consultation_topic_links.c.topic_code, func.count())
        .join(base, base.c.id == consultation_topic_links.c.consultation_id)
        .group_by(consultation_topic_links.c.topic_code)
        .order_by(consultation_topic_links.c.topic_code)
    )
    return {
        "total": totals[0],
        "linked_to_client": totals[1],
        "anonymous": totals[0] - totals[1],
        "distinct_visitor_tokens": totals[2],
        "returning_visitors": returning,
        "minutes": int(totals[3]),
        "by_channel": {Channel(c).value: n for c, n in by_channel},
        "by_language": {language: n for language, n in by_language},
        "by_topic": {topic: n for topic, n in by_topic},
    }


def list_topics(*, include_retired: bool = False) -> list[ConsultationTopic]:
    """The topics in their order; only the active ones unless `include_retired`."""
    query = select(ConsultationTopic).order_by(ConsultationTopic.position, ConsultationTopic.code)
    if not include_retired:
        query = query.where(ConsultationTopic.is_active.is_(True))
    return list(db.session.scalars(query))


def save_topic(
    user: User, code: str, *, name: dict[str, str], is_active: bool = True, position: int = 0
) -> ConsultationTopic:
    """Add a topic or rename / retire one (administrators); retired topics stay on old records."""
    policy.MANAGE_TOPICS.require(user)
    if not name.get("pl") or not name.get("en"):
        raise ValidationError(
            "a topic needs at least a Polish and an English name",
            fields={"name": ["pl and en required"]},
        )
    topic = db.session.get(ConsultationTopic, code)
    if topic is None:
        topic = ConsultationTopic(code=code)
        db.session.add(topic)
    topic.name, topic.is_active, topic.position = dict(name), is_active, position
    db.session.flush()
    return topic


def require_topic(code: str) -> ConsultationTopic:
    """The topic with `code`, retired or not, else NotFound."""
    return get_or_not_found(ConsultationTopic, code, "topic")


#: The most clients a "choose a client" list offers at once.
def linkable_clients(user: User) -> list[tuple[uuid.UUID, str]]:
    """(client id, name) of the clients a consultation of `user` may be linked to, by name (the
    names read are audited)."""
    policy.LOG_CONSULTATIONS.require(user)
    return client_choices(user, policy.consultation_clients(user))


def link_client(
    user: User, consultation_id: uuid.UUID, client_id: uuid.UUID, *, expected_version: int
) -> InformationConsultation:
    """Link a logged anonymous consultation to a registered client (its consultant); the
    anonymous statistics and visitor token give way to the client record."""
    consultation = require_consultation(user, consultation_id)
    if not policy.may_link_consultation(user, consultation):
        raise Forbidden("only the consultant who logged a consultation may link it to a client")
    check_version(consultation, expected_version, N_("consultation"))
    if consultation.client_id is not None:
        raise Conflict("this consultation is already linked to a client")
    policy.require_chosen_client(user, client_id, visible=policy.consultation_clients(user))
    require_processing_basis([client_id])
    consultation.client_id = client_id
    consultation.gender = consultation.age_group = consultation.migration_reason = None
    consultation.nationality = consultation.visitor_token = None
    audit.record_change("consultation.link_client", consultation, actor=user, fields=["client_id"])
    db.session.flush()
    return consultation
