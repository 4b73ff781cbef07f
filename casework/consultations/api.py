"""REST routes for information consultations and their managed topic list."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff, page_of, page_response
from casework.consultations import services
from casework.consultations.schemas import (
    ConsultationFilterSchema,
    ConsultationInSchema,
    ConsultationListArgsSchema,
    ConsultationSchema,
    ConsultationSummarySchema,
    TopicArgsSchema,
    TopicInSchema,
    TopicSchema,
)

blp = Blueprint(
    "consultations", __name__, url_prefix="/api/v1", description="Information consultations"
)


def _filters(args: dict[str, Any]) -> services.ConsultationFilters:
    return services.ConsultationFilters(
        **{k: v for k, v in args.items() if k not in ("cursor", "limit")}
    )


@blp.route("/consultations")
class Consultations(MethodView):
    @blp.arguments(ConsultationListArgsSchema, location="query")
    @blp.response(200, page_of(ConsultationSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """Your consultations (supervisors: your teams'), newest first."""
        return page_response(
            services.list_consultations(
                current_staff(),
                _filters(args),
                cursor=args.get("cursor"),
                limit=args["limit"],
            )
        )

    @blp.arguments(ConsultationInSchema)
    @blp.response(201, ConsultationSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Log a consultation: with a client, or anonymous (statistics and a visitor token)."""
        return services.log_consultation(current_staff(), **data)


@blp.route("/consultations/summary")
class ConsultationSummary(MethodView):
    @blp.arguments(ConsultationFilterSchema, location="query")
    @blp.response(200, ConsultationSummarySchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Counts: total, linked and anonymous, returning visitors, by channel, language, topic."""
        return services.summary(current_staff(), _filters(args))


@blp.route("/consultations/<uuid:consultation_id>")
class ConsultationById(MethodView):
    @blp.response(200, ConsultationSchema)
    def get(self, consultation_id: uuid.UUID) -> Any:
        return services.get_consultation(current_staff(), consultation_id)


@blp.route("/consultation-topics")
class Topics(MethodView):
    @blp.arguments(TopicArgsSchema, location="query")
    @blp.response(200, TopicSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """The managed topic list (a short, fixed-size list: not paginated)."""
        return services.list_topics(include_retired=args["include_retired"])

    @blp.arguments(TopicInSchema)
    @blp.response(200, TopicSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add, rename or retire a topic by its code (administrators)."""
        return services.save_topic(current_staff(), data.pop("code"), **data)
