"""A small centre whose figures for 2025 are known by hand (see EXPECTED in the test modules).

Six clients: c1 (F, 1990, UA), c2 (M, 1960, PL), c3 (F, 2000, BY), c4 (F, 1970, UA),
c5 (M, 1985, PL), c6 (F, no birth year, UA), all first seen on 2025-03-01. Team A and team B.
Overlapping services, a person in two runs of one group, withdrawals, completions, waitlisted
people, activity before and after the period, returning visitors linked and anonymous.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from casework.auth.models import Role, Team
from casework.care.models import Appointment, AppointmentMode, Attendance, Enrolment
from casework.care.models import EnrolmentStatus as Care
from casework.case_assessments.models import Assessment, AssessmentState
from casework.cases.models import CaseKind
from casework.clients.models import Gender, MigrationReason
from casework.consultations.models import (
    AgeGroup,
    Channel,
    ConsultationTopic,
    InformationConsultation,
)
from casework.db import db
from casework.groups.models import (
    GroupEnrolment,
    GroupEnrolmentStatus,
    GroupMeeting,
    GroupRun,
    GroupRunLeader,
    MeetingAttendance,
    MeetingPresence,
    MentoringSession,
    PeerLeader,
    PeerLeaderKind,
)
from casework.partners.models import (
    EventKind,
    InstitutionKind,
    PartnerInstitution,
    ProfessionalType,
    PublicEvent,
    Training,
    TrainingParticipation,
)
from casework.surveys.models import SurveyResponse
from tests.factories import make_case, make_consenting_client, make_user

PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}
FIRST_SEEN = datetime(2025, 3, 1, 10, tzinfo=UTC)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _topic(code: str) -> ConsultationTopic:
    topic = db.session.get(ConsultationTopic, code)
    if topic is None:
        topic = ConsultationTopic(code=code, name={"pl": code, "en": code, "uk": code})
        db.session.add(topic)
    return topic


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """The centre above; returns ids and the staff's e-mail addresses."""
    with app.app_context():
        team_a, team_b = (
            Team(name=f"Team A {uuid.uuid4().hex[:6]}"),
            Team(name=f"Team B {uuid.uuid4().hex[:6]}"),
        )
        db.session.add_all([team_a, team_b])
        db.session.flush()
        manager_a = make_user(roles=(Role.CASE_MANAGER,), team=team_a)
        manager_b = make_user(roles=(Role.CASE_MANAGER,), team=team_b)
        therapist = make_user(roles=(Role.THERAPIST,), team=team_a)
        mentor = make_user(roles=(Role.FACILITATOR,), team=team_b)
        consultant = make_user(roles=(Role.CONSULTANT,), team=team_a)
        supervisor_a = make_user(roles=(Role.SUPERVISOR,), team=team_a)
        supervisor_b = make_user(roles=(Role.SUPERVISOR,), team=team_b)
        coordinator = make_user(roles=(Role.COORDINATOR,))

        def person(gender: Gender, birth_year: int | None, nationality: str, **more: Any) -> Any:
            return make_consenting_client(
                more.pop("by", manager_a),
                gender=gender,
                birth_year=birth_year,
                nationality=nationality,
                created_at=FIRST_SEEN,
                **more,
            )

        war, work = MigrationReason.WAR, MigrationReason.WORK
        c1 = person(Gender.FEMALE, 1990, "UA", migration_reason=war, languages=["uk"])
        c2 = person(Gender.MALE, 1960, "PL")
        c3 = person(Gender.FEMALE, 2000, "BY", migration_reason=work, by=manager_b)
        c4 = person(Gender.FEMALE, 1970, "UA", migration_reason=war)
        c5 = person(Gender.MALE, 1985, "PL")
        c6 = person(Gender.FEMALE, None, "UA", migration_reason=war)
        case1 = make_case(manager_a, kind=CaseKind.COUPLE, clients=[c1, c2])
        case2 = make_case(manager_b, clients=[c3])
        case3 = make_case(manager_a, clients=[c4])
        assert case1.team_id == team_a.id and case2.team_id == team_b.id

        def assessment(case: Any, client: Any, level: str, day: str, **more: Any) -> None:
            db.session.add(
                Assessment(
                    case_id=case.id,
                    client_id=client.id,
                    instrument_id="norr",
                    instrument_version="1.0.0",
                    instrument_sha256="0" * 64,
                    state=more.pop("state", AssessmentState.COMPLETED),
                    level=level,
                    completed_at=at(day),
                    completed_by_id=manager_a.id,
                )
            )

        assessment(case1, c1, "high", "2025-03-02")
        assessment(case1, c1, "moderate", "2025-09-02")  # a reassessment: the same person
        assessment(case1, c2, "low", "2025-03-02")
        assessment(case2, c3, "moderate", "2025-04-02")
        assessment(case3, c4, "high", "2024-11-02")  # before the period
        assessment(case3, c4, "high", "2025-04-02", state=AssessmentState.DRAFT)

        def enrol(case: Any, client: Any, service: str, start: str, **more: Any) -> Enrolment:
            enrolment = Enrolment(
                case_id=case.id if case else None,
                client_id=client.id,
                service_code=service,
                practitioner_id=therapist.id,
                status=more.get("status", Care.ACTIVE),
                started_at=at(start),
                ended_at=at(more["end"]) if "end" in more else None,
            )
            db.session.add(enrolment)
            return enrolment

        counselling = enrol(case1, c1, "individual_counselling", "2025-02-01")
        enrol(case1, c1, "couples_therapy", "2025-04-01")
        enrol(case1, c2, "couples_therapy", "2025-04-01", status=Care.WITHDRAWN, end="2025-06-01")
        enrol(
            case2,
            c3,
            "individual_counselling",
            "2024-06-01",
            status=Care.COMPLETED,
            end="2024-12-01",
        )
        enrol(case2, c3, "family_social_counselling", "2025-05-01")
        enrol(case3, c4, "addiction_consultation", "2025-07-01", status=Care.WAITLISTED)
        enrol(case3, c4, "family_therapy", "2025-08-01")
        enrol(None, c5, "individual_counselling", "2026-02-01")
        db.session.flush()
        for day, attendance in (
            ("2025-02-10", Attendance.ATTENDED),
            ("2025-02-17", Attendance.NO_SHOW),
        ):
            db.session.add(
                Appointment(
                    enrolment_id=counselling.id,
                    case_id=case1.id,
                    practitioner_id=therapist.id,
                    starts_at=at(day),
                    ends_at=at(day) + timedelta(minutes=50),
                    mode=AppointmentMode.IN_PERSON,
                    attendance=attendance,
                )
            )

        def run(name: str, service: str, team: Team, **more: Any) -> GroupRun:
            group = GroupRun(
                name=f"{name} {uuid.uuid4().hex[:6]}",
                service_code=service,
                capacity=more.get("capacity", 12),
                is_cohort=more.get("cohort", False),
                team_id=team.id,
                starts_on=date(2025, 1, 10),
            )
            db.session.add(group)
            db.session.flush()
            return group

        mothers1 = run("Mothers 1", "support_group_mothers", team_a)
        mothers2 = run("Mothers 2", "support_group_mothers", team_a)
        parenting = run("Parenting", "parenting_workshops", team_a)
        psycho = run("Psychoeducation", "psychoeducation_group", team_b)
        addiction = run("Addiction workshop", "addiction_workshop", team_a)
        club = run("Club", "migrant_women_support_club", team_b)
        course = run("Course", "polish_language_course", team_a)
        academy = run("Academy", "leaders_academy", team_b, cohort=True)

        def seat(group: GroupRun, client: Any, start: str | None, **more: Any) -> GroupEnrolment:
            status = more.get("status", GroupEnrolmentStatus.ACTIVE)
            enrolment = GroupEnrolment(
                run_id=group.id,
                client_id=client.id,
                status=status,
                waitlist_position=1 if status == GroupEnrolmentStatus.WAITLISTED else None,
                activated_at=at(start) if start else None,
                ended_at=at(more["end"]) if "end" in more else None,
            )
            db.session.add(enrolment)
            db.session.flush()
            return enrolment

        done, gone = GroupEnrolmentStatus.COMPLETED, GroupEnrolmentStatus.WITHDRAWN
        seat(mothers1, c4, "2025-02-01", status=done, end="2025-05-01")
        seat(mothers2, c4, "2025-06-01", status=done, end="2025-09-01")  # two runs, one person
        seat(mothers1, c6, "2025-02-01", status=gone, end="2025-03-01")
        seat(mothers2, c1, None, status=GroupEnrolmentStatus.WAITLISTED)
        seat(parenting, c2, "2025-03-01")
        seat(psycho, c3, "2025-03-01", status=done, end="2025-10-01")
        seat(addiction, c5, "2024-01-01", status=gone, end="2024-06-01")
        in_club = seat(club, c6, "2025-04-01")
        seat(club, c3, "2025-04-01", status=done, end="2025-11-01")
        in_course = seat(course, c6, "2025-04-01", status=done, end="2025-12-01")
        leader = seat(academy, c1, "2025-01-15", status=done, end="2025-06-30")
        second = seat(academy, c3, "2025-01-15", status=gone, end="2025-02-15")

        def meeting(
            group: GroupRun, day: str, hours: float, present: GroupEnrolment | None
        ) -> None:
            held = GroupMeeting(
                run_id=group.id, starts_at=at(day), ends_at=at(day) + timedelta(hours=hours)
            )
            db.session.add(held)
            db.session.flush()
            if present is not None:
                db.session.add(
                    MeetingAttendance(
                        meeting_id=held.id,
                        enrolment_id=present.id,
                        presence=MeetingPresence.PRESENT,
                    )
                )

        for day in ("2025-04-05", "2025-04-12", "2025-04-19"):
            meeting(club, day, 2, in_club)
        meeting(club, "2025-04-26", 2, None)  # on the schedule, nobody came: not held
        meeting(club, "2024-04-26", 2, in_club)  # before the period
        meeting(course, "2025-05-05", 1.5, in_course)
        meeting(course, "2025-05-12", 1.5, in_course)
        meeting(academy, "2025-02-01", 3, leader)
        # Peer leaders lead the club and the academy (both met) and the parenting workshops
        # (no meeting held): two runs led by peer leaders.
        peer = PeerLeader(kind=PeerLeaderKind.PEER_LEADER, languages="uk", is_active=True)
        db.session.add(peer)
        db.session.flush()
        for group in (club, academy, parenting):
            db.session.add(GroupRunLeader(run_id=group.id, leader_id=peer.id))

        for enrolment, day, attendance in (
            (leader, "2025-02-03", Attendance.ATTENDED),
            (leader, "2025-03-03", Attendance.ATTENDED),
            (leader, "2025-04-03", Attendance.NO_SHOW),
            (second, "2025-02-04", Attendance.ATTENDED),
        ):
            db.session.add(
                MentoringSession(
                    enrolment_id=enrolment.id,
                    run_id=academy.id,
                    mentor_id=mentor.id,
                    starts_at=at(day),
                    ends_at=at(day) + timedelta(hours=1),
                    attendance=attendance,
                )
            )

        institutions = [
            PartnerInstitution(name=f"{name} {uuid.uuid4().hex[:6]}", kind=kind, created_at=created)
            for name, kind, created in (
                ("School", InstitutionKind.SCHOOL, at("2025-01-02")),
                ("Police", InstitutionKind.POLICE, at("2025-01-02")),
                ("Court", InstitutionKind.COURT, at("2024-05-02")),
                ("Later", InstitutionKind.NGO, at("2026-01-15")),
            )
        ]
        db.session.add_all(institutions)
        trainings = [
            Training(title="Model", held_on=date(2025, 5, 10)),
            Training(title="Refresher", held_on=date(2025, 9, 1)),
            Training(title="Old", held_on=date(2024, 12, 1)),
        ]
        db.session.add_all(trainings)
        db.session.flush()
        for training, institution, kind, headcount in (
            (trainings[0], institutions[0], ProfessionalType.PSYCHOLOGIST, 10),
            (trainings[0], institutions[1], ProfessionalType.POLICE_OFFICER, 5),
            (trainings[1], institutions[0], ProfessionalType.TEACHER, 3),
            (trainings[2], institutions[2], ProfessionalType.LAWYER, 7),
        ):
            db.session.add(
                TrainingParticipation(
                    training_id=training.id,
                    institution_id=institution.id,
                    professional_type=kind,
                    headcount=headcount,
                )
            )
        db.session.add_all(
            [
                PublicEvent(
                    title="Campaign",
                    kind=EventKind.CAMPAIGN,
                    held_on=date(2025, 3, 1),
                    headcount=1000,
                ),
                PublicEvent(
                    title="Webinar", kind=EventKind.LECTURE, held_on=date(2025, 6, 1), headcount=200
                ),
                PublicEvent(
                    title="Old", kind=EventKind.PUBLIC_EVENT, held_on=date(2024, 6, 1), headcount=50
                ),
            ]
        )

        def consult(
            day: str,
            channel: Channel,
            language: str,
            topics: list[str],
            minutes: int,
            team: Team,
            **more: Any,
        ) -> None:
            consultation = InformationConsultation(
                consulted_on=date.fromisoformat(day),
                channel=channel,
                language=language,
                duration_minutes=minutes,
                consultant_id=consultant.id,
                team_id=team.id,
                **more,
            )
            consultation.topics = [_topic(code) for code in topics]
            db.session.add(consultation)

        anonymous = {
            "gender": Gender.FEMALE,
            "age_group": AgeGroup.FROM_30_TO_44,
            "nationality": "UA",
            "migration_reason": war,
        }
        t1 = {
            "gender": Gender.FEMALE,
            "age_group": AgeGroup.FROM_60,
            "nationality": "UA",
            "migration_reason": war,
            "visitor_token": "t1" * 8,
        }
        consult(
            "2025-02-01",
            Channel.IN_PERSON,
            "uk",
            ["residence_legalisation", "pesel"],
            30,
            team_a,
            client_id=c1.id,
        )
        consult("2025-03-01", Channel.PHONE, "uk", ["work_permit"], 30, team_a, client_id=c1.id)
        consult("2025-03-05", Channel.ONLINE, "pl", ["housing"], 60, team_b, client_id=c2.id)
        consult("2025-04-01", Channel.IN_PERSON, "uk", ["pesel"], 15, team_a, **t1)
        consult(
            "2025-05-01",
            Channel.IN_PERSON,
            "uk",
            ["residence_legalisation"],
            15,
            team_a,
            **{**t1, "gender": Gender.MALE},
        )
        consult(
            "2025-05-02",
            Channel.PHONE,
            "ru",
            ["work_permit"],
            45,
            team_b,
            gender=Gender.MALE,
            age_group=AgeGroup.FROM_18_TO_29,
            nationality="BY",
            migration_reason=work,
            visitor_token="t2" * 8,
        )
        consult("2025-06-01", Channel.IN_PERSON, "uk", ["housing"], 30, team_a, **anonymous)
        consult("2025-06-02", Channel.IN_PERSON, "uk", ["housing"], 30, team_a, **anonymous)
        consult("2024-12-31", Channel.IN_PERSON, "pl", ["housing"], 30, team_b, client_id=c3.id)

        def survey(service: str, answers: dict[str, str], level: str, day: str) -> None:
            db.session.add(
                SurveyResponse(
                    instrument_id="satisfaction",
                    instrument_version="1.0.0",
                    service_code=service,
                    language="pl",
                    answers=answers,
                    result={},
                    score=Decimal("3"),
                    level=level,
                    submitted_at=at(day),
                )
            )

        items = ("sat_helpful", "sat_respect", "sat_language", "sat_time", "sat_recommend")
        point = "migrant_information_point"
        survey(point, dict.fromkeys(items, "strongly_agree"), "satisfied", "2025-03-01")
        survey(point, dict.fromkeys(items, "agree"), "satisfied", "2025-03-02")
        survey(
            point,
            {**dict.fromkeys(items, "neutral"), "sat_helpful": "strongly_agree"},
            "mixed",
            "2025-03-03",
        )
        survey(point, dict.fromkeys(items, "disagree"), "dissatisfied", "2025-03-04")
        survey(point, dict.fromkeys(items, "strongly_agree"), "satisfied", "2024-03-01")
        survey(
            "individual_counselling", dict.fromkeys(items, "disagree"), "dissatisfied", "2025-03-05"
        )
        db.session.commit()
        return {
            "team_a": team_a.id,
            "team_b": team_b.id,
            "coordinator": coordinator.email,
            "supervisor_a": supervisor_a.email,
            "supervisor_b": supervisor_b.email,
            "manager_a": manager_a.email,
            "consultant": consultant.email,
            "therapist": therapist.email,
        }
