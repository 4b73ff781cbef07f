"""The demo's projects, their targets and attribution, and group runs that ended over the last
year with completions (by hand and from attendance) and withdrawals."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from casework.auth.models import User
from casework.care.models import EnrolmentStatus
from casework.care.services import enrolments as care_enrolments
from casework.case_assessments.services.exclusions import ServiceExcluded
from casework.cases.models import Case, CaseState
from casework.catalogue.services import set_group_settings
from casework.clients.models import Client
from casework.db import db, utcnow
from casework.demo.programmes import _consenting, _member
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun, MeetingPresence
from casework.groups.services import completion, enrolments, meetings
from casework.groups.services import runs as group_runs
from casework.partners.models import PublicEvent, Training
from casework.projects import services as projects
from casework.projects.models import Project
from casework.projects.scope import ActivityKind

KRAKOW = "Siła Relacji – Centrum dla Rodzin (demo)"

#: service code -> attendance share that completes a participation when a run ends.
THRESHOLDS = {
    "support_group_mothers": 70,
    "support_group_fathers": 70,
    "psychoeducation_group": 75,
    "parenting_workshops": 80,
    "addiction_workshop": 80,
}

#: (name, service, months ago it started, weeks, people)
PAST_RUNS = (
    ("Grupa wsparcia dla matek, zima (demo)", "support_group_mothers", 11, 10, 12),
    ("Grupa wsparcia dla ojców, wiosna (demo)", "support_group_fathers", 8, 10, 9),
    ("Szkoła dla rodziców, wiosna (demo)", "parenting_workshops", 7, 8, 14),
    ("Grupa psychoedukacyjna, lato (demo)", "psychoeducation_group", 5, 8, 10),
    ("Warsztaty profilaktyki uzależnień, lato (demo)", "addiction_workshop", 4, 6, 12),
)

KRAKOW_SERVICES = [
    "individual_counselling",
    "couples_therapy",
    "family_therapy",
    "family_social_counselling",
    "support_group_mothers",
    "support_group_fathers",
    "parenting_workshops",
    "psychoeducation_group",
    "addiction_consultation",
    "addiction_workshop",
    "safety_planning",
]
KRAKOW_TARGETS = {
    "krakow.people_diagnosed": 300,
    "krakow.beneficiaries": 250,
    "krakow.psychological_counselling": 120,
    "krakow.couples_family_therapy": 60,
    "krakow.family_social_counselling": 80,
    "krakow.addiction_counselling": 40,
    "krakow.parenting_workshops": 45,
    "krakow.support_group_completed": 30,
    "krakow.psychoeducation": 30,
    "krakow.addiction_workshops": 30,
    "krakow.professionals_trained": 100,
    "krakow.prevention_events": 6,
    "krakow.prevention_reach": 800,
}
WROMIGRANT_TARGETS = {
    "wromigrant.people": 900,
    "wromigrant.consultations": 1400,
    "wromigrant.consultation_hours": 350,
    "wromigrant.share_60_plus": 10,
    "wromigrant.returning_share": 30,
    "wromigrant.satisfied_share": 85,
    "wromigrant.information_fully_useful": 70,
    "wromigrant.events": 4,
    "wromigrant.people_reached": 300,
}
CLUBS_TARGETS = {
    "clubs_and_courses.meetings": 120,
    "clubs_and_courses.hours": 240,
    "clubs_and_courses.participants": 80,
    "clubs_and_courses.completions": 40,
    "clubs_and_courses.partner_institutions": 6,
}


def create_projects_demo(staff: dict[str, User], clients: list[Client], rng: random.Random) -> None:
    """Projects with targets and attribution, and a year of ended runs; once."""
    if db.session.scalar(select(Project.id).where(Project.name == KRAKOW)):
        return
    today = utcnow().date()
    admin, coordinator = staff["admin"], staff["coordinator"]
    for service, percent in THRESHOLDS.items():
        set_group_settings(
            admin,
            service,
            completion_attendance_percent=percent,
            max_capacity=None,
            default_capacity=None,
        )
    set_group_settings(
        admin,
        "migrant_women_support_club",
        completion_attendance_percent=None,
        max_capacity=800,
        default_capacity=600,
    )
    past = _past_runs(staff, clients, rng, today)
    _more_services(staff, rng, today)
    _academy_completions(staff)
    year_ago = today - timedelta(days=365)

    krakow = projects.create_project(
        coordinator,
        name=KRAKOW,
        funder="Gmina Miejska Kraków (demo)",
        starts_on=year_ago,
        ends_on=today + timedelta(days=365),
        budget=Decimal("1250000.00"),
    )
    projects.attribute(coordinator, krakow.id, kind=ActivityKind.SERVICE, add=KRAKOW_SERVICES)
    _targets(coordinator, krakow, KRAKOW_TARGETS)
    trainings = [str(i) for i in db.session.scalars(select(Training.id))]
    projects.attribute(coordinator, krakow.id, kind=ActivityKind.TRAINING, add=trainings)
    events = list(db.session.execute(select(PublicEvent.id, PublicEvent.title)))
    prevention = [str(i) for i, title in events if "migrant" not in title]
    projects.attribute(coordinator, krakow.id, kind=ActivityKind.EVENT, add=prevention)

    wromigrant = projects.create_project(
        coordinator,
        name="WroMigrant – informacja i wsparcie (demo)",
        funder="Fundusz Azylu, Migracji i Integracji (demo)",
        starts_on=year_ago,
        ends_on=today + timedelta(days=180),
        budget=Decimal("480000.00"),
    )
    projects.attribute_consultations_between(
        coordinator, wromigrant.id, date_from=year_ago, date_to=today
    )
    migrant_events = [
        str(i) for i, title in events if "migrant" in title or "Piknik" in title
    ]  # the picnic counts for both projects
    projects.attribute(coordinator, wromigrant.id, kind=ActivityKind.EVENT, add=migrant_events)
    projects.attribute(
        coordinator,
        wromigrant.id,
        kind=ActivityKind.SERVICE,
        add=["migrant_women_support_club"],
    )
    _targets(coordinator, wromigrant, WROMIGRANT_TARGETS)

    clubs = projects.create_project(
        coordinator,
        name="Kluby i kursy liderek (demo)",
        funder="Urząd Marszałkowski (demo)",
        starts_on=year_ago,
        ends_on=today + timedelta(days=90),
        budget=Decimal("210000.00"),
    )
    cohorts = db.session.scalars(select(GroupRun.id).where(GroupRun.is_cohort.is_(True)))
    club_runs = [str(i) for i in cohorts] + [str(run.id) for run in past[:2]]
    projects.attribute(coordinator, clubs.id, kind=ActivityKind.GROUP_RUN, add=club_runs)
    projects.attribute(coordinator, clubs.id, kind=ActivityKind.TRAINING, add=trainings[:3])
    _targets(coordinator, clubs, CLUBS_TARGETS)
    db.session.flush()


#: Services the case demo enrols nobody in, and how many active cases get each.
MORE_SERVICES = (
    ("couples_therapy", 12),
    ("family_therapy", 8),
    ("family_social_counselling", 15),
    ("addiction_consultation", 10),
)


def _more_services(staff: dict[str, User], rng: random.Random, today: date) -> None:
    """Enrol participants of some active cases in the remaining Kraków services, started over the
    last year; a third of them finished."""
    supervisor = staff["supervisor"]
    cases = list(
        db.session.scalars(
            select(Case)
            .where(Case.state == CaseState.ACTIVE, Case.team_id == supervisor.team_id)
            .order_by(Case.opened_at, Case.id)
        )
    )
    if not cases:
        return
    for service, wanted in MORE_SERVICES:
        for case in rng.sample(cases, min(wanted, len(cases))):
            try:
                enrolment = care_enrolments.enrol(
                    supervisor,
                    case.id,
                    client_id=case.client_ids[0],
                    service_code=service,
                    practitioner_id=staff["therapist2"].id,
                )
            except ServiceExcluded:
                continue  # the case's routing rules this service out (e.g. violence disclosed)
            enrolment.started_at = datetime.combine(
                today - timedelta(days=rng.randint(20, 340)), time(10), UTC
            )
            if rng.random() < 0.33:
                enrolment.status = EnrolmentStatus.COMPLETED
                enrolment.ended_at = enrolment.started_at + timedelta(days=rng.randint(14, 90))
    db.session.flush()


def _academy_completions(staff: dict[str, User]) -> None:
    """A few leaders of the current academy have already completed it."""
    academy = db.session.scalars(
        select(GroupRun).where(GroupRun.service_code == "leaders_academy")
    ).first()
    if academy is None:
        return
    seated = db.session.scalars(
        select(GroupEnrolment)
        .where(
            GroupEnrolment.run_id == academy.id,
            GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE,
        )
        .order_by(GroupEnrolment.enrolled_at, GroupEnrolment.id)
    ).all()
    for enrolment in seated[:3]:
        completion.complete(staff["facilitator"], enrolment.id, expected_version=enrolment.version)


def _targets(user: User, project: Project, targets: dict[str, int]) -> None:
    projects.set_targets(user, project.id, {key: Decimal(v) for key, v in targets.items()})


def _past_runs(
    staff: dict[str, User], clients: list[Client], rng: random.Random, today: date
) -> list[GroupRun]:
    """Runs that ended over the last year: weekly meetings with attendance, some people leaving
    part way, completion from attendance at the end and a few completed by hand."""
    facilitator = staff["facilitator"]
    pool = _consenting(clients)
    runs = []
    for name, service, months_ago, weeks, people in PAST_RUNS:
        starts_on = today - timedelta(days=30 * months_ago)
        run = group_runs.create_run(
            staff["supervisor"],
            name=name,
            service_code=service,
            capacity=people,
            starts_on=starts_on,
            facilitator_ids=[facilitator.id],
        )
        members = rng.sample(pool, min(len(pool), people // 2))
        members += [_member(facilitator, rng) for _ in range(people - len(members))]
        db.session.flush()
        # The team's supervisor enrols the centre's clients (policy.group_enrollable_clients).
        enrolled = [enrolments.enrol(staff["supervisor"], run.id, client_id=m.id) for m in members]
        started = datetime.combine(starts_on, time(9), UTC)
        for enrolment in enrolled:
            enrolment.enrolled_at = enrolment.activated_at = started
        leaving = {e.id: rng.randrange(2, weeks) for e in enrolled if rng.random() < 0.2}
        diligence = {e.id: rng.choice([0.95, 0.9, 0.8, 0.6, 0.4]) for e in enrolled}
        for week in range(weeks):
            day = starts_on + timedelta(weeks=week)
            meeting = meetings.schedule_meeting(
                facilitator,
                run.id,
                starts_at=datetime.combine(day, time(16), UTC),
                ends_at=datetime.combine(day, time(18), UTC),
                place="Sala 1",
            )
            present = [
                meetings.Presence(
                    e.id,
                    MeetingPresence.PRESENT
                    if rng.random() < diligence[e.id]
                    else MeetingPresence.ABSENT,
                )
                for e in enrolled
                if e.status == GroupEnrolmentStatus.ACTIVE
            ]
            if present:
                meetings.record_attendance(facilitator, meeting.id, present)
            for enrolment in enrolled:
                if leaving.get(enrolment.id) == week:
                    enrolments.withdraw(
                        facilitator, enrolment.id, expected_version=enrolment.version
                    )
                    enrolment.ended_at = datetime.combine(day, time(18), UTC)
        ends_on = starts_on + timedelta(weeks=weeks - 1)
        group_runs.update_run(facilitator, run.id, expected_version=run.version, ends_on=ends_on)
        runs.append(run)
    completion.complete_ended_runs(today=today)
    for run in runs:
        still_seated = db.session.scalars(
            select(GroupEnrolment).where(
                GroupEnrolment.run_id == run.id,
                GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE,
            )
        ).all()
        for enrolment in still_seated[:1]:  # the facilitator's judgement, beside the threshold
            completion.complete(facilitator, enrolment.id, expected_version=enrolment.version)
            assert run.ends_on is not None
            enrolment.ended_at = datetime.combine(run.ends_on, time(18), UTC)
    return runs
