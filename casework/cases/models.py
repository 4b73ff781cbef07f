"""Cases, their participants, state history and break-the-glass access."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.clients.models import Client
from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UTCDateTime, UUIDPk, portable_enum


class CaseKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    COUPLE = "couple"
    FAMILY = "family"


class CaseState(enum.StrEnum):
    INTAKE = "intake"
    ASSESSMENT = "assessment"
    ROUTING = "routing"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class ReferralSource(enum.StrEnum):
    SELF = "self"
    SOCIAL_WELFARE_CENTRE = "social_welfare_centre"
    COURT = "court"
    SCHOOL = "school"
    POLICE_NIEBIESKA_KARTA = "police_niebieska_karta"
    NGO = "ngo"
    OTHER = "other"


class ParticipantRole(enum.StrEnum):
    PARTNER = "partner"
    PARENT = "parent"
    CHILD = "child"
    OTHER = "other"


class ClosureOutcome(enum.StrEnum):
    GOALS_ACHIEVED = "goals_achieved"
    GOALS_PARTLY_ACHIEVED = "goals_partly_achieved"
    CLIENT_WITHDREW = "client_withdrew"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    NO_CONTACT = "no_contact"
    OTHER = "other"


class Case(Base):
    __tablename__ = "cases"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (
        Index("ix_cases_opened_at_id", "opened_at", "id"),
        Index("ix_cases_case_manager_id_opened_at_id", "case_manager_id", "opened_at", "id"),
        Index("ix_cases_team_id_opened_at_id", "team_id", "opened_at", "id"),
    )
    __audit_type__ = "case"

    id: Mapped[UUIDPk]
    #: Human-readable and unique, e.g. CR/2026/00042; not gap-free.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[CaseKind] = mapped_column(portable_enum(CaseKind, "case_kind"))
    state: Mapped[CaseState] = mapped_column(portable_enum(CaseState, "case_state"), index=True)
    #: None while the case waits in the intake queue.
    case_manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), index=True)
    referral_source: Mapped[ReferralSource] = mapped_column(
        portable_enum(ReferralSource, "referral_source")
    )
    #: Whose data key encrypts case-level text (the first participant).
    primary_client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    children_in_household: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[Timestamp]
    opened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closure_outcome: Mapped[ClosureOutcome | None] = mapped_column(
        portable_enum(ClosureOutcome, "closure_outcome")
    )
    closure_reason_ciphertext: Mapped[bytes | None] = encrypted_column("closure_reason")
    closure_reason = Encrypted[str]("closure_reason_ciphertext", owner="primary_client_id")
    version: Mapped[int] = mapped_column(default=1)

    participants: Mapped[list[CaseParticipant]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParticipant.position"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def client_ids(self) -> list[uuid.UUID]:
        return [participant.client_id for participant in self.participants]

    @property
    def audit_client_id(self) -> uuid.UUID:
        """Events about a case are filed under its primary client."""
        return self.primary_client_id


class CaseParticipant(Base):
    __tablename__ = "case_participants"
    __table_args__ = (UniqueConstraint("case_id", "client_id"),)

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(
        portable_enum(ParticipantRole, "participant_role")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    case: Mapped[Case] = relationship(back_populates="participants")
    client: Mapped[Client] = relationship()


class CaseStateChange(Base):
    """One move of a case between states, with who and why."""

    __tablename__ = "case_state_changes"

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: The case's primary client, whose key encrypts the reason.
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    from_state: Mapped[CaseState | None] = mapped_column(portable_enum(CaseState, "from_state"))
    to_state: Mapped[CaseState] = mapped_column(portable_enum(CaseState, "to_state"))
    changed_at: Mapped[Timestamp]
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    reason_ciphertext: Mapped[bytes | None] = encrypted_column("reason")
    reason = Encrypted[str]("reason_ciphertext", owner="client_id")


class ReferenceCounter(Base):
    """The last case number used in a year; bumped with UPDATE ... RETURNING."""

    __tablename__ = "case_reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int]


class BreakGlassAccess(Base):
    """Access to a case outside one's assignment, with a written reason, shown to supervisors."""

    __tablename__ = "break_glass_accesses"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (
        Index("ix_break_glass_accesses_team_id_created_at_id", "team_id", "created_at", "id"),
    )
    __audit_type__ = "break_glass_access"

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[Timestamp]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason_ciphertext: Mapped[bytes | None] = encrypted_column("reason")
    reason = Encrypted[str]("reason_ciphertext", owner="staff")
