"""REST route for the caseload review of a supervisor's teams."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff, page_of, page_response
from casework.caseload import services
from casework.caseload.schemas import (
    FigureArgsSchema,
    FigureCaseSchema,
    ReviewArgsSchema,
    ReviewSchema,
)

blp = Blueprint("caseload", __name__, url_prefix="/api/v1", description="Caseload review")


@blp.route("/caseload-review")
class CaseloadReview(MethodView):
    @blp.arguments(ReviewArgsSchema, location="query")
    @blp.response(200, ReviewSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Open cases by manager, practitioner, state and level; high-risk cases without recent
        contact; overdue reassessments; waitlists (supervisors, for their teams)."""
        settings = services.ReviewSettings(
            no_contact_days=args["no_contact_days"], reassessment_days=args["reassessment_days"]
        )
        return services.review(current_staff(), team_id=args.get("team_id"), settings=settings)


@blp.route("/caseload-review/cases")
class CaseloadCases(MethodView):
    @blp.arguments(FigureArgsSchema, location="query")
    @blp.response(200, page_of(FigureCaseSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """The open cases behind a figure of the review, page by page: the most serious level
        first, then the longest without contact."""
        settings = services.ReviewSettings(
            no_contact_days=args["no_contact_days"], reassessment_days=args["reassessment_days"]
        )
        filters = services.FigureFilters(
            case_manager_id=args.get("case_manager_id"),
            practitioner_id=args.get("practitioner_id"),
            state=args.get("state"),
            level=args.get("level"),
            figure=args.get("figure"),
            settings=settings,
        )
        page = services.cases_behind(
            current_staff(),
            filters,
            team_id=args.get("team_id"),
            cursor=args.get("cursor"),
            limit=args["limit"],
        )
        return page_response(page)
