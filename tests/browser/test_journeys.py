"""Journeys in a real browser (Chromium), with axe-core and a screenshot of each main page.

The programme pages (consultation log, caseload dashboard, group runs, supervision records) have
their journeys in `test_programme_journeys.py`; the intake journey here ends with a group run.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

pytestmark = [
    pytest.mark.browser,
    # The development server in the test's thread may leave a static file unclosed when the
    # browser drops a connection mid-response (werkzeug, not our code): not a failure here.
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _intake(session, given: str, family: str, phone: str, *, another: bool = False) -> None:
    """Register a client: a new intake, or `another` participant for the same case."""
    page = session.page if another else session.go("/intake")
    page.fill("#given_name", given)
    page.fill("#family_name", family)
    page.fill("#birth_year", "1986")
    page.fill("#phone", phone)
    page.click("text=Register the client")


def _consent(session) -> None:
    session.page.click("button:has-text('Record')")
    session.page.wait_for_url("**/cases/new")


def _fill_lowest(page) -> None:
    """The first option of every visible question."""
    for item in page.locator("fieldset.item:visible").all():
        item.locator("input[type=radio]").first.check()


def _schedule_today(page, enrolment_label: str, *, joint: bool = False) -> None:
    today = datetime.now(ZoneInfo("Europe/Warsaw")).date().isoformat()
    form = page.locator("form", has=page.locator("#enrolment"))
    form.locator("#enrolment").select_option(label=enrolment_label)
    form.locator("#day").fill(today)
    form.locator("#starts").fill("00:05")
    form.locator("#place").fill("Room 3")
    if joint:
        form.locator("#is_joint").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=The appointment is scheduled.")


def test_case_manager_intake_norr_with_violence_then_recommendations_and_enrolment(visit) -> None:
    session = visit()
    session.go("/sign-in")
    session.check("sign-in")
    session.sign_in("manager")
    page = session.page
    session.check("home-case-manager")

    _intake(session, "Anna", "Kowalska", "600 700 800")
    _consent(session)
    _intake(session, "Ania", "Kowalska-Nowak", "+48 600 700 800")
    assert page.locator("text=Possible duplicates").is_visible()
    assert page.locator("td:has-text('Anna Kowalska')").is_visible()
    session.check("intake-duplicates")
    page.locator("form:has-text('Use this client') button").first.click()
    page.wait_for_url("**/consent")
    session.check("consent")
    page.click("text=Continue to the case without a new consent")
    session.check("open-case")
    page.select_option("#referral_source", "social_welfare_centre")
    page.click("button:has-text('Open the case')")
    page.wait_for_selector("text=is opened.")
    assert "Kowalska" not in page.title()
    session.check("case-page")

    page.select_option("#instrument", "norr")
    page.click("button:has-text('Start')")
    page.wait_for_url("**/assessments/*")
    assert "Kowalska" not in page.url
    # conditional questions follow the answers, in the browser
    follow_up = page.locator("[data-visible-when*='children_present']").first
    assert follow_up.is_hidden()
    page.check("#item-children_present-yes")
    assert follow_up.is_visible()
    page.check("#item-children_present-no")
    assert follow_up.is_hidden()
    page.locator("fieldset.item").first.locator("summary").click()  # interviewer guidance
    session.check("assessment-form")
    _fill_lowest(page)
    page.check("#item-v_weapon-yes")
    page.click("button:has-text('Save as draft')")
    page.wait_for_selector("text=The draft is saved.")
    assert page.locator("#item-v_weapon-yes").is_checked()
    page.click("button:has-text('Complete and score')")
    page.wait_for_url("**/result")

    assert page.locator("[data-level=very_high]").is_visible()
    assert page.locator("text=Very high risk").first.is_visible()
    assert page.locator(".mandatory-action:has-text('Niebieska Karta')").is_visible()
    assert page.locator("text=is not offered because").first.is_visible()
    session.check("assessment-result")

    result_url = page.url
    while page.locator("button:has-text('Accept')").count():
        page.locator("button:has-text('Accept')").first.click()
        page.wait_for_selector("text=The decision is saved.")  # on the prefilled enrolment
        page.goto(result_url)
    assert page.locator("button:has-text('Accept')").count() == 0

    page.click("text=Back to the case")
    enrol = page.locator("form", has=page.locator("#enrol-practitioner"))
    enrol.locator("#enrol-service").select_option("individual_counselling")
    enrol.locator("#enrol-practitioner").select_option(label="Tomasz Therapist")
    enrol.locator("button:has-text('Enrol')").click()
    page.wait_for_selector("text=The client is enrolled.")
    assert page.locator(".badge:has-text('Active')").is_visible()
    _schedule_today(page, "Individual psychological counselling — Anna Kowalska")
    session.check("case-page-active")

    page.click("text=Printable summary")
    page.emulate_media(media="print")
    session.check("case-summary-print")
    page.emulate_media(media="screen")

    # the last step of intake: a seat in a group run (the run is the facilitator's)
    case_url = page.url.removesuffix("/summary")
    page.goto(case_url)
    session.server.group_run("Parents' club (browser)", capacity=8)
    page.click("text=Enrol in a group run (seats and waitlists)")
    page.wait_for_url("**/group-runs")
    assert "Kowalska" not in page.title()
    session.check("case-enrol-group-run")
    page.check('label:has-text("Parents\' club (browser)")')
    page.click("button:has-text('Enrol')")
    page.wait_for_selector("text=The participant has a seat in the group run.")
    assert page.url == case_url

    session.go("/clients/search")
    page.fill("#phone", "600700800")
    page.click("button:has-text('Search')")
    assert page.locator("a:has-text('Anna Kowalska')").is_visible()
    assert "600700800" not in page.url
    session.check("client-search")


def test_therapist_writes_signs_and_amends_a_note(visit) -> None:
    session = visit("therapist")
    page = session.page
    session.check("home-therapist")
    session.go("/my-clients")
    assert page.locator("text=Anna Kowalska").is_visible()
    session.check("my-clients")
    session.go("/agenda")
    session.check("agenda")
    page.locator("table a").first.click()
    session.check("appointment")
    page.select_option("#attendance", "attended")
    page.click("form:has(#attendance) button")
    page.wait_for_selector("text=The attendance is recorded.")
    page.check("#kind-0")
    page.fill("#body", "Session 1: talked about safety at home; safety plan reviewed.")
    page.click("button:has-text('Save the draft')")
    page.wait_for_url("**/notes/*")
    session.check("note-draft")
    page.click("button[value=sign]")
    page.wait_for_selector("text=it can no longer change")
    page.fill("#body", "Correction: the session lasted 55 minutes.")
    page.click("button:has-text('Add the addendum')")
    page.wait_for_selector("text=The addendum is added.")
    assert page.locator("text=safety plan reviewed").is_visible()
    assert page.locator(".addendum:has-text('55 minutes')").is_visible()
    session.check("note-signed-with-addendum")


def test_in_a_couple_case_an_individual_disclosure_is_absent_from_the_joint_view(visit) -> None:
    manager = visit("manager")
    page = manager.page
    _intake(manager, "Ewa", "Wiśniewska", "600 111 222")
    _consent(manager)
    page.click("text=Add another participant")
    _intake(manager, "Piotr", "Wiśniewski", "600 333 444", another=True)
    _consent(manager)
    page.select_option("#kind", "couple")
    page.click("button:has-text('Open the case')")
    page.wait_for_selector("text=is opened.")
    case_url = page.url.removesuffix("/summary")
    page.goto(case_url)
    enrol = page.locator("form", has=page.locator("#enrol-practitioner"))
    enrol.locator("#enrol-service").select_option("couples_therapy")
    enrol.locator("#enrol-practitioner").select_option(label="Tomasz Therapist")
    enrol.locator("button:has-text('Enrol')").click()
    page.wait_for_selector("text=The client is enrolled.")
    _schedule_today(page, "Couples / marital therapy — Ewa Wiśniewska", joint=True)

    therapist = visit("therapist")
    tpage = therapist.page
    therapist.go(case_url.removeprefix(therapist.server.url))
    tpage.locator("a:has-text('Open')").first.click()
    for text, individual in (
        ("Ewa, alone: she is afraid of him at home.", True),
        ("Together: practised listening without interrupting.", False),
    ):
        tpage.fill("#body", text)
        if individual:
            tpage.check("#is_individual")
        tpage.click("button:has-text('Save the draft')")
        tpage.click("button[value=sign]")
        tpage.wait_for_selector("text=it can no longer change")
        tpage.click("text=Back to the appointment")
    therapist.go(case_url.removeprefix(therapist.server.url))
    tpage.click("text=Show the joint view")
    tpage.wait_for_url("**view=joint")
    assert tpage.locator("text=Joint view: individual disclosures are hidden.").is_visible()
    content = tpage.content()
    assert "practised listening" in content
    assert "afraid of him" not in content
    therapist.check("case-joint-view")
    tpage.click("text=Show the full view")
    assert "afraid of him" in tpage.content()


def test_supervisor_sees_the_team_cases_and_the_break_the_glass_log(visit) -> None:
    session = visit("supervisor")
    page = session.page
    session.check("home-supervisor")
    session.go("/cases")
    assert page.locator("table a").count() >= 2
    session.check("cases-supervisor")
    page.locator("table a").first.click()
    assert page.locator("text=Reassign the case").is_visible()
    session.go("/supervision/break-glass")
    session.check("break-glass-log")


def test_administrator_pages_and_the_language_switch(visit) -> None:
    session = visit("admin")
    page = session.page
    session.go("/admin/users")
    session.check("admin-users")
    session.go("/admin/services")
    session.check("admin-services")
    session.go("/account")
    page.fill("#name", "reporting")
    page.click("button:has-text('Create a token')")
    assert page.locator("code:has-text('cwk_')").first.is_visible()
    page.select_option("#language", "uk")
    page.click("form[action$='/account/language'] button")
    page.wait_for_selector("text=Мову інтерфейсу збережено.")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("h1:has-text('Обліковий запис')").is_visible()
    session.check("account-uk")

    polish = visit(locale="pl-PL")
    polish.go("/sign-in")
    assert polish.page.locator("h1:has-text('Zaloguj się')").is_visible()
    polish.check("sign-in-pl")


def test_the_idle_warning_keeps_the_session_or_signs_out_at_the_deadline(visit) -> None:
    session = visit()
    page = session.page
    page.clock.install()
    session.sign_in("supervisor")
    dialog = page.locator("#idle-warning")
    assert dialog.is_hidden()
    page.clock.run_for("13:30")  # 15 minutes idle, warned 2 minutes before
    assert dialog.is_visible()
    session.check("idle-warning")
    with page.expect_response("**/session/ping") as ping:
        page.click("text=Stay signed in")
    assert ping.value.status == 204
    assert dialog.is_hidden()
    page.clock.run_for("15:01")
    page.wait_for_url("**/sign-in?expired=1")
    assert page.locator("text=You were signed out after a period without activity.").is_visible()


def test_work_in_one_tab_keeps_an_idle_tab_from_signing_out(visit) -> None:
    session = visit()
    clock = session.context.clock  # one fake time for every tab, as in a real browser
    clock.install()
    session.sign_in("supervisor")
    page = session.page
    other = session.context.new_page()
    clock.run_for("10:00")
    other.goto(page.url)  # the user works in the second tab; the first sits idle
    clock.run_for("06:00")  # past the first tab's own deadline
    page.wait_for_timeout(500)
    assert "/sign-in" not in page.url and "/sign-in" not in other.url
    assert page.locator("#idle-warning").is_hidden()
    clock.run_for("10:00")  # now idle everywhere: signed out at the shared deadline
    page.wait_for_url("**/sign-in?expired=1")
