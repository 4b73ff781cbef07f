"""REST routes for reports: the list, and a report computed for a period, project and team."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff
from casework.reports import services
from casework.reports.exports import to_data
from casework.reports.schemas import ReportArgsSchema, ReportDataSchema, ReportSummarySchema
from casework.web.filters import page_language

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports for funders")


@blp.route("/reports")
class Reports(MethodView):
    @blp.response(200, ReportSummarySchema(many=True))
    def get(self) -> Any:
        """The reports defined in reports/*.yaml (coordinators and supervisors)."""
        return services.list_reports(current_staff(), language=page_language())


@blp.route("/reports/<string:name>")
class ReportByName(MethodView):
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, ReportDataSchema)
    def get(self, args: dict[str, Any], name: str) -> Any:
        """Every indicator of the report for the period: totals, breakdowns, targets of the
        project. Coordinators: the whole centre; supervisors: their teams."""
        result = services.run_report(
            current_staff(),
            name,
            start=args["start"],
            end=args["end"],
            project_id=args.get("project"),
            team_id=args.get("team"),
            breakdowns=args.get("breakdown"),
            language=page_language(),
        )
        data = to_data(result, threshold=args["threshold"] if args["publication"] else None)
        data["start"], data["end"] = data.pop("from"), data.pop("to")
        return data
