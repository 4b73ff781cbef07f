"""The filters of the list behind a dashboard figure (read from the address, not posted)."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf, Optional, ValidationError

from casework.case_assessments.services.levels import SEVERITY
from casework.caseload.services import UNASSESSED, FigureFilters
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
        )

    @staticmethod
    def _ok(field: StringField) -> bool:
        return bool(field.data) and not field.errors
