"""Small factories with readable defaults; call them inside an app context (`make_team` makes
its own)."""

from __future__ import annotations

import functools
import itertools
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import Flask

from casework.auth.models import Role, Team, User, UserRole
from casework.auth.passwords import hash_password
from casework.auth.services import get_or_create_team
from casework.case_assessments.models import Assessment
from casework.case_assessments.services import assessments as assessing
from casework.cases.models import Case, CaseKind, ParticipantRole, ReferralSource
from casework.cases.services import cases
from casework.cases.services.cases import NewParticipant
from casework.clients.models import Client, Consent, ConsentPurpose, Gender, LegalBasis
from casework.db import db, utcnow

#: Every test account's password unless a test says otherwise.
PASSWORD = "correct horse battery"

_numbers = itertools.count(1)


@functools.cache
def _password_hash(password: str) -> str:
    return hash_password(password)  # each test password is hashed once per run


def make_user(
    *,
    roles: Iterable[Role] = (Role.CASE_MANAGER,),
    password: str = PASSWORD,
    team: Team | None = None,
    **fields: Any,
) -> User:
    number = next(_numbers)
    roles = sorted(set(roles))
    user = User(
        email=fields.pop("email", f"staff{number}@example.test"),
        display_name=fields.pop("display_name", f"Staff Member {number}"),
        password_hash=_password_hash(password),
        team=team,
        role_rows=[UserRole(role=role) for role in roles],
        **fields,
    )
    db.session.add(user)
    if team is not None and Role.SUPERVISOR in roles:
        team.supervisors.append(user)
    db.session.flush()
    return user


def make_client(**fields: Any) -> Client:
    """A synthetic client with readable defaults; pass fields to override."""
    number = next(_numbers)
    client = Client(
        id=fields.pop("id", None),
        gender=fields.pop("gender", Gender.FEMALE),
        birth_year=fields.pop("birth_year", 1988),
        nationality=fields.pop("nationality", "PL"),
        languages=fields.pop("languages", ["pl"]),
    )
    client.given_name = fields.pop("given_name", "Test")
    client.family_name = fields.pop("family_name", f"Klientka{number}")
    for name, value in fields.items():
        setattr(client, name, value)
    db.session.add(client)
    db.session.flush()
    return client


def make_consenting_client(actor: User, **fields: Any) -> Client:
    """A client registered by `actor`, with consent to processing for support services."""
    client = make_client(created_by_id=actor.id, **fields)
    db.session.add(
        Consent(
            client_id=client.id,
            purpose=ConsentPurpose.SUPPORT_SERVICES,
            legal_basis=LegalBasis.CONSENT,
            notice_version="2026-01",
            recorded_by_id=actor.id,
        )
    )
    db.session.flush()
    return client


def make_case(
    manager: User,
    *,
    kind: CaseKind = CaseKind.INDIVIDUAL,
    children: bool = False,
    clients: list[Client] | None = None,
) -> Case:
    """An open case of `manager` with consenting participants (made when not given)."""
    count = {CaseKind.INDIVIDUAL: 1, CaseKind.COUPLE: 2, CaseKind.FAMILY: 3}[kind]
    clients = clients or [make_consenting_client(manager) for _ in range(count)]
    roles = [
        ParticipantRole.PARTNER if kind != CaseKind.INDIVIDUAL else ParticipantRole.OTHER
    ] * len(clients)
    return cases.open_case(
        manager,
        kind=kind,
        participants=[NewParticipant(c.id, role) for c, role in zip(clients, roles, strict=True)],
        referral_source=ReferralSource.SELF,
        children_in_household=children,
    )


#: A team with every role, by the names tests use for its members.
TEAM_ROLES = {
    "manager": (Role.CASE_MANAGER,),
    "other_manager": (Role.CASE_MANAGER,),
    "therapist": (Role.THERAPIST,),
    "therapist2": (Role.THERAPIST,),
    "facilitator": (Role.FACILITATOR,),
    "facilitator2": (Role.FACILITATOR,),
    "supervisor": (Role.SUPERVISOR,),
    "consultant": (Role.CONSULTANT,),
}


def make_team(app: Flask, name: str = "Programme team") -> dict[str, uuid.UUID]:
    """A team with every role, an outside supervisor and consultant and an administrator, by
    name; committed. Ids only: objects belong to one session."""
    with app.app_context():
        team = get_or_create_team(name)
        other = get_or_create_team(f"{name} (other)")
        ids = {role: make_user(roles=roles, team=team).id for role, roles in TEAM_ROLES.items()}
        ids["outside_supervisor"] = make_user(roles=(Role.SUPERVISOR,), team=other).id
        ids["outside_consultant"] = make_user(roles=(Role.CONSULTANT,), team=other).id
        ids["admin"] = make_user(roles=(Role.ADMIN,)).id
        db.session.commit()
        return ids


def staff(ids: dict[str, uuid.UUID], name: str) -> User:
    """The member `name` of a team made by `make_team`, in the current session."""
    user = db.session.get(User, ids[name])
    assert user is not None
    return user


#: Names of NORR's embedded test vectors: no risk at all, and a threat with a weapon.
CALM = "all lowest-risk answers"
VIOLENT = "weapon threat alone forces very high"


def norr_answers(vector_name: str) -> dict[str, object]:
    """The complete answers of one of NORR's own test vectors."""
    from assessments.vectors import vector_answers
    from casework.catalogue.library import library

    instrument = library().instrument("norr")
    vector = next(v for v in instrument.vectors if v.name == vector_name)
    return vector_answers(instrument, vector)


def make_assessment(manager: User, case: Case, vector: str, *, days_ago: int = 0) -> Assessment:
    """A NORR assessment of the case's first client with one of NORR's test vectors, completed
    `days_ago` days ago."""
    assessment = assessing.start_assessment(
        manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
    )
    assessing.save_answers(
        manager, assessment.id, norr_answers(vector), expected_version=assessment.version
    )
    done = assessing.complete_assessment(
        manager, assessment.id, expected_version=assessment.version
    )
    done.completed_at = utcnow() - timedelta(days=days_ago)
    return done
