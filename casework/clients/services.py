"""Use cases for clients: intake with duplicate check, reading (audited), consents."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import Role, User
from casework.clients.models import (
    Client,
    Consent,
    ConsentPurpose,
    Gender,
    LegalBasis,
    MigrationReason,
)
from casework.crypto import services as crypto
from casework.crypto.errors import BlindIndexInputError
from casework.crypto.keystore import client_owner, data_keys
from casework.db import db, utcnow
from casework.errors import (
    Conflict,
    NotFound,
    ValidationError,
    check_version,
    missing_as,
)

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
        message = (
            f"{len(candidates)} existing client(s) share identifiers with this one; link to one "
            "of them, or confirm that this is a different person"
        )
        if hidden_matches:
            message = (
                "a client with the same identifiers exists outside your caseload; ask a "
                "supervisor, or confirm that this is a different person"
            )
        super().__init__(message)
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
    visible = [client for client in clients if may_see_client(actor, client, assigned_only=True)]
    hidden = [client for client in clients if client not in visible]
    data_keys().preload(client_owner(client.id) for client in visible)
    audit.record_many(
        "client.duplicate_candidate",
        actor=actor,
        object_type="client",
        objects=[audit.Read(client.id, client.id) for client in visible],
        fields=["given_name", "family_name", "birth_year"],
    )
    audit.record_many(
        "client.duplicate_hidden_match",
        actor=actor,
        object_type="client",
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
    policy.require_role(
        actor, Role.CASE_MANAGER, Role.SUPERVISOR, Role.CONSULTANT, Role.FACILITATOR
    )
    _validate(details)
    identifiers = _checked_digests(details)
    candidates, hidden_matches = find_duplicates(details, actor=actor)
    if (candidates or hidden_matches) and not confirm_new:
        raise PossibleDuplicate(candidates, hidden_matches)
    client = Client(id=uuid.uuid4(), created_by_id=actor.id)
    _apply(client, details)
    db.session.add(client)
    crypto.set_blind_indexes(client.id, identifiers)
    audit.record(
        "client.create",
        actor=actor,
        object_type="client",
        object_id=client.id,
        client_id=client.id,
        fields=IDENTIFYING_FIELDS,
    )
    db.session.flush()
    return client


def _client_case_ids(client_id: uuid.UUID) -> list[uuid.UUID]:
    from casework.cases.models import CaseParticipant

    return list(
        db.session.scalars(
            select(CaseParticipant.case_id).where(CaseParticipant.client_id == client_id)
        )
    )


def may_see_client(user: User, client: Client, *, assigned_only: bool = False) -> bool:
    """Through a case the user may see, or, for a client with no case yet, as the one who
    registered them or their supervisor. `assigned_only` ignores break-the-glass access: it
    lets one read a client for a while, never attach them to other work."""
    from casework.cases.models import Case

    case_ids = _client_case_ids(client.id)
    if not case_ids:
        if client.created_by_id == user.id:
            return True
        creator = db.session.get(User, client.created_by_id) if client.created_by_id else None
        return creator is not None and policy.supervises_user(user, creator)
    cases_seen = policy.assigned_cases(user) if assigned_only else policy.visible_cases(user)
    return bool(
        db.session.scalar(select(Case.id).where(Case.id.in_(case_ids), cases_seen).limit(1))
    )


def require_client(user: User, client_id: uuid.UUID, *, assigned_only: bool = False) -> Client:
    client = db.session.get(Client, client_id)
    if client is None or not may_see_client(user, client, assigned_only=assigned_only):
        raise NotFound("no such client")
    return client


def read_client(user: User, client_id: uuid.UUID) -> Client:
    """A client's record, with the read of its identifying fields audited."""
    client = require_client(user, client_id)
    audit.record(
        "client.read",
        actor=user,
        object_type="client",
        object_id=client.id,
        client_id=client.id,
        fields=IDENTIFYING_FIELDS,
    )
    return client


