"""Each activity as a SELECT of fact columns: the unit counted, the person, the case, an amount
and the dimensions it can be filtered and broken down by (see `casework.reports.queries`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)

from casework.care.models import Appointment, Attendance, Enrolment, EnrolmentStatus
from casework.case_assessments.models import Assessment, AssessmentState
from casework.cases.models import Case
from casework.clients.models import Client
from casework.consultations.models import (
    InformationConsultation,
)
from casework.groups.models import (
    GroupEnrolment,
    GroupEnrolmentStatus,
    GroupMeeting,
    GroupRun,
    GroupRunLeader,
    MeetingAttendance,
    MeetingPresence,
    MentoringSession,
)
from casework.partners.models import (
    PartnerInstitution,
    PublicEvent,
    Training,
    TrainingParticipation,
)
from casework.projects.scope import ActivityKind
from casework.reports.definitions import AgeBand, Source
from casework.reports.event_languages import event_reach_fact
from casework.reports.facts import (
    Fact,
    HoursBetween,
    Reach,
    Window,
    age_band_of,
    between,
    person_columns,
    visitor_age_band,
)
from casework.surveys.models import SurveyResponse


def _assessment(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    enrolled = select(Enrolment.id).where(Enrolment.case_id == Assessment.case_id)
    if reach.project.project_id is None:
        project: ColumnElement[bool] = true()
    else:
        # An assessment belongs to no service: it counts for the projects of the services its
        # case is enrolled in, and for the default project when the case has no enrolment.
        project = exists(enrolled.where(reach.project.services(Enrolment.service_code)))
        if reach.project.is_default:
            project = or_(project, ~exists(enrolled))
    return Fact(
        select_from=Assessment.__table__.join(Client, Client.id == Assessment.client_id).join(
            Case, Case.id == Assessment.case_id
        ),
        where=[
            Assessment.state == AssessmentState.COMPLETED,
            Assessment.instrument_id == source.instrument,
            between(Assessment.completed_at, window),
        ],
        columns={
            "unit": Assessment.id,
            "person": Assessment.client_id,
            "case": Assessment.case_id,
            **person_columns(bands),
            "team": Case.team_id,
            "practitioner": Assessment.completed_by_id,
            "level": Assessment.level,
        },
        team=Case.team_id,
        project=project,
        attribution=None,
    )


def _enrolment(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    return Fact(
        select_from=Enrolment.__table__.join(Client, Client.id == Enrolment.client_id).outerjoin(
            Case, Case.id == Enrolment.case_id
        ),
        where=[
            Enrolment.status != EnrolmentStatus.WAITLISTED,
            Enrolment.started_at < window.end_at,
            or_(Enrolment.ended_at.is_(None), Enrolment.ended_at >= window.start_at),
        ],
        columns={
            "unit": Enrolment.id,
            "person": Enrolment.client_id,
            "case": Enrolment.case_id,
            **person_columns(bands),
            "service": Enrolment.service_code,
            "team": Case.team_id,
            "practitioner": Enrolment.practitioner_id,
        },
        team=Case.team_id,
        project=reach.project.services(Enrolment.service_code),
        attribution=(ActivityKind.SERVICE, Enrolment.service_code),
    )


def _group_participation(
    source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]
) -> Fact:
    if source.completed:
        when = [
            GroupEnrolment.status == GroupEnrolmentStatus.COMPLETED,
            between(GroupEnrolment.ended_at, window),
        ]
    else:
        # A participant held a seat at some time in the period (waiting does not count).
        when = [
            GroupEnrolment.activated_at.is_not(None),
            GroupEnrolment.activated_at < window.end_at,
            or_(GroupEnrolment.ended_at.is_(None), GroupEnrolment.ended_at >= window.start_at),
        ]
    return Fact(
        select_from=GroupEnrolment.__table__.join(
            GroupRun, GroupRun.id == GroupEnrolment.run_id
        ).join(Client, Client.id == GroupEnrolment.client_id),
        where=when,
        columns={
            "unit": GroupEnrolment.id,
            "person": GroupEnrolment.client_id,
            "case": GroupEnrolment.case_id,
            **person_columns(bands),
            "service": GroupRun.service_code,
            "team": GroupRun.team_id,
        },
        team=GroupRun.team_id,
        project=reach.project.group_runs(GroupEnrolment.run_id),
        attribution=(ActivityKind.GROUP_RUN, GroupEnrolment.run_id),
    )


def _appointment(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    return Fact(
        select_from=Appointment.__table__.join(Enrolment, Enrolment.id == Appointment.enrolment_id)
        .join(Client, Client.id == Enrolment.client_id)
        .outerjoin(Case, Case.id == Appointment.case_id),
        where=[
            Appointment.attendance == Attendance.ATTENDED,
            between(Appointment.starts_at, window),
        ],
        columns={
            "unit": Appointment.id,
            "person": Enrolment.client_id,
            "case": Appointment.case_id,
            "amount": HoursBetween(Appointment.starts_at, Appointment.ends_at),
            **person_columns(bands),
            "service": Enrolment.service_code,
            "team": Case.team_id,
            "practitioner": Appointment.practitioner_id,
        },
        team=Case.team_id,
        project=reach.project.services(Enrolment.service_code),
        attribution=(ActivityKind.SERVICE, Enrolment.service_code),
    )


def _group_meeting(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    held = exists().where(
        MeetingAttendance.meeting_id == GroupMeeting.id,
        MeetingAttendance.presence == MeetingPresence.PRESENT,
    )
    return Fact(
        select_from=GroupMeeting.__table__.join(GroupRun, GroupRun.id == GroupMeeting.run_id),
        # Held: someone was marked present (a meeting on the schedule alone was not held).
        where=[between(GroupMeeting.starts_at, window), held],
        columns={
            "unit": GroupMeeting.id,
            "amount": HoursBetween(GroupMeeting.starts_at, GroupMeeting.ends_at),
            "service": GroupRun.service_code,
            "team": GroupRun.team_id,
        },
        team=GroupRun.team_id,
        project=reach.project.group_runs(GroupMeeting.run_id),
        attribution=(ActivityKind.GROUP_RUN, GroupMeeting.run_id),
    )


def _mentoring(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    return Fact(
        select_from=MentoringSession.__table__.join(
            GroupEnrolment, GroupEnrolment.id == MentoringSession.enrolment_id
        )
        .join(GroupRun, GroupRun.id == MentoringSession.run_id)
        .join(Client, Client.id == GroupEnrolment.client_id),
        where=[
            MentoringSession.attendance == Attendance.ATTENDED,
            between(MentoringSession.starts_at, window),
        ],
        columns={
            "unit": MentoringSession.id,
            "person": GroupEnrolment.client_id,
            "amount": HoursBetween(MentoringSession.starts_at, MentoringSession.ends_at),
            **person_columns(bands),
            "service": GroupRun.service_code,
            "team": GroupRun.team_id,
            "practitioner": MentoringSession.mentor_id,
        },
        team=GroupRun.team_id,
        project=reach.project.group_runs(MentoringSession.run_id),
        attribution=(ActivityKind.GROUP_RUN, MentoringSession.run_id),
    )


def _peer_led_run(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    """Runs led by peer leaders that held a meeting in the period (someone marked present)."""
    led = exists().where(GroupRunLeader.run_id == GroupRun.id)
    held = exists().where(
        GroupMeeting.run_id == GroupRun.id,
        between(GroupMeeting.starts_at, window),
        exists().where(
            MeetingAttendance.meeting_id == GroupMeeting.id,
            MeetingAttendance.presence == MeetingPresence.PRESENT,
        ),
    )
    return Fact(
        select_from=GroupRun.__table__,
        where=[led, held],
        columns={"unit": GroupRun.id, "service": GroupRun.service_code, "team": GroupRun.team_id},
        team=GroupRun.team_id,
        project=reach.project.group_runs(GroupRun.id),
        attribution=(ActivityKind.GROUP_RUN, GroupRun.id),
    )


def consultation_person() -> ColumnElement[Any]:
    """Who came: the client, else the returning-visitor token, else this one visit."""
    ic = InformationConsultation
    return case(
        (ic.client_id.is_not(None), literal("c") + cast(ic.client_id, String)),
        (ic.visitor_token.is_not(None), literal("t") + ic.visitor_token),
        else_=literal("a") + cast(ic.id, String),
    )


def _consultation(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    ic = InformationConsultation
    linked = Client.id.is_not(None)
    person = consultation_person()
    facts = {
        # A linked consultation takes its statistics from the client record.
        "gender": func.coalesce(cast(Client.gender, String), cast(ic.gender, String)),
        "age_band": case((linked, age_band_of(bands)), else_=visitor_age_band(bands)),
        "nationality": func.coalesce(Client.nationality, ic.nationality),
        "migration_reason": func.coalesce(
            cast(Client.migration_reason, String), cast(ic.migration_reason, String)
        ),
    }
    # A returning visitor may tell different facts on different visits: a person keeps those of
    # their first visit in the period, so a breakdown of people adds up to the total.
    first = {
        name: func.first_value(expression).over(
            partition_by=person, order_by=(ic.consulted_on, ic.id)
        )
        for name, expression in facts.items()
    }
    return Fact(
        select_from=ic.__table__.outerjoin(Client, Client.id == ic.client_id),
        where=[ic.consulted_on >= window.start, ic.consulted_on <= window.end],
        columns={
            "unit": ic.id,
            "person": person,
            "amount": cast(ic.duration_minutes, Float) / 60.0,
            **facts,
            "language": ic.language,
            "channel": ic.channel,
            "team": ic.team_id,
            "practitioner": ic.consultant_id,
        },
        team=ic.team_id,
        project=reach.project.consultations(ic.id),
        attribution=(ActivityKind.CONSULTATION, ic.id),
        shown=first,
    )


def _training(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    tp = TrainingParticipation
    return Fact(
        select_from=tp.__table__.join(Training, Training.id == tp.training_id).join(
            PartnerInstitution, PartnerInstitution.id == tp.institution_id
        ),
        where=[Training.held_on >= window.start, Training.held_on <= window.end],
        columns={
            "unit": tp.training_id,
            "amount": tp.headcount,
            "institution": tp.institution_id,
            "professional_type": tp.professional_type,
            "institution_kind": PartnerInstitution.kind,
        },
        team=None,
        project=reach.project.trainings(tp.training_id),
        attribution=(ActivityKind.TRAINING, tp.training_id),
    )


def _event(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    return Fact(
        select_from=PublicEvent.__table__,
        where=[PublicEvent.held_on >= window.start, PublicEvent.held_on <= window.end],
        columns={
            "unit": PublicEvent.id,
            "amount": PublicEvent.headcount,
            "event_kind": PublicEvent.kind,
        },
        team=None,
        project=reach.project.events(PublicEvent.id),
        attribution=(ActivityKind.EVENT, PublicEvent.id),
    )


def _survey(source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]) -> Fact:
    sr = SurveyResponse
    project = or_(
        and_(sr.group_run_id.is_not(None), reach.project.group_runs(sr.group_run_id)),
        and_(sr.group_run_id.is_(None), reach.project.services(sr.service_code)),
    )
    return Fact(
        select_from=sr.__table__.outerjoin(GroupRun, GroupRun.id == sr.group_run_id),
        where=[between(sr.submitted_at, window)],
        columns={
            "unit": sr.id,
            "service": sr.service_code,
            "language": sr.language,
            "team": GroupRun.team_id,
            "level": sr.level,
        },
        team=GroupRun.team_id,
        project=true() if reach.project.project_id is None else project,
        attribution=(ActivityKind.SERVICE, sr.service_code),
    )


def _partner_institution(
    source: Source, window: Window, reach: Reach, bands: Sequence[AgeBand]
) -> Fact:
    pi = PartnerInstitution
    project: ColumnElement[bool] = true()
    if reach.project.project_id is not None:
        # An institution is in a project's network once its people took part in its trainings.
        tp = TrainingParticipation
        project = exists().where(
            tp.institution_id == pi.id,
            tp.training_id == Training.id,
            Training.held_on <= window.end,
            reach.project.trainings(tp.training_id),
        )
    return Fact(
        select_from=pi.__table__,
        where=[pi.created_at < window.end_at],
        columns={"unit": pi.id, "institution_kind": pi.kind},
        team=None,
        project=project,
        attribution=None,
    )


FACTS: dict[str, Callable[[Source, Window, Reach, Sequence[AgeBand]], Fact]] = {
    "assessment": _assessment,
    "enrolment": _enrolment,
    "group_participation": _group_participation,
    "appointment": _appointment,
    "group_meeting": _group_meeting,
    "mentoring": _mentoring,
    "peer_led_run": _peer_led_run,
    "consultation": _consultation,
    "training": _training,
    "event": _event,
    "event_reach": event_reach_fact,
    "survey": _survey,
    "partner_institution": _partner_institution,
}
