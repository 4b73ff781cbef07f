"""The administrator's service catalogue: which services are offered."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from casework.auth.models import Role
from casework.catalogue.services import list_services, set_service_active
from casework.errors import NotFound

bp = Blueprint("catalogue_pages", __name__, template_folder="templates")


@bp.route("/admin/services")
@login_required
def services() -> str:
    if not current_user.has_role(Role.ADMIN):
        raise NotFound("no such page")
    return render_template(
        "catalogue/services.html",
        services=list_services(include_inactive=True),
        language=str(get_locale() or "pl"),
    )


@bp.route("/admin/services/<code>/active", methods=["POST"])
@login_required
def set_active(code: str) -> Response:
    active = request.form.get("active") == "1"
    set_service_active(current_user._get_current_object(), code, active=active)
    flash(_("The service catalogue is saved."), "info")
    return redirect(url_for("catalogue_pages.services"))
