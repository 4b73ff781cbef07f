"""REST routes for cases: open, read, move, close, reopen, assign, add a participant, break
the glass. Finding cases (`GET /cases`) is the casefile feature's: its filters reach into care
and assessments."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import PageArgsSchema, current_staff, page_of, page_response
from casework.cases.schemas import (
    AssignmentSchema,
    BreakGlassInSchema,
    BreakGlassSchema,
    CaseDetailSchema,
    CaseInSchema,
    CaseSchema,
    ClosureSchema,
    MoveSchema,
    NewParticipantSchema,
    ReopenSchema,
    StateChangeSchema,
)
from casework.cases.services import break_glass, cases, participants

blp = Blueprint("cases", __name__, url_prefix="/api/v1", description="Cases")


@blp.route("/cases")
class Cases(MethodView):
    @blp.arguments(CaseInSchema)
    @blp.response(201, CaseSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Open a case in the intake state."""
        return cases.open_case(
            current_staff(),
            kind=data["kind"],
            participants=[
                cases.NewParticipant(p["client_id"], p["role"]) for p in data["participants"]
            ],
            referral_source=data["referral_source"],
            children_in_household=data["children_in_household"],
            case_manager_id=data.get("case_manager_id"),
        )


@blp.route("/cases/<uuid:case_id>")
class CaseById(MethodView):
    @blp.response(200, CaseDetailSchema)
    def get(self, case_id: uuid.UUID) -> Any:
        return cases.read_case(current_staff(), case_id)


@blp.route("/cases/<uuid:case_id>/transitions")
class CaseTransitions(MethodView):
    @blp.arguments(MoveSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Move the case to another state; an illegal move answers 409 naming the allowed ones."""
        return cases.move_case(
            current_staff(),
            case_id,
            data["to"],
            expected_version=data["version"],
            reason=data.get("reason"),
        )


@blp.route("/cases/<uuid:case_id>/closure")
class CaseClosure(MethodView):
    @blp.arguments(ClosureSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        return cases.close_case(
            current_staff(),
            case_id,
            outcome=data["outcome"],
            reason=data["reason"],
            expected_version=data["version"],
        )


@blp.route("/cases/<uuid:case_id>/reopening")
class CaseReopening(MethodView):
    @blp.arguments(ReopenSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        return cases.reopen_case(
            current_staff(), case_id, reason=data["reason"], expected_version=data["version"]
        )


@blp.route("/cases/<uuid:case_id>/assignment")
class CaseAssignment(MethodView):
    @blp.arguments(AssignmentSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Reassign the case (a supervisor of its team)."""
        return cases.assign_case(
            current_staff(),
            case_id,
            case_manager_id=data["case_manager_id"],
            expected_version=data["version"],
        )


@blp.route("/cases/<uuid:case_id>/participants")
class CaseParticipants(MethodView):
    @blp.arguments(NewParticipantSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        participant = cases.NewParticipant(data["client_id"], data["role"])
        return participants.add_participant(
            current_staff(), case_id, participant, expected_version=data["version"]
        )


@blp.route("/cases/<uuid:case_id>/history")
class CaseHistory(MethodView):
    @blp.response(200, StateChangeSchema(many=True))
    def get(self, case_id: uuid.UUID) -> Any:
        return cases.state_history(current_staff(), case_id)


@blp.route("/cases/<uuid:case_id>/break-glass")
class CaseBreakGlass(MethodView):
    @blp.arguments(BreakGlassInSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Open a case outside your assignment for 8 hours, with a reason your supervisor sees."""
        return break_glass.break_glass(current_staff(), case_id, reason=data["reason"])


@blp.route("/break-glass")
class BreakGlassLog(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(BreakGlassSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Break-the-glass accesses to your teams' cases (supervisors)."""
        return page_response(
            break_glass.break_glass_page(
                current_staff(), cursor=args.get("cursor"), limit=args["limit"]
            )
        )