def update_client(
    user: User, client_id: uuid.UUID, details: ClientDetails, *, expected_version: int
) -> Client:
    client = require_client(user, client_id)
    if client.is_erased:
        raise Conflict("this client was erased; their record cannot change")
    check_version(client, expected_version, "client")
    _validate(details)
    identifiers = _checked_digests(details)
    _apply(client, details)
    crypto.set_blind_indexes(client.id, identifiers)
    audit.record(
        "client.update",
        actor=user,
        object_type="client",
        object_id=client.id,
        client_id=client.id,
        fields=IDENTIFYING_FIELDS + STATISTICAL_FIELDS,
    )
    db.session.flush()
    return client


def search_clients(user: User, identifiers: crypto.Identifiers) -> list[Client]:
    """Exact-match search on identifiers, limited to clients the user may see."""
    try:
        matches = crypto.find_clients(identifiers)
    except BlindIndexInputError as error:
        raise ValidationError(str(error)) from None
    if not matches:
        return []
    clients = db.session.scalars(
        select(Client).where(Client.id.in_(matches), Client.erased_at.is_(None))
    ).all()
    visible = [client for client in clients if may_see_client(user, client)]
    data_keys().preload(client_owner(client.id) for client in visible)
    for client in visible:
        audit.record(
            "client.search_hit",
            actor=user,
            object_type="client",
            object_id=client.id,
            client_id=client.id,
            fields=["given_name", "family_name"],
        )
    return visible


# --- consent ----------------------------------------------------------------------------


def record_consent(
    user: User,
    client_id: uuid.UUID,
    *,
    purpose: ConsentPurpose,
    legal_basis: LegalBasis,
    notice_version: str,
) -> Consent:
    client = require_client(user, client_id)
    if not notice_version.strip():
        raise ValidationError(
            "the privacy notice version is required", fields={"notice_version": ["required"]}
        )
    consent = Consent(
        client_id=client.id,
        purpose=purpose,
        legal_basis=legal_basis,
        notice_version=notice_version.strip(),
        recorded_by_id=user.id,
    )
    db.session.add(consent)
    audit.record(
        "consent.record",
        actor=user,
        object_type="consent",
        object_id=consent.id,
        client_id=client.id,
        fields=["purpose", "legal_basis"],
    )
    db.session.flush()
    return consent


def withdraw_consent(user: User, consent_id: uuid.UUID) -> Consent:
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("no such consent")
    with missing_as("no such consent"):
        require_client(user, consent.client_id)
    if consent.withdrawn_at is not None:
        raise Conflict("this consent was already withdrawn")
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = user.id
    audit.record(
        "consent.withdraw",
        actor=user,
        object_type="consent",
        object_id=consent.id,
        client_id=consent.client_id,
        fields=["withdrawn_at"],
    )
    db.session.flush()
    return consent


def consents_of(client_id: uuid.UUID) -> list[Consent]:
    return list(
        db.session.scalars(
            select(Consent).where(Consent.client_id == client_id).order_by(Consent.given_at)
        )
    )


def require_processing_basis(client_ids: Iterable[uuid.UUID]) -> None:
    """Refuse to process a client's data for support services without a valid basis."""
    ids = set(client_ids)
    covered = set(
        db.session.scalars(
            select(Consent.client_id).where(
                Consent.client_id.in_(ids),
                Consent.purpose == ConsentPurpose.SUPPORT_SERVICES,
                Consent.withdrawn_at.is_(None),
            )
        )
    )
    missing = ids - covered
    if missing:
        raise Conflict(
            "no valid consent (or other legal basis) for support services is recorded for "
            f"{len(missing)} client(s); record one before processing their data"
        )


# --- for the web interface ----------------------------------------------------------------


@dataclass(frozen=True)
class ClientOverview:
    client: Client
    consents: list[Consent]
    cases: list[Any]


def client_overview(user: User, client_id: uuid.UUID, *, case_limit: int = 50) -> ClientOverview:
    """A client's record (read audited), consents, and the cases of theirs the user may see."""
    from casework.cases.services import CaseFilters, list_cases

    client = read_client(user, client_id)
    page = list_cases(user, CaseFilters(client_id=client.id), cursor=None, limit=case_limit)
    return ClientOverview(client, consents_of(client.id), page.items)
