"""The assessment pages: the questionnaire rendered from the instrument file, the result with its
bars, flags and recommendations, the decisions on recommendations, and the closing comparison."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework.auth.current import current_staff
from casework.case_assessments import pages
from casework.case_assessments.forms import (
    AddServiceForm,
    DecisionForm,
    StartAssessmentForm,
    answers_form,
)
from casework.case_assessments.models import AssessmentState, Decision, Recommendation
from casework.case_assessments.services import assessments, recommendations
from casework.errors import DomainError, ValidationError
from casework.web.errors import refuse_on_page, show_on_form

bp = Blueprint("assessment_pages", __name__, template_folder="templates")


@bp.route("/cases/<uuid:case_id>/assessments", methods=["POST"])
@login_required
def start(case_id: uuid.UUID) -> Response:
    form = StartAssessmentForm()
    if not form.validate_on_submit():
        flash(_("Choose a participant."), "error")
        return redirect(url_for("casefile_pages.show", case_id=case_id))
    try:
        assessment = assessments.start_assessment(
            current_staff(),
            case_id,
            instrument_id=form.instrument.data or "",
            client_id=form.client_id,
            participant_ids=form.others,
            is_individual=bool(form.is_individual.data),
            is_closing=bool(form.is_closing.data),
        )
    except DomainError as error:
        refuse_on_page(error)
        return redirect(url_for("casefile_pages.show", case_id=case_id))
    return redirect(url_for("assessment_pages.form", assessment_id=assessment.id))


def _questionnaire(
    page: pages.QuestionnairePage,
    answers: dict[str, Any],
    *,
    version: int,
    error: DomainError | None = None,
) -> tuple[str, int]:
    """The questionnaire showing `answers`, for a change based on `version`; `error` (a refusal
    of the last submission) above the form and beside the answers it concerns."""
    form = answers_form(page.instrument, formdata=None, version=version)
    if error is not None:
        show_on_form(form, error)
    return render_template(
        "case_assessments/form.html",
        page=page,
        answers=answers,
        visible=page.visible_ids(answers),
        errors=error.fields if error else {},
        form=form,
    ), error.status if error else 200


@bp.route("/assessments/<uuid:assessment_id>", methods=["GET", "POST"])
@login_required
def form(assessment_id: uuid.UUID) -> tuple[str, int] | Response:
    page = pages.questionnaire(current_staff(), assessment_id)
    if page.assessment.state == AssessmentState.COMPLETED:
        return redirect(url_for("assessment_pages.result", assessment_id=assessment_id))
    stored = dict(page.assessment.answers or {})
    version = page.assessment.version
    posted = answers_form(page.instrument)
    if not posted.is_submitted():
        return _questionnaire(page, stored, version=version)
    answers = posted.answers(page.assessment.facts)
    if not posted.validate():
        problems = [str(problem) for errors in posted.errors.values() for problem in errors]
        message = " ".join(problems)  # already in the page's language
        refusal = ValidationError(message)
        return _questionnaire(page, {**stored, **answers}, version=version, error=refusal)
    try:
        assessments.submit_answers(
            current_staff(),
            assessment_id,
            answers,
            expected_version=posted.version.data,
            complete=posted.completes,
        )
    except DomainError as error:
        shown = {**stored, **answers} if isinstance(error, ValidationError) else stored
        return _questionnaire(page, shown, version=version, error=error)
    if posted.completes:
        flash(_("The assessment is completed and scored."), "info")
        return redirect(url_for("assessment_pages.result", assessment_id=assessment_id))
    flash(_("The draft is saved."), "info")
    return redirect(url_for("assessment_pages.form", assessment_id=assessment_id))


@bp.route("/assessments/<uuid:assessment_id>/result")
@login_required
def result(assessment_id: uuid.UUID) -> str | Response:
    page = pages.result(current_staff(), assessment_id)
    if page.assessment.state != AssessmentState.COMPLETED:
        return redirect(url_for("assessment_pages.form", assessment_id=assessment_id))
    add_form = AddServiceForm(formdata=None, assessment_id=str(assessment_id))
    add_form.service.choices = page.service_choices
    return render_template("case_assessments/result.html", page=page, add_form=add_form)


def _back_to(assessment_id: str | None, case_id: uuid.UUID | None = None) -> Response:
    """The result page the decision was made on, else the case page, else the home page."""
    if assessment_id:
        return redirect(
            url_for("assessment_pages.result", assessment_id=assessment_id) + "#recommendations"
        )
    if case_id is not None:
        return redirect(url_for("casefile_pages.show", case_id=case_id))
    return redirect(url_for("home.index"))


def _change_on_result_page(
    form: DecisionForm | AddServiceForm,
    change: Callable[[], object],
    done: str,
    *,
    case_id: uuid.UUID | None = None,
) -> Response:
    """Parse `form`, make the `change` it asks for, and say on the page returned to that it is
    `done`, or why not."""
    if not form.validate_on_submit():
        for problems in form.errors.values():
            for problem in problems:
                flash(str(problem), "error")
    else:
        try:
            change()
        except DomainError as error:
            refuse_on_page(error)
        else:
            flash(done, "info")
    return _back_to(form.assessment_id.data, case_id)


@bp.route("/recommendations/<uuid:recommendation_id>/decide", methods=["POST"])
@login_required
def decide(recommendation_id: uuid.UUID) -> Response:
    """Decide; an acceptance opens the enrolment it leads to, prefilled."""
    form = DecisionForm()
    decided: list[Recommendation] = []
    back = _change_on_result_page(
        form,
        lambda: decided.append(
            recommendations.decide(
                current_staff(),
                recommendation_id,
                accept=form.accepts,
                reason=form.decision_reason(),
                expected_version=form.expected_version,
            )
        ),
        _("The decision is saved."),
    )
    if not decided or decided[0].decision != Decision.ACCEPTED:
        return back
    step = recommendations.enrolment_step(decided[0])
    if step == "enrol":
        return redirect(
            url_for(
                "casefile_pages.enrol", case_id=decided[0].case_id, recommendation=recommendation_id
            )
        )
    if step == "group":
        return redirect(url_for("group_pages.enrol_case", case_id=decided[0].case_id))
    return back


@bp.route("/recommendations/<uuid:recommendation_id>/confirm", methods=["POST"])
@login_required
def confirm(recommendation_id: uuid.UUID) -> Response:
    form = DecisionForm()
    return _change_on_result_page(
        form,
        lambda: recommendations.confirm_decline(
            current_staff(),
            recommendation_id,
            confirm=form.confirms,
            reason=form.reason.data or "",
            expected_version=form.expected_version,
        ),
        _("The decision is saved."),
    )


@bp.route("/cases/<uuid:case_id>/recommendations", methods=["POST"])
@login_required
def add(case_id: uuid.UUID) -> Response:
    form = AddServiceForm()
    return _change_on_result_page(
        form,
        lambda: recommendations.add_recommendation(
            current_staff(),
            case_id,
            service_code=form.service.data or "",
            reason=form.reason.data or "",
        ),
        _("The service is added."),
        case_id=case_id,
    )


@bp.route("/cases/<uuid:case_id>/compare/<uuid:assessment_id>")
@login_required
def compare(case_id: uuid.UUID, assessment_id: uuid.UUID) -> str:
    """The closing reassessment `assessment_id` beside the first assessment, scale by scale."""
    page = pages.comparison(current_staff(), case_id, assessment_id)
    return render_template("case_assessments/compare.html", page=page)
