"""Assessments of a case's participants: start a draft, save answers, complete (score and route),
read and rescore."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

import assessments as engine
from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.case_assessments.models import Assessment, AssessmentState
from casework.case_assessments.services import routing
from casework.cases.models import Case, CaseState
from casework.cases.services import cases
from casework.catalogue.library import library
from casework.clients.models import Client, Gender
from casework.clients.services.consents import require_processing_basis
from casework.db import db, utcnow
from casework.errors import N_, Conflict, NotFound, ValidationError, check_version

#: The languages routing rules tell apart; any other first language is "other".
ROUTING_LANGUAGES = ("pl", "en", "uk", "ru")


def client_facts(client: Client, case: Case) -> dict[str, Any]:
    """The facts instruments and routing rules read, derived from the client and the case."""
    facts: dict[str, Any] = {
        "children_in_household": case.children_in_household,
        "case_kind": case.kind.value,
    }
    if client.gender in (Gender.FEMALE, Gender.MALE):
        facts["sex"] = client.gender.value
    elif client.gender == Gender.NON_BINARY:
        facts["sex"] = "other"
    if client.birth_year:
        age = utcnow().year - client.birth_year
        facts["age_group"] = "adolescent" if age < 18 else "older_adult" if age >= 65 else "adult"
    if client.languages:
        first = client.languages[0]
        facts["language"] = first if first in ROUTING_LANGUAGES else "other"
    return facts


def _may_assess(user: User, case: Case) -> None:
    """A practitioner of one of the case's participants, or whoever manages the case."""
    if not policy.may_assess_case(user, case):
        policy.require_case_manager_of(user, case)


def instruments_available() -> list[engine.Instrument]:
    """The newest version of each instrument, for starting an assessment."""
    return library().newest()


def start_assessment(
    user: User,
    case_id: uuid.UUID,
    *,
    instrument_id: str,
    client_id: uuid.UUID,
    participant_ids: tuple[uuid.UUID, ...] = (),
    is_individual: bool = False,
    is_closing: bool = False,
) -> Assessment:
    """Start a draft assessment of a participant with the newest version of an instrument."""
    case = policy.require_case(user, case_id)
    _may_assess(user, case)
    cases.require_not_closed(case)
    members = set(case.client_ids)
    if client_id not in members or not set(participant_ids) <= members:
        raise ValidationError(
            "only participants of the case can be assessed",
            fields={"client_id": ["not a participant"]},
        )
    require_processing_basis([client_id, *participant_ids])
    instrument = library().instrument(instrument_id)
    client = policy.require_visible(user, Client, client_id, what="client")
    assessment = Assessment(
        case_id=case.id,
        client_id=client_id,
        participant_ids=[str(p) for p in participant_ids if p != client_id],
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_sha256=instrument.source_sha256,
        is_individual=is_individual,
        is_closing=is_closing,
        facts=client_facts(client, case),
        started_by_id=user.id,
    )
    assessment.answers = {}
    db.session.add(assessment)
    if case.state == CaseState.INTAKE:
        cases.advance_case(case, CaseState.ASSESSMENT, actor=user)
    audit.record_change("assessment.start", assessment, actor=user, fields=["instrument_id"])
    db.session.flush()
    return assessment


def instrument_of(assessment: Assessment) -> engine.Instrument:
    """The instrument version the assessment was started with; refused if its file changed."""
    instrument = library().instrument(assessment.instrument_id, assessment.instrument_version)
    if instrument.source_sha256 != assessment.instrument_sha256:
        raise Conflict(
            "the file of %(instrument)s %(version)s changed since this assessment began; "
            "a changed instrument needs a new version number",
            instrument=assessment.instrument_id,
            version=assessment.instrument_version,
        )
    return instrument


