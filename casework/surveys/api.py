"""REST routes for anonymous satisfaction surveys."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff, page_of, page_response
from casework.surveys import services
from casework.surveys.schemas import (
    SurveyListArgsSchema,
    SurveyResponseInSchema,
    SurveyResponseSchema,
    SurveySummarySchema,
    SurveyWindowSchema,
)

blp = Blueprint("surveys", __name__, url_prefix="/api/v1", description="Satisfaction surveys")


@blp.route("/survey-responses")
class SurveyResponses(MethodView):
    @blp.arguments(SurveyListArgsSchema, location="query")
    @blp.response(200, page_of(SurveyResponseSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Anonymous responses, newest first (supervisors and administrators)."""
        return page_response(services.list_responses(current_staff(), **args))

    @blp.arguments(SurveyResponseInSchema)
    @blp.response(201, SurveyResponseSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Enter an anonymous survey about a service, group run or consultation; it is scored."""
        return services.record_response(current_staff(), **data)


@blp.route("/survey-responses/summary")
class SurveySummary(MethodView):
    @blp.arguments(SurveyWindowSchema, location="query")
    @blp.response(200, SurveySummarySchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Per service: responses, mean score, responses per level."""
        return services.summary(current_staff(), **args)
