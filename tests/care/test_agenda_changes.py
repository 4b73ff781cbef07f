"""Appointments from the agenda: weekly series, rescheduling, cancelling (service, pages, API),
and the practitioner's secret iCalendar feed that carries no names."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import User
from casework.auth.services import create_api_token
from casework.care.models import Appointment, AppointmentMode, Attendance
from casework.care.services import appointments, calendar, enrolments
from casework.clients.names import client_display_name
from casework.clock import centre_midnight, centre_zone
from casework.db import db
from casework.errors import Conflict, NotFound, ValidationError
from tests.factories import make_case, staff
from tests.pages import csrf_token, sign_in


def _enrolment(manager: User, therapist: User):
    case = make_case(manager)
    enrolment = enrolments.enrol(
        manager,
        case.id,
        client_id=case.client_ids[0],
        service_code="individual_counselling",
        practitioner_id=therapist.id,
    )
    return case, enrolment


def _series(therapist: User, enrolment_id, *, weeks: int, days_ahead: int = 1) -> Appointment:
    start = centre_midnight() + timedelta(days=days_ahead, hours=10)
    return appointments.schedule_appointment(
        therapist,
        enrolment_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        mode=AppointmentMode.IN_PERSON,
        place="Room 3",
        weeks=weeks,
    )


def _in_series(first: Appointment) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.series_id == first.series_id)
            .order_by(Appointment.starts_at)
        )
    )


def test_a_weekly_series_keeps_the_local_time_every_week(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        _case, enrolment = _enrolment(manager, therapist)
        first = _series(therapist, enrolment.id, weeks=30)
        series = _in_series(first)
        assert len(series) == 30 and first.series_id is not None
        local = [a.starts_at.astimezone(centre_zone()) for a in series]
        assert {(t.hour, t.minute, t.weekday()) for t in local} == {(10, 0, local[0].weekday())}
        assert all((a.ends_at - a.starts_at) == timedelta(minutes=50) for a in series)
        with pytest.raises(ValidationError):
            _series(therapist, enrolment.id, weeks=53)
        single = _series(therapist, enrolment.id, weeks=1)
        assert single.series_id is None


def test_rescheduling_moves_one_appointment_with_its_version(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        _case, enrolment = _enrolment(manager, therapist)
        first = _series(therapist, enrolment.id, weeks=3)
        later = first.starts_at + timedelta(hours=3)
        moved = appointments.reschedule_appointment(
            therapist,
            first.id,
            starts_at=later,
            ends_at=later + timedelta(hours=1),
            place="Room 9",
            expected_version=first.version,
        )
        assert moved.starts_at == later and moved.place == "Room 9"
        assert moved.series_id is not None
        with pytest.raises(Conflict):  # the version it was shown is no longer current
            appointments.reschedule_appointment(
                therapist,
                first.id,
                starts_at=later,
                ends_at=later + timedelta(hours=1),
                place=None,
                expected_version=moved.version - 1,
            )
        with pytest.raises(NotFound):
            appointments.reschedule_appointment(
                staff(team, "therapist2"),
                first.id,
                starts_at=later,
                ends_at=later + timedelta(hours=1),
                place=None,
                expected_version=moved.version,
            )


def test_cancelling_one_or_the_rest_of_a_series(app: Flask, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        _case, enrolment = _enrolment(manager, therapist)
        first = _series(therapist, enrolment.id, weeks=4)
        series = _in_series(first)
        one = appointments.cancel_appointment(
            therapist,
            series[0].id,
            cancelled=Attendance.CANCELLED_BY_CLIENT,
            expected_version=series[0].version,
        )
        assert [a.id for a in one] == [series[0].id]
        rest = appointments.cancel_appointment(
            therapist,
            series[1].id,
            cancelled=Attendance.CANCELLED_BY_CENTRE,
            expected_version=series[1].version,
            with_later_in_series=True,
        )
        assert [a.id for a in rest] == [a.id for a in series[1:]]
        assert {a.attendance for a in _in_series(first)} == {
            Attendance.CANCELLED_BY_CLIENT,
            Attendance.CANCELLED_BY_CENTRE,
        }
        with pytest.raises(Conflict):  # a cancelled appointment is not moved again
            appointments.cancel_appointment(
                therapist,
                series[0].id,
                cancelled=Attendance.CANCELLED_BY_CENTRE,
                expected_version=series[0].version,
            )
        with pytest.raises(ValidationError):
            appointments.cancel_appointment(
                therapist, series[0].id, cancelled=Attendance.ATTENDED, expected_version=1
            )


def test_the_calendar_feed_carries_times_places_and_references_only(app: Flask, team) -> None:
    with app.test_request_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case, enrolment = _enrolment(manager, therapist)
        first = _series(therapist, enrolment.id, weeks=2)
        feed, secret = calendar.create_feed(therapist)
        assert secret not in feed.secret_hash and len(feed.secret_hash) == 64
        from casework.care import pages

        text = pages.calendar_feed(secret)
        assert text.startswith("BEGIN:VCALENDAR\r\n") and text.count("BEGIN:VEVENT") == 2
        assert f"SUMMARY:{case.reference}" in text and "LOCATION:Room 3" in text
        assert str(first.id) in text
        client = case.participants[0].client
        for secret_part in (client.given_name, client.family_name, client_display_name(client)):
            assert secret_part and secret_part not in text
        assert "individual" not in text.lower()  # no service either
        _again, replaced = calendar.create_feed(therapist)
        with pytest.raises(NotFound):
            pages.calendar_feed(secret)  # the replaced address stops working
        assert calendar.revoke_feed(therapist)
        with pytest.raises(NotFound):
            pages.calendar_feed(replaced)


def _signed_in(client: FlaskClient, team_emails, name: str) -> None:
    assert sign_in(client, team_emails[name]).status_code == 302


def test_the_agenda_page_names_the_client_and_reschedules_and_cancels(
    app: Flask, client: FlaskClient, team, team_emails
) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case, enrolment = _enrolment(manager, therapist)
        first = _series(therapist, enrolment.id, weeks=3)
        name = client_display_name(case.participants[0].client)
        first_id, version, reference = first.id, first.version, case.reference
        day = (centre_midnight() + timedelta(days=2)).date().isoformat()
        db.session.commit()
    _signed_in(client, team_emails, "therapist")
    page = client.get("/agenda").get_data(as_text=True)
    assert name in page and reference in page and "Individual" in page
    assert "individual_counselling" not in page and "very_high" not in page
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids on the agenda"

    form = client.get(f"/appointments/{first_id}/reschedule").get_data(as_text=True)
    assert name in form
    token = csrf_token(client, f"/appointments/{first_id}/reschedule")
    moved = client.post(
        f"/appointments/{first_id}/reschedule",
        data={
            "csrf_token": token,
            "day": day,
            "starts": "15:30",
            "minutes": "45",
            "place": "Room 1",
            "version": str(version),
        },
    )
    assert moved.status_code == 302, moved.get_data(as_text=True)
    stale = client.post(
        f"/appointments/{first_id}/reschedule",
        data={"csrf_token": token, "day": day, "starts": "16:30", "minutes": "45"},
    )
    assert stale.status_code == 200 and "out of date" in stale.get_data(as_text=True)
    cancelled = client.post(
        f"/appointments/{first_id}/cancel",
        data={
            "csrf_token": token,
            "cancelled": "cancelled_by_centre",
            "with_later_in_series": "y",
            "version": str(version + 1),
            "week": "0",
        },
    )
    assert cancelled.status_code == 302
    with app.app_context():
        states = {
            a.attendance
            for a in db.session.scalars(
                select(Appointment).where(Appointment.enrolment_id == enrolment.id)
            )
        }
    assert states == {Attendance.CANCELLED_BY_CENTRE}


def test_the_calendar_address_is_shown_once_and_works_without_signing_in(
    app: Flask, client: FlaskClient, team, team_emails
) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        case, enrolment = _enrolment(manager, therapist)
        _series(therapist, enrolment.id, weeks=1)
        reference = case.reference
        db.session.commit()
    _signed_in(client, team_emails, "therapist")
    token = csrf_token(client, "/agenda/calendar")
    made = client.post("/agenda/calendar", data={"csrf_token": token}).get_data(as_text=True)
    address = re.search(r'value="(http[^"]+\.ics)"', made).group(1)
    assert address not in client.get("/agenda/calendar").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": token})
    anonymous = app.test_client()
    path = address.split("localhost", 1)[1]
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert reference in feed.get_data(as_text=True)
    assert feed.headers["Cache-Control"] == "no-store"
    assert anonymous.get(path.replace(".ics", "x.ics")).status_code == 404


def test_the_api_schedules_a_series_reschedules_and_cancels(app: Flask, client, team) -> None:
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        _case, enrolment = _enrolment(manager, therapist)
        headers = {"Authorization": "Bearer " + create_api_token(therapist, name="t")[1]}
        enrolment_id = enrolment.id
        start = centre_midnight() + timedelta(days=1, hours=9)
        db.session.commit()
    made = client.post(
        f"/api/v1/enrolments/{enrolment_id}/appointments",
        json={
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "mode": "in_person",
            "weeks": 3,
        },
        headers=headers,
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["series_id"]
    later = start + timedelta(hours=2)
    missing_version = client.patch(
        f"/api/v1/appointments/{body['id']}",
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()},
        headers=headers,
    )
    assert missing_version.status_code == 422
    moved = client.patch(
        f"/api/v1/appointments/{body['id']}",
        json={
            "starts_at": later.isoformat(),
            "ends_at": (later + timedelta(hours=1)).isoformat(),
            "version": body["version"],
        },
        headers=headers,
    )
    assert moved.status_code == 200, moved.get_json()
    cancelled = client.post(
        f"/api/v1/appointments/{body['id']}/cancellation",
        json={
            "attendance": "cancelled_by_client",
            "with_later_in_series": True,
            "version": moved.get_json()["version"],
        },
        headers=headers,
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    assert len(cancelled.get_json()) == 3
