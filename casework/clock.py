"""The centre's calendar: "today" and midnight in the centre's time zone, not the server's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def centre_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Warsaw"))


def centre_now() -> datetime:
    return datetime.now(centre_zone())


def centre_today() -> date:
    return centre_now().date()


def centre_midnight(day: date | None = None) -> datetime:
    """The start of `day` (default today) in the centre's time zone, as an aware datetime."""
    day = day or centre_today()
    return datetime(day.year, day.month, day.day, tzinfo=centre_zone())
