"""The page of a background job: its progress (refreshed by the browser, no script needed),
then its outcome and file."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, render_template
from flask_login import login_required

from casework.auth.current import current_staff
from casework.home import job_pages

bp = Blueprint("job_pages", __name__, template_folder="templates")

#: Seconds between refreshes of a job's page while it runs.
REFRESH_SECONDS = 2


@bp.route("/jobs")
@login_required
def index() -> str:
    """One's newest background jobs."""
    return render_template("jobs/index.html", jobs=job_pages.my_jobs(current_staff()))


@bp.route("/jobs/<uuid:job_id>")
@login_required
def show(job_id: uuid.UUID) -> Response:
    page = job_pages.job_page(current_staff(), job_id)
    response = Response(render_template("jobs/show.html", page=page))
    if not page.job.is_over:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/jobs/<uuid:job_id>/file")
@login_required
def download(job_id: uuid.UUID) -> Response:
    job, content = job_pages.job_download(current_staff(), job_id)
    response = Response(content, mimetype=job.file_media_type or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{job.file_name or "file"}"'
    response.headers["Cache-Control"] = "no-store"
    return response
