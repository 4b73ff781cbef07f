"""Who is reminded by e-mail today of tasks due or overdue: counts only, never client data or
case references (an e-mail leaves the centre's systems)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select, update

from casework.auth.models import User
from casework.db import db
from casework.tasks.models import PENDING_STATES, Task


@dataclass(frozen=True)
class Reminder:
    owner: User
    overdue: int
    due_today: int


def reminders_due(today: date) -> list[Reminder]:
    """One reminder per active staff member with pending tasks due by `today` who has not been
    reminded of them today."""
    overdue = func.sum(case((Task.due_on < today, 1), else_=0))
    rows = db.session.execute(
        select(Task.owner_id, overdue, func.count(Task.id))
        .where(
            Task.state.in_(PENDING_STATES),
            Task.due_on <= today,
            or_(Task.reminded_on.is_(None), Task.reminded_on < today),
        )
        .group_by(Task.owner_id)
    ).all()
    owners = {
        user.id: user
        for user in db.session.scalars(select(User).where(User.id.in_([r[0] for r in rows])))
    }
    return [
        Reminder(owners[owner_id], int(late or 0), int(total) - int(late or 0))
        for owner_id, late, total in rows
        if owner_id in owners and owners[owner_id].is_enabled and owners[owner_id].email
    ]


def mark_reminded(owner_ids: list[uuid.UUID], today: date) -> None:
    """Note that these owners were reminded today of their tasks due by `today`."""
    if owner_ids:
        db.session.execute(
            update(Task)
            .where(
                Task.owner_id.in_(owner_ids),
                Task.state.in_(PENDING_STATES),
                Task.due_on <= today,
            )
            .values(reminded_on=today)  # not a change of the task: its version stays
        )
