"""Demo clients and cases in every state, driven through the real use cases."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from assessments.vectors import vector_answers
from casework.auth.models import User
from casework.care.models import AppointmentMode, Attendance, NoteKind
from casework.care.services import appointments, enrolments, notes
from casework.case_assessments.models import Assessment, RecommendationKind
from casework.case_assessments.services import assessments as assessing
from casework.case_assessments.services import recommendations as recommending
from casework.cases.models import (
    Case,
    CaseKind,
    CaseState,
    CaseStateChange,
    ClosureOutcome,
    ParticipantRole,
    ReferralSource,
)
from casework.cases.services import cases
from casework.catalogue.library import library
from casework.clients.models import Client, ConsentPurpose, Gender, LegalBasis
from casework.clients.services import clients, consents
from casework.clock import centre_today
from casework.db import db, utcnow
from casework.demo.people import synthetic_person
from casework.tasks.models import MANDATORY_KINDS, Task, TaskKind, TaskState
from casework.tasks.services import plan

#: NORR's own test vectors, weighted towards the calmer ones as in a real intake.
RISK_PROFILES = [
    ("all lowest-risk answers", 30),
    ("parenting strain raises low to moderate", 15),
    ("index 25 is moderate", 12),
    ("migration burden alone raises only its flag", 8),
    ("one other violence item raises low to high", 10),
    ("substance problems raise the level to high", 8),
    ("children exposed to violence", 7),
    ("weapon threat alone forces very high", 5),
    ("all highest-risk answers", 5),
]
STATES = [
    (CaseState.INTAKE, 12),
    (CaseState.ASSESSMENT, 8),
    (CaseState.ROUTING, 12),
    (CaseState.ACTIVE, 40),
    (CaseState.ON_HOLD, 8),
    (CaseState.CLOSED, 20),
]
NOTES = [
    "Omówiono plan pracy i cele na kolejne spotkania.",
    "Klientka opisuje poprawę komunikacji w domu; ćwiczenie na kolejny tydzień.",
    "Rozmowa o sposobach radzenia sobie ze stresem związanym z pracą i mieszkaniem.",
    "Обговорили план безпеки та контакти на випадок кризи.",
    "Client reports fewer conflicts; we practised naming needs without blame.",
]

TASK_NOTES = [
    "Plan bezpieczeństwa omówiony i przekazany klientce.",
    "Procedura „Niebieskie Karty” wszczęta, formularz A wypełniony.",
    "Powiadomienie wysłane do ośrodka pomocy społecznej.",
]
GOALS = [
    "Bezpieczne mieszkanie dla klientki i dzieci.",
    "Mniej kłótni w domu; rozmowa bez przemocy.",
    "Стабільна робота та житло.",
]


def _intake(manager: User, rng: random.Random, **person_fields: Any) -> Client:
    person = synthetic_person(rng, **person_fields)
    client = clients.intake_client(
        clients.ClientDetails(
            given_name=person.given_name,
            family_name=person.family_name,
            gender=person.gender,
            birth_year=person.birth_year,
            phone=person.phone,
            address=person.address,
            nationality=person.nationality,
            languages=person.languages,
            migration_reason=person.migration_reason,
            municipality="Kraków",
        ),
        actor=manager,
        confirm_new=True,
    )
    basis = LegalBasis.LEGAL_OBLIGATION if rng.random() < 0.05 else LegalBasis.CONSENT
    consents.record_consent(
        manager,
        client.id,
        purpose=ConsentPurpose.SUPPORT_SERVICES,
        legal_basis=basis,
        notice_version="2026-01",
    )
    return client


def _participants(
    manager: User, rng: random.Random, kind: CaseKind
) -> list[tuple[Client, ParticipantRole]]:
    first = _intake(manager, rng)
    if kind == CaseKind.INDIVIDUAL:
        return [(first, ParticipantRole.OTHER)]
    partner_gender = Gender.MALE if first.gender == Gender.FEMALE else Gender.FEMALE
    partner = _intake(manager, rng, gender=partner_gender, nationality=first.nationality)
    people = [(first, ParticipantRole.PARTNER), (partner, ParticipantRole.PARTNER)]
    if kind == CaseKind.FAMILY:
        child = _intake(
            manager, rng, nationality=first.nationality, birth_year=rng.randint(2008, 2012)
        )
        people = [
            (first, ParticipantRole.PARENT),
            (partner, ParticipantRole.PARENT),
            (child, ParticipantRole.CHILD),
        ]
    return people


def _assess(
    manager: User, case: Case, client_id: Any, profile: str, *, closing: bool = False
) -> Assessment:
    instrument = library().instrument("norr")
    vector = next(v for v in instrument.vectors if v.name == profile)
    assessment = assessing.start_assessment(
        manager, case.id, instrument_id="norr", client_id=client_id, is_closing=closing
    )
    answers = vector_answers(instrument, vector)
    assessing.save_answers(manager, assessment.id, answers, expected_version=assessment.version)
    return assessing.complete_assessment(
        manager, assessment.id, expected_version=assessment.version
    )


def _decide(manager: User, case: Case, rng: random.Random) -> None:
    for recommendation in recommending.recommendations_of(manager, case.id, joint=False):
        declined = recommendation.kind == RecommendationKind.RECOMMEND and rng.random() < 0.2
        reason = (
            "Klientka woli na razie spotkania indywidualne."
            if declined
            else "Uzgodnione z klientem podczas rozmowy kwalifikacyjnej."
        )
        recommending.decide(
            manager,
            recommendation.id,
            accept=not declined,
            reason=reason,
            expected_version=recommendation.version,
        )


def _care(
    manager: User, therapist: User, case: Case, opened_days_ago: int, rng: random.Random
) -> None:
    participants = case.participants
    enrolled = [
        enrolments.enrol(
            manager,
            case.id,
            client_id=participant.client_id,
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        for participant in participants[:2]
    ]
    now = utcnow()
    for number in range(rng.randint(2, 5)):
        enrolment = enrolled[number % len(enrolled)]
        start = now - timedelta(
            days=max(1, opened_days_ago - 7 * (number + 1)), hours=rng.randint(0, 6)
        )
        appointment = appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            mode=rng.choice(list(AppointmentMode)),
            place="Sala 2",
        )
        attended = rng.random() < 0.85
        appointments.record_attendance(
            therapist,
            appointment.id,
            expected_version=appointment.version,
            attendance=Attendance.ATTENDED if attended else Attendance.NO_SHOW,
        )
        if attended:
            individual = case.kind != CaseKind.INDIVIDUAL and rng.random() < 0.3
            kind = NoteKind.PRIVATE if rng.random() < 0.2 else NoteKind.PROGRESS
            note = notes.write_note(
                therapist,
                appointment.id,
                kind=kind,
                body=rng.choice(NOTES),
                is_individual=individual,
            )
            notes.sign_note(therapist, note.id, expected_version=note.version)
    start = now + timedelta(days=rng.randint(0, 14), hours=rng.randint(8, 17))
    start = start.replace(minute=0, second=0, microsecond=0)
    appointments.schedule_appointment(
        therapist,
        enrolled[0].id,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        mode=AppointmentMode.IN_PERSON,
        place="Sala 1",
    )


def _tasks(manager: User, therapist: User, case: Case, target: CaseState, seed: int) -> None:
    """Safety tasks done, still open or overdue, and a case plan for active cases (demo dates:
    an overdue plan step is set back by hand, which the use case would refuse)."""
    rng = random.Random(seed)  # its own generator: the rest of the demo stays as it was
    today = centre_today()
    safety = db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.kind.in_(MANDATORY_KINDS))
    )
    for task in list(safety):
        if target == CaseState.CLOSED or (
            target in (CaseState.ACTIVE, CaseState.ON_HOLD) and rng.random() < 0.6
        ):
            plan.complete_task(
                manager,
                task.id,
                done_on=today,
                note=rng.choice(TASK_NOTES),
                expected_version=task.version,
            )
        else:
            task.due_on = today + timedelta(days=rng.randint(-6, 4))
    if target != CaseState.ACTIVE:
        return
    goal = plan.add_goal(manager, case.id, text=rng.choice(GOALS))
    follow_up = plan.add_task(
        manager,
        case.id,
        kind=TaskKind.FOLLOW_UP,
        title="Telefon kontrolny po dwóch tygodniach.",
        owner_id=therapist.id,
        due_on=today + timedelta(days=rng.randint(0, 10)),
        goal_id=goal.id,
    )
    if rng.random() < 0.3:
        follow_up.due_on = today - timedelta(days=rng.randint(1, 5))
    plan.add_task(
        manager,
        case.id,
        kind=TaskKind.REASSESSMENT,
        title="Ponowna ocena NORR.",
        owner_id=manager.id,
        due_on=today + timedelta(days=rng.randint(20, 90)),
    )


def _backdate(case: Case, days: int) -> None:
    """Spread the demo over the past year (demo only: real records keep their real times)."""
    shift = timedelta(days=days)
    case.opened_at -= shift
    for change in db.session.scalars(
        select(CaseStateChange).where(CaseStateChange.case_id == case.id)
    ):
        change.changed_at -= shift
    for assessment in db.session.scalars(select(Assessment).where(Assessment.case_id == case.id)):
        assessment.started_at -= shift
        if assessment.completed_at:
            assessment.completed_at -= shift
    for task in db.session.scalars(select(Task).where(Task.case_id == case.id)):
        task.created_at -= shift
        if task.state == TaskState.DONE and task.done_on:
            task.done_on -= shift
            task.due_on -= shift


def create_case_demo(
    staff: dict[str, User], rng: random.Random, *, cases_wanted: int = 130
) -> list[Client]:
    """Clients and cases in every state, with assessments, decisions, care and signed notes."""
    managers = [staff["casemanager"], staff["casemanager2"]]
    therapists = [staff["therapist"], staff["therapist2"]]
    made: list[Client] = []
    for number in range(cases_wanted):
        manager, therapist = managers[number % 2], therapists[rng.randrange(2)]
        kind = rng.choices(list(CaseKind), weights=[60, 30, 10])[0]
        target = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES])[0]
        people = _participants(manager, rng, kind)
        made.extend(client for client, _ in people)
        case = cases.open_case(
            manager,
            kind=kind,
            participants=[cases.NewParticipant(client.id, role) for client, role in people],
            referral_source=rng.choice(list(ReferralSource)),
            children_in_household=kind == CaseKind.FAMILY or rng.random() < 0.4,
        )
        days_ago = rng.randint(20, 330)
        if target != CaseState.INTAKE:
            profile = rng.choices(
                [p for p, _ in RISK_PROFILES], weights=[w for _, w in RISK_PROFILES]
            )[0]
            if target == CaseState.ASSESSMENT:
                assessing.start_assessment(
                    manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
                )
            else:
                _assess(manager, case, case.client_ids[0], profile)
        if target in (CaseState.ACTIVE, CaseState.ON_HOLD, CaseState.CLOSED):
            _decide(manager, case, rng)
            _care(manager, therapist, case, days_ago, rng)
        if target == CaseState.ON_HOLD:
            cases.move_case(
                manager,
                case.id,
                CaseState.ON_HOLD,
                expected_version=case.version,
                reason="Klientka wyjechała na kilka tygodni.",
            )
        if target == CaseState.CLOSED:
            _assess(manager, case, case.client_ids[0], "all lowest-risk answers", closing=True)
            cases.close_case(
                manager,
                case.id,
                outcome=rng.choice(list(ClosureOutcome)),
                reason="Cele pracy omówione na spotkaniu kończącym.",
                expected_version=case.version,
            )
        _tasks(manager, therapist, case, target, seed=number)
        _backdate(case, days_ago if target != CaseState.INTAKE else rng.randint(0, 10))
        db.session.flush()
    return made
