"""Supervision records with encrypted notes, the cases discussed and the actions agreed."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UUIDPk


class SupervisionRecord(Base):
    __tablename__ = "supervision_records"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (
        Index("ix_supervision_records_team_id_held_on_id", "team_id", "held_on", "id"),
    )
    __audit_type__ = "supervision_record"

    id: Mapped[UUIDPk]
    supervisor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: The practitioner's team when recorded; its supervisors see the record.
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    notes_ciphertext: Mapped[bytes | None] = encrypted_column("notes")
    notes = Encrypted[str]("notes_ciphertext", owner="staff")
    created_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(default=1)

    #: The cases discussed, as references only (no case content is copied here).
    case_rows: Mapped[list[SupervisedCase]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SupervisedCase.case_id"
    )
    actions: Mapped[list[AgreedAction]] = relationship(
        back_populates="record",
        order_by="AgreedAction.due_on",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def case_ids(self) -> list[uuid.UUID]:
        return [row.case_id for row in self.case_rows]


class SupervisedCase(Base):
    """A case discussed in a supervision: a reference, no content."""

    __tablename__ = "supervision_record_cases"

    record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("supervision_records.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AgreedAction(Base):
    __tablename__ = "agreed_actions"

    id: Mapped[UUIDPk]
    record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("supervision_records.id", ondelete="CASCADE"), index=True
    )
    description_ciphertext: Mapped[bytes | None] = encrypted_column("description")
    description = Encrypted[str]("description_ciphertext", owner="staff")
    due_on: Mapped[date] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    created_at: Mapped[Timestamp]

    record: Mapped[SupervisionRecord] = relationship(back_populates="actions")
