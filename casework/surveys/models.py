"""Anonymous survey responses, linked to a service or group run, never to a person, appointment
or consultation; and the passes (a kiosk tablet, a one-time link) that let clients answer."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, Timestamp, UUIDPk, portable_enum


class SurveyChannel(enum.StrEnum):
    """Who typed the answers in: staff for the client, the client at a kiosk, or through a link."""

    STAFF = "staff"
    KIOSK = "kiosk"
    LINK = "one_time_link"


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (Index("ix_survey_responses_submitted_at_id", "submitted_at", "id"),)

    id: Mapped[UUIDPk]
    instrument_id: Mapped[str] = mapped_column(String(60), index=True)
    instrument_version: Mapped[str] = mapped_column(String(30))
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), index=True)
    group_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("group_runs.id", ondelete="SET NULL"), index=True
    )
    #: How the answers came in (never which kiosk or link: a pass is not linked to its answers).
    channel: Mapped[str] = mapped_column(
        String(16), default=SurveyChannel.STAFF.value, server_default=SurveyChannel.STAFF.value
    )
    #: The language the survey was answered in.
    language: Mapped[str] = mapped_column(String(8))
    #: Anonymous answers (option codes); no free text, so nothing identifies the respondent.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The engine's result (Result.to_dict()).
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The level scale's score in clear, for averages per service.
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    level: Mapped[str | None] = mapped_column(String(30))
    #: The day only: a time would let answers be matched to an appointment.
    submitted_at: Mapped[Timestamp] = mapped_column(index=True)


class SurveyPassKind(enum.StrEnum):
    KIOSK = "kiosk"
    LINK = "one_time_link"


class SurveyPass(Base):
    """A kiosk tablet's or a one-time link's right to submit answers about one service.

    Only a hash of its random token is kept. It names a service (a link perhaps a group run) and
    never a client, appointment or consultation; the answers it lets in do not point back to it.
    """

    __tablename__ = "survey_passes"
    __audit_type__ = "survey_pass"

    id: Mapped[UUIDPk]
    kind: Mapped[SurveyPassKind] = mapped_column(portable_enum(SurveyPassKind, "survey_pass_kind"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    instrument_id: Mapped[str] = mapped_column(String(60))
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    group_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("group_runs.id", ondelete="CASCADE")
    )
    #: The kiosk's language (a link offers every language of the instrument).
    language: Mapped[str | None] = mapped_column(String(8))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[Timestamp]
    expires_at: Mapped[Timestamp] = mapped_column(index=True)
    #: A link once used; a kiosk once left.
    ended_at: Mapped[datetime | None]
