"""Forms of the case plan: a goal, a task, and a task done, declined or its decline confirmed."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import UUID, AnyOf, DataRequired, InputRequired, Length, Optional

from casework.tasks.models import PLAN_KINDS
from casework.web.forms import VersionedForm
from casework.web.labels import label


class GoalForm(FlaskForm):
    """Its fields carry the prefix "goal-" (the case page has many forms)."""

    text = TextAreaField(_l("Goal"), validators=[DataRequired(), Length(max=2000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="goal", **kwargs)


class GoalAchievedForm(VersionedForm):
    pass


class TaskForm(FlaskForm):
    """Its fields carry the prefix "task-" (the case page has many forms)."""

    kind = SelectField(_l("Kind of task"), choices=[])
    title = StringField(_l("What is to be done"), validators=[DataRequired(), Length(max=500)])
    owner = SelectField(_l("Who does it"), choices=[], validators=[DataRequired(), UUID()])
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
    goal = SelectField(_l("Towards the goal"), choices=[], validators=[Optional(), UUID()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="task", **kwargs)
        self.kind.choices = [(kind.value, label(kind)) for kind in PLAN_KINDS]


class TaskDoneForm(VersionedForm):
    done_on = DateField(_l("Done on"), validators=[DataRequired()])
    note = TextAreaField(_l("How it was done"), validators=[DataRequired(), Length(max=4000)])


class TaskDeclineForm(VersionedForm):
    reason = TextAreaField(
        _l("Why it will not be done"), validators=[DataRequired(), Length(max=4000)]
    )


class TaskConfirmForm(VersionedForm):
    """A supervisor's answer to a requested decline: the button pressed says which."""

    decision = StringField(validators=[InputRequired(), AnyOf(["confirm", "reopen"])])
