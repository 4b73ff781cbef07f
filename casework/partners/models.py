"""Partner institutions, trainings for their professionals, public events with headcounts."""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, Timestamp, UUIDPk, portable_enum


class InstitutionKind(enum.StrEnum):
    SOCIAL_WELFARE = "social_welfare"
    SCHOOL = "school"
    POLICE = "police"
    COURT = "court"
    HEALTH_CARE = "health_care"
    LOCAL_GOVERNMENT = "local_government"
    NGO = "ngo"
    OTHER = "other"


class PartnerInstitution(Base):
    __tablename__ = "partner_institutions"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[InstitutionKind] = mapped_column(
        portable_enum(InstitutionKind, "institution_kind")
    )
    city: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[Timestamp]


class ProfessionalType(enum.StrEnum):
    PSYCHOLOGIST = "psychologist"
    SOCIAL_WORKER = "social_worker"
    FAMILY_ASSISTANT = "family_assistant"
    TEACHER = "teacher"
    POLICE_OFFICER = "police_officer"
    PROBATION_OFFICER = "probation_officer"
    HEALTH_WORKER = "health_worker"
    LAWYER = "lawyer"
    #: officials of local government, courts, police and social services administration
    PUBLIC_OFFICIAL = "public_official"
    OTHER = "other"


class Training(Base):
    """A training for professionals from partner institutions."""

    __tablename__ = "trainings"

    id: Mapped[UUIDPk]
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    hours: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class TrainingParticipation(Base):
    """How many professionals of one type from one institution took part in a training."""

    __tablename__ = "training_participations"
    __table_args__ = (
        UniqueConstraint("training_id", "institution_id", "professional_type"),
        CheckConstraint("headcount > 0", name="headcount_positive"),
    )

    id: Mapped[UUIDPk]
    training_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trainings.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner_institutions.id"), index=True
    )
    professional_type: Mapped[ProfessionalType] = mapped_column(
        portable_enum(ProfessionalType, "professional_type")
    )
    headcount: Mapped[int] = mapped_column(SmallInteger)


class EventKind(enum.StrEnum):
    PUBLIC_EVENT = "public_event"
    WORKSHOP = "workshop"
    LECTURE = "lecture"
    CAMPAIGN = "campaign"
    WEBINAR = "webinar"
    MEDIA_ITEM = "media_item"
    PUBLICATION = "publication"


#: Which partner institutions organised an event with the centre.
event_partners = Table(
    "public_event_partners",
    Base.metadata,
    Column(
        "event_id",
        ForeignKey("public_events.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "institution_id",
        ForeignKey("partner_institutions.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class PublicEvent(Base):
    __tablename__ = "public_events"
    __table_args__ = (CheckConstraint("headcount >= 0", name="headcount_not_negative"),)

    id: Mapped[UUIDPk]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(portable_enum(EventKind, "event_kind"))
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(String(120))
    headcount: Mapped[int]
    online: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    partners: Mapped[list[PartnerInstitution]] = relationship(
        secondary=event_partners, order_by=PartnerInstitution.name, lazy="selectin"
    )
    reach: Mapped[list[EventReach]] = relationship(
        order_by="EventReach.language",
        lazy="selectin",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class EventReach(Base):
    """People an event reached in one language (where known; the event's headcount is the total)."""

    __tablename__ = "public_event_reach"
    __table_args__ = (CheckConstraint("headcount > 0", name="headcount_positive"),)

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("public_events.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    headcount: Mapped[int]
