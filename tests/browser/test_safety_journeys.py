"""The couple-with-violence journey in a real browser (Chromium), in Ukrainian and in Polish.

A case manager takes in a couple and assesses one partner with NORR, who discloses violence;
couples therapy is ruled out on the result page and refused on the case page with the reason in
the page's language; a supervisor overrides it with a written reason, shown on the case; the
safety plan waits at the top of the case page until it is marked done; the therapist finds the
session in the agenda by the client's name; the supervisor goes from a dashboard figure to the
case; the printed summary carries labels and no internal codes. Each main page gets axe-core and
a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = [
    pytest.mark.browser,
    # The development server in the test's thread may leave a static file unclosed when the
    # browser drops a connection mid-response (werkzeug, not our code): not a failure here.
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

ROUTING = Path(__file__).resolve().parents[2] / "instruments" / "routing" / "krakow.yaml"
CASE_URL = re.compile(r".*/cases/[0-9a-f-]{36}(/summary)?(#[\w-]+)?$")
#: A snake_case word in what a user reads is an internal code (item id, level, enum value).
REFUSED = (
    "The latest assessment rules this service out: %(reason)s Only a supervisor "
    "may enrol despite it, with a written reason."
)
REFERENCE = re.compile(r"\S+/\d{4}/\d+")
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


@dataclass(frozen=True)
class Cast:
    """The people of one language's journey: staff of their own team, and the couple."""

    language: str
    browser_locale: str
    team: str
    manager: str
    therapist: str
    supervisor: str
    partner: tuple[str, str, str]
    other_partner: tuple[str, str, str]
    override_reason: str
    done_note: str

    @property
    def partner_name(self) -> str:
        return f"{self.partner[0]} {self.partner[1]}"

    def email(self, who: str) -> str:
        return f"{who}-{self.language}@safety.browser.test"


CASTS = {
    "uk": Cast(
        language="uk",
        browser_locale="uk-UA",
        team="Команда безпеки (браузер)",
        manager="Мирослава Кейс-менеджерка",
        therapist="Тарас Терапевт",
        supervisor="Світлана Супервізорка",
        partner=("Оксана", "Мельник", "+380 67 111 22 33"),
        other_partner=("Андрій", "Коваленко", "+380 67 444 55 66"),
        override_reason="Погоджено з командою безпеки: окремі сесії вже проведено.",
        done_note="План безпеки складено разом з Оксаною.",
    ),
    "pl": Cast(
        language="pl",
        browser_locale="pl-PL",
        team="Zespół bezpieczeństwa (przeglądarka)",
        manager="Marta Opiekunka",
        therapist="Tadeusz Terapeuta",
        supervisor="Stanisława Superwizorka",
        partner=("Ewa", "Zielińska", "600 121 212"),
        other_partner=("Piotr", "Nowicki", "600 343 434"),
        override_reason="Uzgodnione z zespołem bezpieczeństwa: sesje indywidualne już odbyte.",
        done_note="Plan bezpieczeństwa ustalony razem z Ewą.",
    ),
}


def _staff(server: Any, cast: Cast) -> dict[str, str]:
    """The cast's staff in a team of their own, preferring the journey's language; e-mails by
    role, also registered with the live server for `Visit.sign_in`."""
    from casework.auth.models import Language, Role
    from casework.auth.services import create_user, find_user, get_or_create_team
    from casework.db import db
    from tests.factories import PASSWORD

    people = {
        "manager": (cast.manager, Role.CASE_MANAGER),
        "therapist": (cast.therapist, Role.THERAPIST),
        "supervisor": (cast.supervisor, Role.SUPERVISOR),
    }
    keys = {}
    with server.app.app_context():
        team = get_or_create_team(cast.team)
        for who, (name, role) in people.items():
            email = cast.email(who)
            if find_user(email) is None:
                create_user(
                    email,
                    display_name=name,
                    roles=(role,),
                    password=PASSWORD,
                    team=team,
                    language=Language(cast.language),
                )
            key = f"{who}-{cast.language}"
            server.emails[key] = email
            keys[who] = key
        db.session.commit()
    return keys


def _t(server: Any, language: str, text: str, **values: Any) -> str:
    """A page text as the app translates it into `language` (English while uncatalogued)."""
    from flask_babel import force_locale, gettext

    with server.app.test_request_context(), force_locale(language):
        return gettext(text, **values)


def _service_name(server: Any, language: str, code: str) -> str:
    from casework.catalogue.services import service_names

    with server.app.app_context():
        return service_names()[code][language]


def _exclusion_reasons(language: str, service: str) -> list[str]:
    """What the routing rules say, in `language`, when they rule `service` out."""
    rules = yaml.safe_load(ROUTING.read_text(encoding="utf-8"))["rules"]
    return [
        " ".join(rule["reason"][language].split())
        for rule in rules
        if rule.get("kind") == "exclude" and service in rule.get("services", [])
    ]


