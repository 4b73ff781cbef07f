"""Surveys clients fill in themselves: a kiosk tablet and one-time links (or their QR codes).

A pass is a random token, of which only the SHA-256 is kept, that may do one thing: submit
answers about one service (a link perhaps about one group run). It never names a client,
appointment or consultation, and the answers it lets in do not name the pass: a response keeps
its service, run, language, channel and day, as one typed in by staff does.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.db import db, utcnow
from casework.errors import DomainError, Forbidden
from casework.surveys.models import SurveyChannel, SurveyPass, SurveyPassKind, SurveyResponse
from casework.surveys.services import (
    require_survey_language,
    store_response,
    survey_instrument,
    surveyed_service,
)

#: How long a kiosk stays open unless it is left first (a working day).
KIOSK_HOURS = 12
#: How long a one-time link may wait to be used, unless configured otherwise.
LINK_DAYS = 14


class PassUnusable(DomainError):
    """The kiosk was left or has expired, or the link was used or has expired."""

    status = 410
    title = "Gone"


@dataclass(frozen=True)
class IssuedPass:
    """A new pass and its token, which exists only here (the database keeps its hash)."""

    survey_pass: SurveyPass
    token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue(
    user: User,
    *,
    kind: SurveyPassKind,
    instrument_id: str,
    service_code: str | None,
    group_run_id: uuid.UUID | None,
    language: str | None,
    lifetime: timedelta,
) -> IssuedPass:
    if not policy.may_record_survey(user):
        raise Forbidden("surveys are handed out by the staff who deliver services")
    instrument = survey_instrument(instrument_id)
    if language is not None:
        require_survey_language(instrument, language)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    survey_pass = SurveyPass(
        kind=kind,
        token_hash=_hash(token),
        instrument_id=instrument.id,
        service_code=surveyed_service(user, service_code, group_run_id),
        group_run_id=group_run_id,
        language=language,
        created_by_id=user.id,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(survey_pass)
    db.session.flush()
    audit.record_change("create", survey_pass, actor=user, fields=["kind", "service_code"])
    return IssuedPass(survey_pass, token)


def start_kiosk(
    user: User,
    *,
    service_code: str,
    language: str,
    instrument_id: str = "satisfaction",
    hours: int = KIOSK_HOURS,
) -> IssuedPass:
    """Open a kiosk: clients answer about `service_code` in `language`, one after another."""
    return _issue(
        user,
        kind=SurveyPassKind.KIOSK,
        instrument_id=instrument_id,
        service_code=service_code,
        group_run_id=None,
        language=language,
        lifetime=timedelta(hours=hours),
    )


def create_link(
    user: User,
    *,
    service_code: str | None = None,
    group_run_id: uuid.UUID | None = None,
    language: str | None = None,
    instrument_id: str = "satisfaction",
    days: int = LINK_DAYS,
) -> IssuedPass:
    """A one-time link about a service (or a group run the user may see), valid for `days`."""
    return _issue(
        user,
        kind=SurveyPassKind.LINK,
        instrument_id=instrument_id,
        service_code=service_code,
        group_run_id=group_run_id,
        language=language,
        lifetime=timedelta(days=days),
    )


def live_pass(token: str | None, kind: SurveyPassKind) -> SurveyPass | None:
    """The open kiosk or unused link behind `token`, or None."""
    if not token:
        return None
    return db.session.scalars(
        select(SurveyPass).where(
            SurveyPass.token_hash == _hash(token),
            SurveyPass.kind == kind,
            SurveyPass.ended_at.is_(None),
            SurveyPass.expires_at > utcnow(),
        )
    ).one_or_none()


def require_live(token: str | None, kind: SurveyPassKind) -> SurveyPass:
    survey_pass = live_pass(token, kind)
    if survey_pass is None:
        raise PassUnusable("this survey is closed or the link was already used")
    return survey_pass


def answer_at_kiosk(token: str | None, *, answers: Mapping[str, Any]) -> SurveyResponse:
    """One client's answers at an open kiosk, in the kiosk's language."""
    kiosk = require_live(token, SurveyPassKind.KIOSK)
    return store_response(
        instrument_id=kiosk.instrument_id,
        service_code=kiosk.service_code,
        group_run_id=None,
        language=kiosk.language or "",
        answers=answers,
        channel=SurveyChannel.KIOSK,
    )


def answer_by_link(
    token: str | None, *, answers: Mapping[str, Any], language: str
) -> SurveyResponse:
    """The answers sent through a one-time link; the link is used up in the same transaction (a
    conditional update, so two submissions at once cannot both succeed)."""
    link = require_live(token, SurveyPassKind.LINK)
    response = store_response(
        instrument_id=link.instrument_id,
        service_code=link.service_code,
        group_run_id=link.group_run_id,
        language=language,
        answers=answers,
        channel=SurveyChannel.LINK,
    )
    used = db.session.execute(
        update(SurveyPass)
        .where(SurveyPass.id == link.id, SurveyPass.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise PassUnusable("this survey is closed or the link was already used")
    return response


def leave_kiosk(token: str | None) -> None:
    """Close the kiosk behind `token` (if it is still open): the tablet can submit no more."""
    kiosk = live_pass(token, SurveyPassKind.KIOSK)
    if kiosk is not None:
        kiosk.ended_at = utcnow()
        db.session.flush()
