"""The "my work" landing page, per role."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from casework.catalogue.services import list_services
from casework.home.services import my_work

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index() -> str:
    work = my_work(
        current_user._get_current_object(),
        time_zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
    )
    language = str(current_user.preferred_language.value)
    names = {
        service.code: service.label(language) for service in list_services(include_inactive=True)
    }
    return render_template("home/index.html", work=work, service_names=names)
