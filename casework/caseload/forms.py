"""The filters of the list behind a dashboard figure (read from the address, not posted)."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import AnyOf, Length, NumberRange, Optional, ValidationError

from casework.case_assessments.services.levels import SEVERITY
from casework.caseload.services import FIGURES, UNASSESSED, FigureFilters, ReviewSettings
from casework.cases.models import CaseState


def _uuid(form: FlaskForm, field: StringField) -> None:
    try:
        uuid.UUID(field.data)
    except ValueError:
        raise ValidationError("not an id") from None


class FigureForm(FlaskForm):
    class Meta:
        csrf = False  # a GET address: it changes nothing

    manager = StringField(validators=[Optional(), _uuid])
    practitioner = StringField(validators=[Optional(), _uuid])
    state = StringField(validators=[Optional(), AnyOf([state.value for state in CaseState])])
    level = StringField(validators=[Optional(), AnyOf([*SEVERITY, UNASSESSED])])
    figure = StringField(validators=[Optional(), AnyOf(FIGURES)])
    #: The dashboard's "no contact for" threshold, which the list of cases without contact keeps.
    days = IntegerField(validators=[Optional(), NumberRange(1, 3650)])
    #: Where the page starts (a cursor the previous page gave).
    after = StringField(validators=[Optional(), Length(max=500)])

    @property
    def filters(self) -> FigureFilters:
        """The figure named by a valid address; an invalid part is left out."""
        return FigureFilters(
            case_manager_id=uuid.UUID(self.manager.data) if self._ok(self.manager) else None,
            practitioner_id=(
                uuid.UUID(self.practitioner.data) if self._ok(self.practitioner) else None
            ),
            state=CaseState(self.state.data) if self._ok(self.state) else None,
            level=self.level.data if self._ok(self.level) else None,
            figure=self.figure.data if self._ok(self.figure) else None,
            settings=(
                ReviewSettings(no_contact_days=self.days.data)
                if self._ok(self.days)
                else ReviewSettings()
            ),
        )

    @property
    def cursor(self) -> str | None:
        return self.after.data if self._ok(self.after) else None

    @staticmethod
    def _ok(field: StringField | IntegerField) -> bool:
        return bool(field.data) and not field.errors
