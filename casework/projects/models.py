"""Projects (grants, funding streams), their targets, and the activities attributed to them.

Attribution rule (the report engine counts by it, through `casework.projects.scope`):
- an activity may count for several projects: one row per project in the association tables;
- a service (its enrolments and appointments) counts for the projects listed in `project_services`;
- a group run (cohorts included) counts for the projects in `project_group_runs`; a run with no row
  there follows its service's attribution;
- an event, a training or an information consultation counts for the projects listed for it;
- anything attributed to no project counts for the default project ("Core activity"), so nothing
  is lost. The default project may also be listed explicitly; it then counts those as well.
A project's period does not restrict attribution: a report picks its own period.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, Timestamp, UUIDPk


class Project(Base):
    """A grant or funding stream, e.g. "The Power of Relationships" funded by a city programme."""

    __tablename__ = "projects"
    __audit_type__ = "project"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period_ordered"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_not_negative"),
        #: At most one default project.
        Index(
            "uq_projects_is_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    funder: Mapped[str | None] = mapped_column(String(200))
    starts_on: Mapped[date]
    #: None: open-ended (the default project).
    ends_on: Mapped[date | None]
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    #: Counts every activity attributed to no project.
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ProjectTarget(Base):
    """The value a project promised its funder for one indicator of the report files."""

    __tablename__ = "project_targets"
    __table_args__ = (CheckConstraint("target_value >= 0", name="target_not_negative"),)

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    #: "<report>.<indicator>" as in reports/*.yaml, e.g. "krakow.people_diagnosed".
    indicator_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    target_value: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class ProjectService(Base):
    __tablename__ = "project_services"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    service_code: Mapped[str] = mapped_column(
        ForeignKey("services.code", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProjectGroupRun(Base):
    __tablename__ = "project_group_runs"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("group_runs.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProjectEvent(Base):
    __tablename__ = "project_events"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("public_events.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProjectTraining(Base):
    __tablename__ = "project_trainings"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    training_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProjectConsultation(Base):
    __tablename__ = "project_consultations"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    consultation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("information_consultations.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )
