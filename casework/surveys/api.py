"""REST routes for anonymous satisfaction surveys."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff, page_of, page_response
from casework.surveys import passes, services
from casework.surveys.schemas import (
    SurveyLinkInSchema,
    SurveyLinkSchema,
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


@blp.route("/survey-links")
class SurveyLinks(MethodView):
    @blp.arguments(SurveyLinkInSchema)
    @blp.response(201, SurveyLinkSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """A one-time link to hand a client after a session: about a service or a group run,
        never a person; it works once and expires. The URL is returned only here."""
        days = int(current_app.config.get("CASEWORK_SURVEY_LINK_DAYS", passes.LINK_DAYS))
        issued = passes.create_link(current_staff(), days=days, **data)
        link = issued.survey_pass
        return {
            "url": url_for("survey_pages.by_link", token=issued.token, _external=True),
            "service_code": link.service_code,
            "group_run_id": link.group_run_id,
            "language": link.language,
            "expires_at": link.expires_at,
        }
