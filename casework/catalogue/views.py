"""The administrator's service catalogue: which services are offered."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from casework import policy
from casework.auth.current import current_staff, require_role_page
from casework.catalogue.forms import ServiceActiveForm
from casework.catalogue.services import list_services, set_service_active

bp = Blueprint("catalogue_pages", __name__, template_folder="templates")


@bp.route("/admin/services")
@require_role_page(*policy.ADMINISTER.roles)
def services() -> str:
    return render_template("catalogue/services.html", services=list_services(include_inactive=True))


@bp.route("/admin/services/<code>/active", methods=["POST"])
@login_required
def set_active(code: str) -> Response:
    form = ServiceActiveForm()
    set_service_active(current_staff(), code, active=form.active.data == "1")
    flash(_("The service catalogue is saved."), "info")
    return redirect(url_for("catalogue_pages.services"))
