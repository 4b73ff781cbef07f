"""The supervisor's pages: the caseload review as a dashboard, and supervision records."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from casework.auth.models import Role
from casework.auth.services import display_names
from casework.caseload.services import ReviewSettings, review
from casework.cases.models import CaseState
from casework.db import utcnow
from casework.errors import DomainError, NotFound, ValidationError
from casework.form_errors import show_on_form
from casework.policy import CLINICAL_ROLES
from casework.supervision import services as supervision
from casework.supervision.forms import ActionForm, RecordForm

bp = Blueprint("supervision_pages", __name__, template_folder="templates")

#: Risk levels from the most serious; "unassessed" is a case without a completed risk assessment.
LEVELS: tuple[tuple[str, object], ...] = (
    ("very_high", _l("Very high")),
    ("high", _l("High")),
    ("moderate", _l("Moderate")),
    ("low", _l("Low")),
    ("unassessed", _l("Not assessed")),
)
OPEN_STATES = tuple(state for state in CaseState if state is not CaseState.CLOSED)


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _require(*roles: Role) -> None:
    """Pages of other roles read like missing ones."""
    if not current_user.has_role(*roles):
        raise NotFound("no such page")


def per_worker(
    rows: Iterable[Mapping[str, Any]], key: str, names: Mapping[uuid.UUID, str]
) -> list[dict[str, Any]]:
    """Rows of (worker, state, level, cases) as one row per worker, with the bar segments of a
    chart scaled to the busiest worker (x and width in percent, for an SVG viewBox of 100)."""
    workers: dict[uuid.UUID, dict[str, Any]] = {}
    for row in rows:
        worker = workers.setdefault(
            row[key],
            {
                "id": row[key],
                "name": names.get(row[key], "—"),
                "total": 0,
                "states": {},
                "levels": {},
            },
        )
        worker["total"] += row["cases"]
        worker["states"][row["state"]] = worker["states"].get(row["state"], 0) + row["cases"]
        worker["levels"][row["level"]] = worker["levels"].get(row["level"], 0) + row["cases"]
    busiest = max((worker["total"] for worker in workers.values()), default=0) or 1
    for worker in workers.values():
        x = 0.0
        segments = []
        for level, _label in LEVELS:
            count = worker["levels"].get(level, 0)
            if count:
                width = 100 * count / busiest
                segments.append({"level": level, "x": round(x, 2), "width": round(width, 2)})
                x += width
        worker["segments"] = segments
    return sorted(workers.values(), key=lambda worker: (-worker["total"], worker["name"]))


def _seat_segments(run: Mapping[str, Any], widest: int) -> list[dict[str, Any]]:
    parts = (
        ("seated", run["active"]),
        ("free", max(run["capacity"] - run["active"], 0)),
        ("waiting", run["waitlisted"]),
    )
    x = 0.0
    segments = []
    for kind, count in parts:
        if count:
            width = 100 * count / widest
            segments.append({"kind": kind, "x": round(x, 2), "width": round(width, 2)})
            x += width
    return segments


@bp.route("/caseload")
@login_required
def caseload() -> str:
    """Open cases per worker by state and level, high-level cases without contact, overdue
    reassessments and waitlists, as charts with the same figures in tables beside them."""
    _require(Role.SUPERVISOR)
    days = request.args.get("days", "")
    settings = (
        ReviewSettings(no_contact_days=int(days))
        if days.isascii() and days.isdigit()
        else ReviewSettings()
    )
    try:
        figures = review(_me(), settings=settings)
    except ValidationError as error:
        flash(error.message, "error")
        figures = review(_me())
    names = display_names(
        [row["case_manager_id"] for row in figures["by_case_manager"]]
        + [row["practitioner_id"] for row in figures["by_practitioner"]]
        + [row["case_manager_id"] for row in figures["high_risk_without_contact"]]
        + [row["case_manager_id"] for row in figures["overdue_reassessments"]]
    )
    widest = max(
        (max(run["capacity"], run["active"]) + run["waitlisted"] for run in figures["waitlists"]),
        default=0,
    )
    waitlists = [
        {**run, "segments": _seat_segments(run, widest or 1)} for run in figures["waitlists"]
    ]
    return render_template(
        "supervision/caseload.html",
        figures=figures,
        managers=per_worker(figures["by_case_manager"], "case_manager_id", names),
        practitioners=per_worker(figures["by_practitioner"], "practitioner_id", names),
        waitlists=waitlists,
        names=names,
        levels=LEVELS,
        level_names=dict(LEVELS),
        states=OPEN_STATES,
    )


# --- supervision records ---------------------------------------------------------------------


@bp.route("/supervision")
@login_required
def records() -> str:
    """The records one may see (written, about oneself, or of a supervised team), newest first."""
    _require(*CLINICAL_ROLES)
    page = supervision.list_records(_me(), cursor=request.args.get("after") or None, limit=25)
    names = display_names(
        [r.supervisor_id for r in page.items] + [r.practitioner_id for r in page.items]
    )
    return render_template("supervision/records.html", page=page, names=names)


def _actions_complete(form: RecordForm) -> bool:
    """Every agreed action written on the form has its due date (and every date its action)."""
    complete = True
    for entry in form.actions:
        described = bool((entry.text.data or "").strip())
        if described != bool(entry.due_on.data):
            problem = entry.due_on if described else entry.text
            problem.errors = [
                *problem.errors,
                _("An agreed action needs a description and a due date."),
            ]
            complete = False
    return complete


@bp.route("/supervision/new", methods=["GET", "POST"])
@login_required
def new_record() -> str | Response:
    _require(Role.SUPERVISOR)
    form = RecordForm(held_on=utcnow().date())
    form.practitioner.choices = [
        (str(person.id), person.display_name)
        for person in supervision.practitioners_i_supervise(_me())
    ]
    if request.method == "POST" and form.validate_on_submit() and _actions_complete(form):
        actions = [
            supervision.NewAction(entry.text.data or "", entry.due_on.data or date.max)
            for entry in form.actions
            if (entry.text.data or "").strip()
        ]
        try:
            record = supervision.create_record(
                _me(),
                practitioner_id=uuid.UUID(form.practitioner.data or ""),
                held_on=form.held_on.data or utcnow().date(),
                notes=form.notes.data or "",
                actions=actions,
            )
        except ValueError:
            form.practitioner.errors = [_("Choose a practitioner.")]
        except ValidationError as error:
            show_on_form(form, error)
        else:
            flash(_("The supervision record is saved."), "info")
            return redirect(url_for("supervision_pages.record", record_id=record.id))
    return render_template("supervision/new.html", form=form)


@bp.route("/supervision/<uuid:record_id>", methods=["GET", "POST"])
@login_required
def record(record_id: uuid.UUID) -> str | Response:
    """A record: its notes and agreed actions; its supervisors add actions, and actions are
    marked done by the practitioner or a supervisor."""
    item = supervision.read_record(_me(), record_id)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            supervision.add_action(
                _me(),
                record_id,
                supervision.NewAction(form.description.data or "", form.due_on.data or date.max),
            )
        except DomainError as error:
            if error.status == 404:
                raise
            show_on_form(form, error)
        else:
            flash(_("The action is added."), "info")
            return redirect(url_for("supervision_pages.record", record_id=record_id))
    return render_template(
        "supervision/record.html",
        record=item,
        form=form,
        names=display_names([item.supervisor_id, item.practitioner_id]),
        may_change=supervision.may_change(_me(), item),
        today=utcnow().date(),
    )


@bp.route("/supervision/actions/<uuid:action_id>/done", methods=["POST"])
@login_required
def action_done(action_id: uuid.UUID) -> Response:
    try:
        action = supervision.complete_action(_me(), action_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
        return redirect(url_for("supervision_pages.records"))
    flash(_("The action is marked done."), "info")
    return redirect(url_for("supervision_pages.record", record_id=action.record_id))
