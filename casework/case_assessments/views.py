"""The assessment form rendered from the instrument file, the result page with its bars, flags and
recommendations, the decisions on recommendations, and the closing comparison."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

import assessments as engine
from casework.case_assessments import services
from casework.case_assessments.forms import (
    AddServiceForm,
    AnswersForm,
    DecisionForm,
    StartAssessmentForm,
)
from casework.case_assessments.models import AssessmentState
from casework.catalogue.services import list_services
from casework.errors import DomainError, ValidationError
from casework.web.current import current_staff
from casework.web.input import whole_number

bp = Blueprint("assessment_pages", __name__, template_folder="templates")


def _language() -> str:
    return str(get_locale() or "pl")


@bp.route("/cases/<uuid:case_id>/assessments", methods=["POST"])
@login_required
def start(case_id: uuid.UUID) -> Response:
    form = StartAssessmentForm()
    try:
        client_id = uuid.UUID(form.client.data or "")
    except ValueError:
        flash(_("Choose a participant."), "error")
        return redirect(url_for("case_pages.show", case_id=case_id))
    others: tuple[uuid.UUID, ...] = ()
    if form.with_others.data:
        try:
            others = tuple(uuid.UUID(value) for value in request.form.getlist("participant_ids"))
        except ValueError:
            flash(_("Choose a participant."), "error")
            return redirect(url_for("case_pages.show", case_id=case_id))
    try:
        assessment = services.start_assessment(
            current_staff(),
            case_id,
            instrument_id=form.instrument.data or "",
            client_id=client_id,
            participant_ids=others,
            is_individual=bool(form.is_individual.data),
            is_closing=bool(form.is_closing.data),
        )
    except (DomainError, KeyError) as error:
        if isinstance(error, DomainError) and error.status == 404:
            raise
        flash(error.message if isinstance(error, DomainError) else str(error), "error")
        return redirect(url_for("case_pages.show", case_id=case_id))
    return redirect(url_for("assessment_pages.form", assessment_id=assessment.id))


def _parse_answer(item: engine.Item, raw: str | None) -> Any:
    if raw is None or raw.strip() == "":
        return None
    if item.kind == engine.ItemKind.NUMBER:
        try:
            number = Decimal(raw.strip().replace(",", "."))
        except InvalidOperation:
            return raw  # the engine refuses it with a message beside the item
        return int(number) if number == number.to_integral_value() else float(number)
    return raw.strip()


def _posted_answers(instrument: engine.Instrument, facts: dict[str, Any]) -> dict[str, Any]:
    """Every item's answer from the form; None clears one. Hidden items are cleared, so a
    follow-up answered before its trigger changed does not linger (works without JavaScript)."""
    answers = {
        item.id: _parse_answer(item, request.form.get(f"item-{item.id}"))
        for item in instrument.items
    }
    given = {key: value for key, value in answers.items() if value is not None}
    visible = {item.id for item in instrument.visible_items(given, facts)}
    return {key: (value if key in visible else None) for key, value in answers.items()}


def _item_view(instrument: engine.Instrument, language: str) -> list[dict[str, Any]]:
    """Sections with their items, with the texts in `language` and the conditions as JSON."""
    sections: list[engine.Section | None] = list(instrument.sections) or [None]
    groups = []
    for section in sections:
        items = instrument.items_in(section.id) if section else instrument.items
        if not items:
            continue
        groups.append(
            {
                "section": section,
                "items": [
                    {
                        "item": item,
                        "condition": json.dumps(item.visible_when.to_dict())
                        if item.visible_when
                        else None,
                        "positive": json.dumps([o.code for o in item.options if o.positive]),
                    }
                    for item in items
                ],
            }
        )
    return groups


def _render_form(
    page: services.AssessmentPage,
    errors: dict[str, list[str]],
    answers: dict[str, Any],
    message: str | None = None,
) -> str:
    instrument = page.instrument
    assessment = page.assessment
    language = _language()
    given = {key: value for key, value in answers.items() if value is not None}
    visible = {item.id for item in instrument.visible_items(given, assessment.facts)}
    form = AnswersForm(formdata=None, version=str(assessment.version))
    return render_template(
        "case_assessments/form.html",
        page=page,
        groups=_item_view(instrument, language),
        answers=answers,
        visible=visible,
        errors=errors,
        message=message,
        facts_json=json.dumps(assessment.facts),
        form=form,
        t=lambda text: instrument.text(text, language),
    )


@bp.route("/assessments/<uuid:assessment_id>", methods=["GET", "POST"])
@login_required
def form(assessment_id: uuid.UUID) -> str | Response:
    page = services.assessment_page(current_staff(), assessment_id)
    if page.assessment.state == AssessmentState.COMPLETED:
        return redirect(url_for("assessment_pages.result", assessment_id=assessment_id))
    answers = dict(page.assessment.answers or {})
    if request.method == "POST" and AnswersForm().validate_on_submit():
        posted = _posted_answers(page.instrument, page.assessment.facts)
        version = request.form.get("version", "")
        expected = whole_number(version)
        try:
            assessment = services.save_answers(
                current_staff(), assessment_id, posted, expected_version=expected
            )
            if request.form.get("action") == "complete":
                services.complete_assessment(
                    current_staff(), assessment_id, expected_version=assessment.version
                )
                flash(_("The assessment is completed and scored."), "info")
                return redirect(url_for("assessment_pages.result", assessment_id=assessment_id))
        except ValidationError as error:
            answers.update({k: v for k, v in posted.items()})
            return _render_form(page, error.fields, answers, error.message), 422  # type: ignore[return-value]
        except DomainError as error:
            if error.status == 404:
                raise
            return _render_form(page, error.fields, answers, error.message), error.status  # type: ignore[return-value]
        flash(_("The draft is saved."), "info")
        return redirect(url_for("assessment_pages.form", assessment_id=assessment_id))
    return _render_form(page, {}, answers)


def _band_width(scale: dict[str, Any], instrument: engine.Instrument) -> int:
    """The score as a share of the scale's range, in steps of 5 (a CSS class, CSP-safe)."""
    try:
        spec = instrument.scale(scale["id"])
    except KeyError:
        return 0
    bounds = [band.bounds for band_set in spec.band_sets for band in band_set.bands]
    if not bounds or scale.get("score") is None:
        return 0
    low = min(float(b[0]) for b in bounds)
    high = max(float(b[1]) for b in bounds)
    if high <= low:
        return 0
    share = (float(scale["score"]) - low) / (high - low)
    return max(0, min(100, round(share * 20) * 5))


