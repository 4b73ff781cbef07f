"""What the client pages show, built by calling the clients' services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from casework.auth.models import User
from casework.clients.models import Client, Consent
from casework.clients.services import clients, consents


@dataclass(frozen=True)
class ClientConsents:
    client: Client
    consents: list[Consent]


def client_consents(user: User, client_id: uuid.UUID) -> ClientConsents:
    """A client's record (the read is audited) and their consents."""
    client = clients.read_client(user, client_id)
    return ClientConsents(client, consents.consents_of(client.id))
