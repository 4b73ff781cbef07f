"""Peer leaders and volunteers: people without a staff account who lead runs and mentor. Their
register (kept by coordinators and supervisors), their trainings, the runs they lead (chosen by
the run's managers; the run's facilitators stay the staff responsible) and the cohort mentoring
sessions they give. Audit events name rows and field names, never a leader's name or contact."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.clock import centre_today
from casework.db import db
from casework.errors import N_, NotFound, ValidationError, check_version
from casework.groups.models import (
    GroupFacilitator,
    GroupRun,
    GroupRunLeader,
    MentoringSession,
    PeerLeader,
    PeerLeaderKind,
    PeerLeaderTraining,
)
from casework.groups.services import mentoring
from casework.pagination import Page, paginate

#: Languages a leader may be recorded as speaking, in the order they are shown.
SPOKEN_LANGUAGES = ("pl", "uk", "ru", "be", "en")


@dataclass(frozen=True)
class LeaderRow:
    leader: PeerLeader
    runs_led: int


@dataclass(frozen=True)
class LeaderDetail:
    leader: PeerLeader
    #: The cohort run they came out of (its name), if recorded.
    academy_run: GroupRun | None
    #: The runs they lead, newest first.
    runs: list[GroupRun]


@dataclass(frozen=True)
class RunLeaders:
    run_id: uuid.UUID
    #: Peer leaders leading the run, by name.
    leaders: list[PeerLeader]
    #: The staff responsible: the run's facilitators.
    responsible: list[User]
    #: For the run's managers: whom they may choose (active leaders and the current ones).
    options: list[PeerLeader]
    may_choose: bool
    #: For a cohort's managers: its mentoring sessions, and the staff mentors' names by id.
    mentoring: list[MentoringSession]
    mentors: dict[uuid.UUID, str]


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("give the leader's name", fields={"name": ["required"]})
    if len(name) > 200:
        raise ValidationError("a name is at most 200 characters", fields={"name": ["too long"]})
    return name


def _clean_contact(contact: str | None) -> str | None:
    contact = (contact or "").strip()
    if len(contact) > 200:
        raise ValidationError(
            "contact details are at most 200 characters", fields={"contact": ["too long"]}
        )
    return contact or None


def _clean_languages(languages: Sequence[str]) -> str:
    unknown = sorted(set(languages) - set(SPOKEN_LANGUAGES))
    if unknown:
        raise ValidationError(
            "unknown language: %(codes)s", fields={"languages": ["unknown"]}, codes=unknown
        )
    return ",".join(code for code in SPOKEN_LANGUAGES if code in languages)


def _academy_run(user: User, run_id: uuid.UUID | None) -> uuid.UUID | None:
    if run_id is None:
        return None
    try:
        run = policy.require_visible(
            user, GroupRun, run_id, what="group run", visible=policy.academy_runs(user)
        )
    except NotFound as error:  # a chosen id answers as a problem of the form's field
        raise ValidationError(
            "choose a course or academy run from the list", fields={"academy_run": ["unknown"]}
        ) from error
    return run.id


def add_leader(
    user: User,
    *,
    kind: PeerLeaderKind,
    name: str,
    contact: str | None = None,
    languages: Sequence[str] = (),
    academy_run_id: uuid.UUID | None = None,
) -> PeerLeader:
    """Record a peer leader or volunteer; they get no account and no access."""
    policy.KEEP_LEADERS.require(user)
    leader = PeerLeader(
        kind=kind,
        languages=_clean_languages(languages),
        is_active=True,
        academy_run_id=_academy_run(user, academy_run_id),
        created_by_id=user.id,
    )
    leader.name = _clean_name(name)
    leader.contact = _clean_contact(contact)
    db.session.add(leader)
    db.session.flush()
    audit.record_change(
        "peer_leader.create",
        leader,
        actor=user,
        fields=["kind", "name", "contact", "languages", "academy_run_id"],
    )
    return leader


def update_leader(
    user: User,
    leader_id: uuid.UUID,
    *,
    expected_version: int,
    kind: PeerLeaderKind,
    name: str,
    contact: str | None,
    languages: Sequence[str],
    is_active: bool,
    academy_run_id: uuid.UUID | None,
) -> PeerLeader:
    """Change a leader's record; an inactive leader is no longer offered for runs."""
    leader = policy.require_visible(user, PeerLeader, leader_id, what="peer leader")
    check_version(leader, expected_version, N_("peer leader"))
    new = {
        "kind": kind,
        "name": _clean_name(name),
        "contact": _clean_contact(contact),
        "languages": _clean_languages(languages),
        "is_active": is_active,
        "academy_run_id": _academy_run(user, academy_run_id),
    }
    changed = [field for field, value in new.items() if getattr(leader, field) != value]
    for field in changed:
        setattr(leader, field, new[field])
    if changed:
        db.session.flush()
        audit.record_change("peer_leader.update", leader, actor=user, fields=changed)
    return leader