@bp.route("/assessments/<uuid:assessment_id>/result")
@login_required
def result(assessment_id: uuid.UUID) -> str | Response:
    page = services.assessment_page(current_staff(), assessment_id)
    if page.assessment.state != AssessmentState.COMPLETED:
        return redirect(url_for("assessment_pages.form", assessment_id=assessment_id))
    language = _language()
    instrument = page.instrument
    outcome = page.assessment.result or {}
    add_form = AddServiceForm(formdata=None)
    services_all = list_services(include_inactive=True)
    add_form.service.choices = [
        (service.code, service.label(language)) for service in services_all if service.is_active
    ]
    level = outcome.get("level")
    level_guidance = None
    if level:
        try:
            level_guidance = instrument.text(instrument.level(level).guidance, language)
        except KeyError:
            level_guidance = None
    return render_template(
        "case_assessments/result.html",
        page=page,
        outcome=outcome,
        routing=page.assessment.routing or {},
        widths={s["id"]: _band_width(s, instrument) for s in outcome.get("scales", [])},
        scale_titles={s.id: instrument.text(s.title, language) for s in instrument.scales},
        level_guidance=level_guidance,
        decision_form=DecisionForm(formdata=None),
        add_form=add_form,
        services_by_code={service.code: service.label(language) for service in services_all},
        t=lambda text: instrument.text(text, language) if text else "",
    )


def _decision_redirect(assessment_id: str | None, case_id: uuid.UUID | None = None) -> Response:
    if case_id is None and not assessment_id:
        return redirect(url_for("home.index"))
    if assessment_id:
        return redirect(
            url_for("assessment_pages.result", assessment_id=assessment_id) + "#recommendations"
        )
    return redirect(url_for("case_pages.show", case_id=case_id))


@bp.route("/recommendations/<uuid:recommendation_id>/decide", methods=["POST"])
@login_required
def decide(recommendation_id: uuid.UUID) -> Response:
    form = DecisionForm()
    accept = request.form.get("decision") == "accept"
    version = form.version.data or ""
    reason = form.reason.data or ("" if not accept else _("Accepted as recommended."))
    try:
        services.decide(
            current_staff(),
            recommendation_id,
            accept=accept,
            reason=reason,
            expected_version=whole_number(version),
        )
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    else:
        flash(_("The decision is saved."), "info")
    return _decision_redirect(request.form.get("assessment_id"))


@bp.route("/recommendations/<uuid:recommendation_id>/confirm", methods=["POST"])
@login_required
def confirm(recommendation_id: uuid.UUID) -> Response:
    form = DecisionForm()
    version = form.version.data or ""
    try:
        services.confirm_decline(
            current_staff(),
            recommendation_id,
            confirm=request.form.get("decision") == "confirm",
            reason=form.reason.data or "",
            expected_version=whole_number(version),
        )
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    else:
        flash(_("The decision is saved."), "info")
    return _decision_redirect(request.form.get("assessment_id"))


@bp.route("/cases/<uuid:case_id>/recommendations", methods=["POST"])
@login_required
def add(case_id: uuid.UUID) -> Response:
    form = AddServiceForm()
    try:
        services.add_recommendation(
            current_staff(),
            case_id,
            service_code=form.service.data or "",
            reason=form.reason.data or "",
        )
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
    else:
        flash(_("The service is added."), "info")
    return _decision_redirect(request.form.get("assessment_id"), case_id)


@bp.route("/cases/<uuid:case_id>/compare/<uuid:assessment_id>")
@login_required
def compare(case_id: uuid.UUID, assessment_id: uuid.UUID) -> str:
    """The closing reassessment `assessment_id` beside the first assessment, scale by scale."""
    page = services.assessment_page(current_staff(), assessment_id)
    comparison = services.compare_closing(
        current_staff(),
        case_id,
        instrument_id=page.assessment.instrument_id,
        client_id=page.assessment.client_id,
    )
    language = _language()
    return render_template(
        "case_assessments/compare.html",
        comparison=comparison,
        case_id=case_id,
        scale_titles={
            s.id: page.instrument.text(s.title, language) for s in page.instrument.scales
        },
        levels={lv.code: page.instrument.text(lv.label, language) for lv in page.instrument.levels},
    )
