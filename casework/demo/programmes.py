"""Demo data for the programmes around the case: synthetic, deterministic for a seed, idempotent.

Group runs with waitlists and attendance, a year of information consultations, partner
trainings and events, survey answers and supervision records. Every person is made up.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from casework.auth.models import User
from casework.care.models import Attendance
from casework.cases.models import Case
from casework.clients.models import (
    Client,
    Consent,
    ConsentPurpose,
    Gender,
    LegalBasis,
    MigrationReason,
)
from casework.consultations import services as consultations
from casework.consultations.models import AgeGroup, Channel, InformationConsultation
from casework.db import db, utcnow
from casework.groups.models import GroupEnrolment, GroupEnrolmentStatus, GroupRun, MeetingPresence
from casework.groups.services import enrolments as group_enrolments
from casework.groups.services import meetings as group_meetings
from casework.groups.services import mentoring as group_mentoring
from casework.groups.services import runs as group_runs
from casework.partners import services as partners
from casework.partners.models import (
    EventKind,
    InstitutionKind,
    PartnerInstitution,
    ProfessionalType,
)
from casework.supervision import services as supervision
from casework.surveys import services as surveys

#: The run whose presence means the programmes demo was already made.
MARKER_RUN = "Grupa wsparcia dla matek, jesień (demo)"
CONSULTATIONS = 1500

#: (name, service, capacity, people, cohort, facilitator key)
RUNS = (
    (MARKER_RUN, "support_group_mothers", 10, 14, False, "facilitator"),
    (
        "Grupa wsparcia dla ojców, jesień (demo)",
        "support_group_fathers",
        8,
        9,
        False,
        "facilitator",
    ),
    ("Szkoła dla rodziców (demo)", "parenting_workshops", 12, 15, False, "facilitator"),
    (
        "Grupa psychoedukacyjna o relacjach (demo)",
        "psychoeducation_group",
        10,
        8,
        False,
        "therapist",
    ),
    (
        "Klub wsparcia dla migrantek (demo)",
        "migrant_women_support_club",
        15,
        19,
        False,
        "facilitator",
    ),
    ("Kurs języka polskiego A2 (demo)", "polish_language_course", 12, 16, True, "facilitator"),
    ("Akademia liderek i liderów 2026 (demo)", "leaders_academy", 10, 12, True, "facilitator"),
)
GIVEN = (
    "Olena",
    "Iryna",
    "Natalia",
    "Anna",
    "Maria",
    "Tetiana",
    "Svitlana",
    "Kateryna",
    "Piotr",
    "Andrii",
    "Oksana",
    "Yulia",
    "Marta",
    "Hanna",
    "Daria",
    "Ewa",
)
FAMILY = (
    "Kovalenko",
    "Shevchenko",
    "Bondar",
    "Nowak",
    "Kowalska",
    "Tkachenko",
    "Melnyk",
    "Wiśniewska",
    "Kravchenko",
    "Lysenko",
    "Zielińska",
    "Petrenko",
    "Moroz",
    "Hrytsenko",
)
LANGUAGES = (("uk", 50), ("pl", 20), ("ru", 15), ("en", 8), ("be", 7))
NATIONALITIES = (("UA", 70), ("BY", 10), ("GE", 5), ("RU", 5), ("IN", 3), ("PL", 4), ("VN", 3))
TOPICS = (
    ("residence_legalisation", 22),
    ("work_permit", 14),
    ("border_crossing", 4),
    ("temporary_protection", 16),
    ("pesel", 14),
    ("education", 7),
    ("health_care", 8),
    ("social_assistance", 7),
    ("housing", 9),
    ("psychological_support", 5),
    ("other", 3),
)
INSTITUTIONS = (
    ("Miejski Ośrodek Pomocy Społecznej w Krakowie (demo)", InstitutionKind.SOCIAL_WELFARE),
    ("Szkoła Podstawowa nr 12 w Krakowie (demo)", InstitutionKind.SCHOOL),
    ("Komenda Miejska Policji w Krakowie (demo)", InstitutionKind.POLICE),
    ("Sąd Rejonowy dla Krakowa-Śródmieścia (demo)", InstitutionKind.COURT),
    ("Szpital Miejski im. Narutowicza (demo)", InstitutionKind.HEALTH_CARE),
    ("Fundacja Dom Terapii (demo)", InstitutionKind.NGO),
)
TRAININGS = (
    "Przemoc w rodzinie: rozpoznawanie i reagowanie",
    "Praca z parą w konflikcie",
    "Procedura Niebieskie Karty w praktyce",
    "Wsparcie rodzin migranckich",
    "Uzależnienia a przemoc w relacjach",
    "Dziecko w rodzinie w kryzysie",
    "Komunikacja bez przemocy",
    "Trauma wojenna u dzieci i dorosłych",
)
EVENTS = (
    ("Piknik rodzinny na Błoniach", EventKind.PUBLIC_EVENT, 240),
    ("Dzień otwarty Centrum dla Rodzin", EventKind.PUBLIC_EVENT, 85),
    ("Warsztat: jak rozmawiać z nastolatkiem", EventKind.WORKSHOP, 28),
    ("Wykład: granice w związku", EventKind.LECTURE, 64),
    ("Kampania 16 dni przeciw przemocy", EventKind.CAMPAIGN, 410),
    ("Warsztat dla migrantek: prawa na rynku pracy", EventKind.WORKSHOP, 31),
)
SURVEY_ANSWERS = ("strongly_disagree", "disagree", "neutral", "agree", "strongly_agree")
SURVEY_ITEMS = ("sat_helpful", "sat_respect", "sat_language", "sat_time", "sat_recommend")


def create_programmes_demo(
    staff: dict[str, User], clients: list[Client], rng: random.Random
) -> None:
    """Add the programmes demo to the demo centre; does nothing if it is already there."""
    if db.session.scalar(select(GroupRun.id).where(GroupRun.name == MARKER_RUN)):
        return
    today = utcnow().date()
    runs = _group_runs(staff, clients, rng, today)
    # Visitors the consultant registered: the clients a consultation may name.
    linked = [_member(staff["consultant"], rng) for _ in range(len(_consenting(clients)) // 4 + 1)]
    consultations_made = _consultations(staff["consultant"], linked, rng, today)
    _partner_work(staff["supervisor"], rng, today)
    _surveys(staff, runs, consultations_made, rng)
    _supervision(staff, rng, today)
    db.session.flush()


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _consenting(clients: list[Client]) -> list[Client]:
    """The given clients the centre may process data of (a valid support-services consent)."""
    ids = set(
        db.session.scalars(
            select(Consent.client_id).where(
                Consent.client_id.in_([c.id for c in clients]),
                Consent.purpose == ConsentPurpose.SUPPORT_SERVICES,
                Consent.withdrawn_at.is_(None),
            )
        )
    )
    return [c for c in clients if c.id in ids and not c.is_erased]


def _member(staff: User, rng: random.Random) -> Client:
    """A synthetic club or course member enrolled directly, with consent on record."""
    client = Client(
        gender=Gender.FEMALE if rng.random() < 0.8 else Gender.MALE,
        birth_year=rng.randint(1965, 2004),
        nationality=_weighted(rng, NATIONALITIES),
        languages=["uk", "pl"],
        migration_reason=rng.choice(
            [MigrationReason.WAR, MigrationReason.WORK, MigrationReason.FAMILY]
        ),
        created_by_id=staff.id,
    )
    client.given_name = rng.choice(GIVEN)
    client.family_name = rng.choice(FAMILY)
    db.session.add(client)
    db.session.add(
        Consent(
            client_id=client.id,
            purpose=ConsentPurpose.SUPPORT_SERVICES,
            legal_basis=LegalBasis.CONSENT,
            notice_version="2026-01",
            recorded_by_id=staff.id,
        )
    )
    return client


def _group_runs(
    staff: dict[str, User], clients: list[Client], rng: random.Random, today: date
) -> list[GroupRun]:
    """Current runs, some over capacity (waitlists), weekly meetings with attendance so far."""
    pool = _consenting(clients)
    runs = []
    for name, service, capacity, people, cohort, lead in RUNS:
        facilitators = [staff[lead].id] + (
            [staff["facilitator"].id] if lead != "facilitator" else []
        )
        run = group_runs.create_run(
            staff["supervisor"],
            name=name,
            service_code=service,
            capacity=capacity,
            starts_on=today - timedelta(days=56),
            ends_on=today + timedelta(days=63),
            is_cohort=cohort,
            facilitator_ids=facilitators,
        )
        members = rng.sample(pool, min(len(pool), people // 3))
        members += [_member(staff["facilitator"], rng) for _ in range(people - len(members))]
        db.session.flush()
        manager = staff["facilitator"] if lead == "facilitator" else staff[lead]
        # The team's supervisor enrols the centre's clients (a facilitator may enrol only the
        # people they registered or already run groups with: policy.group_enrollable_clients).
        enrolments = [
            group_enrolments.enrol(staff["supervisor"], run.id, client_id=m.id) for m in members
        ]
        seated = [e for e in enrolments if e.status == GroupEnrolmentStatus.ACTIVE]
        if len(seated) > 2 and rng.random() < 0.6:
            leaving = seated.pop(rng.randrange(len(seated)))
            group_enrolments.withdraw(
                manager, leaving.id, expected_version=leaving.version
            )  # promotes the first waiting
        _meetings(manager, run, rng, today)
        if cohort:
            _mentoring(manager, staff, run, rng, today)
        runs.append(run)
    return runs


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _meetings(manager: User, run: GroupRun, rng: random.Random, today: date) -> None:
    seated = list(
        db.session.scalars(
            select(GroupEnrolment).where(
                GroupEnrolment.run_id == run.id,
                GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE,
            )
        )
    )
    for week in range(18):
        day = run.starts_on + timedelta(weeks=week)
        meeting = group_meetings.schedule_meeting(
            manager, run.id, starts_at=_at(day, 16), ends_at=_at(day, 18), place="Sala 2"
        )
        if day < today:
            presences = [
                group_meetings.Presence(
                    e.id,
                    MeetingPresence.PRESENT
                    if rng.random() < 0.8
                    else rng.choice([MeetingPresence.ABSENT, MeetingPresence.EXCUSED]),
                )
                for e in seated
            ]
            if presences:
                group_meetings.record_attendance(manager, meeting.id, presences)


def _mentoring(
    manager: User, staff: dict[str, User], run: GroupRun, rng: random.Random, today: date
) -> None:
    members = db.session.scalars(
        select(GroupEnrolment).where(
            GroupEnrolment.run_id == run.id, GroupEnrolment.status == GroupEnrolmentStatus.ACTIVE
        )
    ).all()
    for number, member in enumerate(members):
        for round_ in range(2):
            day = today + timedelta(days=-20 + round_ * 21 + number % 5)
            session = group_mentoring.schedule_mentoring(
                manager,
                member.id,
                mentor_id=rng.choice([staff["facilitator"].id, staff["therapist"].id]),
                starts_at=_at(day, 10 + number % 6),
                ends_at=_at(day, 11 + number % 6),
            )
            if day < today:
                group_mentoring.record_mentoring_attendance(
                    manager,
                    session.id,
                    attendance=Attendance.ATTENDED if rng.random() < 0.85 else Attendance.NO_SHOW,
                    expected_version=session.version,
                )


def _consultations(
    consultant: User, linked: list[Client], rng: random.Random, today: date
) -> list[InformationConsultation]:
    """About 1,500 consultations over the last year; returning visitors share a document."""
    documents = [f"DM{rng.randrange(10**6, 10**7)}" for _ in range(320)]
    made = []
    for _ in range(CONSULTATIONS):
        fields: dict[str, object] = {}
        if linked and rng.random() < 0.2:
            fields["client_id"] = rng.choice(linked).id
        else:
            fields |= {
                "gender": Gender.FEMALE if rng.random() < 0.72 else Gender.MALE,
                "age_group": rng.choice(list(AgeGroup)[:5]),
                "nationality": _weighted(rng, NATIONALITIES),
                "migration_reason": rng.choice(
                    [MigrationReason.WAR] * 6
                    + [MigrationReason.WORK] * 3
                    + [MigrationReason.FAMILY]
                ),
            }
            if rng.random() < 0.45:
                fields["visitor_document"] = rng.choice(documents)
        topics = {_weighted(rng, TOPICS) for _ in range(rng.choice((1, 1, 2, 3)))}
        made.append(
            consultations.log_consultation(
                consultant,
                consulted_on=today - timedelta(days=rng.randrange(365)),
                channel=rng.choice(
                    [Channel.IN_PERSON] * 5 + [Channel.PHONE] * 3 + [Channel.ONLINE] * 2
                ),
                language=_weighted(rng, LANGUAGES),
                topic_codes=sorted(topics),
                duration_minutes=rng.choice((5, 10, 15, 15, 20, 30, 45)),
                **fields,  # type: ignore[arg-type]
            )
        )
    return made


def _partner_work(supervisor: User, rng: random.Random, today: date) -> None:
    institutions = []
    for name, kind in INSTITUTIONS:
        found = db.session.scalar(select(PartnerInstitution).where(PartnerInstitution.name == name))
        institutions.append(
            found or partners.create_institution(supervisor, name=name, kind=kind, city="Kraków")
        )
    types = {
        InstitutionKind.SOCIAL_WELFARE: (
            ProfessionalType.SOCIAL_WORKER,
            ProfessionalType.FAMILY_ASSISTANT,
        ),
        InstitutionKind.SCHOOL: (ProfessionalType.TEACHER, ProfessionalType.PSYCHOLOGIST),
        InstitutionKind.POLICE: (ProfessionalType.POLICE_OFFICER,),
        InstitutionKind.COURT: (ProfessionalType.PROBATION_OFFICER, ProfessionalType.LAWYER),
        InstitutionKind.HEALTH_CARE: (
            ProfessionalType.HEALTH_WORKER,
            ProfessionalType.PSYCHOLOGIST,
        ),
        InstitutionKind.NGO: (ProfessionalType.PSYCHOLOGIST, ProfessionalType.OTHER),
    }
    for number, title in enumerate(TRAININGS):
        participants = [
            partners.Headcount(institution.id, kind, rng.randint(1, 9))
            for institution in rng.sample(institutions, rng.randint(2, 4))
            for kind in types[institution.kind]
        ]
        partners.create_training(
            supervisor,
            title=f"{title} (demo)",
            held_on=today - timedelta(days=20 + number * 40),
            hours=rng.choice((4, 6, 8, 16)),
            participants=participants,
        )
    for number, (title, event_kind, headcount) in enumerate(EVENTS):
        partners.create_event(
            supervisor,
            title=f"{title} (demo)",
            kind=event_kind,
            held_on=today - timedelta(days=15 + number * 55),
            headcount=headcount,
            place="Kraków",
        )


def _answers(rng: random.Random) -> dict[str, str]:
    mood = rng.choices((4, 3, 1), weights=(7, 2, 1))[0]  # most respondents are satisfied
    return {
        item: SURVEY_ANSWERS[max(0, min(4, mood + rng.choice((-1, 0, 0, 1)) - (mood == 4)))]
        for item in SURVEY_ITEMS
    }


def _surveys(
    staff: dict[str, User],
    runs: list[GroupRun],
    made: list[InformationConsultation],
    rng: random.Random,
) -> None:
    for run in runs:
        for _ in range(rng.randint(4, 9)):
            surveys.record_response(
                staff["facilitator"], answers=_answers(rng), language="pl", group_run_id=run.id
            )
    for consultation in rng.sample(made, min(len(made), 80)):
        surveys.record_response(
            staff["consultant"],
            answers=_answers(rng),
            language=rng.choice(("uk", "pl", "en")),
            consultation_id=consultation.id,
        )
    for service in ("individual_counselling", "couples_therapy", "family_therapy"):
        for _ in range(rng.randint(5, 12)):
            surveys.record_response(
                staff["therapist"], answers=_answers(rng), language="pl", service_code=service
            )


def _supervision(staff: dict[str, User], rng: random.Random, today: date) -> None:
    supervisor = staff["supervisor"]
    team_cases = list(
        db.session.scalars(select(Case.id).where(Case.team_id == supervisor.team_id).limit(20))
    )
    notes = (
        "Omówienie pracy z parą w konflikcie; uważność na sygnały przemocy.",
        "Przeciwprzeniesienie w pracy z klientką; plan dalszej pracy.",
        "Granice w pracy z rodziną migrancką; współpraca z tłumaczem.",
        "Przygotowanie do zakończenia procesu; ocena końcowa.",
    )
    actions = (
        "Uzupełnić plan bezpieczeństwa",
        "Skonsultować przypadek z psychiatrą",
        "Przeprowadzić ponowną ocenę ryzyka",
        "Umówić spotkanie z ośrodkiem pomocy społecznej",
    )
    for key in ("therapist", "therapist2", "casemanager", "casemanager2", "facilitator"):
        for month in range(3):
            held = today - timedelta(days=10 + month * 30)
            supervision.create_record(
                supervisor,
                practitioner_id=staff[key].id,
                held_on=held,
                notes=rng.choice(notes),
                case_ids=rng.sample(team_cases, min(len(team_cases), 2)),
                actions=[
                    supervision.NewAction(rng.choice(actions), held + timedelta(days=14))
                    for _ in range(rng.randint(1, 2))
                ],
            )
