"""Services the centre offers; kept in step with the catalogue file, editable by administrators."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, portable_enum


class ServiceKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    COUPLES = "couples"
    FAMILY = "family"
    GROUP = "group"
    WORKSHOP = "workshop"
    CONSULTATION = "consultation"
    PROCEDURE = "procedure"
    REFERRAL = "referral"


#: The most seats a group run may have when its service sets no limit of its own.
DEFAULT_MAX_CAPACITY = 500
#: No service may allow more seats than this (a 600-member club fits; capacity is a SmallInteger).
CAPACITY_CEILING = 10_000


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint(
            "completion_attendance_percent BETWEEN 1 AND 100", name="completion_percent_range"
        ),
        CheckConstraint("max_capacity > 0", name="max_capacity_positive"),
        CheckConstraint(
            "default_capacity > 0 AND (max_capacity IS NULL OR default_capacity <= max_capacity)",
            name="default_capacity_within_max",
        ),
    )

    #: Stable code from the catalogue file, e.g. "couples_therapy".
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[ServiceKind] = mapped_column(portable_enum(ServiceKind, "service_kind"))
    #: Language code -> name.
    name: Mapped[dict[str, Any]] = mapped_column(JSON)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Group services: a participant who attended at least this share of a run's meetings is
    #: completed automatically when the run ends; None means completion is only recorded by hand.
    completion_attendance_percent: Mapped[int | None] = mapped_column(SmallInteger)
    #: Group services: the most seats a run may have; None means the centre-wide limit.
    max_capacity: Mapped[int | None] = mapped_column(SmallInteger)
    #: Group services: the capacity a new run gets when none is given.
    default_capacity: Mapped[int | None] = mapped_column(SmallInteger)

    @property
    def is_group(self) -> bool:
        return self.kind in (ServiceKind.GROUP, ServiceKind.WORKSHOP)

    @property
    def seat_limit(self) -> int:
        """The most seats a run of this service may have."""
        return self.max_capacity or DEFAULT_MAX_CAPACITY
