"""Clients: intake with the duplicate check, reading (audited), updating and searching."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.clients.models import Client, Gender, MigrationReason
from casework.clients.names import client_display_name
from casework.crypto import services as crypto
from casework.crypto.errors import BlindIndexInputError
from casework.crypto.keystore import client_owner, data_keys
from casework.db import db, utcnow
from casework.errors import N_, Conflict, ValidationError, check_version

IDENTIFYING_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "national_id",
    "phone",
    "email",
    "address",
)
STATISTICAL_FIELDS = (
    "gender",
    "birth_year",
    "nationality",
    "languages",
    "migration_reason",
    "municipality",
)


@dataclass
class ClientDetails:
    """What intake or an edit may set on a client."""

    given_name: str
    family_name: str
    gender: Gender = Gender.UNDISCLOSED
    date_of_birth: date | None = None
    birth_year: int | None = None
    national_id: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    nationality: str | None = None
    languages: list[str] = field(default_factory=list)
    migration_reason: MigrationReason = MigrationReason.NOT_MIGRANT
    municipality: str | None = None


@dataclass(frozen=True)
class DuplicateCandidate:
    client: Client
    matched_on: frozenset[str]


class PossibleDuplicate(Conflict):
    """Intake found clients with the same identifiers: link one, or confirm a new client."""

    def __init__(self, candidates: list[DuplicateCandidate], hidden_matches: int) -> None:
        message = N_(
            "%(count)s existing client(s) share identifiers with this one; link to one "
            "of them, or confirm that this is a different person"
        )
        if hidden_matches:
            message = N_(
                "a client with the same identifiers exists outside your caseload; ask a "
                "supervisor, or confirm that this is a different person"
            )
        super().__init__(message, count=len(candidates))
        self.candidates = candidates
        self.hidden_matches = hidden_matches


def _identifiers(details: ClientDetails) -> crypto.Identifiers:
    birth_year = details.birth_year or (
        details.date_of_birth.year if details.date_of_birth else None
    )
    return crypto.Identifiers(
        national_ids=(details.national_id,) if details.national_id else (),
        phones=(details.phone,) if details.phone else (),
        emails=(details.email,) if details.email else (),
        surname=details.family_name or None,
        birth_year=birth_year,
    )


def _checked_digests(details: ClientDetails) -> crypto.Identifiers:
    identifiers = _identifiers(details)
    try:
        crypto.blind_index_digests(identifiers)
    except BlindIndexInputError as error:
        field_name = "phone" if "phone" in str(error).lower() else "national_id"
        raise ValidationError(str(error), fields={field_name: [str(error)]}) from None
    return identifiers


def find_duplicates(details: ClientDetails, *, actor: User) -> tuple[list[DuplicateCandidate], int]:
    """Clients sharing a national ID, phone, e-mail, or surname with birth year: the ones the
    actor may see, and how many others match (named to nobody: that a person is a client
    of the centre is itself sensitive)."""
    matches = crypto.find_clients(_checked_digests(details))
    if not matches:
        return [], 0
    clients = db.session.scalars(
        select(Client).where(Client.id.in_(matches), Client.erased_at.is_(None))
    ).all()
    seen = _visible_ids(actor, [client.id for client in clients], assigned_only=True)
    visible = [client for client in clients if client.id in seen]
    hidden = [client for client in clients if client.id not in seen]
    data_keys().preload(client_owner(client.id) for client in visible)
    audit.record_many(
        "client.duplicate_candidate",
        actor=actor,
        object_type=Client.__audit_type__,
        objects=[audit.Read(client.id, client.id) for client in visible],
        fields=["given_name", "family_name", "birth_year"],
    )
    audit.record_many(
        "client.duplicate_hidden_match",
        actor=actor,
        object_type=Client.__audit_type__,
        objects=[audit.Read(client.id, client.id) for client in hidden],
    )
    candidates = [DuplicateCandidate(c, frozenset(matches[c.id])) for c in visible]
    return candidates, len(hidden)


def _validate(details: ClientDetails) -> None:
    problems: dict[str, list[str]] = {}
    if not details.given_name.strip():
        problems["given_name"] = ["required"]
    if not details.family_name.strip():
        problems["family_name"] = ["required"]
    this_year = utcnow().year
    if details.birth_year is not None and not 1900 <= details.birth_year <= this_year:
        problems["birth_year"] = [f"must be between 1900 and {this_year}"]
    if (
        details.date_of_birth
        and details.birth_year
        and details.date_of_birth.year != details.birth_year
    ):
        problems["birth_year"] = ["differs from the date of birth"]
    if details.date_of_birth and details.date_of_birth > date.today():
        problems["date_of_birth"] = ["is in the future"]
    if details.nationality and (len(details.nationality) != 2 or not details.nationality.isalpha()):
        problems["nationality"] = ["an ISO 3166 two-letter country code"]
    if problems:
        raise ValidationError("some client details are invalid", fields=problems)


def _apply(client: Client, details: ClientDetails) -> None:
    client.given_name = details.given_name.strip()
    client.family_name = details.family_name.strip()
    client.date_of_birth = details.date_of_birth
    client.national_id = details.national_id or None
    client.phone = details.phone or None
    client.email = details.email or None
    client.address = details.address or None
    client.gender = details.gender
    client.birth_year = details.birth_year or (
        details.date_of_birth.year if details.date_of_birth else None
    )
    client.nationality = details.nationality.upper() if details.nationality else None
    client.languages = list(details.languages)
    client.migration_reason = details.migration_reason
    client.municipality = details.municipality


def intake_client(details: ClientDetails, *, actor: User, confirm_new: bool = False) -> Client:
    """Register a new client. Refused with the candidates when identifiers match existing clients,
    unless the user confirms this is a different person."""
    policy.REGISTER_CLIENTS.require(actor)
    _validate(details)
    identifiers = _checked_digests(details)
    candidates, hidden_matches = find_duplicates(details, actor=actor)
    if (candidates or hidden_matches) and not confirm_new:
        raise PossibleDuplicate(candidates, hidden_matches)
    client = Client(id=uuid.uuid4(), created_by_id=actor.id)
    _apply(client, details)
    db.session.add(client)
    crypto.set_blind_indexes(client.id, identifiers)
    audit.record_change("client.create", client, actor=actor, fields=IDENTIFYING_FIELDS)
    db.session.flush()
    return client


def _visible_ids(
    user: User, client_ids: list[uuid.UUID], *, assigned_only: bool = False
) -> set[uuid.UUID]:
    """Which of `client_ids` the user may see (one query for the lot)."""
    if not client_ids:
        return set()
    visible = policy.visible_clients(user, assigned_only=assigned_only)
    return set(db.session.scalars(select(Client.id).where(Client.id.in_(client_ids), visible)))


def require_client(user: User, client_id: uuid.UUID, *, assigned_only: bool = False) -> Client:
    """The client, if `user` may see them (see `policy.visible_clients`); else NotFound."""
    return policy.require_visible(
        user,
        Client,
        client_id,
        what="client",
        visible=policy.visible_clients(user, assigned_only=assigned_only),
    )


def read_client(user: User, client_id: uuid.UUID) -> Client:
    """A client's record, with the read of its identifying fields audited."""
    client = require_client(user, client_id)
    audit.record_change("client.read", client, actor=user, fields=IDENTIFYING_FIELDS)
    return client


