"""Services the centre offers; kept in step with the catalogue file, editable by administrators."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import JSON, String
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


class Service(Base):
    __tablename__ = "services"

    #: Stable code from the catalogue file, e.g. "couples_therapy".
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[ServiceKind] = mapped_column(portable_enum(ServiceKind, "service_kind"))
    #: Language code -> name.
    name: Mapped[dict[str, Any]] = mapped_column(JSON)
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def is_group(self) -> bool:
        return self.kind in (ServiceKind.GROUP, ServiceKind.WORKSHOP)
