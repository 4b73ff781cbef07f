"""The demo's partner work recorded by the coordinator: a training of public officials and
events of the kinds funders ask about (webinars, media items, publications), online or on site,
organised with partner institutions, with the people reached by language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework.auth.models import User
from casework.db import db, utcnow
from casework.partners import services as partners
from casework.partners.models import (
    EventKind,
    InstitutionKind,
    PartnerInstitution,
    ProfessionalType,
    Training,
)

CITY_HALL = (
    "Urząd Miasta Krakowa – Wydział Polityki Społecznej (demo)",
    InstitutionKind.LOCAL_GOVERNMENT,
)
#: title, kind, online, days ago, total, {language: people}, partner names containing
EVENTS: tuple[tuple[str, EventKind, bool, int, int, dict[str, int], tuple[str, ...]], ...] = (
    (
        "Webinar dla migrantek: prawa w pracy",
        EventKind.WEBINAR,
        True,
        12,
        96,
        {"uk": 61, "ru": 14, "pl": 9},
        ("Urząd Miasta",),
    ),
    (
        "Audycja w Radiu Kraków o przemocy ekonomicznej",
        EventKind.MEDIA_ITEM,
        False,
        33,
        5000,
        {},
        (),
    ),
    (
        "Poradnik „Bezpieczny dom” (publikacja)",
        EventKind.PUBLICATION,
        False,
        70,
        1200,
        {"pl": 800, "uk": 400},
        ("Pomocy Społecznej",),
    ),
    (
        "Kampania informacyjna dla rodzin z Ukrainy",
        EventKind.CAMPAIGN,
        True,
        100,
        2300,
        {"uk": 1900, "pl": 250},
        ("Urząd Miasta", "Fundacja"),
    ),
)


TRAINING = "Procedury wobec przemocy dla urzędników (demo)"


def create_partners_demo(staff: dict[str, User]) -> None:
    """Add the coordinator's partner work; does nothing if it is already there."""
    if db.session.scalar(select(Training.id).where(Training.title == TRAINING)):
        return
    today = utcnow().date()
    coordinator = staff["coordinator"]
    found = db.session.scalar(
        select(PartnerInstitution).where(PartnerInstitution.name == CITY_HALL[0])
    )
    city_hall = found or partners.create_institution(
        coordinator, name=CITY_HALL[0], kind=CITY_HALL[1], city="Kraków"
    )
    institutions = partners.all_institutions(coordinator)
    court = next((i for i in institutions if i.kind is InstitutionKind.COURT), city_hall)
    partners.create_training(
        coordinator,
        title=TRAINING,
        held_on=today - timedelta(days=45),
        hours=4,
        participants=[
            partners.Headcount(city_hall.id, ProfessionalType.PUBLIC_OFFICIAL, 11),
            partners.Headcount(court.id, ProfessionalType.PUBLIC_OFFICIAL, 4),
        ],
    )
    for title, kind, online, days_ago, total, reach, with_names in EVENTS:
        partners.create_event(
            coordinator,
            title=f"{title} (demo)",
            kind=kind,
            held_on=today - timedelta(days=days_ago),
            headcount=total,
            place=None if online else "Kraków",
            online=online,
            partner_ids=[i.id for i in institutions if any(n in i.name for n in with_names)],
            reach=reach,
        )
