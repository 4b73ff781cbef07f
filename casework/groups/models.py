"""Group runs, their facilitators, meetings, enrolments (with the waitlist) and attendance."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.care.models import Attendance
from casework.db import Base, Timestamp, UTCDateTime, UUIDPk, portable_enum


class GroupRun(Base):
    """One run of a group service, e.g. "Support group for mothers, spring 2026"."""

    __tablename__ = "group_runs"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),)

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
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attendance: Mapped[Attendance] = mapped_column(
        portable_enum(Attendance, "mentoring_attendance"), default=Attendance.SCHEDULED
    )
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
