"""The coordinator's partner work in a real browser, with no API token: partner institutions, a
training with participants from two institutions, a webinar with a partner and the people
reached by language, the lists, and the figure in the funders' report."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [
    pytest.mark.browser,
    # As in the other journeys: the development server may leave a static file unclosed when the
    # browser drops a connection mid-response (werkzeug, not our code).
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

EMAIL = "coordinator@browser.test"


def _coordinator(server: Any) -> None:
    """A coordinator account (the shared harness makes none); reading the pages in English."""
    from casework.auth.models import Language, Role
    from casework.auth.services import create_user, find_user
    from casework.db import db
    from tests.factories import PASSWORD

    with server.app.app_context():
        if find_user(EMAIL) is None:
            create_user(
                EMAIL,
                display_name="Celina Coordinator",
                roles=(Role.COORDINATOR,),
                password=PASSWORD,
                language=Language.EN,
            )
            db.session.commit()
    server.emails["coordinator"] = EMAIL


def _add_institution(page: Any, name: str, kind: str) -> None:
    page.click("nav[aria-label='Partner work'] >> text=Partner institutions")
    page.click("text=Add an institution")
    page.fill("#name", name)
    page.select_option("#kind", label=kind)
    page.fill("#city", "Kraków")
    page.click("button:has-text('Save the institution')")
    page.wait_for_selector("text=The institution is on the list.")
    assert page.locator(f"td:text-is('{name}')").is_visible()


def test_a_coordinator_records_a_training_and_a_webinar_and_sees_them(
    visit: Any, live_server: Any
) -> None:
    _coordinator(live_server)
    session = visit("coordinator")
    page = session.page
    page.click("nav[aria-label=Main] >> text=Trainings and events")
    page.wait_for_url("**/partners/trainings")
    session.check("coordinator-trainings-empty")

    _add_institution(page, "MOPS Nowa Huta (browser)", "Social welfare")
    _add_institution(page, "Urząd Miasta (browser)", "Local government")
    session.check("coordinator-institutions")

    page.click("nav[aria-label='Partner work'] >> text=Trainings")
    page.click("text=Record a training")
    page.fill("#title", "Responding to violence (browser)")
    page.fill("#hours", "6")
    page.select_option("#participants-0-institution", label="MOPS Nowa Huta (browser)")
    page.select_option("#participants-0-professional_type", label="Social worker")
    page.fill("#participants-0-headcount", "6")
    page.select_option("#participants-1-institution", label="Urząd Miasta (browser)")
    page.select_option("#participants-1-professional_type", label="Public official")
    page.fill("#participants-1-headcount", "4")
    session.check("coordinator-training-form")
    page.click("button:has-text('Save the training')")
    page.wait_for_selector("text=The training is recorded.")
    assert page.locator("h1:has-text('Responding to violence (browser)')").is_visible()
    assert page.locator("td[data-total]").inner_text() == "10"
    assert page.locator("td:text-is('Public official')").is_visible()
    session.check("coordinator-training")
    page.click("nav[aria-label='Partner work'] >> text=Trainings")
    row = page.locator("tr", has=page.locator("text=Responding to violence (browser)"))
    assert row.locator("td[data-professionals]").inner_text() == "10"

    page.click("nav[aria-label='Partner work'] >> text=Events")
    page.click("text=Record an event")
    page.fill("#title", "Your rights at work (browser)")
    page.select_option("#kind", label="Webinar")
    page.check("label:has-text('Online')")
    page.check("label:has-text('Urząd Miasta (browser)')")
    page.fill("#headcount", "150")
    page.select_option("#reach-0-language", "uk")
    page.fill("#reach-0-headcount", "90")
    page.select_option("#reach-1-language", "pl")
    page.fill("#reach-1-headcount", "40")
    session.check("coordinator-event-form")
    page.click("button:has-text('Save the event')")
    page.wait_for_selector("text=The event is recorded.")
    row = page.locator("tr", has=page.locator("text=Your rights at work (browser)"))
    for shown in ("Webinar", "Online", "Urząd Miasta (browser)", "150", "Українська: 90"):
        assert row.locator(f"text={shown}").count() >= 1, shown
    session.check("coordinator-events")

    # The funders' report counts the webinar's reach, by language.
    session.go("/reports/wromigrant")
    table = page.locator("table", has=page.locator("caption:has-text('People reached at events')"))
    assert table.locator("tr[data-total] td").inner_text() == "150"
    assert (
        table.locator("tr", has=page.locator("td:text-is('Ukrainian')"))
        .locator("td")
        .last.inner_text()
        == "90"
    )
    session.check("coordinator-report-reach")
