"""The case page's timeline in slices: newest first, each entry exactly once, an "Earlier" cursor
to the next slice, and a cursor that is not ours starting again from the newest."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from casework.care.models import AppointmentMode
from casework.care.services import appointments, enrolments
from casework.casefile.pages import case_page
from casework.db import db, utcnow
from tests.factories import make_case, staff


def _case_with_appointments(team, count: int):
    manager, therapist = staff(team, "manager"), staff(team, "therapist")
    case = make_case(manager)
    enrolment = enrolments.enrol(
        manager,
        case.id,
        client_id=case.client_ids[0],
        service_code="individual_counselling",
        practitioner_id=therapist.id,
    )
    same_time = utcnow() - timedelta(days=3)
    for number in range(count):
        # two appointments share each start: the cursor must still cut between them exactly
        start = same_time - timedelta(hours=number // 2)
        appointments.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            mode=AppointmentMode.REMOTE,
        )
    db.session.flush()
    return manager, case


def test_walking_the_timeline_shows_every_entry_once_newest_first(app: Flask, team) -> None:
    with app.app_context():
        manager, case = _case_with_appointments(team, 11)
        whole = case_page(manager, case.id, timeline_limit=None)
        assert whole.earlier is None
        seen, cursor, pages = [], None, 0
        while True:
            page = case_page(manager, case.id, earlier=cursor, timeline_limit=4)
            assert len(page.timeline) <= 4
            assert page.is_earlier_page == (cursor is not None)
            seen += [entry.key for entry in page.timeline]
            pages += 1
            if page.earlier is None:
                break
            cursor = page.earlier
        assert seen == [entry.key for entry in whole.timeline]
        assert len(seen) == len(set(seen)) == 11 + 2  # the appointments, the enrolment, opening
        assert pages == 4


def test_a_cursor_that_is_not_ours_starts_from_the_newest(app: Flask, team) -> None:
    with app.app_context():
        manager, case = _case_with_appointments(team, 6)
        first = case_page(manager, case.id, timeline_limit=3)
        for cursor in ("not-base64!", "bm90IGpzb24", "WzEsIDJd", ""):
            page = case_page(manager, case.id, earlier=cursor, timeline_limit=3)
            assert [e.key for e in page.timeline] == [e.key for e in first.timeline]
            assert not page.is_earlier_page
