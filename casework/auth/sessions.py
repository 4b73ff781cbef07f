"""The sessions page: where one is signed in, and signing out other browsers. Audited.

Services flush, never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, select, update

from casework.audit import services as audit
from casework.auth.models import User, UserSession
from casework.auth.services import _token_hash
from casework.db import db, utcnow
from casework.errors import NotFound


@dataclass(frozen=True)
class SessionRow:
    """One live session as the page shows it (no token, no hash)."""

    id: uuid.UUID
    created_at: datetime
    last_seen_at: datetime
    browser: str | None
    operating_system: str | None
    is_current: bool


def _live(user: User) -> list[ColumnElement[bool]]:
    idle = timedelta(minutes=current_app.config["CASEWORK_IDLE_TIMEOUT_MINUTES"])
    return [
        UserSession.user_id == user.id,
        UserSession.revoked_at.is_(None),
        UserSession.last_seen_at > utcnow() - idle,
    ]


def live_sessions(user: User, *, current_token: str | None, limit: int = 50) -> list[SessionRow]:
    """`user`'s sessions that still work, the `limit` most recently seen first; `current_token`
    marks the one this request came with. Bounded rather than paged: a session seen again moves
    to the top, so a cursor on it would skip or repeat rows; "sign out every other session"
    reaches those beyond the limit."""
    current_hash = _token_hash(current_token) if current_token else None
    sessions = db.session.scalars(
        select(UserSession)
        .where(*_live(user))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        .limit(limit)
    )
    return [
        SessionRow(
            id=session.id,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            browser=session.browser,
            operating_system=session.operating_system,
            is_current=session.token_hash == current_hash,
        )
        for session in sessions
    ]


def end_one_session(user: User, session_id: uuid.UUID) -> None:
    """Sign one of `user`'s own sessions out; another person's reads like a missing one."""
    session = db.session.scalar(
        select(UserSession).where(UserSession.id == session_id, *_live(user))
    )
    if session is None:
        raise NotFound("no such session")
    session.revoked_at = utcnow()
    db.session.flush()
    audit.record("session.end", actor=user, object_type="user_session", object_id=session.id)


def end_other_sessions(user: User, *, current_token: str | None) -> None:
    """Sign out every session of `user` but this one."""
    conditions = [UserSession.user_id == user.id, UserSession.revoked_at.is_(None)]
    if current_token:
        conditions.append(UserSession.token_hash != _token_hash(current_token))
    db.session.execute(update(UserSession).where(*conditions).values(revoked_at=utcnow()))
    audit.record("session.end_others", actor=user, object_type="user", object_id=user.id)