def _enum_values() -> set[str]:
    """Every value of the enums a case's pages label (states, kinds, decisions, levels...)."""
    from casework.care import models as care
    from casework.case_assessments import models as assessments
    from casework.cases import models as cases
    from casework.tasks import models as tasks

    values: set[str] = set()
    for module in (care, assessments, cases, tasks):
        for thing in vars(module).values():
            if isinstance(thing, type) and issubclass(thing, StrEnum) and thing is not StrEnum:
                values |= {member.value for member in thing}
    return values | {"low", "moderate", "high", "very_high", "norr"}


def _no_codes(text: str, what: str) -> None:
    """No internal code in what a Ukrainian or Polish reader sees."""
    assert not SNAKE_CASE.findall(text), f"{what}: codes {sorted(set(SNAKE_CASE.findall(text)))}"
    assert "very_high" not in text and not re.search(r"\bv_", text), what
    shown = {value for value in _enum_values() if re.search(rf"\b{re.escape(value)}\b", text)}
    assert not shown, f"{what}: enum values {sorted(shown)}"


def _intake(session: Any, person: tuple[str, str, str], *, another: bool = False) -> None:
    """Register one person and record the default consent, ending on the "open the case" step."""
    page = session.page
    if another:
        page.locator("form.card fieldset a[href$='/intake']").click()
        page.wait_for_url("**/intake")
    else:
        session.go("/intake")
    given, family, phone = person
    page.fill("#given_name", given)
    page.fill("#family_name", family)
    page.fill("#birth_year", "1988")
    page.fill("#phone", phone)
    page.locator("form.card button[type=submit]").click()
    if page.locator("#confirm_new").count():  # look-alikes from an earlier run: a new person
        page.check("#confirm_new")
        page.locator("form.card button[type=submit]").click()
    page.wait_for_url("**/consent**")
    page.locator("form:has(#purpose) button[type=submit]").click()
    page.wait_for_url("**/cases/new")


def _fill_lowest(page: Any) -> None:
    """The first option of every visible question."""
    for item in page.locator("fieldset.item:visible").all():
        item.locator("input[type=radio]").first.check()


def _enrol_couples_therapy(page: Any, cast: Cast, *, reason: str | None = None) -> None:
    form = page.locator("form:has(#enrol-service)")
    form.locator("#enrol-client").select_option(label=cast.partner_name)
    form.locator("#enrol-service").select_option("couples_therapy")
    form.locator("#enrol-practitioner").select_option(label=cast.therapist)
    if reason is not None:
        form.locator("#enrol-override_reason").fill(reason)
    form.locator("button[type=submit]").click()


