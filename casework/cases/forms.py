"""Forms of the case pages (shape and parsing only)."""

from __future__ import annotations

import uuid

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
from wtforms.validators import UUID, AnyOf, DataRequired, Length, Optional

from casework.cases.models import (
    CaseKind,
    CaseState,
    ClosureOutcome,
    ParticipantRole,
    ReferralSource,
)
from casework.web.forms import VersionedForm
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


class MoveForm(VersionedForm):
    to_state = SelectField(
        _l("Move to"),
        choices=[],
        validate_choice=False,
        validators=[AnyOf([state.value for state in CaseState], message=_l("Choose a state."))],
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class CloseForm(VersionedForm):
    outcome = SelectField(_l("Outcome"), choices=choices(ClosureOutcome))
    reason = TextAreaField(_l("Closing summary"), validators=[DataRequired(), Length(max=4000)])


class ReopenForm(VersionedForm):
    #: Refused by the service when empty, with the message it gives.
    reason = TextAreaField(_l("Why is the case reopened?"))


class AssignForm(VersionedForm):
    case_manager = SelectField(
        _l("Case manager"),
        choices=[],
        validate_choice=False,
        validators=[UUID(message=_l("Choose a case manager."))],
    )

    @property
    def case_manager_id(self) -> uuid.UUID:
        return uuid.UUID(self.case_manager.data)


class BreakGlassForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you need this case?"), validators=[DataRequired(), Length(min=10, max=2000)]
    )
