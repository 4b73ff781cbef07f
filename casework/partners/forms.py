"""Forms of partner work: an institution, a training with headcounts, an event with its reach."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casework.consultations.forms import LANGUAGES
from casework.partners.models import EventKind, InstitutionKind, ProfessionalType
from casework.web.labels import choices

#: Rows of headcounts a training form offers (blank rows are left out).
HEADCOUNT_ROWS = 4
#: Rows of "people reached in a language" an event form offers.
REACH_ROWS = 3


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InstitutionForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of institution"), choices=choices(InstitutionKind))
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])


class HeadcountFields(Form):
    institution = SelectField(_l("Institution"), choices=[], validate_choice=False)
    professional_type = SelectField(
        _l("Professionals"),
        choices=[SelectChoice("", _l("Choose")), *choices(ProfessionalType)],
        validate_choice=False,
    )
    headcount = IntegerField(_l("How many"), validators=[Optional(), NumberRange(1, 10_000)])


class ParticipantsForm(FlaskForm):
    participants = FieldList(FormField(HeadcountFields), min_entries=HEADCOUNT_ROWS, max_entries=50)


class TrainingForm(ParticipantsForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("Held on"), validators=[DataRequired()])
    hours = IntegerField(_l("Hours"), validators=[Optional(), NumberRange(1, 1000)])


class ReachFields(Form):
    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("Choose")),
            *(SelectChoice(code, name) for code, name in LANGUAGES.items()),
        ],
        validate_choice=False,
    )
    headcount = IntegerField(_l("People"), validators=[Optional(), NumberRange(1, 1_000_000)])


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of event"), choices=choices(EventKind))
    held_on = DateField(_l("Held on"), validators=[DataRequired()])
    where = RadioField(
        _l("Where"),
        choices=[SelectChoice("on_site", _l("On site")), SelectChoice("online", _l("Online"))],
        default="on_site",
    )
    place = StringField(_l("Place or channel"), validators=[Optional(), Length(max=120)])
    partners = CheckboxesField(_l("Organised with"), choices=[])
    headcount = IntegerField(
        _l("People reached in total"),
        validators=[InputRequired(_l("Give the total, 0 if none.")), NumberRange(0, 1_000_000)],
    )
    reach = FieldList(FormField(ReachFields), min_entries=REACH_ROWS, max_entries=20)
