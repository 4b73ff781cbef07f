"""A practitioner's iCalendar feed behind a secret address: created, replaced, revoked, read.

The address carries a random secret; only its SHA-256 is kept, so a copy of the database does
not open anyone's calendar. The feed holds times, places and case references: never names.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.care.models import Appointment, Attendance, CalendarFeed
from casework.cases.models import Case
from casework.db import db, utcnow
from casework.errors import NotFound

#: Who keeps appointments, so may have a feed.
#: How far back and ahead a feed reaches, and how many appointments it holds at most.
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=365)
FEED_LIMIT = 1000


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def current_feed(user: User) -> CalendarFeed | None:
    """The user's feed that still works, if any."""
    return db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    )


def _revoke_all(user: User) -> list[CalendarFeed]:
    feeds = list(
        db.session.scalars(
            select(CalendarFeed).where(
                CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
            )
        )
    )
    for feed in feeds:
        feed.revoked_at = utcnow()
        audit.record_change("calendar_feed.revoke", feed, actor=user, fields=["revoked_at"])
    return feeds


def create_feed(user: User) -> tuple[CalendarFeed, str]:
    """A new secret address for the user's own calendar, replacing (revoking) any earlier one.
    Returns the feed and its secret, which is shown this once and never stored."""
    policy.APPOINTMENTS.require(user)
    _revoke_all(user)
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=user.id, secret_hash=_digest(secret))
    db.session.add(feed)
    db.session.flush()
    audit.record_change("calendar_feed.create", feed, actor=user)
    return feed, secret


def revoke_feed(user: User) -> bool:
    """Stop the user's feed address from working; False if there was none."""
    return bool(_revoke_all(user))


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    #: The case reference; None for an appointment outside a case.
    reference: str | None
    is_cancelled: bool
    changed_at: datetime


def read_feed(secret: str, *, now: datetime | None = None) -> list[FeedEvent]:
    """The appointments of the feed's owner near now, for a calendar application; NotFound for
    an unknown or revoked secret, a disabled account, or a secret made before the owner's
    latest password. Each read is audited."""
    feed = db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.secret_hash == _digest(secret), CalendarFeed.revoked_at.is_(None)
        )
    )
    owner = db.session.get(User, feed.user_id) if feed is not None else None
    if feed is None or owner is None or not owner.is_active:
        raise NotFound("no such calendar")
    if feed.created_at < owner.password_changed_at:  # a new password ends it, like API tokens
        raise NotFound("no such calendar")
    now = now or utcnow()
    rows = db.session.execute(
        select(Appointment, Case.reference)
        .outerjoin(Case, Case.id == Appointment.case_id)
        .where(
            Appointment.practitioner_id == owner.id,
            Appointment.starts_at >= now - FEED_PAST,
            Appointment.starts_at < now + FEED_AHEAD,
        )
        .order_by(Appointment.starts_at)
        .limit(FEED_LIMIT)
    )
    cancelled = (Attendance.CANCELLED_BY_CLIENT, Attendance.CANCELLED_BY_CENTRE)
    events = [
        FeedEvent(
            uid=f"{appointment.id}@casework",
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            place=appointment.place,
            reference=reference,
            is_cancelled=appointment.attendance in cancelled,
            changed_at=now,
        )
        for appointment, reference in rows
    ]
    audit.record_change("calendar_feed.read", feed, actor=owner, fields=["appointments"])
    return events