def _answer_problems(error: engine.AnswerError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in error.problems:
        fields.setdefault(f"answers.{problem.item}" if problem.item else "answers", []).append(
            problem.message
        )
    return fields


def _score(assessment: Assessment, answers: Mapping[str, Any]) -> engine.Result:
    """Score `answers` with the assessment's instrument; invalid answers are reported at once."""
    try:
        return engine.score(instrument_of(assessment), answers, assessment.facts)
    except engine.AnswerError as error:
        raise ValidationError("some answers are invalid", fields=_answer_problems(error)) from None


def visible_assessment(
    user: User, assessment_id: uuid.UUID, *, joint: bool
) -> tuple[Assessment, Case]:
    """The assessment and its case, if `user` may see it in this context; else NotFound."""
    assessment = policy.require_visible(user, Assessment, assessment_id, what="assessment")
    case = db.session.get(Case, assessment.case_id)
    assert case is not None
    if assessment.is_individual and not policy.may_see_individual_disclosure(
        user, case, assessment.client_id, assessment.started_by_id, joint=joint
    ):
        raise NotFound("no such assessment")
    return assessment, case


def read_assessment(user: User, assessment_id: uuid.UUID, *, joint: bool = False) -> Assessment:
    """An assessment with its answers and result; the read is audited."""
    assessment, _ = visible_assessment(user, assessment_id, joint=joint)
    audit.record_change("assessment.read", assessment, actor=user, fields=["answers", "result"])
    return assessment


def save_answers(
    user: User,
    assessment_id: uuid.UUID,
    answers: Mapping[str, Any],
    *,
    expected_version: int,
) -> Assessment:
    """Merge answers into a draft (None clears one); invalid answers are refused, all at once."""
    assessment, case = visible_assessment(user, assessment_id, joint=False)
    _may_assess(user, case)
    check_version(assessment, expected_version, N_("assessment"))
    if assessment.state != AssessmentState.DRAFT:
        raise Conflict("a completed assessment cannot change")
    merged = dict(assessment.answers or {})
    for item_id, value in answers.items():
        if value is None:
            merged.pop(item_id, None)
        else:
            merged[item_id] = value
    _score(assessment, merged)  # validates every answer
    assessment.answers = merged
    audit.record_change("assessment.update", assessment, actor=user, fields=["answers"])
    db.session.flush()
    return assessment


def complete_assessment(
    user: User, assessment_id: uuid.UUID, *, expected_version: int
) -> Assessment:
    """Score the answers, freeze the assessment and route: recommendations follow the rules."""
    assessment, case = visible_assessment(user, assessment_id, joint=False)
    _may_assess(user, case)
    check_version(assessment, expected_version, N_("assessment"))
    if assessment.state != AssessmentState.DRAFT:
        raise Conflict("this assessment is already completed")
    result = _score(assessment, assessment.answers or {})
    assessment.result = result.to_dict()
    assessment.level = result.level
    assessment.state = AssessmentState.COMPLETED
    assessment.completed_at = utcnow()
    assessment.completed_by_id = user.id
    db.session.flush()
    if not assessment.is_closing:
        routing.route(case, assessment, user)
        if case.state == CaseState.ASSESSMENT:
            cases.advance_case(case, CaseState.ROUTING, actor=user)
    audit.record_change("assessment.complete", assessment, actor=user, fields=["answers", "result"])
    db.session.flush()
    return assessment


def submit_answers(
    user: User,
    assessment_id: uuid.UUID,
    answers: Mapping[str, Any],
    *,
    expected_version: int,
    complete: bool,
) -> Assessment:
    """Save the answers of the questionnaire form and, if asked, complete the assessment."""
    assessment = save_answers(user, assessment_id, answers, expected_version=expected_version)
    if not complete:
        return assessment
    return complete_assessment(user, assessment_id, expected_version=assessment.version)


@dataclass(frozen=True)
class Rescore:
    stored: dict[str, Any]
    recomputed: dict[str, Any]

    @property
    def is_same(self) -> bool:
        return self.stored == self.recomputed


def rescore(user: User, assessment_id: uuid.UUID) -> Rescore:
    """Score a completed assessment again with its exact instrument version."""
    assessment, _ = visible_assessment(user, assessment_id, joint=False)
    if assessment.state != AssessmentState.COMPLETED or assessment.result is None:
        raise Conflict("only a completed assessment can be rescored")
    result = _score(assessment, assessment.answers or {})
    audit.record_change("assessment.rescore", assessment, actor=user, fields=["answers", "result"])
    return Rescore(assessment.result, result.to_dict())


def assessments_of(user: User, case_id: uuid.UUID, *, joint: bool) -> list[Assessment]:
    """The case's assessments the user may see in this context (metadata; answers not read)."""
    case = policy.require_case(user, case_id)
    return seen_in_context(user, case, every_assessment_of(user, case.id), joint=joint)


def every_assessment_of(user: User, case_id: uuid.UUID) -> list[Assessment]:
    """Every assessment of a case the user may see, individual disclosures included, oldest
    first: for what the service itself works out from them (the routing's exclusions); what a
    page shows goes through `seen_in_context`."""
    case = policy.require_case(user, case_id)
    return list(
        db.session.scalars(
            select(Assessment).where(Assessment.case_id == case.id).order_by(Assessment.started_at)
        )
    )


def seen_in_context(
    user: User, case: Case, rows: list[Assessment], *, joint: bool
) -> list[Assessment]:
    """Those of `rows` the user may see in this context, oldest first."""
    return [
        row
        for row in sorted(rows, key=lambda row: row.started_at)
        if not row.is_individual
        or policy.may_see_individual_disclosure(
            user, case, row.client_id, row.started_by_id, joint=joint
        )
    ]
