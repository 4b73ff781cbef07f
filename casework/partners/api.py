"""REST routes for partner institutions, trainings of professionals and public events."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff, page_of, page_response
from casework.partners import services
from casework.partners.schemas import (
    DateRangeArgsSchema,
    EventArgsSchema,
    EventInSchema,
    EventSchema,
    HeadcountListSchema,
    InstitutionArgsSchema,
    InstitutionInSchema,
    InstitutionSchema,
    TrainedSchema,
    TrainingArgsSchema,
    TrainingDetailSchema,
    TrainingInSchema,
    TrainingSchema,
)

blp = Blueprint(
    "partners", __name__, url_prefix="/api/v1", description="Partner institutions and trainings"
)


def _detail(training: Any, participations: list[Any]) -> dict[str, Any]:
    return {
        "id": training.id,
        "title": training.title,
        "held_on": training.held_on,
        "hours": training.hours,
        "participants": participations,
    }


@blp.route("/partner-institutions")
class Institutions(MethodView):
    @blp.arguments(InstitutionArgsSchema, location="query")
    @blp.response(200, page_of(InstitutionSchema))
    def get(self, args: dict[str, Any]) -> Any:
        return page_response(services.list_institutions(current_staff(), **args))

    @blp.arguments(InstitutionInSchema)
    @blp.response(201, InstitutionSchema)
    def post(self, data: dict[str, Any]) -> Any:
        return services.create_institution(current_staff(), **data)


@blp.route("/partner-institutions/<uuid:institution_id>")
class InstitutionById(MethodView):
    @blp.response(200, InstitutionSchema)
    def get(self, institution_id: uuid.UUID) -> Any:
        return services.get_institution(current_staff(), institution_id)

    @blp.arguments(InstitutionInSchema)
    @blp.response(200, InstitutionSchema)
    def put(self, data: dict[str, Any], institution_id: uuid.UUID) -> Any:
        """Correct an institution's name, kind or city."""
        return services.update_institution(current_staff(), institution_id, **data)


@blp.route("/trainings")
class Trainings(MethodView):
    @blp.arguments(TrainingArgsSchema, location="query")
    @blp.response(200, page_of(TrainingSchema))
    def get(self, args: dict[str, Any]) -> Any:
        return page_response(services.list_trainings(current_staff(), **args))

    @blp.arguments(TrainingInSchema)
    @blp.response(201, TrainingDetailSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """A training, optionally with headcounts per institution and professional type."""
        user = current_staff()
        participants = [services.Headcount(**p) for p in data.pop("participants")]
        training = services.create_training(user, participants=participants, **data)
        return _detail(*services.get_training(user, training.id))


@blp.route("/trainings/summary")
class TrainedProfessionals(MethodView):
    @blp.arguments(DateRangeArgsSchema, location="query")
    @blp.response(200, TrainedSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Professionals trained per institution and type (one row per pair; not paginated)."""
        return services.professionals_trained(current_staff(), **args)


@blp.route("/trainings/<uuid:training_id>")
class TrainingById(MethodView):
    @blp.response(200, TrainingDetailSchema)
    def get(self, training_id: uuid.UUID) -> Any:
        return _detail(*services.get_training(current_staff(), training_id))


@blp.route("/trainings/<uuid:training_id>/participants")
class TrainingParticipants(MethodView):
    @blp.arguments(HeadcountListSchema)
    @blp.response(200, TrainingDetailSchema)
    def post(self, data: dict[str, Any], training_id: uuid.UUID) -> Any:
        """Add headcounts; a repeated institution and type adds to its count."""
        user = current_staff()
        participants = [services.Headcount(**p) for p in data["participants"]]
        services.add_participants(user, training_id, participants)
        return _detail(*services.get_training(user, training_id))


@blp.route("/events")
class Events(MethodView):
    @blp.arguments(EventArgsSchema, location="query")
    @blp.response(200, page_of(EventSchema))
    def get(self, args: dict[str, Any]) -> Any:
        return page_response(services.list_events(current_staff(), **args))

    @blp.arguments(EventInSchema)
    @blp.response(201, EventSchema)
    def post(self, data: dict[str, Any]) -> Any:
        return services.create_event(current_staff(), **data)
