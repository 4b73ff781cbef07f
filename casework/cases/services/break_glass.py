"""Break the glass: open a case outside one's assignment for a while, with a written reason
that the team's supervisors see."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.cases.models import BreakGlassAccess, Case
from casework.db import db, utcnow
from casework.errors import Conflict, NotFound, ValidationError
from casework.pagination import Page, paginate

BREAK_GLASS_HOURS = 8


def break_glass(user: User, case_id: uuid.UUID, *, reason: str) -> Case:
    """Open a case outside one's assignment for a while, with a reason the supervisor sees."""
    if not policy.may_break_glass(user):
        raise NotFound("no such case")
    if len(reason.strip()) < 10:
        raise ValidationError(
            "write why you need this case (at least 10 characters)",
            fields={"reason": ["too short"]},
        )
    case = policy.require_visible(
        user, Case, case_id, what="case", visible=policy.breakable_cases(user)
    )
    if policy.is_assigned(user, case):
        raise Conflict("you already have access to this case")
    access = BreakGlassAccess(
        user_id=user.id,
        case_id=case.id,
        team_id=case.team_id,
        expires_at=utcnow() + timedelta(hours=BREAK_GLASS_HOURS),
    )
    access.reason = reason.strip()
    db.session.add(access)
    # The reason stays in the access row, under the staff key; the trail points at it.
    audit.record_change("case.break_glass", case, actor=user, reason_row=access)
    db.session.flush()
    return case


def _accesses_seen_by(user: User) -> Select[Any]:
    """The accesses to the cases of the teams `user` supervises (supervisors only)."""
    policy.SUPERVISE.require(user)
    teams = policy.supervised_team_ids(user)
    return select(BreakGlassAccess).where(BreakGlassAccess.team_id.in_(teams))


def _audit_reads(user: User, accesses: list[BreakGlassAccess]) -> None:
    audit.record_many(
        "break_glass.read",
        actor=user,
        object_type=BreakGlassAccess.__audit_type__,
        objects=[audit.Read(access.id) for access in accesses],
        fields=["reason"],
    )


def break_glass_page(
    user: User, *, cursor: str | None = None, limit: int = 50
) -> Page[BreakGlassAccess]:
    """Break-the-glass accesses to the cases of the teams `user` supervises, newest first, a
    page at a time (one audit record for the page)."""
    page = paginate(
        _accesses_seen_by(user),
        [BreakGlassAccess.created_at, BreakGlassAccess.id],
        cursor=cursor,
        limit=limit,
    )
    _audit_reads(user, page.items)
    return page
