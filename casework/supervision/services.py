"""Use cases for supervision records: record one, list, read (audited), agree and close actions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.cases.models import Case
from casework.clock import centre_today
from casework.db import db, utcnow
from casework.errors import Conflict, Forbidden, ValidationError
from casework.pagination import Page, paginate
from casework.supervision.models import AgreedAction, SupervisedCase, SupervisionRecord


@dataclass(frozen=True)
class NewAction:
    """An agreed action as written: what, and by when."""

    description: str
    due_on: date


def create_record(
    user: User,
    *,
    practitioner_id: uuid.UUID,
    held_on: date,
    notes: str,
    case_ids: list[uuid.UUID] | None = None,
    actions: list[NewAction] | None = None,
) -> SupervisionRecord:
    """Record a supervision of a practitioner of one's team; notes are encrypted (staff key)."""
    policy.SUPERVISE.require(user)
    practitioner = db.session.get(User, practitioner_id)
    if practitioner is None or not policy.supervises_user(user, practitioner):
        raise ValidationError(
            "the practitioner must be a member of a team you supervise",
            fields={"practitioner_id": ["not in your teams"]},
        )
    if held_on > centre_today():
        raise ValidationError("a supervision is recorded once held", fields={"held_on": ["future"]})
    if not notes.strip():
        raise ValidationError("a supervision record needs notes", fields={"notes": ["required"]})
    wanted = list(dict.fromkeys(case_ids or []))
    visible = set(
        db.session.scalars(select(Case.id).where(Case.id.in_(wanted), policy.visible_cases(user)))
    )
    if len(visible) != len(wanted):
        raise ValidationError(
            "only cases you can see can be referred to", fields={"case_ids": ["unknown case"]}
        )
    record = SupervisionRecord(
        supervisor_id=user.id,
        practitioner_id=practitioner.id,
        team_id=practitioner.team_id,
        held_on=held_on,
    )
    record.notes = notes
    record.case_rows = [SupervisedCase(record_id=record.id, case_id=case_id) for case_id in wanted]
    for action in actions or []:
        record.actions.append(_new_action(record, action))
    db.session.add(record)
    audit.record_change(
        "supervision.create", record, actor=user, fields=["notes", "actions", "case_ids"]
    )
    db.session.flush()
    return record


def _new_action(record: SupervisionRecord, action: NewAction) -> AgreedAction:
    if not action.description.strip():
        raise ValidationError("an action needs a description", fields={"actions": ["empty"]})
    if action.due_on < record.held_on:
        raise ValidationError(
            "an action cannot be due before the supervision", fields={"actions": ["due early"]}
        )
    agreed = AgreedAction(record_id=record.id, due_on=action.due_on)
    agreed.description = action.description.strip()
    return agreed


def _require_record(user: User, record_id: uuid.UUID) -> SupervisionRecord:
    return policy.require_visible(user, SupervisionRecord, record_id, what="supervision record")


def read_record(user: User, record_id: uuid.UUID) -> SupervisionRecord:
    """A record one may see, with its notes and actions; the read is audited."""
    record = _require_record(user, record_id)
    audit.record_change("supervision.read", record, actor=user, fields=["notes", "actions"])
    return record


def list_records(
    user: User,
    *,
    practitioner_id: uuid.UUID | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[SupervisionRecord]:
    """Records one may see, newest first; notes are read one record at a time, audited."""
    query = select(SupervisionRecord).where(policy.visible_supervision_records(user))
    if practitioner_id:
        query = query.where(SupervisionRecord.practitioner_id == practitioner_id)
    if held_from:
        query = query.where(SupervisionRecord.held_on >= held_from)
    if held_to:
        query = query.where(SupervisionRecord.held_on <= held_to)
    return paginate(
        query, [SupervisionRecord.held_on, SupervisionRecord.id], cursor=cursor, limit=limit
    )


def _may_change(user: User, record: SupervisionRecord) -> None:
    if not policy.may_change_supervision_record(user, record):
        raise Forbidden("only a supervisor of the practitioner's team changes this record")


def may_change(user: User, record: SupervisionRecord) -> bool:
    """Whether `user` may add actions to `record` (its author or a supervisor of the team)."""
    return policy.may_change_supervision_record(user, record)


def add_action(user: User, record_id: uuid.UUID, action: NewAction) -> AgreedAction:
    """Agree another action on a record (its author or a supervisor of the team)."""
    record = _require_record(user, record_id)
    _may_change(user, record)
    agreed = _new_action(record, action)
    db.session.add(agreed)
    audit.record_change("supervision.action", record, actor=user, fields=["actions"])
    db.session.flush()
    return agreed


def complete_action(user: User, action_id: uuid.UUID) -> AgreedAction:
    """Mark an agreed action done: the practitioner it was agreed with, or a supervisor."""
    action = policy.require_visible(user, AgreedAction, action_id, what="action")
    record = _require_record(user, action.record_id)
    if not policy.may_complete_agreed_action(user, record):
        _may_change(user, record)
    if action.done_at is not None:
        raise Conflict("this action is already done")
    action.done_at = utcnow()
    audit.record_change("supervision.action_done", record, actor=user, fields=["actions"])
    db.session.flush()
    return action


def practitioners_i_supervise(user: User) -> list[User]:
    """Who a supervision record can be about: the clinical staff of the teams `user` supervises."""
    policy.SUPERVISE.require(user)
    teams = policy.supervised_team_ids(user)
    if not teams:
        return []
    people = db.session.scalars(
        select(User)
        .where(User.team_id.in_(teams), User.id != user.id, User.is_enabled.is_(True))
        .order_by(User.display_name)
    )
    return [person for person in people if policy.CLINICAL_WORK.allows(person)]


#: The most cases the supervision form offers.
CASE_CHOICE_LIMIT = 300


def referable_cases(user: User) -> list[Case]:
    """The cases a supervisor may refer a record to (their own and their teams', no
    break-the-glass), by reference."""
    policy.SUPERVISE.require(user)
    return list(
        db.session.scalars(
            select(Case)
            .where(policy.assigned_cases(user))
            .order_by(Case.reference)
            .limit(CASE_CHOICE_LIMIT)
        )
    )


def cases_of_record(user: User, record: SupervisionRecord) -> tuple[list[Case], int]:
    """The cases a record refers to that `user` may see, by reference, and how many others."""
    shown = list(
        db.session.scalars(
            select(Case)
            .where(Case.id.in_(record.case_ids), policy.visible_cases(user))
            .order_by(Case.reference)
        )
    )
    return shown, len(record.case_ids) - len(shown)
