"""The "my work" landing page, per role."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from casework.auth.current import current_staff
from casework.care.pages import level_names
from casework.home.pages import my_work

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@login_required
def index() -> str:
    return render_template(
        "home/index.html", work=my_work(current_staff()), level_names=level_names()
    )
