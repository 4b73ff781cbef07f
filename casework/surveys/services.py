"""Use cases for satisfaction surveys: record an anonymous response (scored), list, summarise."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

import assessments as engine
from casework import policy
from casework.auth.models import User
from casework.catalogue.library import library
from casework.catalogue.models import Service
from casework.consultations import services as consultations
from casework.db import db, utcnow
from casework.errors import Forbidden, ValidationError
from casework.pagination import Page, paginate
from casework.surveys.models import SurveyChannel, SurveyResponse

#: Instruments answered anonymously about a service. Clinical questionnaires are never surveys.
SURVEY_INSTRUMENTS = ("satisfaction",)
#: The service a consultation's survey is about, when no other is named.
CONSULTATION_SERVICE = "migrant_information_point"


def record_response(
    user: User,
    *,
    answers: Mapping[str, Any],
    language: str,
    instrument_id: str = "satisfaction",
    service_code: str | None = None,
    group_run_id: uuid.UUID | None = None,
    consultation_id: uuid.UUID | None = None,
) -> SurveyResponse:
    """Store an anonymous survey answered about a service, group run or consultation.

    A consultation only names the service: the link itself is not kept, since a consultation
    may name its client (or carry a visitor token). The time is kept to the day only.
    """
    if not policy.may_record_survey(user):
        raise Forbidden("surveys are entered by the staff who deliver services")
    survey_instrument(instrument_id)
    if consultation_id is not None:
        consultations.require_consultation(user, consultation_id)
        service_code = service_code or CONSULTATION_SERVICE
    return store_response(
        instrument_id=instrument_id,
        service_code=surveyed_service(user, service_code, group_run_id),
        group_run_id=group_run_id,
        language=language,
        answers=answers,
        channel=SurveyChannel.STAFF,
    )


def surveyed_service(user: User, service_code: str | None, group_run_id: uuid.UUID | None) -> str:
    """The service a survey is about: the one named, or the group run's (which `user` may see)."""
    if group_run_id is not None:
        run = policy.require_group_run(user, group_run_id)
        service_code = service_code or run.service_code
        if service_code != run.service_code:
            raise ValidationError(
                "the group run belongs to another service", fields={"service_code": ["mismatch"]}
            )
    if not service_code or db.session.get(Service, service_code) is None:
        raise ValidationError(
            "name the service the survey is about", fields={"service_code": ["unknown"]}
        )
    return service_code


def survey_instrument(instrument_id: str) -> engine.Instrument:
    """A survey instrument of the library; a clinical questionnaire is refused."""
    if instrument_id not in SURVEY_INSTRUMENTS:
        raise ValidationError(
            "%(instrument)s is not a survey instrument",
            fields={"instrument_id": ["not a survey"]},
            instrument=instrument_id,
        )
    return library().instrument(instrument_id)


def require_survey_language(instrument: engine.Instrument, language: str) -> None:
    if language not in instrument.languages:
        raise ValidationError(
            "the survey exists in %(languages)s",
            fields={"language": ["unsupported"]},
            languages=list(instrument.languages),
        )


def store_response(
    *,
    instrument_id: str,
    service_code: str,
    group_run_id: uuid.UUID | None,
    language: str,
    answers: Mapping[str, Any],
    channel: SurveyChannel,
) -> SurveyResponse:
    """Score and keep answers whose right to be given was checked by the caller (staff, a kiosk
    or a link). Only the service, the run, the language, the channel and the day are kept."""
    instrument = survey_instrument(instrument_id)
    require_survey_language(instrument, language)
    try:
        result = engine.score(instrument, answers, {})
    except engine.AnswerError as error:
        raise ValidationError(
            "some answers are invalid",
            fields={
                f"answers.{p.item}" if p.item else "answers": [p.message] for p in error.problems
            },
        ) from None
    scale = result.scale(instrument.level_scale) if instrument.level_scale else None
    score = scale.score if scale is not None else None
    response = SurveyResponse(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        service_code=service_code,
        group_run_id=group_run_id,
        channel=channel.value,
        submitted_at=utcnow().replace(hour=0, minute=0, second=0, microsecond=0),
        language=language,
        answers=dict(answers),
        result=result.to_dict(),
        score=Decimal(str(score)) if score is not None else None,
        level=result.level,
    )
    db.session.add(response)
    db.session.flush()
    return response


