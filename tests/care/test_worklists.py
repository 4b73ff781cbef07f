"""Work lists say who and what: names read in ONE batched, audited read per list, whatever its
length; the agenda, today's appointments and the appointment page name client, case, service
and level."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from casework.audit.chaining import append_queued
from casework.audit.models import AuditEvent
from casework.auth.models import User
from casework.care import pages
from casework.care.models import AppointmentMode
from casework.care.services import appointments, enrolments
from casework.clients.names import client_display_name
from casework.clock import centre_midnight
from casework.db import db
from casework.home.pages import my_work
from tests.counting import counted
from tests.factories import VIOLENT, make_assessment, make_case, staff


def _name_reads() -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == "client.read")) or 0


def _book(manager: User, therapist: User, clients: int, *, hour: int = 1) -> list:
    """`clients` cases, each with an appointment today with `therapist`."""
    made = []
    for index in range(clients):
        case = make_case(manager)
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        start = centre_midnight() + timedelta(hours=hour, minutes=index)
        appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            mode=AppointmentMode.IN_PERSON,
            place="Room 2",
        )
        made.append(case)
    return made


def _agenda_cost(therapist: User) -> tuple[int, int, list]:
    before = _name_reads()
    with counted() as statements:
        week = pages.agenda_week(therapist, weeks=0)
        append_queued()  # the page's events are chained at its commit: count them with it
    audit_writes = [
        s
        for s in statements
        if "audit" in s.lower() and not s.lstrip().upper().startswith("SELECT")
    ]
    return len(statements), len(audit_writes), [_name_reads() - before, week]


def test_the_agenda_reads_every_name_in_one_batch_whatever_its_length(app: Flask, team) -> None:
    with app.test_request_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        cases = _book(manager, therapist, 2)
        make_assessment(manager, cases[0], VIOLENT)
        small, small_audit, (small_events, week) = _agenda_cost(therapist)
        assert small_events == 2  # one event per client read, written in one batch
        row = next(r for r in week.rows if r.who.case_id == cases[0].id)
        assert [client_display_name(c) for c in row.who.clients] == [
            client_display_name(cases[0].participants[0].client)
        ]
        assert row.who.reference == cases[0].reference
        assert row.who.services == ("individual_counselling",)
        assert row.who.level == "very_high"

        _book(manager, therapist, 6, hour=3)
        large, large_audit, (large_events, week) = _agenda_cost(therapist)
        assert len(week.rows) == 8 and large_events == 8
        assert large == small, "statements must not grow with the number of rows"
        assert 2 <= large_audit == small_audit <= 3  # head bump, one batched insert, head MAC


def test_a_client_appearing_in_many_rows_is_read_once(app: Flask, team) -> None:
    with app.test_request_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        (case,) = _book(manager, therapist, 1)
        enrolment = enrolments.enrolments_of_case(manager, case.id)[0]
        start = centre_midnight() + timedelta(hours=5)
        appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            mode=AppointmentMode.IN_PERSON,
        )
        before = _name_reads()
        week = pages.agenda_week(therapist, weeks=0)
        assert len(week.rows) == 2
        assert _name_reads() - before == 1


def test_my_work_names_the_client_case_service_and_level_in_one_batch(app: Flask, team) -> None:
    with app.test_request_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        (case,) = _book(manager, therapist, 1)
        make_assessment(manager, case, VIOLENT)
        before = _name_reads()
        with counted() as statements:
            work = my_work(therapist)
            append_queued()
        (row,) = work.appointments_today
        assert row.who.reference == case.reference and row.who.level == "very_high"
        assert row.who.clients[0].id == case.client_ids[0]
        assert _name_reads() - before == 1
        head_bumps = [s for s in statements if "UPDATE audit_head" in s]
        assert len(head_bumps) == 2  # one batch for the whole page: take the head, set its MAC
        managed = my_work(manager)
        listed = [w for items in managed.cases_by_state.values() for _, w in items]
        assert case.id in {w.case_id for w in listed}
        assert all(w.clients for w in listed)


def test_names_are_shown_only_to_those_who_may_see_the_client(app: Flask, team) -> None:
    with app.test_request_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        (case,) = _book(manager, therapist, 1)
        from casework.care.services.worklists import Subject, who_and_what

        (seen,) = who_and_what(manager, [Subject(case.id)])
        (unseen,) = who_and_what(staff(team, "therapist2"), [Subject(case.id)])
        assert seen.clients and seen.reference == case.reference
        assert unseen.clients == () and unseen.reference is None


def test_the_appointment_page_says_whom_the_session_is_with(app: Flask, team) -> None:
    with app.test_request_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        (case,) = _book(manager, therapist, 1)
        appointment = pages.agenda_week(therapist, weeks=0).rows[0].appointment
        page = pages.appointment_page(therapist, appointment.id)
        assert page.who.reference == case.reference
        assert page.who.clients[0].id == case.client_ids[0]
