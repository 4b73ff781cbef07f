"""Forms of the case pages (shape and parsing only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from casework.cases.models import CaseKind, ClosureOutcome, ParticipantRole, ReferralSource
from casework.web.labels import choices


class ParticipantRoleForm(FlaskForm):
    class Meta:
        csrf = False

    client_id = HiddenField()
    role = SelectField(_l("Role in the case"), choices=choices(ParticipantRole))


class OpenCaseForm(FlaskForm):
    kind = SelectField(_l("Kind of case"), choices=choices(CaseKind))
    referral_source = SelectField(_l("Referral source"), choices=choices(ReferralSource))
    children_in_household = BooleanField(_l("Children live in the household"))
    participants = FieldList(FormField(ParticipantRoleForm))


class MoveForm(FlaskForm):
    to_state = SelectField(_l("Move to"), choices=[])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class CloseForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=choices(ClosureOutcome))
    reason = TextAreaField(_l("Closing summary"), validators=[DataRequired(), Length(max=4000)])


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why is the case reopened?"), validators=[DataRequired()])


class AssignForm(FlaskForm):
    case_manager = SelectField(_l("Case manager"), choices=[], validators=[DataRequired()])


class BreakGlassForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you need this case?"), validators=[DataRequired(), Length(min=10, max=2000)]
    )
