"""Sign-in throttling per account and per address, shared between processes through Redis, and
failed attempts audited and logged without the password."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.auth import throttle
from casework.auth.models import Role
from casework.extensions import limiter
from tests.factories import PASSWORD
from tests.pages import sign_in

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


def _signed_out_user(client: FlaskClient, login_as, role: Role = Role.CASE_MANAGER):
    user = login_as(role)
    client.delete_cookie("casework_session")
    return user


def test_thirty_wrong_passwords_then_the_right_one_is_refused_while_throttled(
    client: FlaskClient, login_as
) -> None:
    user = _signed_out_user(client, login_as)
    statuses = [sign_in(client, user.email, f"guess {n}").status_code for n in range(30)]
    assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}
    right = sign_in(client, user.email, PASSWORD)
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 0
    assert "too many failed sign-in attempts" in right.get_data(as_text=True).lower()
    assert client.get("/").headers["Location"].startswith("/sign-in")  # not signed in


def test_a_throttled_answer_does_not_tell_whether_the_account_exists(
    client: FlaskClient, login_as
) -> None:
    user = _signed_out_user(client, login_as)
    for _ in range(10):
        sign_in(client, user.email, "wrong")
        sign_in(client, "nobody-here@example.test", "wrong")
    known = sign_in(client, user.email, "wrong")
    unknown = sign_in(client, "nobody-here@example.test", "wrong")
    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]
    assert known.get_data(as_text=True).count("error form-error") == 1
    assert unknown.get_data(as_text=True).count("error form-error") == 1


def test_the_account_limit_ignores_case_and_other_accounts_still_sign_in(
    client: FlaskClient, login_as, app: Flask
) -> None:
    user = _signed_out_user(client, login_as)
    for _ in range(10):
        sign_in(client, user.email.upper(), "wrong")
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    other = login_as(Role.THERAPIST)  # the same address, another account
    assert other.email and client.get("/").status_code == 200


def test_the_address_limit_stops_guessing_across_many_accounts(
    app: Flask, client: FlaskClient, login_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CASEWORK_SIGN_IN_IP_LIMIT", "5 per 15 minutes")
    user = _signed_out_user(client, login_as)
    for n in range(5):
        assert sign_in(client, f"person{n}@example.test", "wrong").status_code == 401
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(elsewhere, user.email, PASSWORD).status_code == 302


def test_behind_the_proxy_each_client_address_counts_on_its_own(
    app: Flask, login_as, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gunicorn listens on 127.0.0.1 behind a proxy: counting the proxy's address would let one
    attacker lock every colleague out; a forged leftmost X-Forwarded-For entry changes nothing."""
    monkeypatch.setitem(app.config, "CASEWORK_SIGN_IN_IP_LIMIT", "3 per 15 minutes")
    user = _signed_out_user(client, login_as)
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    for n in range(3):
        forged = {"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.9"}
        client.environ_base.update({"HTTP_X_FORWARDED_FOR": forged["X-Forwarded-For"]})
        assert sign_in(client, f"someone{n}@example.test", "wrong").status_code == 401
    client.environ_base["HTTP_X_FORWARDED_FOR"] = attacker["X-Forwarded-For"]
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    colleague = app.test_client()
    colleague.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.44"
    assert sign_in(colleague, user.email, PASSWORD).status_code == 302


def test_failed_attempts_are_audited_and_logged_without_password_or_address(
    app: Flask, client: FlaskClient, login_as, caplog: pytest.LogCaptureFixture
) -> None:
    user = _signed_out_user(client, login_as)
    typed = "Secret-Typo-4711"
    with caplog.at_level(logging.WARNING, logger="casework"):
        sign_in(client, user.email, typed)
        sign_in(client, "stranger@example.test", typed)
    with app.app_context():
        events = db_events("sign_in_failed")
    assert [(e.object_id, e.actor_id, e.fields) for e in events] == [
        (str(user.id), None, ["password"]),
        (None, None, ["password"]),
    ]
    assert all(typed not in str(e.chained_fields()) for e in events)
    lines = [record.getMessage() for record in caplog.records if "sign-in" in record.getMessage()]
    assert len(lines) == 2 and str(user.id) in lines[0] and "unknown" in lines[1]
    assert not any(typed in line or "@" in line for line in lines)


def db_events(action: str) -> list[AuditEvent]:
    from casework.db import db

    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
    )


def test_without_redis_the_counts_are_kept_in_memory(app: Flask) -> None:
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert isinstance(limiter.storage, MemoryStorage)


def test_an_unreachable_redis_still_throttles_within_the_process(
    client: FlaskClient, login_as, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    user = _signed_out_user(client, login_as)
    dead = MovingWindowRateLimiter(storage_from_string("redis://127.0.0.1:1/0"))
    monkeypatch.setattr(type(limiter), "limiter", property(lambda _self: dead))
    monkeypatch.setattr(throttle, "_fallback", MovingWindowRateLimiter(MemoryStorage()))
    with caplog.at_level(logging.ERROR, logger="casework"):
        statuses = [sign_in(client, user.email, "wrong").status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    assert "storage unreachable (ConnectionError)" in caplog.text


def _run(database_url: str, env: dict[str, str], *args: str) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.auth.throttle_worker", args[0], database_url, *args[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1]) if args[0] != "setup" else []


def test_two_worker_processes_share_the_limit_through_redis(
    fresh_database_url: str, tmp_path: Path
) -> None:
    prefix = f"throttle-test-{secrets.token_hex(4)}"
    base = {
        **os.environ,
        "CASEWORK_INSTANCE_PATH": str(tmp_path / "instance"),
        "CASEWORK_RATELIMIT_PREFIX": prefix,
    }
    base.pop("REDIS_URL", None)
    _run(fresh_database_url, base, "setup")
    shared = {**base, "REDIS_URL": REDIS_URL}
    store = redis.Redis.from_url(REDIS_URL)
    try:
        first = _run(fresh_database_url, shared, "attempts", "target@example.test", "6")
        second = _run(fresh_database_url, shared, "attempts", "target@example.test", "6")
        assert first == [401] * 6
        assert second == [401] * 4 + [429] * 2  # the second process saw the first's failures
        assert list(store.scan_iter(f"*{prefix}*"))  # the counts live in Redis
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()
    # The same two processes without Redis: each counts on its own (why production sets it).
    alone = [_run(fresh_database_url, base, "attempts", "other@example.test", "6") for _ in "ab"]
    assert alone == [[401] * 6, [401] * 6]