def add_training(
    user: User, leader_id: uuid.UUID, *, title: str, completed_on: date
) -> PeerLeaderTraining:
    """A training the leader completed (a title and the day; not in the future)."""
    leader = policy.require_visible(user, PeerLeader, leader_id, what="peer leader")
    title = " ".join(title.split())
    if not title or len(title) > 200:
        raise ValidationError(
            "give the training's title (at most 200 characters)", fields={"title": ["invalid"]}
        )
    if completed_on > centre_today():
        raise ValidationError(
            "a training is recorded once it is completed", fields={"completed_on": ["future"]}
        )
    training = PeerLeaderTraining(title=title, completed_on=completed_on)
    leader.trainings.append(training)
    db.session.flush()
    audit.record_change("peer_leader.training", leader, actor=user, fields=["trainings"])
    return training


def list_leaders(
    user: User, *, active_only: bool = False, cursor: str | None = None, limit: int = 50
) -> Page[LeaderRow]:
    """The register a page at a time, newest first (names are encrypted: the database cannot
    sort by them), with how many runs each leads; one audit record for the page."""
    policy.KEEP_LEADERS.require(user)
    query = select(PeerLeader).where(policy.visibility_rule(user, PeerLeader))
    if active_only:
        query = query.where(PeerLeader.is_active.is_(True))
    page = paginate(query, [PeerLeader.created_at, PeerLeader.id], cursor=cursor, limit=limit)
    counts = (
        dict(
            db.session.execute(
                select(GroupRunLeader.leader_id, func.count())
                .where(GroupRunLeader.leader_id.in_([leader.id for leader in page.items]))
                .group_by(GroupRunLeader.leader_id)
            ).all()
        )
        if page.items
        else {}
    )
    rows = [LeaderRow(leader, counts.get(leader.id, 0)) for leader in page.items]
    audit.record_many(
        "peer_leader.read",
        actor=user,
        object_type=PeerLeader.__audit_type__,
        objects=[audit.Read(row.leader.id) for row in rows],
        fields=["name"],
    )
    return Page(rows, page.next_cursor)


def get_leader(user: User, leader_id: uuid.UUID) -> LeaderDetail:
    """A leader's record with their trainings and the runs they lead."""
    leader = policy.require_visible(user, PeerLeader, leader_id, what="peer leader")
    runs = list(
        db.session.scalars(
            select(GroupRun)
            .join(GroupRunLeader, GroupRunLeader.run_id == GroupRun.id)
            .where(GroupRunLeader.leader_id == leader.id)
            .order_by(GroupRun.starts_on.desc(), GroupRun.name)
        )
    )
    academy = db.session.get(GroupRun, leader.academy_run_id) if leader.academy_run_id else None
    audit.record_change("peer_leader.read", leader, actor=user, fields=["name", "contact"])
    return LeaderDetail(leader, academy, runs)


def academy_run_choices(user: User) -> list[GroupRun]:
    """Cohort runs a record may name as the leader's training, newest first."""
    policy.KEEP_LEADERS.require(user)
    return list(
        db.session.scalars(
            select(GroupRun)
            .where(policy.academy_runs(user))
            .order_by(GroupRun.starts_on.desc(), GroupRun.name)
        )
    )


