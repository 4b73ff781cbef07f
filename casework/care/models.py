"""Enrolments, appointments and session notes (encrypted, signed, corrected by addenda)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UTCDateTime, UUIDPk, portable_enum


class EnrolmentStatus(enum.StrEnum):
    ACTIVE = "active"
    WAITLISTED = "waitlisted"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Enrolment(Base):
    __tablename__ = "enrolments"
    __audit_type__ = "enrolment"
    __table_args__ = (
        #: The practitioners of a team's open cases (the caseload review): one look-up per case,
        #: answered from the index alone.
        Index(
            "ix_enrolments_active_case_practitioner",
            "case_id",
            "practitioner_id",
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )

    id: Mapped[UUIDPk]
    #: None for people enrolled directly in a group, club or course without a case.
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), index=True)
    #: The therapist or counsellor assigned; None for group enrolments.
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(
        portable_enum(EnrolmentStatus, "enrolment_status"), default=EnrolmentStatus.ACTIVE
    )
    started_at: Mapped[Timestamp]
    ended_at: Mapped[datetime | None]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class AppointmentMode(enum.StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"


class Attendance(enum.StrEnum):
    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED_BY_CLIENT = "cancelled_by_client"
    CANCELLED_BY_CENTRE = "cancelled_by_centre"


class AppointmentSeries(Base):
    """Weekly appointments scheduled together; each one stays an appointment of its own."""

    __tablename__ = "appointment_series"
    __audit_type__ = "appointment_series"

    id: Mapped[UUIDPk]
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[Timestamp]


class Appointment(Base):
    __tablename__ = "appointments"
    __audit_type__ = "appointment"
    __table_args__ = (
        #: Keyset pages (casework.pagination) and a practitioner's agenda: their appointments in
        #: a window, in order.
        Index("ix_appointments_practitioner_id_starts_at_id", "practitioner_id", "starts_at", "id"),
        #: A case's last contact (the caseload review): one look-up per case.
        Index(
            "ix_appointments_attended_case",
            "case_id",
            "starts_at",
            postgresql_where=text("attendance = 'attended'"),
            sqlite_where=text("attendance = 'attended'"),
        ),
    )

    id: Mapped[UUIDPk]
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised from the enrolment so agendas and caseload queries need no join.
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[AppointmentMode] = mapped_column(portable_enum(AppointmentMode, "mode"))
    #: A room or "video call"; never client data.
    place: Mapped[str | None] = mapped_column(String(120))
    #: A session with more than one participant of a couple or family case.
    is_joint: Mapped[bool] = mapped_column(default=False)
    attendance: Mapped[Attendance] = mapped_column(
        portable_enum(Attendance, "attendance"), default=Attendance.SCHEDULED
    )
    #: The weekly series it was scheduled in; rescheduling one keeps it in the series.
    series_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appointment_series.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    enrolment: Mapped[Enrolment] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_client_id(self) -> uuid.UUID:
        """Audit events about an appointment go under its enrolled client."""
        return self.enrolment.client_id


class NoteKind(enum.StrEnum):
    PROGRESS = "progress"
    #: Private process notes: only the author and the author's supervisor.
    PRIVATE = "private"


class NoteState(enum.StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class SessionNote(Base):
    __tablename__ = "session_notes"
    __audit_type__ = "session_note"

    id: Mapped[UUIDPk]
    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    #: The participant the note is about; their key encrypts it.
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[NoteKind] = mapped_column(portable_enum(NoteKind, "note_kind"))
    #: An individual disclosure of one participant: never shown in the joint context.
    is_individual: Mapped[bool] = mapped_column(default=False)
    state: Mapped[NoteState] = mapped_column(
        portable_enum(NoteState, "note_state"), default=NoteState.DRAFT
    )
    body_ciphertext: Mapped[bytes | None] = encrypted_column("body")
    body = Encrypted[str]("body_ciphertext", owner="client_id")
    created_at: Mapped[Timestamp]
    signed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    addenda: Mapped[list[NoteAddendum]] = relationship(
        back_populates="note", order_by="NoteAddendum.created_at", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class NoteAddendum(Base):
    """A correction to a signed note; notes themselves never change once signed."""

    __tablename__ = "note_addenda"

    id: Mapped[UUIDPk]
    note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session_notes.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    body_ciphertext: Mapped[bytes | None] = encrypted_column("body")
    body = Encrypted[str]("body_ciphertext", owner="client_id")
    created_at: Mapped[Timestamp]

    note: Mapped[SessionNote] = relationship(back_populates="addenda")


class CalendarFeed(Base):
    """A practitioner's secret iCalendar address: times, places and case references only."""

    __tablename__ = "calendar_feeds"
    __audit_type__ = "calendar_feed"

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 (hex) of the secret in the address; the secret itself is shown once, never kept.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[Timestamp]
    revoked_at: Mapped[datetime | None]
