"""Forms of the assessment pages. The questionnaire itself is rendered from the instrument and
parsed in the view (its fields are the instrument's items, not a fixed class)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length


class StartAssessmentForm(FlaskForm):
    instrument = SelectField(_l("Questionnaire"), choices=[])
    client = SelectField(_l("Participant"), choices=[])
    with_others = BooleanField(_l("The other participants take part in the interview"))
    is_individual = BooleanField(
        _l("Individual disclosure (never shown in the joint view of the case)")
    )
    is_closing = BooleanField(_l("Closing reassessment"))


class AnswersForm(FlaskForm):
    """The CSRF token, the version the answers were based on, and which button was pressed."""

    version = HiddenField()


class DecisionForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class AddServiceForm(FlaskForm):
    service = SelectField(_l("Service"), choices=[])
    reason = TextAreaField(_l("Why this service?"), validators=[DataRequired(), Length(max=2000)])
