"""Forms of the sessions page and of role administration (shape and parsing only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired


class RolesAndTeamForm(FlaskForm):
    """A user's roles and team as the administrator wants them to be."""

    roles = SelectMultipleField(_l("Roles"), choices=[], validators=[DataRequired()])
    team = SelectField(_l("Team"), choices=[])
