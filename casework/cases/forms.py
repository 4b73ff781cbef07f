"""Forms of the case pages (shape and parsing only)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import UUID, AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casework.cases.models import (
    CaseKind,
    CaseState,
    ClosureOutcome,
    ParticipantRole,
    ReferralSource,
)
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


class CaseChangeForm(FlaskForm):
    """A change to a case: the page sends back the version of the case it showed (required)."""

    version = IntegerField(
        widget=HiddenInput(),
        validators=[
            InputRequired(message=_l("This page is out of date; reload it and try again."))
        ],
    )

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Also list the hidden version's problem above the form, where it can be seen."""
        valid = super().validate(extra_validators)
        self.form_errors.extend(str(problem) for problem in self.version.errors)
        return valid

    @property
    def expected_version(self) -> int:
        return int(self.version.data)


class MoveForm(CaseChangeForm):
    to_state = SelectField(
        _l("Move to"),
        choices=[],
        validate_choice=False,
        validators=[AnyOf([state.value for state in CaseState], message=_l("Choose a state."))],
    )
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class CloseForm(CaseChangeForm):
    outcome = SelectField(_l("Outcome"), choices=choices(ClosureOutcome))
    reason = TextAreaField(_l("Closing summary"), validators=[DataRequired(), Length(max=4000)])


class ReopenForm(CaseChangeForm):
    #: Refused by the service when empty, with the message it gives.
    reason = TextAreaField(_l("Why is the case reopened?"))


class AssignForm(CaseChangeForm):
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
