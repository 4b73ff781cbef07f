"""What the case feature's web pages show, built by calling services: the people of a case
being opened, the break-the-glass log, and a client's page with the cases of theirs the viewer
may see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from casework.auth.models import User
from casework.auth.services import display_names
from casework.cases.models import BreakGlassAccess, Case
from casework.cases.services import break_glass, listing
from casework.clients.models import Client, Consent
from casework.clients.pages import client_consents
from casework.clients.services import clients


def people_to_open_a_case_for(user: User, client_ids: Sequence[uuid.UUID]) -> list[Client]:
    """The clients gathered at intake, in order (each read is audited)."""
    return [clients.read_client(user, client_id) for client_id in client_ids]


@dataclass(frozen=True)
class ClientPage:
    client: Client
    consents: list[Consent]
    cases: list[Case]


def client_page(user: User, client_id: uuid.UUID, *, case_limit: int = 50) -> ClientPage:
    """A client's record (the read is audited), consents, and the cases of theirs the user may
    see (a page of a client lives with cases because it lists them)."""
    record = client_consents(user, client_id)
    cases = listing.list_cases(
        user, listing.CaseFilters(client_id=record.client.id), cursor=None, limit=case_limit
    )
    return ClientPage(record.client, record.consents, cases.items)


@dataclass(frozen=True)
class BreakGlassLog:
    accesses: list[BreakGlassAccess]
    #: Display names of the staff who broke the glass.
    staff_names: dict[uuid.UUID, str]
    #: The cursor of the following page (None: this is the last).
    next_cursor: str | None


def break_glass_log(user: User, *, cursor: str | None) -> BreakGlassLog:
    """A page of the break-the-glass accesses a supervisor reviews (read audited) and who made
    them."""
    page = break_glass.break_glass_page(user, cursor=cursor, limit=50)
    names = display_names(access.user_id for access in page.items)
    return BreakGlassLog(page.items, names, page.next_cursor)
