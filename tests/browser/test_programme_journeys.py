"""Journeys of the programme pages in a real browser, with axe-core and a screenshot of each."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

pytestmark = [
    pytest.mark.browser,
    # The development server in the test's thread may leave a static file unclosed when the
    # browser drops a connection mid-response (werkzeug, not our code): not a failure here.
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def test_a_consultant_logs_a_consultation_from_the_keyboard(visit) -> None:
    session = visit("consultant")
    page = session.page
    session.go("/consultations/new")
    assert page.locator("h1:has-text('Log a consultation')").is_visible()
    session.check("consultation-form")
    # the first topic has the focus: Space ticks it, Enter saves the form with its defaults
    focused = page.evaluate("document.activeElement.value")
    assert focused == "residence_legalisation"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # to the next topic
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=The consultation is logged.")
    assert page.locator("text=1 consultation logged today").is_visible()
    assert page.locator("input[type=checkbox]:checked").count() == 0  # a fresh form
    session.check("consultation-logged")
    page.fill("#duration_minutes", "25")
    page.check("label:has-text('PESEL')")
    page.check("label:has-text('By phone')")
    page.select_option("#age_group", "30_44")
    page.fill("#visitor_phone", "+380 67 123 45 67")
    page.press("#visitor_phone", "Enter")
    page.wait_for_selector("text=2 consultations logged today")
    assert "380" not in page.url
    page.click("text=My consultations")
    assert page.locator("tbody tr").count() == 2
    assert page.locator("text=Token kept").is_visible()
    session.check("my-consultations")


def _high_level_case_without_contact(server) -> str:
    """A case of the manager opened 40 days ago (outside the contact window), assessed very high a
    week ago, active, with no contact since."""
    from casework.auth.services import find_user
    from casework.cases.models import CaseState
    from casework.db import db, utcnow
    from tests.factories import VIOLENT, make_assessment, make_case

    with server.app.app_context():
        manager = find_user(server.emails["manager"])
        case = make_case(manager)
        make_assessment(manager, case, VIOLENT, days_ago=7)
        case.state = CaseState.ACTIVE
        case.opened_at = utcnow() - timedelta(days=40)
        case.updated_at = utcnow() - timedelta(days=7)
        db.session.commit()
        return case.reference


def test_a_supervisor_finds_a_high_level_case_without_contact_and_opens_it(visit) -> None:
    session = visit("supervisor")
    reference = _high_level_case_without_contact(session.server)
    session.server.group_run("Fathers (browser dashboard)", capacity=2)
    page = session.page
    page.click("nav[aria-label=Main] >> text=Caseload review")
    page.wait_for_url("**/caseload")
    assert page.locator("svg.chart rect").count() > 0
    row = page.locator("tr[data-no-contact-case]", has=page.locator(f"a:has-text('{reference}')"))
    assert row.locator("text=Very high").is_visible()
    session.check("caseload-dashboard")
    page.fill("#days", "10")
    page.click("button:has-text('Show')")
    page.wait_for_url("**/caseload?days=10")
    row.locator(f"a:has-text('{reference}')").click()
    page.wait_for_url("**/cases/*")
    assert page.locator(f"text={reference}").first.is_visible()


def test_a_facilitator_keeps_the_attendance_of_a_meeting(visit) -> None:
    session = visit("facilitator")
    run_id = uuid.UUID(session.server.group_run("Mothers (browser attendance)", capacity=1))
    from casework.auth.services import find_user
    from casework.db import db, utcnow
    from casework.groups.services import enrolments as group_enrolments
    from casework.groups.services import meetings as group_meetings
    from tests.factories import make_consenting_client

    with session.server.app.app_context():
        facilitator = find_user(session.server.emails["facilitator"])
        for given in ("Iryna", "Jolanta"):
            person = make_consenting_client(facilitator, given_name=given, family_name="Group")
            group_enrolments.enrol(facilitator, run_id, client_id=person.id)
        start = utcnow() - timedelta(hours=3)
        group_meetings.schedule_meeting(
            facilitator, run_id, starts_at=start, ends_at=start + timedelta(hours=2), place="Hall"
        )
        db.session.commit()
    page = session.page
    session.go("/")
    assert page.locator("[data-slot=waitlists] >> text=Mothers (browser attendance)").is_visible()
    page.click("nav[aria-label=Main] >> text=Group runs")
    session.check("my-group-runs")
    page.click("text=Mothers (browser attendance)")
    assert page.locator("[data-waitlist] >> text=Jolanta Group").is_visible()
    session.check("group-run")
    page.locator("table a").last.click()
    page.wait_for_url("**/groups/meetings/*")
    session.check("attendance-sheet")
    page.locator("input[value=present]").first.check()
    page.click("button:has-text('Save the attendance')")
    page.wait_for_selector("text=The attendance is recorded.")


def test_supervision_record_with_an_action_marked_done(visit) -> None:
    supervisor = visit("supervisor")
    page = supervisor.page
    page.click("nav[aria-label=Main] >> text=Supervision records")
    page.click("text=Record a supervision")
    page.select_option("#practitioner", label="Tomasz Therapist")
    page.fill("#notes", "Pacing with a family in crisis.")
    page.fill("#actions-0-text", "Plan the next family session together")
    page.fill("#actions-0-due_on", "2030-01-31")
    supervisor.check("supervision-new")
    page.click("button:has-text('Save the record')")
    page.wait_for_selector("text=The supervision record is saved.")
    supervisor.check("supervision-record")

    therapist = visit("therapist")
    tpage = therapist.page
    tpage.click("nav[aria-label=Main] >> text=Supervision records")
    therapist.check("supervision-records")
    tpage.locator("tbody a").first.click()
    tpage.click("button:has-text('Mark done')")
    tpage.wait_for_selector("text=The action is marked done.")
