"""Forms of the survey pages: handing a survey out (kiosk, link) and the survey itself, built from
the instrument in the language it is answered in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

import assessments as engine
from casework.surveys.wording import language_name, words


def _language_choices(instrument: engine.Instrument) -> list[SelectChoice]:
    return [SelectChoice(code, language_name(code)) for code in instrument.languages]


class KioskForm(FlaskForm):
    """Start a kiosk on this device for a service, in one language."""

    service_code = SelectField(_l("Service"), choices=[], validators=[DataRequired()])
    language = SelectField(_l("Language of the survey"), choices=[], validators=[DataRequired()])

    def offer(self, services: list[SelectChoice], instrument: engine.Instrument) -> KioskForm:
        self.service_code.choices = services
        self.language.choices = _language_choices(instrument)
        return self


class LinkForm(FlaskForm):
    """A one-time link for a client who has just used a service."""

    service_code = SelectField(_l("Service"), choices=[], validators=[DataRequired()])
    group_run_id = SelectField(_l("Group run"), choices=[], validators=[Optional()])
    language = SelectField(
        _l("Language the survey opens in"), choices=[], validators=[DataRequired()]
    )

    def offer(
        self,
        services: list[SelectChoice],
        instrument: engine.Instrument,
        runs: list[SelectChoice] | None = None,
    ) -> LinkForm:
        self.service_code.choices = services
        self.group_run_id.choices = [SelectChoice("", _l("No group run")), *(runs or [])]
        self.language.choices = _language_choices(instrument)
        return self


class LeaveKioskForm(FlaskForm):
    """Leave kiosk mode (the staff member then signs in again)."""


def answer_form(instrument: engine.Instrument, language: str, **options: Any) -> FlaskForm:
    """The survey's questions in `language`: one required choice per item, option labels from
    the instrument, the interface words from the surveys' own table."""
    text = words(language)

    class AnswerForm(FlaskForm):
        lang = HiddenField(default=language)

    for item in instrument.items:
        if not item.is_choice:
            continue
        field = RadioField(
            _in(item.text, language, instrument),
            choices=[
                SelectChoice(option.code, _in(option.label, language, instrument))
                for option in item.options
            ],
            validators=[InputRequired(message=text["required"])],
        )
        setattr(AnswerForm, item.id, field)
    return AnswerForm(**options)


def _in(text: Mapping[str, str], language: str, instrument: engine.Instrument) -> str:
    return text.get(language) or text[instrument.languages[0]]


def answers_of(form: FlaskForm, instrument: engine.Instrument) -> dict[str, str]:
    """The option codes chosen, by item id."""
    return {
        item.id: getattr(form, item.id).data
        for item in instrument.items
        if item.is_choice and getattr(form, item.id).data
    }
