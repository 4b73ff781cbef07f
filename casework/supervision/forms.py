"""Forms of supervision records: a new record with agreed actions, another action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class ActionFields(Form):
    text = StringField(_l("Agreed action"), validators=[Optional(), Length(max=500)])
    due_on = DateField(_l("Due on"), validators=[Optional()])


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (the cases discussed)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RecordForm(FlaskForm):
    practitioner = SelectField(_l("Practitioner"), choices=[])
    held_on = DateField(_l("Held on"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[DataRequired(), Length(max=20000)])
    cases = CheckboxesField(_l("Cases discussed (optional)"), choices=[])
    actions = FieldList(FormField(ActionFields), min_entries=3, max_entries=10)


class ActionForm(FlaskForm):
    description = StringField(_l("Agreed action"), validators=[DataRequired(), Length(max=500)])
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