def update_client(
    user: User, client_id: uuid.UUID, details: ClientDetails, *, expected_version: int
) -> Client:
    """Replace a client's details, at the version the user saw."""
    client = require_client(user, client_id)
    if client.is_erased:
        raise Conflict("this client was erased; their record cannot change")
    check_version(client, expected_version, N_("client"))
    _validate(details)
    identifiers = _checked_digests(details)
    _apply(client, details)
    crypto.set_blind_indexes(client.id, identifiers)
    audit.record_change(
        "client.update", client, actor=user, fields=IDENTIFYING_FIELDS + STATISTICAL_FIELDS
    )
    db.session.flush()
    return client


#: The most clients a search shows: past it, one more identifier narrows it down.
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class SearchResult:
    #: The clients found that the user may see, the most recently registered first.
    clients: list[Client]
    #: More clients match than SEARCH_LIMIT; only those shown are read (and audited).
    is_cut: bool = False


def search_clients(user: User, identifiers: crypto.Identifiers) -> SearchResult:
    """Exact-match search on identifiers, limited to clients the user may see: one query for the
    clients (the blind index and the policy are its subqueries: a common surname matches
    hundreds of clients across the centre, of whom the user sees a few), and the read of the
    names shown audited in one batch (one event per client shown, so a client's trail says who
    found them)."""
    try:
        matches = crypto.matching_client_ids(identifiers)
    except BlindIndexInputError as error:
        raise ValidationError(str(error)) from None
    if matches is None:
        return SearchResult([])
    found = db.session.scalars(
        select(Client)
        .where(Client.id.in_(matches), Client.erased_at.is_(None), policy.visible_clients(user))
        .order_by(Client.created_at.desc(), Client.id)
        .limit(SEARCH_LIMIT + 1)
    ).all()
    shown = list(found[:SEARCH_LIMIT])
    data_keys().preload(client_owner(client.id) for client in shown)
    audit.record_many(
        "client.search_hit",
        actor=user,
        object_type=Client.__audit_type__,
        objects=[audit.Read(client.id, client.id) for client in shown],
        fields=["given_name", "family_name"],
    )
    return SearchResult(shown, is_cut=len(found) > SEARCH_LIMIT)


#: The most people a "choose a person" list offers at once.
CHOICE_LIMIT = 500


def client_choices(user: User, *where: ColumnElement[bool]) -> list[tuple[uuid.UUID, str]]:
    """(client id, name) of the living clients matching `where` (a policy predicate first), at
    most CHOICE_LIMIT, by name, for a "choose a person" list; the names read are audited."""
    found = list(
        db.session.scalars(
            select(Client).where(*where, Client.erased_at.is_(None)).limit(CHOICE_LIMIT)
        )
    )
    data_keys().preload(client_owner(c.id) for c in found)  # one query, not one per name
    audit.record_many(
        "client.read",
        actor=user,
        object_type="client",
        objects=[audit.Read(c.id, c.id) for c in found],
        fields=["given_name", "family_name"],
    )
    return sorted(
        ((c.id, client_display_name(c)) for c in found), key=lambda pair: pair[1].casefold()
    )
