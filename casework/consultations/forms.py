"""The consultation log form: one screen, defaults for the usual case, statistics optional."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from casework.clients.models import Gender, MigrationReason
from casework.consultations.models import AgeGroup, Channel
from casework.consultations.services import MAX_DURATION_MINUTES
from casework.web.forms import VersionedForm
from casework.web.labels import choices

#: Languages consultations are usually held in, each named in itself (as the language menu is).
LANGUAGES = {
    "pl": "Polski",
    "uk": "Українська",
    "ru": "Русский",
    "be": "Беларуская",
    "en": "English",
    "ka": "ქართული",
    "vi": "Tiếng Việt",
    "es": "Español",
}


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (the topics)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional(enum_type):  # type: ignore[no-untyped-def]
    return [SelectChoice("", _l("Not given")), *choices(enum_type)]  # type: ignore[arg-type]


def _client_choices(clients: Sequence[tuple[uuid.UUID, str]]) -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Anonymous visitor")),
        *(SelectChoice(str(client_id), name) for client_id, name in clients),
    ]


class ConsultationForm(FlaskForm):
    client = SelectField(_l("Registered client"), choices=[], default="")
    topics = CheckboxesField(_l("Topics"), choices=[], validators=[DataRequired()])
    duration_minutes = IntegerField(
        _l("Duration in minutes"),
        default=15,
        validators=[DataRequired(), NumberRange(1, MAX_DURATION_MINUTES)],
    )
    channel = RadioField(_l("Channel"), choices=choices(Channel), default=Channel.IN_PERSON.value)
    language = SelectField(
        _l("Language of the consultation"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
    )
    consulted_on = DateField(_l("Date"), validators=[DataRequired()])
    gender = SelectField(_l("Gender"), choices=_optional(Gender), default="")
    age_group = SelectField(_l("Age group"), choices=_optional(AgeGroup), default="")
    nationality = StringField(
        _l("Nationality (two-letter country code, e.g. UA)"),
        validators=[Optional(), Regexp(r"^[A-Za-z]{2}$", message=_l("Two letters, e.g. UA."))],
    )
    migration_reason = SelectField(
        _l("Reason for migration"), choices=_optional(MigrationReason), default=""
    )
    visitor_document = StringField(
        _l("Document number (kept only as a token for counting returning visitors)"),
        validators=[Optional(), Length(max=64)],
    )
    visitor_phone = StringField(
        _l("Phone (kept only as a token for counting returning visitors)"),
        validators=[Optional(), Length(max=32)],
    )

    def offer_clients(self, clients: Sequence[tuple[uuid.UUID, str]]) -> None:
        self.client.choices = _client_choices(clients)

    @property
    def client_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.client.data) if self.client.data else None


class LinkClientForm(VersionedForm):
    """Link a logged anonymous consultation to a registered client."""

    client = SelectField(_l("Registered client"), choices=[], validators=[DataRequired()])

    @classmethod
    def offering(cls, clients: Sequence[tuple[uuid.UUID, str]]) -> LinkClientForm:
        form = cls()
        form.client.choices = [
            SelectChoice("", _l("Choose a client")),
            *(SelectChoice(str(client_id), name) for client_id, name in clients),
        ]
        return form

    @property
    def client_id(self) -> uuid.UUID:
        return uuid.UUID(self.client.data)


class StatisticsForm(FlaskForm):
    """The period of the statistics page (a GET query)."""

    class Meta:
        csrf = False  # a GET address: it changes nothing

    consulted_from = DateField(_l("From"), validators=[Optional()])
    consulted_to = DateField(_l("To"), validators=[Optional()])

    def period(self, today: date) -> tuple[date, date]:
        """The period asked for; by default this year so far, and never backwards."""
        start = self.consulted_from.data if not self.consulted_from.errors else None
        end = self.consulted_to.data if not self.consulted_to.errors else None
        start, end = start or date(today.year, 1, 1), end or today
        return (start, end) if start <= end else (end, start)
