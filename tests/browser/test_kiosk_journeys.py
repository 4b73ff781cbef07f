"""Surveys clients fill in themselves, in a real browser with axe-core: a kiosk at reception run in
Ukrainian by five clients in a row, then its results for a supervisor; a one-time link used once
and refused the second time."""

from __future__ import annotations

import pytest
from sqlalchemy import select

pytestmark = [
    pytest.mark.browser,
    # The development server in the test's thread may leave a static file unclosed when the
    # browser drops a connection mid-response (werkzeug, not our code): not a failure here.
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

ITEMS = ("sat_helpful", "sat_respect", "sat_language", "sat_time", "sat_recommend")
#: What each of the five clients answers to every question (the first finds the help useful
#: "strongly", and so on): sat_helpful is strongly_agree for 3 of 5 = 60 %.
CLIENTS = ("strongly_agree", "strongly_agree", "agree", "strongly_agree", "neutral")


def _answer(page, option: str) -> None:
    for item in ITEMS:
        page.check(f"input[name={item}][value={option}]")
    page.click("button[type=submit].primary")


def test_five_clients_answer_at_a_ukrainian_kiosk_then_a_supervisor_reads_the_shares(
    visit, live_server
) -> None:
    tablet = visit("therapist")
    page = tablet.page
    tablet.go("/surveys")
    tablet.check("client-surveys")
    page.select_option("#kiosk-service_code", "individual_counselling")
    page.select_option("#kiosk-language", "uk")
    page.click("text=Start kiosk mode")
    page.wait_for_url(live_server.url + "/kiosk")
    assert page.get_attribute("html", "lang") == "uk"
    assert page.locator("nav.mainnav").count() == 0
    assert "Tomasz" not in page.content()
    tablet.check("kiosk-survey-uk")
    for number, option in enumerate(CLIENTS):
        _answer(page, option)
        page.wait_for_url(live_server.url + "/kiosk/thanks")
        assert page.locator("h1").inner_text() == "Дякуємо! Ваші відповіді збережено."
        if number == 0:
            tablet.check("kiosk-thanks")
            # Back brings a fresh, empty survey, never the previous person's answers
            page.go_back()
            assert page.locator("input[type=radio]:checked").count() == 0
            page.go_forward()
        if number < len(CLIENTS) - 1:
            page.click("text=Наступна особа")
            page.wait_for_url(live_server.url + "/kiosk")
            assert page.locator("input[type=radio]:checked").count() == 0
    # The staff member was signed out when the kiosk started; leaving it needs a sign-in.
    tablet.go("/")
    assert "/sign-in" in page.url
    tablet.go("/kiosk/thanks")
    page.click("text=Для персоналу: вийти з режиму анкети")
    page.wait_for_url("**/sign-in")
    tablet.go("/kiosk")
    assert "Анкету закрито" in page.content()

    supervisor = visit("supervisor")
    supervisor.go("/surveys/results")
    results = supervisor.page
    counselling = results.locator("section", has_text="Individual psychological counselling")
    assert counselling.locator("[data-responses]").get_attribute("data-responses") == "5"
    helpful = counselling.locator("tr", has_text="The help I received was useful to me.")
    cells = helpful.locator("td").all_inner_texts()
    # answered, then strongly disagree .. strongly agree
    assert cells == ["5", "0 %", "0 %", "20 %", "20 %", "60 %"]
    supervisor.check("survey-results")

    from casework.db import db
    from casework.surveys.models import SurveyResponse

    with live_server.app.app_context():
        rows = list(
            db.session.scalars(
                select(SurveyResponse).where(
                    SurveyResponse.service_code == "individual_counselling"
                )
            )
        )
        assert len(rows) == 5
        assert {(row.channel, row.language) for row in rows} == {("kiosk", "uk")}
        columns = set(SurveyResponse.__table__.columns.keys())
        assert not {c for c in columns if "client" in c or "appointment" in c}
        assert not {c for c in columns if "consultation" in c or "case" in c or "user" in c}


def test_a_one_time_link_is_used_once_and_refused_the_second_time(visit, live_server) -> None:
    facilitator = visit("facilitator")
    page = facilitator.page
    facilitator.go("/surveys")
    page.select_option("#link-service_code", "parenting_workshops")
    page.select_option("#link-language", "en")
    page.click("text=Make a link")
    page.wait_for_selector("[data-survey-link]")
    assert page.locator("svg").count() >= 1
    facilitator.check("survey-slip")
    link = page.locator("[data-survey-link]").inner_text()
    assert link.startswith(live_server.url + "/s/")

    client = visit()
    client.page.goto(link)
    client.page.click("a[lang=ru]")
    assert client.page.get_attribute("html", "lang") == "ru"
    client.check("link-survey-ru")
    _answer(client.page, "agree")
    client.page.wait_for_selector("text=Спасибо! Ваши ответы сохранены.")
    response = client.page.goto(link)
    assert response.status == 410
    assert "already been used" in client.page.content()
    client.console_errors.clear()  # the 410 itself is what the browser reports
    client.check("link-used")
