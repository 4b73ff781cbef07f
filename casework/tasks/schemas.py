"""Goal and task shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import VersionSchema, text
from casework.tasks.models import PLAN_KINDS, TaskKind, TaskState


class GoalInSchema(ma.Schema):
    text = text(2000, required=True)


class GoalSchema(ma.Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    text = fields.String()
    created_at = fields.DateTime()
    achieved_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class TaskInSchema(ma.Schema):
    kind = fields.Enum(
        TaskKind,
        by_value=True,
        required=True,
        validate=validate.OneOf(PLAN_KINDS),
    )
    title = text(500, required=True)
    owner_id = fields.UUID(required=True)
    due_on = fields.Date(required=True)
    goal_id = fields.UUID(allow_none=True)


class TaskSchema(ma.Schema):
    id = fields.UUID()
    case_id = fields.UUID()
    goal_id = fields.UUID(allow_none=True)
    kind = fields.Enum(TaskKind, by_value=True)
    service_code = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    owner_id = fields.UUID()
    due_on = fields.Date()
    state = fields.Enum(TaskState, by_value=True)
    done_on = fields.Date(allow_none=True)
    outcome = fields.String(allow_none=True)
    confirmed_by_id = fields.UUID(allow_none=True)
    version = fields.Integer()


class TaskLineSchema(ma.Schema):
    task = fields.Nested(TaskSchema)
    case_reference = fields.String()


class MyTasksSchema(ma.Schema):
    overdue = fields.List(fields.Nested(TaskLineSchema))
    due_this_week = fields.List(fields.Nested(TaskLineSchema))


class TaskDoneSchema(VersionSchema):
    done_on = fields.Date(required=True)
    note = text(4000, required=True)


class TaskDeclineSchema(VersionSchema):
    reason = text(4000, required=True)


class TaskConfirmSchema(VersionSchema):
    confirm = fields.Boolean(required=True)
