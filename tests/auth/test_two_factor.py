"""TOTP two-factor sign-in: enrolment, once-per-step codes, skew, recovery codes, required roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from casework import create_app
from casework.audit.models import AuditEvent
from casework.auth import two_factor
from casework.auth.models import Language, Role, TwoFactorCredential, User
from casework.config import ConfigError
from casework.crypto.keys import KeyMaterial
from casework.db import db, utcnow
from casework.extensions import limiter
from tests.factories import make_user
from tests.pages import csrf_token, post_form, sign_in

STEP = timedelta(seconds=two_factor.STEP_SECONDS)


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    limiter.reset()


@pytest.fixture
def required(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The production default: supervisors and administrators must use two-factor sign-in."""
    monkeypatch.setitem(app.config, "CASEWORK_TWO_FACTOR_ROLES", frozenset({"supervisor", "admin"}))


def _enrolled(app: Flask, role: Role = Role.SUPERVISOR) -> tuple[User, str, list[str]]:
    """A committed user with two-factor on; returns the user, the secret, the recovery codes."""
    with app.app_context():
        user = make_user(roles=(role,), preferred_language=Language.EN)
        credential = two_factor.begin_enrolment(user)
        secret = credential.secret or ""
        at = utcnow() - 3 * STEP  # leaves the current steps unused for the test itself
        codes = two_factor.confirm_enrolment(user, pyotp.TOTP(secret).at(at.timestamp()), at=at)
        db.session.commit()
        return user, secret, codes


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).generate_otp(two_factor.time_step() + offset_steps)


def test_a_code_is_accepted_once_per_time_step(app: Flask) -> None:
    user, secret, _codes = _enrolled(app)
    now = utcnow()
    code = pyotp.TOTP(secret).at(now.timestamp())
    with app.app_context():
        user = db.session.get(User, user.id)
        assert two_factor.verify(user, code, at=now)
        assert not two_factor.verify(user, code, at=now)  # the replay
        # An earlier step's code, though within the skew, is no longer accepted either.
        earlier = pyotp.TOTP(secret).at((now - STEP).timestamp())
        assert not two_factor.verify(user, earlier, at=now)


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_one_step_of_clock_skew_is_accepted_and_two_are_not(
    app: Flask, offset: int, accepted: bool
) -> None:
    user, secret, _codes = _enrolled(app)
    now = utcnow()
    code = pyotp.TOTP(secret).at((now + offset * STEP).timestamp())
    with app.app_context():
        assert two_factor.verify(db.session.get(User, user.id), code, at=now) is accepted


def test_a_recovery_code_works_once_and_new_ones_replace_the_old(app: Flask) -> None:
    user, _secret, codes = _enrolled(app)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", code) for code in codes)
    with app.app_context():
        user = db.session.get(User, user.id)
        assert two_factor.verify(user, codes[0].upper())  # typed in capitals: still the code
        assert not two_factor.verify(user, codes[0])
        assert two_factor.unused_recovery_codes(user) == 9
        fresh = two_factor.regenerate_recovery_codes(user)
        assert not two_factor.verify(user, codes[1])
        assert two_factor.verify(user, fresh[1])


def test_the_secret_and_the_recovery_codes_are_not_stored_in_plaintext(app: Flask) -> None:
    user, secret, codes = _enrolled(app)
    with app.app_context():
        stored = db.session.execute(
            text("SELECT secret FROM two_factor_credentials WHERE user_id = :id"),
            {"id": user.id.hex if db.engine.dialect.name == "sqlite" else user.id},
        ).scalar_one()
        hashes = db.session.execute(text("SELECT code_hash FROM recovery_codes")).scalars().all()
    assert secret.encode() not in bytes(stored)
    assert secret.lower().encode() not in bytes(stored).lower()
    plain = {code.replace("-", "") for code in codes}
    assert not plain & set(hashes) and not {c for c in codes} & set(hashes)


