"""Personal API tokens: shown once, stored as a hash, expiring, listed and revocable.

Services flush, never commit; each change writes its audit event in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from casework.audit import services as audit
from casework.auth.models import ApiToken, User
from casework.db import db, utcnow
from casework.errors import DomainError, Forbidden, NotFound, ValidationError
from casework.pagination import Page, paginate

TOKEN_PREFIX = "cwk_"  # noqa: S105  (a label, not a secret)
#: A token's last use is recorded at most this often, so reads do not write every time.
LAST_USED_RESOLUTION = timedelta(minutes=1)
#: What `CASEWORK_API_TOKEN_MAX_DAYS` is when the configuration does not say.
DEFAULT_MAX_DAYS = 90


class ApiTokenExpired(DomainError):
    """A token that was valid but is past its expiry: the API answers 401 with this message."""

    status = 401
    title = "Unauthorized"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def max_token_days() -> int:
    """The longest lifetime a new token may have (also the default), from the configuration."""
    return int(current_app.config.get("CASEWORK_API_TOKEN_MAX_DAYS", DEFAULT_MAX_DAYS))


def create_api_token(
    user: User, *, name: str, days: int | None = None, by_token: bool = False
) -> tuple[ApiToken, str]:
    """A new personal token valid for `days` (default and at most the configured maximum); the
    plaintext is returned once and never stored. A token cannot make another token: that would
    let a stolen one outlive its expiry."""
    if by_token:
        raise Forbidden("an API token cannot create tokens; sign in to create one")
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationError(
            "a token needs a name of 1 to 80 characters", fields={"name": ["invalid"]}
        )
    longest = max_token_days()
    days = longest if days is None else days
    if not 1 <= days <= longest:
        raise ValidationError(
            "a token lives from 1 to %(days)s days",
            fields={"expires_in_days": ["out of range"]},
            days=longest,
        )
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        token_hash=_digest(plaintext),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.create", actor=user, object_type="api_token", object_id=token.id)
    return token, plaintext


def list_api_tokens(user: User, *, cursor: str | None = None, limit: int = 50) -> Page[ApiToken]:
    """`user`'s own tokens, newest first, a page at a time (the hashes never leave this
    module's callers)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return paginate(query, [ApiToken.created_at, ApiToken.id], cursor=cursor, limit=limit)


def revoke_api_token(user: User, token_id: uuid.UUID) -> ApiToken:
    """Revoke one of `user`'s own tokens; another's reads like a missing one."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if token is None:
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit.record("api_token.revoke", actor=user, object_type="api_token", object_id=token.id)
    return token


def is_expired(token: ApiToken) -> bool:
    return token.expires_at <= utcnow()


def user_for_api_token(plaintext: str) -> User | None:
    """The enabled owner of a live token, or None; raises ApiTokenExpired for a token whose time
    is over (the caller tells the client so, instead of a bare 401)."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _digest(plaintext), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.is_enabled:
        return None
    now = utcnow()
    if token.expires_at <= now:
        raise ApiTokenExpired("this API token has expired; create a new one on your account page")
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token.user
