"""REST routes for assessments and recommendations."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import VersionSchema, current_staff
from casework.case_assessments.schemas import (
    AnswersSchema,
    AssessmentDetailSchema,
    AssessmentInSchema,
    AssessmentSchema,
    ComparisonArgsSchema,
    ComparisonSchema,
    ConfirmationSchema,
    ContextArgsSchema,
    DecisionSchema,
    RecommendationInSchema,
    RecommendationSchema,
    RescoreSchema,
)
from casework.case_assessments.services import assessments, closing, recommendations

blp = Blueprint(
    "assessments", __name__, url_prefix="/api/v1", description="Assessments and routing"
)


@blp.route("/cases/<uuid:case_id>/assessments")
class CaseAssessments(MethodView):
    @blp.arguments(ContextArgsSchema, location="query")
    @blp.response(200, AssessmentSchema(many=True))
    def get(self, args: dict[str, Any], case_id: uuid.UUID) -> Any:
        """The case's assessments (without answers)."""
        return assessments.assessments_of(
            current_staff(), case_id, joint=args["context"] == "joint"
        )

    @blp.arguments(AssessmentInSchema)
    @blp.response(201, AssessmentDetailSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Start a draft assessment with the newest version of an instrument."""
        return assessments.start_assessment(
            current_staff(),
            case_id,
            instrument_id=data["instrument_id"],
            client_id=data["client_id"],
            participant_ids=tuple(data["participant_ids"]),
            is_individual=data["is_individual"],
            is_closing=data["is_closing"],
        )


@blp.route("/assessments/<uuid:assessment_id>")
class AssessmentById(MethodView):
    @blp.arguments(ContextArgsSchema, location="query")
    @blp.response(200, AssessmentDetailSchema)
    def get(self, args: dict[str, Any], assessment_id: uuid.UUID) -> Any:
        """An assessment with its answers and result (the read is audited)."""
        return assessments.read_assessment(
            current_staff(), assessment_id, joint=args["context"] == "joint"
        )

    @blp.arguments(AnswersSchema)
    @blp.response(200, AssessmentDetailSchema)
    def patch(self, data: dict[str, Any], assessment_id: uuid.UUID) -> Any:
        """Save answers to a draft; every invalid answer is reported at once (422)."""
        return assessments.save_answers(
            current_staff(), assessment_id, data["answers"], expected_version=data["version"]
        )


@blp.route("/assessments/<uuid:assessment_id>/completion")
class AssessmentCompletion(MethodView):
    @blp.arguments(VersionSchema)
    @blp.response(200, AssessmentDetailSchema)
    def post(self, data: dict[str, Any], assessment_id: uuid.UUID) -> Any:
        """Score, freeze and route: the recommendations follow the routing rules."""
        return assessments.complete_assessment(
            current_staff(), assessment_id, expected_version=data["version"]
        )


@blp.route("/assessments/<uuid:assessment_id>/rescore")
class AssessmentRescore(MethodView):
    @blp.response(200, RescoreSchema)
    def post(self, assessment_id: uuid.UUID) -> Any:
        """Score a completed assessment again with its exact instrument version."""
        rescore = assessments.rescore(current_staff(), assessment_id)
        return {
            "is_same": rescore.is_same,
            "stored": rescore.stored,
            "recomputed": rescore.recomputed,
        }


@blp.route("/cases/<uuid:case_id>/comparison")
class ClosingComparison(MethodView):
    @blp.arguments(ComparisonArgsSchema, location="query")
    @blp.response(200, ComparisonSchema)
    def get(self, args: dict[str, Any], case_id: uuid.UUID) -> Any:
        """The closing reassessment beside the first assessment, scale by scale."""
        return closing.compare_closing(
            current_staff(),
            case_id,
            instrument_id=args["instrument_id"],
            client_id=args["client_id"],
        )


@blp.route("/cases/<uuid:case_id>/recommendations")
class CaseRecommendations(MethodView):
    @blp.arguments(ContextArgsSchema, location="query")
    @blp.response(200, RecommendationSchema(many=True))
    def get(self, args: dict[str, Any], case_id: uuid.UUID) -> Any:
        """The recommendations; the joint context (default) leaves out individual ones."""
        return recommendations.recommendations_of(
            current_staff(), case_id, joint=args["context"] == "joint"
        )

    @blp.arguments(RecommendationInSchema)
    @blp.response(201, RecommendationSchema)
    def post(self, data: dict[str, Any], case_id: uuid.UUID) -> Any:
        """Add a service the rules did not recommend, with a reason."""
        return recommendations.add_recommendation(
            current_staff(), case_id, service_code=data["service_code"], reason=data["reason"]
        )


@blp.route("/recommendations/<uuid:recommendation_id>/decision")
class RecommendationDecision(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(200, RecommendationSchema)
    def post(self, data: dict[str, Any], recommendation_id: uuid.UUID) -> Any:
        """Accept or decline; declining a mandatory action waits for a supervisor."""
        return recommendations.decide(
            current_staff(),
            recommendation_id,
            accept=data["accept"],
            reason=data["reason"],
            expected_version=data["version"],
        )


@blp.route("/recommendations/<uuid:recommendation_id>/decline-confirmation")
class DeclineConfirmation(MethodView):
    @blp.arguments(ConfirmationSchema)
    @blp.response(200, RecommendationSchema)
    def post(self, data: dict[str, Any], recommendation_id: uuid.UUID) -> Any:
        """A supervisor confirms or refuses declining a mandatory action."""
        return recommendations.confirm_decline(
            current_staff(),
            recommendation_id,
            confirm=data["confirm"],
            reason=data["reason"],
            expected_version=data["version"],
        )
