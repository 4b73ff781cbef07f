"""Forms of the assessment pages. The questionnaire's fields are the instrument's items: its form
class is made for the instrument (`answers_form`), and its answers are parsed in one place
(`AnswersForm.answers`)."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import UUID, DataRequired, Length, ValidationError

import assessments as engine
from casework.web.forms import VersionedForm

CHOOSE_A_PARTICIPANT = _l("Choose a participant.")


class StartAssessmentForm(FlaskForm):
    instrument = SelectField(_l("Questionnaire"), choices=[], validate_choice=False)
    client = SelectField(
        _l("Participant"),
        choices=[],
        validate_choice=False,
        validators=[UUID(CHOOSE_A_PARTICIPANT)],
    )
    with_others = BooleanField(_l("The other participants take part in the interview"))
    #: The other participants in the interview, read only when `with_others` is ticked.
    participant_ids = SelectMultipleField(choices=[], validate_choice=False)
    is_individual = BooleanField(
        _l("Individual disclosure (never shown in the joint view of the case)")
    )
    is_closing = BooleanField(_l("Closing reassessment"))

    def validate_participant_ids(self, field: SelectMultipleField) -> None:
        if self.with_others.data:
            try:
                [uuid.UUID(value) for value in field.data or ()]
            except ValueError:
                raise ValidationError(CHOOSE_A_PARTICIPANT) from None

    @property
    def client_id(self) -> uuid.UUID:
        return uuid.UUID(self.client.data)

    @property
    def others(self) -> tuple[uuid.UUID, ...]:
        if not self.with_others.data:
            return ()
        return tuple(uuid.UUID(value) for value in self.participant_ids.data or ())


def _answer(item: engine.Item, raw: str | None) -> Any:
    """One item's answer as the engine reads it: a number for a number item, else the text."""
    if raw is None or raw.strip() == "":
        return None
    if item.kind == engine.ItemKind.NUMBER:
        try:
            number = Decimal(raw.strip().replace(",", "."))
        except InvalidOperation:
            return raw  # the engine refuses it with a message beside the item
        return int(number) if number == number.to_integral_value() else float(number)
    return raw.strip()


def item_field_name(item: engine.Item) -> str:
    return f"item-{item.id}"


class AnswersForm(VersionedForm):
    """The questionnaire: the version the answers were based on, the button pressed, and a field
    per item of `instrument` (see `answers_form`)."""

    instrument: ClassVar[engine.Instrument]

    action = StringField()

    @property
    def completes(self) -> bool:
        return self.action.data == "complete"

    def answers(self, facts: dict[str, Any]) -> dict[str, Any]:
        """Every item's answer; None clears one. Items the other answers hide are cleared, so a
        follow-up answered before its trigger changed does not linger (works without JavaScript)."""
        answers = {
            item.id: _answer(item, self[item_field_name(item)].data)
            for item in self.instrument.items
        }
        given = {key: value for key, value in answers.items() if value is not None}
        visible = {item.id for item in self.instrument.visible_items(given, facts)}
        return {key: (value if key in visible else None) for key, value in answers.items()}


def answers_form(instrument: engine.Instrument, **options: Any) -> AnswersForm:
    """The questionnaire form of `instrument` (`options` as for any Flask-WTF form)."""

    class InstrumentAnswersForm(AnswersForm):
        pass

    InstrumentAnswersForm.instrument = instrument
    for item in instrument.items:
        setattr(InstrumentAnswersForm, item_field_name(item), StringField())
    return InstrumentAnswersForm(**options)


class DecisionForm(VersionedForm):
    """A decision on a recommendation, or a supervisor's on declining one (from the result
    page, whose fields are written out per recommendation)."""

    #: The button pressed: accept or decline; confirm or refuse (a decline).
    decision = StringField()
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])
    #: The result page to return to.
    assessment_id = HiddenField()

    @property
    def accepts(self) -> bool:
        return self.decision.data == "accept"

    @property
    def confirms(self) -> bool:
        return self.decision.data == "confirm"

    def decision_reason(self) -> str:
        """The reason given; an acceptance needs none."""
        return self.reason.data or (_("Accepted as recommended.") if self.accepts else "")


class AddServiceForm(FlaskForm):
    service = SelectField(_l("Service"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Why this service?"), validators=[DataRequired(), Length(max=2000)])
    #: The result page to return to (none: the case page).
    assessment_id = HiddenField()
