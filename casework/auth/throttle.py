"""Sign-in throttling: failed attempts counted per account and per address, through Flask-Limiter.

Only failures count (a colleague signing in many times a day is never throttled), in a moving
window. The storage is Flask-Limiter's: Redis when `REDIS_URL` is set, so every gunicorn worker
sees the same counts; memory otherwise (one process: development and tests). An account is
counted under a keyed hash of the e-mail typed, existing or not, so a throttled answer says
nothing about whether the account exists, and the storage never holds an address.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from casework.config import ConfigError
from casework.errors import N_, DomainError
from casework.extensions import limiter

log = logging.getLogger(__name__)

_NAMESPACE = "sign-in-failures"


class SignInThrottled(DomainError):
    """Too many failed attempts: sign-in is refused for a while, whoever asks."""

    status = 429
    title = "Too many attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            N_(
                "too many failed sign-in attempts; wait %(minutes)s minutes and try again, or ask "
                "an administrator"
            ),
            minutes=max(1, math.ceil(retry_after / 60)),
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the account named (a keyed hash of its e-mail, or a user id) and the
    address the request comes from."""

    account: str
    address: str


def init_throttle(app: Flask) -> None:
    """Bind Flask-Limiter's storage; refuse to start on a limit that does not parse."""
    for name in ("CASEWORK_SIGN_IN_ACCOUNT_LIMIT", "CASEWORK_SIGN_IN_IP_LIMIT"):
        try:
            parse(app.config[name])
        except ValueError:
            raise ConfigError(
                f"{name} must read like '10 per 15 minutes', not {app.config[name]!r}"
            ) from None
    limiter.init_app(app)
    if app.config["CASEWORK_ENV"] == "production" and app.config[
        "RATELIMIT_STORAGE_URI"
    ].startswith("memory://"):
        log.warning(
            "sign-in throttling counts in memory: each worker process counts on its own; "
            "set REDIS_URL to share the counts"
        )


def attempt_for_email(email: str) -> Attempt:
    """The attempt of whoever types `email` at the sign-in form, from this request's address."""
    normalised = email.strip().lower().encode()
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"casework/sign-in/" + normalised, hashlib.sha256).hexdigest()[:32]
    return Attempt(account=f"email:{digest}", address=client_address())


def attempt_for_user(user_id: object) -> Attempt:
    """The attempt of a known user (the second step, or confirming a session)."""
    return Attempt(account=f"user:{user_id}", address=client_address())


def client_address() -> str:
    """The client's address: behind a trusted proxy, the last X-Forwarded-For entry (the one
    the proxy appended; entries before it are whatever the client sent, so never trusted)."""
    peer = request.remote_addr or "unknown"
    forwarded = request.headers.get("X-Forwarded-For", "")
    if peer in current_app.config["CASEWORK_TRUSTED_PROXIES"] and forwarded.strip():
        return forwarded.split(",")[-1].strip() or peer
    return peer


def _limits() -> list[tuple[RateLimitItem, str]]:
    config = current_app.config
    return [
        (parse(config["CASEWORK_SIGN_IN_ACCOUNT_LIMIT"]), "account"),
        (parse(config["CASEWORK_SIGN_IN_IP_LIMIT"]), "address"),
    ]


def _identifiers(attempt: Attempt, scope: str) -> tuple[str, ...]:
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    value = attempt.account if scope == "account" else attempt.address
    return (prefix, _NAMESPACE, scope, value)


def refuse_if_throttled(attempt: Attempt) -> None:
    """Raise SignInThrottled while the account or the address has used up its failures."""
    waits = []
    for item, scope in _limits():
        identifiers = _identifiers(attempt, scope)
        if not _counts("test", item, identifiers):
            reset_at, _remaining = _counts("get_window_stats", item, identifiers)
            waits.append(max(1, math.ceil(reset_at - time.time())))
    if waits:
        raise SignInThrottled(retry_after=max(waits))


def count_failure(attempt: Attempt) -> None:
    """One more failed attempt for the account and for the address."""
    for item, scope in _limits():
        _counts("hit", item, _identifiers(attempt, scope))


#: While the shared storage (Redis) cannot be reached, this process counts on its own: sign-in
#: keeps working, still throttled per worker, instead of failing for everyone.
_fallback = MovingWindowRateLimiter(MemoryStorage())


def _counts(operation: str, item: RateLimitItem, identifiers: tuple[str, ...]) -> Any:
    """`operation` ("test", "hit", "get_window_stats") of the limiter's strategy."""
    try:
        return getattr(limiter.limiter, operation)(item, *identifiers)
    except Exception as error:  # redis raises its own errors; any of them means "unreachable"
        log.error(
            "sign-in throttling storage unreachable (%s); counting in this process",
            type(error).__name__,
        )
        return getattr(_fallback, operation)(item, *identifiers)
