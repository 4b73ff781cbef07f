"""A facilitator and a consultant complete their programme tasks in the browser, with no API
token: direct enrolment, attendance and mentoring; a consultation linked to a client, linking one
afterwards, and the statistics. axe-core and a screenshot on each page."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def test_a_facilitator_enrols_keeps_attendance_and_records_mentoring(visit) -> None:
    from casework.auth.services import find_user
    from casework.clock import centre_today
    from casework.db import db, utcnow
    from casework.groups.services import enrolments as group_enrolments
    from casework.groups.services import meetings as group_meetings
    from casework.groups.services import runs as group_runs
    from tests.factories import make_consenting_client

    session = visit("facilitator")
    server = session.server
    club_id = uuid.UUID(server.group_run("Fathers' club (browser tasks)", capacity=3))
    with server.app.app_context():
        facilitator = find_user(server.emails["facilitator"])
        make_consenting_client(facilitator, given_name="Kateryna", family_name="Walk-in")
        start = utcnow() - timedelta(hours=3)
        group_meetings.schedule_meeting(
            facilitator, club_id, starts_at=start, ends_at=start + timedelta(hours=2), place="Hall"
        )
        cohort = group_runs.create_run(
            facilitator,
            name="Leaders' academy (browser tasks)",
            service_code="support_group_mothers",
            capacity=5,
            starts_on=centre_today(),
            facilitator_ids=[facilitator.id],
            is_cohort=True,
        )
        member = make_consenting_client(facilitator, given_name="Larysa", family_name="Leader")
        group_enrolments.enrol(facilitator, cohort.id, client_id=member.id)
        in_two_days = (centre_today() + timedelta(days=2)).isoformat()
        db.session.commit()
    page = session.page
    session.go("/")
    page.click("nav[aria-label=Main] >> text=Group runs")
    page.click("text=Fathers' club (browser tasks)")
    page.select_option("#enrol-person", label="Kateryna Walk-in")
    page.click("button:has-text('Enrol')")
    page.wait_for_selector("text=The participant has a seat in the group run.")
    assert page.locator(
        "section[aria-labelledby=roster-title] >> text=Kateryna Walk-in"
    ).is_visible()
    session.check("run-direct-enrolment")
    page.locator("section[aria-labelledby=meetings-title] table a").first.click()
    page.wait_for_url("**/groups/meetings/*")
    page.locator("input[value=present]").first.check()
    page.click("button:has-text('Save the attendance')")
    page.wait_for_selector("text=The attendance is recorded.")
    page.click("nav[aria-label=Main] >> text=Group runs")
    page.click("text=Leaders' academy (browser tasks)")
    page.select_option("#mentoring-member", label="Larysa Leader")
    page.select_option("#mentoring-mentor", label="Filip Facilitator")
    page.fill("#mentoring-day", in_two_days)
    page.fill("#mentoring-starts", "15:30")
    page.click("button:has-text('Record the session')")
    page.wait_for_selector("text=The mentoring session is recorded.")
    mentoring = page.locator("table[data-mentoring] tbody tr")
    assert mentoring.count() == 1
    assert (
        "Larysa Leader" in mentoring.inner_text() and "Filip Facilitator" in mentoring.inner_text()
    )
    session.check("cohort-mentoring")


def test_a_consultant_links_consultations_to_a_client_and_reads_the_statistics(visit) -> None:
    from casework.auth.models import Language, Role
    from casework.auth.services import create_user, get_or_create_team
    from casework.clock import centre_today
    from casework.consultations.models import InformationConsultation
    from casework.db import db
    from tests.factories import PASSWORD, make_consenting_client

    # a consultant of their own, so the other journeys' counts of the shared one stay as they are
    session = visit()
    server = session.server
    with server.app.app_context():
        consultant = create_user(
            "consultant13@browser.test",
            display_name="Nadia Consultant",
            roles=(Role.CONSULTANT,),
            password=PASSWORD,
            team=get_or_create_team("Kraków Center for Families"),
            language=Language.EN,
        )
        make_consenting_client(consultant, given_name="Maryna", family_name="Visitor")
        db.session.commit()
        held = centre_today()
    server.emails["consultant13"] = "consultant13@browser.test"
    session.sign_in("consultant13")
    page = session.page
    session.go("/consultations/new")
    page.check("label:has-text('PESEL')")
    page.select_option("#client", label="Maryna Visitor")
    page.click("button:has-text('Log the consultation')")
    page.wait_for_selector("text=The consultation is logged.")
    # an anonymous one, linked afterwards
    page.check("label:has-text('PESEL')")
    page.click("button:has-text('Log the consultation')")
    page.wait_for_selector("text=2 consultations logged today")
    with server.app.app_context():
        anonymous = db.session.scalars(
            InformationConsultation.__table__.select()
            .with_only_columns(InformationConsultation.id)
            .where(
                InformationConsultation.consultant_id == consultant.id,
                InformationConsultation.consulted_on == held,
                InformationConsultation.client_id.is_(None),
            )
        ).one()
    page.click("text=My consultations")
    assert page.locator("tbody >> text=Registered client").count() == 1
    page.click(f"a[href='/consultations/{anonymous}']")
    page.wait_for_url(f"**/consultations/{anonymous}")
    session.check("consultation-to-link")
    page.select_option("#client", label="Maryna Visitor")
    page.click("button:has-text('Link the consultation')")
    page.wait_for_selector("text=The consultation is linked to the client.")
    assert page.locator("text=Registered client: Maryna Visitor").is_visible()
    page.click("nav[aria-label=Main] >> text=Consultation statistics")
    page.wait_for_url("**/consultations/statistics")
    assert page.locator("[data-total]").inner_text() == "<5"  # small counts are never shown
    visitors = page.locator("table[data-breakdown=visitor]").inner_text()
    assert "Registered client" in visitors
    session.check("consultation-statistics")
