"""Assessments (answers and results encrypted) and recommendations with the manager's decision."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UUIDPk, portable_enum


class AssessmentState(enum.StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


class Assessment(Base):
    __tablename__ = "assessments"
    __audit_type__ = "assessment"

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: The participant whose answers these are; their data key encrypts them.
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), index=True)
    #: Other participants taking part in the same interview.
    participant_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    instrument_id: Mapped[str] = mapped_column(String(60))
    instrument_version: Mapped[str] = mapped_column(String(30))
    #: SHA-256 of the instrument file it was started with: rescoring must use the same text.
    instrument_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[AssessmentState] = mapped_column(
        portable_enum(AssessmentState, "assessment_state"), default=AssessmentState.DRAFT
    )
    #: An individual disclosure: never shown in the joint context of a couple or family case.
    is_individual: Mapped[bool] = mapped_column(default=False)
    #: The reassessment made when the case closes, compared with the first.
    is_closing: Mapped[bool] = mapped_column(default=False)
    #: Client facts the instrument and routing read (sex, age group, children, case kind...).
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    answers_ciphertext: Mapped[bytes | None] = encrypted_column("answers")
    answers = Encrypted[dict[str, Any]]("answers_ciphertext", owner="client_id", kind="json")
    result_ciphertext: Mapped[bytes | None] = encrypted_column("result")
    result = Encrypted[dict[str, Any]]("result_ciphertext", owner="client_id", kind="json")
    #: The routing decision made on completion: recommendations and the exclusions that applied.
    routing_ciphertext: Mapped[bytes | None] = encrypted_column("routing")
    routing = Encrypted[dict[str, Any]]("routing_ciphertext", owner="client_id", kind="json")
    #: The overall level in clear, for caseload review and filters.
    level: Mapped[str | None] = mapped_column(String(30), index=True)
    started_at: Mapped[Timestamp]
    started_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class RecommendationKind(enum.StrEnum):
    RECOMMEND = "recommend"
    MANDATORY = "mandatory"
    #: Added by the case manager, not by a rule.
    ADDED = "added"


class Decision(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    #: A mandatory action the case manager wants to decline, awaiting a supervisor.
    DECLINE_REQUESTED = "decline_requested"


class Recommendation(Base):
    __tablename__ = "recommendations"
    __audit_type__ = "recommendation"
    __table_args__ = (
        #: Decisions still to take (my work): a small part of all recommendations.
        Index(
            "ix_recommendations_undecided",
            "case_id",
            postgresql_where=text("decision IN ('pending', 'decline_requested')"),
            sqlite_where=text("decision IN ('pending', 'decline_requested')"),
        ),
    )

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    #: Whose key encrypts the decision reason: the case's primary client, or for an individual
    #: recommendation the participant whose individual disclosure led to it.
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    #: Follows from one participant's individual disclosure: never shown in the joint context.
    is_individual: Mapped[bool] = mapped_column(default=False)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    kind: Mapped[RecommendationKind] = mapped_column(
        portable_enum(RecommendationKind, "recommendation_kind")
    )
    #: The routing rule that fired, or None when added by hand.
    rule_id: Mapped[str | None] = mapped_column(String(80))
    #: 1 is the most urgent.
    priority: Mapped[int] = mapped_column(SmallInteger, default=3)
    #: Language code -> the rule's reason.
    rule_reason: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decision: Mapped[Decision] = mapped_column(
        portable_enum(Decision, "decision"), default=Decision.PENDING
    )
    decision_reason_ciphertext: Mapped[bytes | None] = encrypted_column("decision_reason")
    decision_reason = Encrypted[str]("decision_reason_ciphertext", owner="client_id")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ExclusionOverride(Base):
    """A supervisor's written decision to enrol a person in a service the latest routing of their
    case ruled out; shown on the case."""

    __tablename__ = "exclusion_overrides"
    __audit_type__ = "exclusion_override"

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: The enrolment it allowed (enrolments sit above assessments; the key is by table name).
    enrolment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("enrolments.id", ondelete="SET NULL")
    )
    #: The person enrolled; their key encrypts the reason.
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    #: The exclusion rule overridden ("withheld" for one from another person's disclosure).
    rule_id: Mapped[str] = mapped_column(String(80))
    reason_ciphertext: Mapped[bytes | None] = encrypted_column("reason")
    reason = Encrypted[str]("reason_ciphertext", owner="client_id")
    supervisor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[Timestamp]
