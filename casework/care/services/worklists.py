"""Who and what a row of a work list is about: the people (names read in one audited batch),
the case reference, the services and the case's risk level."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, select, union
from sqlalchemy.orm import load_only

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.care.models import Enrolment
from casework.care.services.enrolments import OPEN_STATUSES
from casework.case_assessments.services.levels import levels_of
from casework.cases.models import Case, CaseKind, CaseParticipant
from casework.clients.models import Client
from casework.crypto.keystore import client_owner, data_keys
from casework.db import db
from casework.policy.cases import visible_client_id_sources


@dataclass(frozen=True)
class Subject:
    """What one row is about. `client_ids` None: the case's participants; `service_codes` None:
    the services the case's participants are enrolled in."""

    case_id: uuid.UUID | None
    client_ids: Sequence[uuid.UUID] | None = None
    service_codes: Sequence[str] | None = None


@dataclass(frozen=True)
class WhoAndWhat:
    #: The row's people the reader may see, named through `|client_name`.
    clients: tuple[Client, ...] = ()
    case_id: uuid.UUID | None = None
    reference: str | None = None
    kind: CaseKind | None = None
    services: tuple[str, ...] = ()
    #: The case's current risk level code (None: not assessed); pages show its label.
    level: str | None = None


def who_and_what(user: User, subjects: Sequence[Subject]) -> list[WhoAndWhat]:
    """For each subject, in order, who and what it is about, in a constant number of queries
    whatever the length of the list: one read of the cases, one of their participants, one of
    their services, one of their levels, and ONE read of the names that the reader may see,
    audited as one batch (one event per client read, written together)."""
    case_ids = {subject.case_id for subject in subjects if subject.case_id is not None}
    cases = _visible_cases(user, case_ids)
    people = _participants(
        [s.case_id for s in subjects if s.case_id in cases and s.client_ids is None]
    )
    services = _services(
        [s.case_id for s in subjects if s.case_id in cases and s.service_codes is None]
    )
    levels = levels_of(cases)
    shown = [
        list(subject.client_ids)
        if subject.client_ids is not None
        else people.get(subject.case_id, [])  # type: ignore[arg-type]
        for subject in subjects
    ]
    clients = read_names(user, {client_id for ids in shown for client_id in ids})
    rows = []
    for subject, client_ids in zip(subjects, shown, strict=True):
        case = cases.get(subject.case_id) if subject.case_id is not None else None
        codes = (
            subject.service_codes
            if subject.service_codes is not None
            else services.get(subject.case_id, [])  # type: ignore[arg-type]
        )
        rows.append(
            WhoAndWhat(
                clients=tuple(clients[c] for c in dict.fromkeys(client_ids) if c in clients),
                case_id=case.id if case else None,
                reference=case.reference if case else None,
                kind=case.kind if case else None,
                services=tuple(dict.fromkeys(codes)),
                level=levels.get(case.id) if case else None,
            )
        )
    return rows


#: What a row shows of a client: the name, or that they were erased. Loading every column of
#: the 200 clients a list may name (seven ciphertexts, JSON, enums) took 7-9 ms, these 5 ms.
_NAMES_ONLY = load_only(
    Client.erased_at, Client.given_name_ciphertext, Client.family_name_ciphertext
)


def read_names(user: User, client_ids: set[uuid.UUID]) -> dict[uuid.UUID, Client]:
    """The clients among `client_ids` that `user` may see, their keys unwrapped in one query and
    the read of their names audited in one batch."""
    if not client_ids:
        return {}
    found = {
        client.id: client
        for client in db.session.scalars(
            select(Client)
            .options(_NAMES_ONLY)
            .where(Client.id.in_(_visible_among(user, client_ids)))
        )
    }
    data_keys().preload(client_owner(client_id) for client_id in found)
    audit.record_many(
        "client.read",
        actor=user,
        object_type=Client.__audit_type__,
        objects=[audit.Read(client_id, client_id) for client_id in sorted(found, key=str)],
        fields=["given_name", "family_name"],
    )
    return found


def _visible_among(user: User, client_ids: set[uuid.UUID]) -> CompoundSelect[Any]:
    """The ids among `client_ids` that `policy.visible_clients` lets through: every member of
    its union (one per way of seeing a case, and a client in no case yet) narrowed to those few
    clients, so each starts from them. Unnarrowed, PostgreSQL built the set of every visible
    case first (docs/performance.md, "Work lists")."""
    return union(
        *(
            source.where(source.selected_columns[0].in_(client_ids))
            for source in visible_client_id_sources(user)
        )
    )


def _visible_cases(user: User, case_ids: set[uuid.UUID]) -> dict[uuid.UUID, Case]:
    if not case_ids:
        return {}
    return {
        case.id: case
        for case in db.session.scalars(
            select(Case).where(Case.id.in_(case_ids), policy.visible_cases(user))
        )
    }


def _participants(case_ids: list[uuid.UUID | None]) -> dict[uuid.UUID, list[uuid.UUID]]:
    if not case_ids:
        return {}
    people: dict[uuid.UUID, list[uuid.UUID]] = {}
    for case_id, client_id in db.session.execute(
        select(CaseParticipant.case_id, CaseParticipant.client_id)
        .where(CaseParticipant.case_id.in_(set(case_ids)))
        .order_by(CaseParticipant.case_id, CaseParticipant.position)
    ):
        people.setdefault(case_id, []).append(client_id)
    return people


def _services(case_ids: list[uuid.UUID | None]) -> dict[uuid.UUID, list[str]]:
    if not case_ids:
        return {}
    services: dict[uuid.UUID, list[str]] = {}
    for case_id, code in db.session.execute(
        select(Enrolment.case_id, Enrolment.service_code)
        .where(Enrolment.case_id.in_(set(case_ids)), Enrolment.status.in_(OPEN_STATUSES))
        .order_by(Enrolment.case_id, Enrolment.started_at)
    ):
        if case_id is not None:
            services.setdefault(case_id, []).append(code)
    return services
