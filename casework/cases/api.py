"""REST routes for cases: open, list, read, move, close, reopen, assign, break the glass."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import PageArgsSchema, current_staff, page_of, page_response
from casework.cases import services
from casework.cases.schemas import (
    AssignmentSchema,
    BreakGlassInSchema,
    BreakGlassSchema,
    CaseDetailSchema,
    CaseFilterSchema,
    CaseInSchema,
    CaseSchema,
    ClosureSchema,
    MoveSchema,
    NewParticipantSchema,
    ReopenSchema,
    StateChangeSchema,
)

blp = Blueprint("cases", __name__, url_prefix="/api/v1", description="Cases")


@blp.route("/cases")
class Cases(MethodView):
    @blp.arguments(CaseFilterSchema, location="query")
    @blp.response(200, page_of(CaseSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """The cases you may see, newest first, filtered."""
        cursor, limit = args.pop("cursor", None), args.pop("limit")
        page = services.list_cases(
            current_staff(), services.CaseFilters(**args), cursor=cursor, limit=limit
        )
        return page_response(page)

    @blp.arguments(CaseInSchema)
    @blp.response(201, CaseSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Open a case in the intake state."""
        return services.open_case(
            current_staff(),
            kind=data["kind"],
            participants=[
                services.NewParticipant(p["client_id"], p["role"]) for p in data["participants"]
            ],
            referral_source=data["referral_source"],
            children_in_household=data["children_in_household"],
            case_manager_id=data.get("case_manager_id"),
        )


@blp.route("/cases/<uuid:case_id>")
class CaseById(MethodView):
    @blp.response(200, CaseDetailSchema)
    def get(self, case_id: uuid.UUID) -> Any:
        return services.read_case(current_staff(), case_id)


@blp.route("/cases/<uuid:case_id>/transitions")
class CaseTransitions(MethodView):
    @blp.arguments(MoveSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Move the case to another state; an illegal move answers 409 naming the allowed ones."""
        return services.move_case(
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
        return services.close_case(
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
        return services.reopen_case(
            current_staff(), case_id, reason=data["reason"], expected_version=data["version"]
        )


@blp.route("/cases/<uuid:case_id>/assignment")
class CaseAssignment(MethodView):
    @blp.arguments(AssignmentSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Reassign the case (a supervisor of its team)."""
        return services.assign_case(
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
        participant = services.NewParticipant(data["client_id"], data["role"])
        return services.add_participant(
            current_staff(), case_id, participant, expected_version=data["version"]
        )


@blp.route("/cases/<uuid:case_id>/history")
class CaseHistory(MethodView):
    @blp.response(200, StateChangeSchema(many=True))
    def get(self, case_id: uuid.UUID) -> Any:
        return services.state_history(current_staff(), case_id)


@blp.route("/cases/<uuid:case_id>/break-glass")
class CaseBreakGlass(MethodView):
    @blp.arguments(BreakGlassInSchema)
    @blp.response(200, CaseSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Open a case outside your assignment for 8 hours, with a reason your supervisor sees."""
        return services.break_glass(current_staff(), case_id, reason=data["reason"])


@blp.route("/break-glass")
class BreakGlassLog(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(BreakGlassSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Break-the-glass accesses to your teams' cases (supervisors)."""
        return page_response(
            services.break_glass_page(
                current_staff(), cursor=args.get("cursor"), limit=args["limit"]
            )
        )