def choosable_leaders(user: User, run: GroupRun) -> list[PeerLeader]:
    """Who a run's manager may choose: the active leaders and those already leading it or
    giving its mentoring."""
    policy.require_group_run_manager(user, run)
    current = select(GroupRunLeader.leader_id).where(GroupRunLeader.run_id == run.id)
    mentors = select(MentoringSession.peer_leader_id).where(
        MentoringSession.run_id == run.id, MentoringSession.peer_leader_id.is_not(None)
    )
    leaders = db.session.scalars(
        select(PeerLeader).where(
            policy.choosable_leaders(user) | PeerLeader.id.in_(current) | PeerLeader.id.in_(mentors)
        )
    )
    return sorted(leaders, key=lambda leader: (leader.name or "").casefold())


def _chosen(
    user: User, run: GroupRun, leader_ids: Sequence[uuid.UUID], field: str
) -> list[uuid.UUID]:
    wanted = list(dict.fromkeys(leader_ids))
    allowed = {leader.id for leader in choosable_leaders(user, run)}
    if any(leader_id not in allowed for leader_id in wanted):
        raise ValidationError(
            "choose active peer leaders or volunteers from the list", fields={field: ["unknown"]}
        )
    return wanted


def set_run_leaders(user: User, run_id: uuid.UUID, leader_ids: Sequence[uuid.UUID]) -> GroupRun:
    """The peer leaders who lead a run (none to clear); its facilitators stay responsible."""
    run = policy.require_group_run(user, run_id)
    wanted = _chosen(user, run, leader_ids, "leaders")
    current = set(
        db.session.scalars(select(GroupRunLeader.leader_id).where(GroupRunLeader.run_id == run.id))
    )
    if current == set(wanted):
        return run
    db.session.execute(delete(GroupRunLeader).where(GroupRunLeader.run_id == run.id))
    db.session.add_all(GroupRunLeader(run_id=run.id, leader_id=leader_id) for leader_id in wanted)
    db.session.flush()
    audit.record(
        "group_run.leaders",
        actor=user,
        object_type="group_run",
        object_id=run.id,
        fields=["leader_ids"],
    )
    return run


def run_leaders(user: User, run_id: uuid.UUID) -> RunLeaders:
    """Who leads a run (peer leaders, by name), which staff are responsible for it, and for its
    managers whom they may choose."""
    run = policy.require_group_run(user, run_id)
    leaders = db.session.scalars(
        select(PeerLeader)
        .join(GroupRunLeader, GroupRunLeader.leader_id == PeerLeader.id)
        .where(GroupRunLeader.run_id == run.id)
    )
    responsible = db.session.scalars(
        select(User)
        .join(GroupFacilitator, GroupFacilitator.user_id == User.id)
        .where(GroupFacilitator.run_id == run.id)
        .order_by(User.display_name)
    )
    may_choose = policy.may_manage_group_run(user, run)
    sessions: list[MentoringSession] = []
    if may_choose and run.is_cohort:
        sessions = list(mentoring.list_mentoring(user, run.id, limit=100).items)
    mentor_ids = {session.mentor_id for session in sessions}
    mentors = dict(
        db.session.execute(select(User.id, User.display_name).where(User.id.in_(mentor_ids))).all()
    )
    return RunLeaders(
        run.id,
        sorted(leaders, key=lambda leader: (leader.name or "").casefold()),
        list(responsible),
        choosable_leaders(user, run) if may_choose else [],
        may_choose,
        sessions,
        mentors,
    )


def give_mentoring(
    user: User,
    session_id: uuid.UUID,
    *,
    leader_id: uuid.UUID | None,
    expected_version: int,
    run_id: uuid.UUID | None = None,
) -> MentoringSession:
    """A peer leader gives a cohort mentoring session (None: the staff mentor gives it); the
    session's staff mentor stays responsible for it. With `run_id`, the session must be that
    run's."""
    session = policy.require_visible(user, MentoringSession, session_id, what="mentoring session")
    if run_id is not None and session.run_id != run_id:
        raise NotFound("no such %(what)s", what="mentoring session")
    run = policy.require_group_run(user, session.run_id)
    policy.require_group_run_manager(user, run)
    check_version(session, expected_version, N_("mentoring session"))
    if leader_id is not None:
        leader_id = _chosen(user, run, [leader_id], "peer_leader_id")[0]
    if session.peer_leader_id != leader_id:
        session.peer_leader_id = leader_id
        db.session.flush()
        audit.record_change("mentoring.leader", session, actor=user, fields=["peer_leader_id"])
    return session
