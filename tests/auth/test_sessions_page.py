"""The sessions page: where one is signed in (browser, system, times, this session marked), and
signing out one other session or all of them."""

from __future__ import annotations

import re
import uuid

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.devices import device_summary
from casework.auth.models import Language, UserSession
from casework.db import db
from tests.factories import make_user
from tests.pages import UUID, post_form, sign_in

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def test_the_summary_names_browser_and_system_coarsely() -> None:
    assert device_summary(FIREFOX_LINUX) == ("Firefox", "Linux")
    assert device_summary(EDGE_WINDOWS) == ("Edge", "Windows")
    assert device_summary(SAFARI_IPHONE) == ("Safari", "iOS")
    assert device_summary(CHROME_ANDROID) == ("Chrome", "Android")
    assert device_summary("curl/8.5.0") == (None, None)
    assert device_summary(None) == (None, None)


def _browser(app: Flask, user_agent: str) -> FlaskClient:
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    browser.environ_base["HTTP_USER_AGENT"] = user_agent
    return browser


def _person(app: Flask) -> tuple[uuid.UUID, str]:
    with app.app_context():
        user = make_user(preferred_language=Language.EN)
        db.session.commit()
        return user.id, user.email


def test_the_page_lists_each_browser_and_marks_this_one(app: Flask) -> None:
    _, email = _person(app)
    laptop, phone = _browser(app, FIREFOX_LINUX), _browser(app, SAFARI_IPHONE)
    assert sign_in(laptop, email).status_code == 302
    assert sign_in(phone, email).status_code == 302
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Firefox" in page and "Linux" in page and "Safari" in page and "iOS" in page
    assert page.count("This session") == 1
    assert "Sign out every other session" in page


def test_signing_out_the_others_keeps_this_session(app: Flask) -> None:
    user_id, email = _person(app)
    laptop, phone, tablet = (
        _browser(app, agent) for agent in (FIREFOX_LINUX, SAFARI_IPHONE, EDGE_WINDOWS)
    )
    for browser in (laptop, phone, tablet):
        assert sign_in(browser, email).status_code == 302
    response = post_form(laptop, "/account/sessions/end-others", {}, form_on="/account/sessions")
    assert response.status_code == 302
    assert laptop.get("/account/sessions").status_code == 200
    for signed_out in (phone, tablet):
        assert signed_out.get("/account/sessions").status_code == 302  # to the sign-in page
    with app.app_context():
        live = db.session.scalars(
            select(UserSession).where(
                UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
            )
        ).all()
        assert [session.browser for session in live] == ["Firefox"]


def test_one_session_is_signed_out_and_anothers_reads_as_missing(app: Flask) -> None:
    _, email = _person(app)
    _, stranger_email = _person(app)
    laptop, phone = _browser(app, FIREFOX_LINUX), _browser(app, CHROME_ANDROID)
    stranger = _browser(app, EDGE_WINDOWS)
    for browser, address in ((laptop, email), (phone, email), (stranger, stranger_email)):
        assert sign_in(browser, address).status_code == 302
    page = laptop.get("/account/sessions").get_data(as_text=True)
    (phone_session,) = re.findall(rf"/account/sessions/({UUID})/end", page)
    stranger_page = stranger.get("/account/sessions").get_data(as_text=True)
    assert phone_session not in stranger_page
    hidden = post_form(
        stranger, f"/account/sessions/{phone_session}/end", {}, form_on="/account/sessions"
    )
    assert hidden.status_code == 404
    assert phone.get("/account/sessions").status_code == 200
    ended = post_form(
        laptop, f"/account/sessions/{phone_session}/end", {}, form_on="/account/sessions"
    )
    assert ended.status_code == 302
    assert phone.get("/account/sessions").status_code == 302
    assert laptop.get("/account/sessions").status_code == 200
