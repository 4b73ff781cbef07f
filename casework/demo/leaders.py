"""Demo peer leaders and volunteers: women who came out of the Leaders' Academy and now lead the
migrant women's club with its facilitator responsible, with their trainings."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from casework.auth.models import User
from casework.db import db, utcnow
from casework.groups.models import GroupRun, PeerLeader, PeerLeaderKind
from casework.groups.services import leaders

#: (name, kind, languages, contact, trainings (title, days ago)); synthetic people.
LEADERS = (
    (
        "Halyna Demchuk (demo)",
        PeerLeaderKind.PEER_LEADER,
        ["uk", "ru", "pl"],
        "+48 500 100 201",
        [("Akademia liderek i liderów 2025", 200), ("Pierwsza pomoc psychologiczna", 90)],
    ),
    (
        "Nino Beridze (demo)",
        PeerLeaderKind.PEER_LEADER,
        ["ru", "pl"],
        None,
        [("Akademia liderek i liderów 2025", 200)],
    ),
    (
        "Joanna Maj (demo)",
        PeerLeaderKind.VOLUNTEER,
        ["pl", "en"],
        "joanna.maj@example.invalid",
        [("Wolontariat w pracy z migrantkami", 45)],
    ),
)
CLUB = "Klub wsparcia dla migrantek (demo)"
ACADEMY = "Akademia liderek i liderów 2026 (demo)"


def create_leaders_demo(staff: dict[str, User]) -> None:
    """Three leaders (two lead the women's club); does nothing if there are leaders already."""
    if db.session.scalar(select(PeerLeader.id).limit(1)) is not None:
        return
    coordinator, facilitator = staff["coordinator"], staff["facilitator"]
    academy = db.session.scalar(select(GroupRun.id).where(GroupRun.name == ACADEMY))
    today = utcnow().date()
    made = []
    for name, kind, languages, contact, trainings in LEADERS:
        leader = leaders.add_leader(
            coordinator,
            kind=kind,
            name=name,
            contact=contact,
            languages=languages,
            academy_run_id=academy if kind == PeerLeaderKind.PEER_LEADER else None,
        )
        for title, days_ago in trainings:
            leaders.add_training(
                coordinator, leader.id, title=title, completed_on=_ago(today, days_ago)
            )
        made.append(leader)
    club = db.session.scalar(select(GroupRun.id).where(GroupRun.name == CLUB))
    if club is not None:
        leaders.set_run_leaders(facilitator, club, [made[0].id, made[1].id])
    db.session.flush()


def _ago(today: date, days: int) -> date:
    return today - timedelta(days=days)
