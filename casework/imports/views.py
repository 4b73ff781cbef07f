"""The import pages: upload, choose the columns, preview every row's problems, confirm."""

from __future__ import annotations

import json
import uuid

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.errors import DomainError
from casework.imports import jobs, services
from casework.imports.forms import FIELD_LABELS, KIND_LABELS, ConfirmForm, MappingForm, UploadForm
from casework.imports.mapping import FIELDS, REQUIRED, guess_mapping, parse_mapping_text
from casework.web.errors import refuse_on_page, show_on_form

bp = Blueprint("import_pages", __name__, template_folder="templates")


@bp.route("/imports", methods=["GET", "POST"])
@require_role_page(*policy.IMPORTS.roles)
def upload() -> str | Response:
    """Step 1: what the file holds, and the file (kept encrypted until it is imported)."""
    form = UploadForm()
    form.kind.choices = [
        SelectChoice(kind, KIND_LABELS[kind]) for kind in services.kinds_for(current_staff())
    ]
    if form.validate_on_submit():
        file = form.file.data
        try:
            held = services.start_upload(
                current_staff(),
                kind=form.kind.data or "",
                content=file.read(),
                filename=file.filename or "",
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            return redirect(url_for("import_pages.mapping", upload_id=held.id))
    return render_template("imports/upload.html", form=form)


def _named_by_label(error: DomainError) -> DomainError:
    """The error naming a field by its label on the form, never by its internal name."""
    field = error.params.get("field")
    if isinstance(field, str) and field in FIELD_LABELS:
        error.params["field"] = FIELD_LABELS[field]
    return error


@bp.route("/imports/<uuid:upload_id>/mapping", methods=["GET", "POST"])
@require_role_page(*policy.IMPORTS.roles)
def mapping(upload_id: uuid.UUID) -> str | Response:
    """Step 2: which column holds which field (or a saved mapping)."""
    held = services.require_upload(current_staff(), upload_id)
    headings = services.upload_sheet(held).headings
    form = MappingForm(data=held.mapping or guess_mapping(held.kind, headings))
    for name in FIELDS[held.kind]:
        getattr(form, name).choices = [
            SelectChoice("", _("(not in the file)")),
            *(SelectChoice(heading, heading) for heading in headings),
        ]
    if form.validate_on_submit():
        try:
            if form.mapping_file.data:
                chosen = parse_mapping_text(
                    form.mapping_file.data.read().decode("utf-8", "replace")
                )
            else:
                chosen = {name: getattr(form, name).data or "" for name in FIELDS[held.kind]}
            services.set_mapping(current_staff(), upload_id, chosen)
        except DomainError as error:
            show_on_form(form, _named_by_label(error))
        else:
            return redirect(url_for("import_pages.preview", upload_id=upload_id))
    return render_template(
        "imports/mapping.html",
        form=form,
        fields=FIELDS[held.kind],
        required=REQUIRED[held.kind],
        kind=KIND_LABELS[held.kind],
        rows=len(services.upload_sheet(held).rows),
    )


@bp.route("/imports/<uuid:upload_id>/mapping.json")
@require_role_page(*policy.IMPORTS.roles)
def saved_mapping(upload_id: uuid.UUID) -> Response:
    """The chosen mapping as a file to keep and reuse (with the CLI's --mapping too)."""
    held = services.require_upload(current_staff(), upload_id)
    return Response(
        json.dumps(held.mapping or {}, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=mapping.json"},
    )


@bp.route("/imports/<uuid:upload_id>/preview", methods=["GET", "POST"])
@require_role_page(*policy.IMPORTS.roles)
def preview(upload_id: uuid.UUID) -> str | Response:
    """Step 3: every bad row and its reasons, nothing written; then the confirmed import."""
    held = services.require_upload(current_staff(), upload_id)
    if not held.mapping:
        return redirect(url_for("import_pages.mapping", upload_id=upload_id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            job = jobs.start_import(
                current_staff(), upload_id, only_good_rows=bool(form.only_good_rows.data)
            )
        except DomainError as error:
            refuse_on_page(error)
        else:
            return redirect(url_for("job_pages.show", job_id=job.id))
    result = services.preview_rows(
        current_staff(), held.kind, services.upload_sheet(held), held.mapping
    )
    return render_template(
        "imports/preview.html",
        form=form,
        preview=result,
        upload_id=upload_id,
        kind=KIND_LABELS[held.kind],
    )


@bp.route("/imports/runs/<uuid:run_id>")
@require_role_page(*policy.IMPORTS.roles)
def run(run_id: uuid.UUID) -> str:
    """What a confirmed import did."""
    done = services.require_run(current_staff(), run_id)
    return render_template("imports/run.html", run=done, kind=KIND_LABELS[done.kind])