@pytest.mark.parametrize("language", ["uk", "pl"])
def test_a_couple_with_violence_from_intake_to_the_printed_summary(
    visit: Any, live_server: Any, language: str
) -> None:
    cast = CASTS[language]
    who = _staff(live_server, cast)
    server = live_server

    def t(text: str, **values: Any) -> str:
        return _t(server, language, text, **values)

    couples_therapy = _service_name(server, language, "couples_therapy")
    reasons = _exclusion_reasons(language, "couples_therapy")

    # --- the case manager: intake of a couple, a couple case, NORR for one partner ---------
    manager = visit(who["manager"], locale=cast.browser_locale)
    page = manager.page
    assert page.locator("html").get_attribute("lang") == language
    _intake(manager, cast.partner)
    _intake(manager, cast.other_partner, another=True)
    page.select_option("#kind", "couple")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(CASE_URL)
    case_path = re.sub(r"/summary$", "", page.url.removeprefix(server.url))
    manager.go(case_path)
    reference = REFERENCE.search(page.locator("h1").first.inner_text()).group(0)
    manager.check(f"safety-{language}-case-new")

    page.select_option("#instrument", "norr")
    page.select_option("#client", label=cast.partner_name)
    page.locator("form:has(#instrument) button[type=submit]").click()
    page.wait_for_url("**/assessments/*")
    _fill_lowest(page)
    page.check("#item-v_weapon-yes")  # a violence item answered "yes"
    page.click("button[value=complete]")
    page.wait_for_url("**/result")
    assert page.locator("[data-level=very_high]").is_visible()
    not_offered = page.locator(
        "section.card", has=page.locator("h2", has_text=t("Services not offered"))
    )
    excluded_line = not_offered.locator("li", has_text=couples_therapy)
    assert excluded_line.is_visible()
    assert any(reason in excluded_line.inner_text() for reason in reasons)
    manager.check(f"safety-{language}-result")

    # --- enrolling the couple in couples therapy is refused, with the reason ---------------
    manager.go(case_path)
    warning = page.locator("[role=note]", has_text=couples_therapy)
    assert warning.is_visible()  # warned before submitting
    _enrol_couples_therapy(page, cast)
    refusal = page.locator("#enrol-service-error")
    refusal.wait_for()
    refused_because = [t(REFUSED, reason=reason) for reason in reasons]
    assert any(text in refusal.inner_text() for text in refused_because), refusal.inner_text()
    assert page.locator("html").get_attribute("lang") == language
    manager.check(f"safety-{language}-enrol-refused")
    manager.go(case_path)
    assert page.locator("[data-overrides]").count() == 0

    # --- a supervisor overrides with a written reason, shown on the case -------------------
    supervisor = visit(who["supervisor"], locale=cast.browser_locale)
    spage = supervisor.page
    supervisor.go(case_path)
    _enrol_couples_therapy(spage, cast, reason=cast.override_reason)
    spage.wait_for_url(CASE_URL)
    overrides = spage.locator("[data-overrides]")
    assert overrides.locator("li", has_text=couples_therapy).is_visible()
    assert cast.override_reason in overrides.inner_text()
    assert cast.supervisor in overrides.inner_text()
    supervisor.check(f"safety-{language}-override")

    # --- the safety plan at the top of the case page, marked done ---------------------------
    manager.go(case_path)
    safety = page.locator("section.alert:has(#safety-tasks)")
    participants = page.locator("h2", has_text=t("Participants")).first
    assert safety.bounding_box()["y"] < participants.bounding_box()["y"]
    plan_task = safety.locator("li[data-task-kind=safety_plan]")
    assert plan_task.is_visible()
    assert page.locator("[data-overrides]").is_visible()  # the case manager sees it too
    manager.check(f"safety-{language}-case-safety-tasks")
    plan_task.locator("details").first.locator("summary").click()
    plan_task.locator("textarea[name=note]").fill(cast.done_note)
    with page.expect_navigation(url=CASE_URL):
        plan_task.locator("form[action$='/done'] button[type=submit]").click()
    assert page.locator("li[data-task-kind=safety_plan]").count() == 0
    done_row = page.locator("#plan tr[data-task-kind=safety_plan]")
    assert done_row.get_attribute("data-task-state") == "done"
    assert cast.done_note in done_row.inner_text()

    # --- a joint session booked for the couple; the therapist finds it by the client's name --
    enrolment_choice = f"{couples_therapy} — {cast.partner_name}"
    form = page.locator("form:has(#enrolment)")
    form.locator("#enrolment").select_option(label=enrolment_choice)
    form.locator("#day").fill(page.evaluate("new Date().toLocaleDateString('en-CA')"))
    form.locator("#starts").fill("00:10")
    form.locator("#place").fill("Sala 2")
    form.locator("#is_joint").check()
    with page.expect_navigation(url=CASE_URL):
        form.locator("button[type=submit]").click()
    manager.check(f"safety-{language}-case-scheduled")

    therapist = visit(who["therapist"], locale=cast.browser_locale)
    tpage = therapist.page
    therapist.go("/agenda")
    row = tpage.locator(
        "tr[data-appointment]", has=tpage.locator(".client-name", has_text=cast.partner_name)
    )
    assert row.count() == 1
    assert reference in row.inner_text()
    therapist.check(f"safety-{language}-agenda")
    row.locator("td").first.locator("a").click()
    tpage.wait_for_url("**/appointments/*")
    who_line = tpage.locator("[data-who]")
    assert cast.partner_name in who_line.inner_text()
    assert couples_therapy in who_line.inner_text()
    therapist.check(f"safety-{language}-appointment")
    who_line.locator("a[href*='/cases/']").click()
    tpage.wait_for_url(CASE_URL)
    assert reference in tpage.locator("h1").first.inner_text()

    # --- the supervisor: from a dashboard figure to the case --------------------------------
    supervisor.go("/caseload")
    supervisor.check(f"safety-{language}-caseload")
    spage.locator("ul.figures a").first.click()
    spage.wait_for_url("**/caseload/cases**")
    listed = spage.locator("tr[data-case]", has=spage.locator("a", has_text=reference))
    assert cast.partner_name in listed.inner_text()
    supervisor.check(f"safety-{language}-caseload-cases")
    listed.locator("a", has_text=reference).click()
    spage.wait_for_url(CASE_URL)
    assert spage.url.removeprefix(server.url) == case_path

    # --- the printed summary: labels, no codes ----------------------------------------------
    manager.go(case_path + "/summary")
    page.emulate_media(media="print")
    printed = page.locator("main").inner_text()
    assert cast.partner_name in printed
    assert couples_therapy in printed
    level_label = {"uk": "Дуже високий ризик", "pl": "Bardzo wysokie ryzyko"}[language]
    assert level_label in printed
    _no_codes(printed, f"printed summary ({language})")
    manager.check(f"safety-{language}-summary-print")
    page.emulate_media(media="screen")
