"""A dashboard one can act on: high-level cases without contact sorted by level then days,
ignoring cases opened within the window, with their practitioners; every figure links to the
cases behind it, which say who and what."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import Language, User
from casework.auth.services import create_api_token
from casework.care.services import enrolments
from casework.caseload import pages, services
from casework.cases.models import CaseState
from casework.clients.names import client_display_name
from casework.db import db, utcnow
from tests.caseload.conftest import attended
from tests.factories import VIOLENT, make_assessment, make_case, staff
from tests.pages import sign_in


def _quiet_case(
    manager: User,
    *,
    opened_days_ago: int,
    level: str = "very_high",
    therapist=None,
    contact_days_ago: int | None = None,
):
    case = make_case(manager)
    assessment = make_assessment(manager, case, VIOLENT)
    assessment.level = level
    case.state = CaseState.ACTIVE
    case.opened_at = utcnow() - timedelta(days=opened_days_ago)
    if therapist is not None:
        enrolment = enrolments.enrol(
            manager,
            case.id,
            client_id=case.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=therapist.id,
        )
        if contact_days_ago is not None:
            attended(therapist, enrolment, days_ago=contact_days_ago)
    return case


def _scenario(team) -> dict:
    manager, therapist = staff(team, "manager"), staff(team, "therapist")
    return {
        "contacted_35": _quiet_case(
            manager, opened_days_ago=100, therapist=therapist, contact_days_ago=35
        ),
        "never_50": _quiet_case(manager, opened_days_ago=50),
        "high_300": _quiet_case(manager, opened_days_ago=300, level="high"),
        "opened_today": _quiet_case(manager, opened_days_ago=0),
    }


def test_without_contact_sorts_by_level_then_days_and_ignores_new_cases(app: Flask, team) -> None:
    with app.test_request_context():
        made = _scenario(team)
        figures = services.review(staff(team, "supervisor"))
        rows = figures["high_risk_without_contact"]
        assert [r["case_id"] for r in rows] == [
            made["never_50"].id,
            made["contacted_35"].id,
            made["high_300"].id,
        ]
        assert [r["days_without_contact"] for r in rows] == [50, 35, 300]
        assert rows[1]["practitioner_ids"] == [team["therapist"]]


def test_the_cases_behind_a_figure_say_who_and_what_in_one_batch(app: Flask, team) -> None:
    with app.test_request_context():
        made = _scenario(team)
        supervisor = staff(team, "supervisor")
        reads = select(func.count()).where(AuditEvent.action == "client.read")
        before = db.session.scalar(reads)
        listed = pages.figure_list(
            supervisor, services.FigureFilters(case_manager_id=team["manager"], level="very_high")
        )
        rows = listed["rows"]
        assert {row["case_id"] for row, _ in rows} == {
            made["never_50"].id,
            made["contacted_35"].id,
            made["opened_today"].id,
        }
        assert all(who.clients and who.reference for _, who in rows)
        assert db.session.scalar(reads) - before == 3  # one event per client, one batch
        high = pages.figure_list(supervisor, services.FigureFilters(level="high"))["rows"]
        assert [row["case_id"] for row, _ in high] == [made["high_300"].id]


def test_the_dashboard_links_every_figure_and_names_the_practitioner(
    app: Flask, client: FlaskClient, team
) -> None:
    with app.app_context():
        made = _scenario(team)
        supervisor = staff(team, "supervisor")
        supervisor.preferred_language = Language.EN
        email = supervisor.email
        name = client_display_name(made["never_50"].participants[0].client)
        therapist_name = staff(team, "therapist").display_name
        db.session.commit()
    assert sign_in(client, email).status_code == 302
    page = client.get("/caseload").get_data(as_text=True)
    rows = re.findall(r"<tr data-no-contact-case>(.*?)</tr>", page, re.S)
    assert len(rows) == 3 and name in rows[0] and therapist_name in rows[1]
    assert "very_high" not in re.sub(r'(class|href)="[^"]*"', "", page)
    links = re.findall(r'href="(/caseload/cases[^"]*)"', page)
    assert links and any("level=very_high" in link for link in links)
    for table in re.findall(r"<table.*?</table>", page, re.S):
        header = re.search(r"<thead>(.*?)</thead>", table, re.S)
        assert header is None or header.group(1).count("<th") <= 8, "too wide for 1280 px"
    behind = client.get(links[-1].replace("&amp;", "&"))
    assert behind.status_code == 200
    assert "Cases behind the figure" in behind.get_data(as_text=True)
    assert client.get("/caseload/cases?level=nonsense&manager=x").status_code == 200


def test_the_dashboard_shows_the_first_cases_of_a_list_and_links_to_all_of_them_page_by_page(
    app: Flask, client: FlaskClient, team, monkeypatch
) -> None:
    monkeypatch.setattr(services, "LIST_LIMIT", 1)
    monkeypatch.setattr(services, "PAGE_SIZE", 1)
    with app.app_context():
        made = _scenario(team)
        references = [made[name].reference for name in ("never_50", "contacted_35", "high_300")]
        supervisor = staff(team, "supervisor")
        supervisor.preferred_language = Language.EN
        email = supervisor.email
        db.session.commit()
    assert sign_in(client, email).status_code == 302
    page = client.get("/caseload?days=30").get_data(as_text=True)
    assert len(re.findall(r"<tr data-no-contact-case>", page)) == 1
    more = re.search(r'<p data-more><a href="([^"]+)">2 more cases</a>', page)
    assert more and "figure=without_contact" in more.group(1) and "days=30" in more.group(1)
    seen, address = [], more.group(1).replace("&amp;", "&")
    while address:
        listed = client.get(address).get_data(as_text=True)
        seen += re.findall(r'<tr data-case>.*?<a href="[^"]+">([^<]+)</a>', listed, re.S)
        following = re.search(r'<a href="([^"]+)" data-next>', listed)
        address = following.group(1).replace("&amp;", "&") if following else ""
    assert seen == references  # every case once, in the dashboard's order
    tampered = client.get("/caseload/cases?figure=without_contact&after=bm90LWEtY3Vyc29y")
    assert tampered.status_code == 200 and "cursor is not valid" in tampered.get_data(as_text=True)


def test_the_review_api_counts_its_lists_and_pages_through_the_cases_behind_them(
    app: Flask, client: FlaskClient, team, monkeypatch
) -> None:
    monkeypatch.setattr(services, "LIST_LIMIT", 1)
    with app.app_context():
        made = _scenario(team)
        references = [made[name].reference for name in ("never_50", "contacted_35", "high_300")]
        token = create_api_token(staff(team, "supervisor"), name="review")[1]
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    review = client.get("/api/v1/caseload-review", headers=headers).json
    assert [row["reference"] for row in review["high_risk_without_contact"]] == references[:1]
    assert review["high_risk_without_contact_count"] == 3
    seen, cursor = [], None
    while True:
        query = {"figure": "without_contact", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/caseload-review/cases", headers=headers, query_string=query)
        assert page.status_code == 200, page.json
        seen += [row["reference"] for row in page.json["items"]]
        cursor = page.json["next_cursor"]
        if not cursor:
            break
    assert seen == references
    bad = client.get(
        "/api/v1/caseload-review/cases", headers=headers, query_string={"cursor": "x" * 12}
    )
    assert bad.status_code in (400, 422)
    assert "cursor" in bad.get_data(as_text=True)
