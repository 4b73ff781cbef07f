"""The report page's pickers: period, project and team (a GET form: nothing changes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from casework.suppression import DEFAULT_THRESHOLD


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])
    project = SelectField(_l("Project"), choices=[], default="")
    team = SelectField(_l("Team"), choices=[], default="")


class ExportForm(ReportForm):
    publication = BooleanField(_l("For publication (hide small counts)"))
    threshold = IntegerField(
        _l("Smallest count shown"),
        default=DEFAULT_THRESHOLD,
        validators=[Optional(), NumberRange(2, 100)],
    )