def _require_reader(user: User) -> None:
    policy.SURVEY_RESULTS.require(user)


def list_responses(
    user: User,
    *,
    service_code: str | None = None,
    instrument_id: str | None = None,
    submitted_from: datetime | None = None,
    submitted_before: datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[SurveyResponse]:
    """Anonymous responses, newest first (supervisors and administrators)."""
    _require_reader(user)
    query = _where(
        select(SurveyResponse), service_code, instrument_id, submitted_from, submitted_before
    )
    return paginate(
        query, [SurveyResponse.submitted_at, SurveyResponse.id], cursor=cursor, limit=limit
    )


def _where(query: Any, service_code: Any, instrument_id: Any, start: Any, end: Any) -> Any:
    if service_code:
        query = query.where(SurveyResponse.service_code == service_code)
    if instrument_id:
        query = query.where(SurveyResponse.instrument_id == instrument_id)
    if start:
        query = query.where(SurveyResponse.submitted_at >= start)
    if end:
        query = query.where(SurveyResponse.submitted_at < end)
    return query


def summary(
    user: User,
    *,
    instrument_id: str = "satisfaction",
    submitted_from: datetime | None = None,
    submitted_before: datetime | None = None,
) -> list[dict[str, Any]]:
    """Per service: responses, mean score, responses per level and per item the share of each
    option, e.g. "% who strongly agree the help was useful" (grouped in SQL)."""
    _require_reader(user)
    shares = item_shares(instrument_id, submitted_from, submitted_before)
    query = _where(
        select(
            SurveyResponse.service_code,
            SurveyResponse.level,
            func.count(),
            func.sum(SurveyResponse.score),
            func.count(SurveyResponse.score),
        ).group_by(SurveyResponse.service_code, SurveyResponse.level),
        None,
        instrument_id,
        submitted_from,
        submitted_before,
    )
    services: dict[str, dict[str, Any]] = {}
    for code, level, count, total, scored in db.session.execute(query):
        entry = services.setdefault(
            code, {"service_code": code, "responses": 0, "levels": {}, "_sum": 0, "_scored": 0}
        )
        entry["responses"] += count
        entry["levels"][level or "unscored"] = count
        entry["_sum"] += Decimal(total or 0)
        entry["_scored"] += scored
    out = []
    for code in sorted(services):
        entry = services[code]
        scored, total = entry.pop("_scored"), entry.pop("_sum")
        entry["mean_score"] = float(round(total / scored, 2)) if scored else None
        entry["items"] = shares.get(code, {})
        out.append(entry)
    return out


def item_shares(
    instrument_id: str, submitted_from: datetime | None, submitted_before: datetime | None
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per service and item: how many answered it, and each option's share of them in per cent
    (counted in SQL, one grouped query per item)."""
    instrument = survey_instrument(instrument_id)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for item in instrument.items:
        if not item.is_choice:
            continue
        answer = SurveyResponse.answers[item.id].as_string()
        query = _where(
            select(SurveyResponse.service_code, answer, func.count())
            .where(answer.is_not(None))
            .group_by(SurveyResponse.service_code, answer),
            None,
            instrument_id,
            submitted_from,
            submitted_before,
        )
        counts: dict[str, dict[str, int]] = {}
        for code, option, count in db.session.execute(query):
            counts.setdefault(code, {})[option] = count
        for code, options in counts.items():
            answered = sum(options.values())
            out.setdefault(code, {})[item.id] = {
                "answered": answered,
                "shares": {
                    o.code: round(100 * options.get(o.code, 0) / answered, 1) for o in item.options
                },
            }
    return out
