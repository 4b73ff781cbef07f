"""Group runs, their facilitators, meetings, enrolments (with the waitlist) and attendance; peer
leaders and volunteers (no staff account) who lead runs and mentor, with their training."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.care.models import Attendance
from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UTCDateTime, UUIDPk, portable_enum


class GroupRun(Base):
    """One run of a group service, e.g. "Support group for mothers, spring 2026"."""

    __tablename__ = "group_runs"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index("ix_group_runs_starts_on_id", "starts_on", "id"),
    )

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), index=True)
    #: Seats for active participants; everyone beyond waits in order.
    capacity: Mapped[int] = mapped_column(SmallInteger)
    #: A course or academy: sessions plus individual mentoring for its members.
    is_cohort: Mapped[bool] = mapped_column(default=False)
    #: The team that runs it; its supervisors oversee roster and waitlist.
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class GroupFacilitator(Base):
    """A member of staff who runs a group run (there is at least one per run)."""

    __tablename__ = "group_facilitators"

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_runs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class GroupMeeting(Base):
    """One meeting (session) of a run, on its schedule."""

    __tablename__ = "group_meetings"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (Index("ix_group_meetings_run_id_starts_at_id", "run_id", "starts_at", "id"),)

    id: Mapped[UUIDPk]
    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_runs.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: A room or "video call"; never client data.
    place: Mapped[str | None] = mapped_column(String(120))
    topic: Mapped[str | None] = mapped_column(String(200))


class GroupEnrolmentStatus(enum.StrEnum):
    ACTIVE = "active"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


#: An enrolment still in the run: holding a seat or waiting for one.
OPEN_STATUSES = (GroupEnrolmentStatus.ACTIVE, GroupEnrolmentStatus.WAITLISTED)


class GroupEnrolment(Base):
    """A person in a run: holding a seat, or waiting at `waitlist_position` (1 is next)."""

    __tablename__ = "group_enrolments"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (
        Index("ix_group_enrolments_run_id_enrolled_at_id", "run_id", "enrolled_at", "id"),
    )
    __audit_type__ = "group_enrolment"

    id: Mapped[UUIDPk]
    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_runs.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), index=True)
    #: None for people enrolled directly in a club or course, without a case.
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[GroupEnrolmentStatus] = mapped_column(
        portable_enum(GroupEnrolmentStatus, "group_enrolment_status"), index=True
    )
    #: Place in the waitlist, 1..n without gaps; None once the person holds a seat or left.
    waitlist_position: Mapped[int | None]
    enrolled_at: Mapped[Timestamp]
    activated_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class MeetingPresence(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class MeetingAttendance(Base):
    """Whether a person holding a seat was at one meeting."""

    __tablename__ = "meeting_attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "enrolment_id"),)

    id: Mapped[UUIDPk]
    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_meetings.id", ondelete="CASCADE"), index=True
    )
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_enrolments.id", ondelete="CASCADE"), index=True
    )
    presence: Mapped[MeetingPresence] = mapped_column(
        portable_enum(MeetingPresence, "meeting_presence")
    )
    recorded_at: Mapped[Timestamp]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class MentoringSession(Base):
    """An individual mentoring appointment of a cohort member with a mentor."""

    __tablename__ = "mentoring_sessions"
    __audit_type__ = "mentoring_session"

    id: Mapped[UUIDPk]
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_enrolments.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised from the enrolment so a run's mentoring list needs no join.
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("group_runs.id"), index=True)
    mentor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: A peer leader who gives the session; the staff `mentor_id` is then responsible for it.
    peer_leader_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("peer_leaders.id"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attendance: Mapped[Attendance] = mapped_column(
        portable_enum(Attendance, "mentoring_attendance"), default=Attendance.SCHEDULED
    )
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class PeerLeaderKind(enum.StrEnum):
    PEER_LEADER = "peer_leader"
    VOLUNTEER = "volunteer"


class PeerLeader(Base):
    """A peer leader or volunteer who leads clubs or mentors: not staff, no account, no access.

    Name and contact are personal data, kept encrypted under the staff key; audit events name
    the row, never them."""

    __tablename__ = "peer_leaders"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (Index("ix_peer_leaders_created_at_id", "created_at", "id"),)
    __audit_type__ = "peer_leader"

    id: Mapped[UUIDPk]
    kind: Mapped[PeerLeaderKind] = mapped_column(portable_enum(PeerLeaderKind, "peer_leader_kind"))
    name_ciphertext: Mapped[bytes | None] = encrypted_column("name")
    name = Encrypted[str]("name_ciphertext", owner="staff")
    contact_ciphertext: Mapped[bytes | None] = encrypted_column("contact")
    contact = Encrypted[str]("contact_ciphertext", owner="staff")
    #: Language codes spoken, comma-separated in a fixed order ("pl,uk").
    languages: Mapped[str] = mapped_column(String(100), default="")
    is_active: Mapped[bool] = mapped_column(default=True, index=True)
    #: The Leaders' Academy run (or another cohort) they came out of, where there is one. A run,
    #: not their enrolment: a leader's record is staff data and is not linked to a client's.
    academy_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("group_runs.id", ondelete="SET NULL")
    )
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    trainings: Mapped[list[PeerLeaderTraining]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="PeerLeaderTraining.completed_on.desc()",
    )

    __mapper_args__ = {"version_id_col": version}


class PeerLeaderTraining(Base):
    """A training a peer leader or volunteer completed (title and date; no personal data)."""

    __tablename__ = "peer_leader_trainings"

    id: Mapped[UUIDPk]
    leader_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("peer_leaders.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date]
    created_at: Mapped[Timestamp]


class GroupRunLeader(Base):
    """A peer leader who leads a run; the run's facilitators (staff) are responsible for it."""

    __tablename__ = "group_run_leaders"

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_runs.id", ondelete="CASCADE"), primary_key=True
    )
    leader_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("peer_leaders.id", ondelete="CASCADE"), primary_key=True, index=True
    )
