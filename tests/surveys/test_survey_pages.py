"""Surveys clients fill in themselves, through the test client: kiosk mode, one-time links, and
the results page."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.auth.models import Language, Role
from casework.db import db, utcnow
from casework.surveys import passes
from casework.surveys.models import SurveyPass, SurveyPassKind, SurveyResponse
from tests.factories import PASSWORD, make_user
from tests.pages import csrf_token, post_form, sign_in

EN = {"preferred_language": Language.EN}
ANSWERS = {
    "sat_helpful": "strongly_agree",
    "sat_respect": "agree",
    "sat_language": "agree",
    "sat_time": "neutral",
    "sat_recommend": "strongly_agree",
}


def _responses(app: Flask) -> list[SurveyResponse]:
    with app.app_context():
        return list(db.session.scalars(select(SurveyResponse)))


def _start_kiosk(client: FlaskClient, language: str = "uk") -> object:
    return post_form(
        client,
        "/surveys/kiosk",
        {"kiosk-service_code": "individual_counselling", "kiosk-language": language},
        form_on="/surveys",
    )


def _answer_at_kiosk(client: FlaskClient, answers: dict[str, str]) -> object:
    return client.post("/kiosk", data={**answers, "csrf_token": csrf_token(client, "/kiosk")})


def test_kiosk_mode_signs_the_staff_member_out_and_takes_answers_one_after_another(
    app: Flask, client: FlaskClient, login_as
) -> None:
    therapist = login_as(Role.THERAPIST, display_name="Tamara Therapist", **EN)
    started = _start_kiosk(client)
    assert started.status_code == 302 and started.headers["Location"] == "/kiosk"
    cookie = client.get_cookie("casework_kiosk", path="/kiosk")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    # the staff session is over: staff pages ask to sign in
    assert client.get("/surveys").status_code == 302
    page = client.get("/kiosk")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<html lang="uk">' in html and "Отримана допомога була для мене корисною." in html
    assert "Tamara" not in html and "mainnav" not in html
    for _person in range(3):
        sent = _answer_at_kiosk(client, ANSWERS)
        assert sent.status_code == 302 and sent.headers["Location"] == "/kiosk/thanks"
        thanks = client.get("/kiosk/thanks").get_data(as_text=True)
        assert "Дякуємо!" in thanks
        fresh = client.get("/kiosk").get_data(as_text=True)
        assert "checked" not in fresh  # nothing of the previous person's answers
    with client.session_transaction() as session:
        assert set(session) <= {"csrf_token", "_fresh", "_permanent"}  # no answers, no staff
        assert not session.get("_fresh") and "_user_id" not in session
    responses = _responses(app)
    assert len(responses) == 3
    assert {(r.channel, r.language, r.service_code, r.group_run_id) for r in responses} == {
        ("kiosk", "uk", "individual_counselling", None)
    }
    assert all(r.submitted_at.hour == 0 and r.submitted_at.minute == 0 for r in responses)
    with app.app_context():
        kiosk = db.session.scalars(select(SurveyPass)).one()
        assert kiosk.created_by_id == therapist.id and kiosk.language == "uk"
        assert db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_id == str(kiosk.id))
        )


def test_incomplete_kiosk_answers_are_asked_again_in_the_survey_language(
    app: Flask, client: FlaskClient, login_as
) -> None:
    login_as(Role.CONSULTANT, **EN)
    _start_kiosk(client, "ru")
    refused = _answer_at_kiosk(client, {"sat_helpful": "agree"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Пожалуйста, выберите ответ." in html and '<html lang="ru">' in html
    assert _responses(app) == []
    unknown = _answer_at_kiosk(client, ANSWERS | {"sat_time": "excellent"})
    assert unknown.status_code == 422 and _responses(app) == []


def test_leaving_the_kiosk_needs_a_new_sign_in(app: Flask, client: FlaskClient, login_as) -> None:
    login_as(Role.FACILITATOR, **EN)
    _start_kiosk(client, "pl")
    token = csrf_token(client, "/kiosk")
    left = client.post("/kiosk/leave", data={"csrf_token": token})
    assert left.status_code == 302 and left.headers["Location"].startswith("/sign-in")
    assert client.get_cookie("casework_kiosk", path="/kiosk") is None
    closed = client.get("/kiosk")
    html = closed.get_data(as_text=True)
    assert closed.status_code == 403 and "<h1>The survey is closed." in html
    assert '<p lang="uk">Анкету закрито.' in html and '<p lang="ru">Анкета закрыта.' in html
    with app.app_context():
        assert db.session.scalars(select(SurveyPass)).one().ended_at is not None
    assert client.get("/surveys").status_code == 302  # still signed out


def test_a_kiosk_cookie_that_was_left_or_expired_takes_no_answers(
    app: Flask, client: FlaskClient, login_as
) -> None:
    login_as(Role.THERAPIST, **EN)
    _start_kiosk(client)
    token = csrf_token(client, "/kiosk")
    with app.app_context():
        kiosk = db.session.scalars(select(SurveyPass)).one()
        kiosk.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    refused = client.post("/kiosk", data={**ANSWERS, "csrf_token": token})
    assert refused.status_code == 403 and _responses(app) == []


def test_only_staff_who_deliver_services_hand_surveys_out(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN, **EN)
    assert client.get("/surveys").status_code == 404
    assert client.post("/surveys/kiosk", data={}).status_code in (400, 404)


def _make_link(client: FlaskClient, language: str = "en") -> str:
    slip = post_form(
        client,
        "/surveys/links",
        {"link-service_code": "parenting_workshops", "link-language": language},
        form_on="/surveys",
    )
    assert slip.status_code == 200, slip.get_data(as_text=True)
    html = slip.get_data(as_text=True)
    assert "<svg" in html and slip.headers["Cache-Control"] == "no-store"
    match = re.search(r"data-survey-link>http://localhost(/s/[A-Za-z0-9_-]{40,})<", html)
    assert match, html
    return match.group(1)


def test_a_one_time_link_works_once_and_carries_only_a_random_token(
    app: Flask, client: FlaskClient, login_as
) -> None:
    facilitator = login_as(Role.FACILITATOR, **EN)
    path = _make_link(client, "uk")
    assert str(facilitator.id) not in path
    with app.app_context():
        link = db.session.scalars(select(SurveyPass)).one()
        assert link.kind == SurveyPassKind.LINK and path.rsplit("/", 1)[1] not in link.token_hash
        assert (link.expires_at - link.created_at).days == passes.LINK_DAYS
    visitor = app.test_client()
    form = visitor.get(path)
    assert form.status_code == 200 and '<html lang="uk">' in form.get_data(as_text=True)
    russian = visitor.get(path + "?lang=ru").get_data(as_text=True)
    assert "Полученная помощь была для меня полезной." in russian
    token = csrf_token(visitor, path)
    sent = visitor.post(path + "?lang=ru", data={**ANSWERS, "csrf_token": token})
    assert sent.status_code == 302 and "/s/thanks" in sent.headers["Location"]
    assert "Спасибо!" in visitor.get(sent.headers["Location"]).get_data(as_text=True)
    again = visitor.post(path, data={**ANSWERS, "csrf_token": token})
    assert again.status_code == 410
    assert visitor.get(path).status_code == 410
    [response] = _responses(app)
    assert (response.channel, response.language, response.service_code) == (
        "one_time_link",
        "ru",
        "parenting_workshops",
    )


def test_an_expired_or_unknown_link_is_refused(app: Flask, client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER, **EN)
    path = _make_link(client)
    with app.app_context():
        link = db.session.scalars(select(SurveyPass)).one()
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    visitor = app.test_client()
    assert visitor.get(path).status_code == 410
    assert visitor.get("/s/not-a-token").status_code == 410


def test_the_results_page_shows_item_shares_in_the_page_language(
    app: Flask, client: FlaskClient, login_as
) -> None:
    login_as(Role.THERAPIST, **EN)
    _start_kiosk(client)
    _answer_at_kiosk(client, ANSWERS)
    _answer_at_kiosk(client, ANSWERS | {"sat_helpful": "disagree"})
    coordinator = app.test_client()
    coordinator.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    with app.app_context():
        user = make_user(
            roles=(Role.COORDINATOR,), password=PASSWORD, preferred_language=Language.PL
        )
        db.session.commit()
        email = user.email
    assert sign_in(coordinator, email).status_code == 302
    page = coordinator.get("/surveys/results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-responses="2"' in html
    assert "Otrzymana pomoc była dla mnie przydatna." in html
    assert "Zdecydowanie się zgadzam" in html and "50 %" in html
    assert "strongly_agree" not in html


def test_a_link_about_a_group_run_keeps_the_run_and_its_service(
    app: Flask, client: FlaskClient, login_as
) -> None:
    from casework.clock import centre_today
    from casework.groups.services import runs

    facilitator = login_as(Role.FACILITATOR, **EN)
    with app.app_context():
        run = runs.create_run(
            db.session.merge(facilitator),
            name="Fathers' group, spring",
            service_code="support_group_fathers",
            capacity=8,
            starts_on=centre_today(),
            facilitator_ids=[facilitator.id],
        )
        db.session.commit()
        run_id = str(run.id)
    assert "Fathers&#39; group, spring" in client.get("/surveys").get_data(as_text=True)
    slip = post_form(
        client,
        "/surveys/links",
        {
            "link-service_code": "parenting_workshops",
            "link-group_run_id": run_id,
            "link-language": "pl",
        },
        form_on="/surveys",
    )
    assert slip.status_code == 200
    path = re.search(r"data-survey-link>http://localhost(/s/[^<]+)<", slip.get_data(as_text=True))
    assert path
    visitor = app.test_client()
    token = csrf_token(visitor, path.group(1))
    assert visitor.post(path.group(1), data={**ANSWERS, "csrf_token": token}).status_code == 302
    [response] = _responses(app)
    assert (str(response.group_run_id), response.service_code) == (run_id, "support_group_fathers")


def test_the_api_makes_a_one_time_link_for_staff_who_deliver_services(app: Flask) -> None:
    from casework.auth.tokens import create_api_token

    with app.app_context():
        consultant = make_user(roles=(Role.CONSULTANT,))
        admin = make_user(roles=(Role.ADMIN,))
        headers = {"Authorization": "Bearer " + create_api_token(consultant, name="t")[1]}
        refused = {"Authorization": "Bearer " + create_api_token(admin, name="t")[1]}
        db.session.commit()
    api = app.test_client()
    made = api.post(
        "/api/v1/survey-links",
        json={"service_code": "migrant_information_point", "language": "ru"},
        headers=headers,
    )
    assert made.status_code == 201, made.json
    assert made.json["url"].startswith("http://localhost/s/") and made.json["language"] == "ru"
    assert api.get(made.json["url"].removeprefix("http://localhost")).status_code == 200
    bad = api.post("/api/v1/survey-links", json={"language": "de"}, headers=headers)
    assert bad.status_code == 422
    assert (
        api.post(
            "/api/v1/survey-links", json={"service_code": "couples_therapy"}, headers=refused
        ).status_code
        == 403
    )