def test_a_required_role_is_sent_to_enrolment_and_can_do_nothing_else(
    app: Flask, client: FlaskClient, required: None
) -> None:
    with app.app_context():
        user = make_user(roles=(Role.SUPERVISOR,), preferred_language=Language.EN)
        db.session.commit()
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/two-factor-setup"
    assert client.get("/").headers["Location"].startswith("/sign-in")  # not signed in yet
    assert client.get("/api/v1/cases").status_code == 401
    page = client.get("/sign-in/two-factor-setup").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    assert secret and "<svg" in page  # the key as text to type in, and as a QR code
    wrong = post_form(client, "/sign-in/two-factor-setup", {"code": "000000"})
    assert wrong.status_code == 401
    done = post_form(client, "/sign-in/two-factor-setup", {"code": _code(secret.group(1))})
    assert done.status_code == 200
    shown = re.findall(r"<code>([a-z2-7-]{19})</code>", done.get_data(as_text=True))
    assert len(shown) == 10
    assert client.get("/").status_code == 200  # signed in now


def test_an_enrolled_user_signs_in_with_a_code_and_a_replayed_code_is_refused(
    app: Flask, client: FlaskClient, required: None
) -> None:
    user, secret, codes = _enrolled(app)
    assert sign_in(client, user.email).headers["Location"] == "/sign-in/code"
    assert client.get("/").status_code == 302
    code = _code(secret)
    assert post_form(client, "/sign-in/code", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200

    other = client.application.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(other, user.email).headers["Location"] == "/sign-in/code"
    replay = post_form(other, "/sign-in/code", {"code": code})
    assert replay.status_code == 401
    assert "The code is wrong or was already used." in replay.get_data(as_text=True)
    assert other.get("/").status_code == 302
    recovered = post_form(other, "/sign-in/code", {"code": codes[3]})
    assert recovered.status_code == 302 and other.get("/").status_code == 200
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))
        ).all()
    assert "recovery_code_used" in actions and "sign_in_failed" in actions


def test_the_code_step_expires_and_cannot_be_skipped(
    app: Flask, client: FlaskClient, required: None
) -> None:
    user, _secret, _codes = _enrolled(app)
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    sign_in(client, user.email)
    with client.session_transaction() as browser:
        pending = dict(browser["sign_in_pending"])
        pending["since"] -= 6 * 60
        browser["sign_in_pending"] = pending
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"


def test_a_wrong_password_never_reaches_the_code_step(
    app: Flask, client: FlaskClient, required: None
) -> None:
    user, _secret, _codes = _enrolled(app)
    assert sign_in(client, user.email, "wrong password").status_code == 401
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"


def test_turning_two_factor_on_and_off_from_the_account_page(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.THERAPIST, preferred_language=Language.EN)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    assert secret
    done = post_form(client, "/account/two-factor", {"code": _code(secret.group(1))})
    assert done.status_code == 200 and "Recovery codes" in done.get_data(as_text=True)
    assert "Unused recovery codes: 10" in client.get("/account/two-factor").get_data(as_text=True)
    token = csrf_token(client, "/account/two-factor")
    off = client.post("/account/two-factor/disable", data={"csrf_token": token})
    assert off.status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                select(TwoFactorCredential).where(TwoFactorCredential.user_id == user.id)
            )
            is None
        )


def test_a_role_that_requires_two_factor_cannot_turn_it_off(app: Flask, required: None) -> None:
    user, _secret, _codes = _enrolled(app, Role.ADMIN)
    with app.app_context(), pytest.raises(Exception, match="requires two-factor"):
        two_factor.disable(db.session.get(User, user.id))


def _bare_app() -> Flask:
    return create_app(
        {
            "CASEWORK_ENV": "testing",
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CASEWORK_KEY_MATERIAL": KeyMaterial.generate(),
        }
    )


def test_by_default_supervisors_and_administrators_need_two_factor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CASEWORK_TWO_FACTOR_ROLES", raising=False)
    app = _bare_app()
    assert app.config["CASEWORK_TWO_FACTOR_ROLES"] == frozenset({"supervisor", "admin"})


def test_an_unknown_role_in_the_setting_refuses_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_TWO_FACTOR_ROLES", "supervisor,boss")
    with pytest.raises(ConfigError, match="boss"):
        _bare_app()
