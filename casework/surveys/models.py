"""Anonymous survey responses, linked to a service, run or consultation, never to a person."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, Timestamp, UUIDPk


class SurveyResponse(Base):
    __tablename__ = "survey_responses"

    id: Mapped[UUIDPk]
    instrument_id: Mapped[str] = mapped_column(String(60), index=True)
    instrument_version: Mapped[str] = mapped_column(String(30))
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), index=True)
    group_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("group_runs.id", ondelete="SET NULL"), index=True
    )
    consultation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("information_consultations.id", ondelete="SET NULL"), index=True
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
    submitted_at: Mapped[Timestamp] = mapped_column(index=True)
