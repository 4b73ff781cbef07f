"""Project forms: the project's facts, one target, the attribution checklists, a period."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from casework.projects.services import INDICATOR_KEY
from casework.web.forms import VersionedForm


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProjectForm(FlaskForm):
    """A new project's facts."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    funder = StringField(_l("Funder"), validators=[Optional(), Length(max=200)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    budget = DecimalField(
        _l("Budget"), places=2, validators=[Optional(), NumberRange(0, 999_999_999_999)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class ProjectEditForm(ProjectForm, VersionedForm):
    """A change to a project's facts, based on the version the page showed."""


class TargetForm(FlaskForm):
    indicator_key = StringField(
        _l("Indicator name, as in the report files (report and indicator joined by a dot)"),
        validators=[
            DataRequired(),
            Length(max=120),
            Regexp(
                INDICATOR_KEY.pattern,
                message=_l("Write it as report.indicator, in lower case."),
            ),
        ],
    )
    target_value = DecimalField(
        _l("Target value"), places=2, validators=[DataRequired(), NumberRange(0, 999_999_999_999)]
    )


class AttributionForm(FlaskForm):
    services = CheckboxesField(_l("Services"), choices=[])
    runs = CheckboxesField(_l("Group runs"), choices=[])
    events = CheckboxesField(_l("Events"), choices=[])
    trainings = CheckboxesField(_l("Trainings"), choices=[])


class ConsultationPeriodForm(FlaskForm):
    date_from = DateField(_l("From"), validators=[DataRequired()])
    date_to = DateField(_l("To"), validators=[DataRequired()])


class RemoveTargetForm(FlaskForm):
    """The remove button beside one target."""

    indicator_key = HiddenField(validators=[DataRequired(), Length(max=120)])
