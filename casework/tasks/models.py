"""Tasks of a case (a mandatory safety action or a step of the case plan) and the plan's goals."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UUIDPk, portable_enum


class TaskKind(enum.StrEnum):
    SAFETY_PLAN = "safety_plan"
    #: The Niebieska Karta ("Blue Card") procedure.
    BLUE_CARD = "blue_card"
    CHILD_PROTECTION = "child_protection"
    #: Any other mandatory action a routing rule names (its service says which).
    MANDATORY_ACTION = "mandatory_action"
    STEP = "step"
    FOLLOW_UP = "follow_up"
    REASSESSMENT = "reassessment"


#: Tasks that follow from a mandatory recommendation: declining one needs a supervisor.
MANDATORY_KINDS = (
    TaskKind.SAFETY_PLAN,
    TaskKind.BLUE_CARD,
    TaskKind.CHILD_PROTECTION,
    TaskKind.MANDATORY_ACTION,
)
#: Tasks a case manager adds to the plan by hand.
PLAN_KINDS = (TaskKind.STEP, TaskKind.FOLLOW_UP, TaskKind.REASSESSMENT)


class TaskState(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    #: A mandatory task someone wants to decline, awaiting a supervisor.
    DECLINE_REQUESTED = "decline_requested"
    DECLINED = "declined"


#: A task still to be done (a requested decline stays on the lists until a supervisor decides).
PENDING_STATES = (TaskState.OPEN, TaskState.DECLINE_REQUESTED)


class Goal(Base):
    __tablename__ = "case_goals"
    __audit_type__ = "case_goal"

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: The case's primary client: their key encrypts the text.
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    text_ciphertext: Mapped[bytes | None] = encrypted_column("text")
    text = Encrypted[str]("text_ciphertext", owner="client_id")
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    achieved_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Task(Base):
    __tablename__ = "case_tasks"
    __audit_type__ = "case_task"

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    #: The case's primary client (or the participant a mandatory action is about): their key
    #: encrypts the title and the outcome.
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    goal_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_goals.id", ondelete="SET NULL"), index=True
    )
    #: Follows from one participant's individual disclosure: never shown in the joint context,
    #: and only to those who may see that participant's disclosures.
    is_individual: Mapped[bool] = mapped_column(default=False)
    #: The mandatory recommendation the task follows from.
    recommendation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[TaskKind] = mapped_column(portable_enum(TaskKind, "task_kind"))
    #: The service a mandatory action stands for (its name titles the task).
    service_code: Mapped[str | None] = mapped_column(ForeignKey("services.code"))
    #: What to do, for plan steps (mandatory kinds are titled by their label).
    title_ciphertext: Mapped[bytes | None] = encrypted_column("title")
    title = Encrypted[str]("title_ciphertext", owner="client_id")
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[TaskState] = mapped_column(
        portable_enum(TaskState, "task_state"), default=TaskState.OPEN, index=True
    )
    #: The day it was done (the person says; it may be before it was recorded).
    done_on: Mapped[date | None] = mapped_column(Date)
    #: How it was done, or why it is declined.
    outcome_ciphertext: Mapped[bytes | None] = encrypted_column("outcome")
    outcome = Encrypted[str]("outcome_ciphertext", owner="client_id")
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: The supervisor who confirmed a decline.
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: The last day its owner was reminded by e-mail.
    reminded_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_mandatory(self) -> bool:
        return self.kind in MANDATORY_KINDS
