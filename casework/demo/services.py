"""Create the synthetic demo centre, idempotently, on the current database."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from casework.auth import services as auth
from casework.auth.models import Language, Role, User
from casework.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    password_problem,
    verify_password,
)
from casework.cases.models import Case
from casework.catalogue.services import sync_catalogue
from casework.clients.models import Client
from casework.db import db
from casework.demo.cases import create_case_demo
from casework.demo.leaders import create_leaders_demo
from casework.demo.partners import create_partners_demo
from casework.demo.programmes import create_programmes_demo
from casework.demo.projects import create_projects_demo
from casework.errors import ValidationError

DEMO_TEAM = "Zespół Centrum dla Rodzin (demo)"
DEFAULT_DEMO_PASSWORD = "casework-demo"  # noqa: S105  (synthetic demo accounts only)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    roles: tuple[Role, ...]
    language: Language = Language.PL


DEMO_ACCOUNTS = (
    DemoAccount("casemanager@demo.local", "Anna Kowalczyk", (Role.CASE_MANAGER,)),
    DemoAccount("casemanager2@demo.local", "Oksana Melnyk", (Role.CASE_MANAGER,), Language.UK),
    DemoAccount("therapist@demo.local", "Piotr Nowak", (Role.THERAPIST,)),
    DemoAccount("therapist2@demo.local", "Marta Zielińska", (Role.THERAPIST,), Language.EN),
    DemoAccount("facilitator@demo.local", "Ewa Wiśniewska", (Role.FACILITATOR,)),
    DemoAccount("supervisor@demo.local", "Tomasz Lewandowski", (Role.SUPERVISOR,)),
    DemoAccount("consultant@demo.local", "Iryna Bondarenko", (Role.CONSULTANT,), Language.UK),
    DemoAccount("coordinator@demo.local", "Katarzyna Wójcik", (Role.COORDINATOR,)),
    DemoAccount("admin@demo.local", "Adam Administrator", (Role.ADMIN,), Language.EN),
)


def create_demo_centre(*, password: str = DEFAULT_DEMO_PASSWORD, cases: int = 130) -> list[User]:
    """The demo centre: staff accounts (all with `password`), then, once, clients and cases, and
    the programmes around them (groups, consultations, trainings, surveys, supervision)."""
    users = create_demo_staff(password=password)
    sync_catalogue()
    staff = {user.email.split("@")[0]: user for user in users}
    rng = random.Random(2026)
    clients: list[Client] = []
    if not _has_demo_cases(staff):
        clients = create_case_demo(staff, rng, cases_wanted=cases)
    else:
        clients = list(
            db.session.scalars(select(Client).where(Client.erased_at.is_(None)).limit(300))
        )
    create_programmes_demo(staff, clients, rng)
    create_partners_demo(staff)
    create_projects_demo(staff, clients, rng)
    create_leaders_demo(staff)
    return users


def _has_demo_cases(staff: dict[str, User]) -> bool:
    managers = [staff["casemanager"].id, staff["casemanager2"].id]
    return (
        db.session.scalar(select(Case.id).where(Case.opened_by_id.in_(managers)).limit(1))
        is not None
    )


def create_demo_staff(*, password: str = DEFAULT_DEMO_PASSWORD) -> list[User]:
    """Make the demo team and accounts (all with `password`); existing ones are brought in line."""
    problem = password_problem(password)
    if problem:
        raise ValidationError(problem, length=MIN_PASSWORD_LENGTH)
    team = auth.get_or_create_team(DEMO_TEAM)
    users = []
    for account in DEMO_ACCOUNTS:
        user = auth.find_user(account.email)
        if user is None:
            user = auth.create_user(
                account.email,
                display_name=account.display_name,
                roles=account.roles,
                password=password,
                team=team,
                language=account.language,
            )
        elif not verify_password(user.password_hash, password):
            user.password_hash = hash_password(password)
            user.is_enabled = True
        users.append(user)
    db.session.flush()
    return users
