"""REST routes for clients and consents."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from casework.api.schemas import current_staff
from casework.clients.schemas import (
    ClientSchema,
    ClientSummarySchema,
    ClientUpdateSchema,
    ConsentInSchema,
    ConsentSchema,
    IntakeSchema,
    SearchSchema,
)
from casework.clients.services import clients, consents
from casework.crypto.services import Identifiers
from casework.web.errors import problem

blp = Blueprint("clients", __name__, url_prefix="/api/v1", description="Clients and consents")


def _details(data: dict[str, Any]) -> clients.ClientDetails:
    data = {key: value for key, value in data.items() if key not in ("confirm_new", "version")}
    return clients.ClientDetails(**data)


@blp.route("/clients")
class Clients(MethodView):
    @blp.arguments(IntakeSchema)
    @blp.response(201, ClientSchema)
    @blp.alt_response(
        409,
        description="Possible duplicates: `candidates` lists those you may see; "
        "`hidden_matches` counts others, never named",
    )
    def post(self, data: dict[str, Any]) -> Any:
        """Register a client (intake); refused with candidates when identifiers match."""
        try:
            return clients.intake_client(
                _details(data), actor=current_staff(), confirm_new=data["confirm_new"]
            )
        except clients.PossibleDuplicate as duplicate:
            candidates = [
                {
                    "id": str(c.client.id),
                    "given_name": c.client.given_name,
                    "family_name": c.client.family_name,
                    "birth_year": c.client.birth_year,
                    "matched_on": sorted(c.matched_on),
                }
                for c in duplicate.candidates
            ]
            return problem(
                409,
                duplicate.title,
                duplicate.message,
                candidates=candidates,
                hidden_matches=duplicate.hidden_matches,
            )


@blp.route("/clients/search")
class ClientSearch(MethodView):
    @blp.arguments(SearchSchema)
    @blp.response(200, ClientSummarySchema(many=True))
    def post(self, data: dict[str, Any]) -> Any:
        """Exact-match search on identifiers (kept out of the URL on purpose); at most 50
        clients, the most recently registered first."""
        return clients.search_clients(
            current_staff(),
            Identifiers(
                national_ids=(data["national_id"],) if data.get("national_id") else (),
                phones=(data["phone"],) if data.get("phone") else (),
                emails=(data["email"],) if data.get("email") else (),
                surname=data.get("surname"),
                birth_year=data.get("birth_year"),
            ),
        ).clients


@blp.route("/clients/<uuid:client_id>")
class ClientById(MethodView):
    @blp.response(200, ClientSchema)
    def get(self, client_id: uuid.UUID) -> Any:
        """A client's record (the read is audited)."""
        return clients.read_client(current_staff(), client_id)

    @blp.arguments(ClientUpdateSchema)
    @blp.response(200, ClientSchema)
    def patch(self, data: dict[str, Any], client_id: uuid.UUID) -> Any:
        """Replace a client's details; `version` must be the current one."""
        return clients.update_client(
            current_staff(), client_id, _details(data), expected_version=data["version"]
        )


@blp.route("/clients/<uuid:client_id>/consents")
class Consents(MethodView):
    @blp.response(200, ConsentSchema(many=True))
    def get(self, client_id: uuid.UUID) -> Any:
        return consents.read_consents(current_staff(), client_id)

    @blp.arguments(ConsentInSchema)
    @blp.response(201, ConsentSchema)
    def post(self, data: dict[str, Any], client_id: uuid.UUID) -> Any:
        """Record a consent, or another legal basis, for one purpose."""
        return consents.record_consent(current_staff(), client_id, **data)


@blp.route("/consents/<uuid:consent_id>/withdrawal")
class ConsentWithdrawal(MethodView):
    @blp.response(200, ConsentSchema)
    def post(self, consent_id: uuid.UUID) -> Any:
        return consents.withdraw_consent(current_staff(), consent_id)
