"""Programme objects for the API world: a cohort run with a waitlist, a consultation, partner
work, a survey response and a supervision record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from casework.auth.models import User
from casework.consultations import services as consultations
from casework.consultations.models import Channel
from casework.db import db, utcnow
from casework.groups.models import MeetingPresence
from casework.groups.services import enrolments as group_enrolments
from casework.groups.services import meetings as group_meetings
from casework.groups.services import mentoring as group_mentoring
from casework.groups.services import runs as group_runs
from casework.partners import services as partners
from casework.partners.models import EventKind, InstitutionKind, ProfessionalType
from casework.projects.models import Project
from casework.projects.scope import default_project_id
from casework.supervision import services as supervision
from casework.surveys import services as surveys
from tests.factories import make_consenting_client

SATISFIED = {
    "sat_helpful": "agree",
    "sat_respect": "strongly_agree",
    "sat_language": "agree",
    "sat_time": "neutral",
    "sat_recommend": "agree",
}


def build_programmes(users: dict[str, Any], case_id: Any, client_id: Any) -> dict[str, Any]:
    """Make the objects and return their ids, keyed like the API's path parameters."""
    staff = {name: db.session.get(User, user_id) for name, user_id in users.items()}
    today = utcnow().date()
    run = group_runs.create_run(
        staff["facilitator"],
        name="Leaders' academy (API world)",
        service_code="leaders_academy",
        capacity=1,
        starts_on=today - timedelta(days=30),
        is_cohort=True,
    )
    seated = group_enrolments.enrol(staff["manager"], run.id, client_id=client_id, case_id=case_id)
    waiting = group_enrolments.enrol(
        staff["facilitator"], run.id, client_id=make_consenting_client(staff["facilitator"]).id
    )
    meeting = group_meetings.schedule_meeting(
        staff["facilitator"],
        run.id,
        starts_at=utcnow() - timedelta(days=2),
        ends_at=utcnow() - timedelta(days=2) + timedelta(hours=2),
        place="Sala 2",
    )
    group_meetings.record_attendance(
        staff["facilitator"],
        meeting.id,
        [group_meetings.Presence(seated.id, MeetingPresence.PRESENT)],
    )
    mentoring = group_mentoring.schedule_mentoring(
        staff["facilitator"],
        seated.id,
        mentor_id=staff["facilitator"].id,
        starts_at=utcnow() - timedelta(days=1),
        ends_at=utcnow() - timedelta(days=1) + timedelta(hours=1),
    )
    consultation = consultations.log_consultation(
        staff["consultant"],
        consulted_on=today,
        channel=Channel.PHONE,
        language="uk",
        topic_codes=["pesel", "housing"],
        duration_minutes=15,
        visitor_phone="+380 67 123 4567",
    )
    institution = partners.create_institution(
        staff["supervisor"], name="MOPS Kraków (API world)", kind=InstitutionKind.SOCIAL_WELFARE
    )
    training = partners.create_training(
        staff["supervisor"],
        title="Working with couples in conflict",
        held_on=today - timedelta(days=10),
        participants=[
            partners.Headcount(institution.id, ProfessionalType.SOCIAL_WORKER, 6),
        ],
    )
    partners.create_event(
        staff["supervisor"],
        title="Family picnic",
        kind=EventKind.PUBLIC_EVENT,
        held_on=today - timedelta(days=3),
        headcount=120,
    )
    surveys.record_response(
        staff["facilitator"], answers=SATISFIED, language="pl", group_run_id=run.id
    )
    record = supervision.create_record(
        staff["supervisor"],
        practitioner_id=staff["therapist"].id,
        held_on=today,
        notes="Discussed the couple's case; plan reviewed.",
        case_ids=[case_id],
        actions=[supervision.NewAction("Refer for a safety plan", today + timedelta(days=7))],
    )
    db.session.flush()
    default_project = db.session.get(Project, default_project_id())
    assert default_project is not None
    return {
        "project_id": default_project.id,
        "project_version": default_project.version,
        "run_id": run.id,
        "run_version": run.version,
        "group_enrolment_id": seated.id,
        "waitlisted_enrolment_id": waiting.id,
        "group_enrolment_version": seated.version,
        "meeting_id": meeting.id,
        "mentoring_session_id": mentoring.id,
        "mentoring_version": mentoring.version,
        "consultation_id": consultation.id,
        "institution_id": institution.id,
        "training_id": training.id,
        "record_id": record.id,
        "action_id": record.actions[0].id,
    }
