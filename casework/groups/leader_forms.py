"""Forms of the peer leaders' pages: a leader's record, a training, and the run page's choice of
the peer leaders who lead it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import UUID as UUIDValidator
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casework.groups.models import GroupRun, PeerLeader, PeerLeaderKind
from casework.web.forms import VersionedForm
from casework.web.labels import choices

#: The languages' names, in `services.leaders.SPOKEN_LANGUAGES` order.
LANGUAGE_NAMES = {
    "pl": _l("Polish"),
    "uk": _l("Ukrainian"),
    "ru": _l("Russian"),
    "be": _l("Belarusian"),
    "en": _l("English"),
}


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LeaderForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(PeerLeaderKind), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    contact = StringField(
        _l("Phone or e-mail (optional)"), validators=[Optional(), Length(max=200)]
    )
    languages = CheckboxesField(
        _l("Languages spoken"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],  # type: ignore[arg-type]
    )
    academy_run = SelectField(_l("Came out of (course or academy run)"), choices=[], default="")

    def offering(self, runs: Sequence[GroupRun]) -> None:
        self.academy_run.choices = [
            SelectChoice("", _l("— none —")),  # type: ignore[arg-type]
            *(SelectChoice(str(run.id), run.name) for run in runs),
        ]

    @property
    def kind_value(self) -> PeerLeaderKind:
        return PeerLeaderKind(self.kind.data)

    @property
    def academy_run_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.academy_run.data) if self.academy_run.data else None


class LeaderEditForm(LeaderForm, VersionedForm):
    is_active = BooleanField(_l("Active (offered for runs and mentoring)"))

    def showing(self, leader: PeerLeader) -> None:
        """Fill an unsubmitted form with the record as it is."""
        self.kind.data = leader.kind.value
        self.name.data = leader.name
        self.contact.data = leader.contact
        self.languages.data = [code for code in leader.languages.split(",") if code]
        self.academy_run.data = str(leader.academy_run_id) if leader.academy_run_id else ""
        self.is_active.data = leader.is_active
        self.version.data = leader.version


class TrainingForm(FlaskForm):
    title = StringField(_l("Training"), validators=[DataRequired(), Length(max=200)])
    completed_on = DateField(_l("Completed on"), validators=[DataRequired()])


class RunLeadersForm(FlaskForm):
    leaders = CheckboxesField(_l("Peer leaders and volunteers who lead this run"), choices=[])

    def offering(self, leaders: Sequence[PeerLeader]) -> RunLeadersForm:
        self.leaders.choices = [
            SelectChoice(str(leader.id), leader.name or "—") for leader in leaders
        ]
        return self

    @property
    def leader_ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(value) for value in self.leaders.data or []]


class GiveMentoringForm(VersionedForm):
    """Who gives a mentoring session: a peer leader's id, or empty for the staff mentor."""

    peer_leader = StringField(_l("Given by"), validators=[Optional(), UUIDValidator()])

    @property
    def leader_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.peer_leader.data) if self.peer_leader.data else None
