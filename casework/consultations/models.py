"""Information consultations and the managed list of their topics."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, SmallInteger, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.clients.models import Gender, MigrationReason
from casework.db import Base, Timestamp, UUIDPk, portable_enum


class ConsultationTopic(Base):
    """One entry of the managed topic list (residence legalisation, PESEL, housing...)."""

    __tablename__ = "consultation_topics"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: Language code -> label.
    name: Mapped[dict[str, Any]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class Channel(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"


class AgeGroup(enum.StrEnum):
    UNDER_18 = "under_18"
    FROM_18_TO_29 = "18_29"
    FROM_30_TO_44 = "30_44"
    FROM_45_TO_59 = "45_59"
    FROM_60 = "60_plus"
    UNDISCLOSED = "undisclosed"


consultation_topic_links = Table(
    "information_consultation_topics",
    Base.metadata,
    Column(
        "consultation_id",
        ForeignKey("information_consultations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("topic_code", ForeignKey("consultation_topics.code"), primary_key=True, index=True),
)


class InformationConsultation(Base):
    """A short consultation: linked to a client, or anonymous with statistics only."""

    __tablename__ = "information_consultations"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (
        Index(
            "ix_information_consultations_consultant_id_consulted_on_id",
            "consultant_id",
            "consulted_on",
            "id",
        ),
        Index(
            "ix_information_consultations_team_id_consulted_on_id", "team_id", "consulted_on", "id"
        ),
    )
    __audit_type__ = "information_consultation"

    id: Mapped[UUIDPk]
    consulted_on: Mapped[date] = mapped_column(index=True)
    channel: Mapped[Channel] = mapped_column(portable_enum(Channel, "channel"))
    #: ISO 639-1 code of the language the consultation was held in.
    language: Mapped[str] = mapped_column(String(8))
    duration_minutes: Mapped[int] = mapped_column(SmallInteger)
    consultant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: The consultant's team when logged; its supervisors see the consultation.
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), index=True)
    client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("clients.id"), index=True)
    #: Anonymous statistics, only when no client is linked.
    gender: Mapped[Gender | None] = mapped_column(portable_enum(Gender, "visitor_gender"))
    age_group: Mapped[AgeGroup | None] = mapped_column(portable_enum(AgeGroup, "age_group"))
    #: ISO 3166-1 alpha-2 code.
    nationality: Mapped[str | None] = mapped_column(String(2))
    migration_reason: Mapped[MigrationReason | None] = mapped_column(
        portable_enum(MigrationReason, "visitor_migration_reason")
    )
    #: Keyed hash of a document number or phone: counts returning visitors, names nobody.
    visitor_token: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(default=1)

    topics: Mapped[list[ConsultationTopic]] = relationship(
        secondary=consultation_topic_links, order_by=ConsultationTopic.position, lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def topic_codes(self) -> list[str]:
        return [topic.code for topic in self.topics]

    @property
    def is_returning_visitor_known(self) -> bool:
        return self.visitor_token is not None
