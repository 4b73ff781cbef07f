"""Use cases for staff accounts and sign-in sessions. Services flush, never commit."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from casework.audit import services as audit
from casework.auth import grants
from casework.auth.devices import device_summary
from casework.auth.models import ApiToken, Language, Role, Team, User, UserRole, UserSession
from casework.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from casework.auth.tokens import TOKEN_PREFIX as TOKEN_PREFIX
from casework.auth.tokens import create_api_token as create_api_token
from casework.auth.tokens import list_api_tokens as list_api_tokens
from casework.auth.tokens import revoke_api_token as revoke_api_token
from casework.db import db, utcnow
from casework.errors import Conflict, DomainError, NotFound, ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Sessions are touched at most this often, so a busy page does not write on every request.
_LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class SignInError(DomainError):
    status = 401
    title = "Sign-in failed"


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise ValidationError("this is not an e-mail address", fields={"email": ["invalid"]})
    return email


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def get_or_create_team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
    return team


def create_user(
    email: str,
    *,
    display_name: str,
    roles: Iterable[Role],
    password: str,
    team: Team | None = None,
    language: Language = Language.PL,
) -> User:
    """Create an enabled staff account with its roles at once; the e-mail must be new.

    For the operator's command line and the demo only: they run on the server, with the master
    key at hand, so a second person would add nothing. The web and the API go through
    `casework.auth.accounts.admin_create_user`, where clinical roles wait for approval."""
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError("a user needs at least one role", fields={"roles": ["required"]})
    user = new_account(
        email, display_name=display_name, password=password, team=team, language=language
    )
    audit.record("user.create", actor=None, object_type="user", object_id=user.id)
    grants.apply_directly(user, added=roles, actor=None)
    return user


def new_account(
    email: str,
    *,
    display_name: str,
    password: str,
    team: Team | None,
    language: Language,
) -> User:
    """An enabled account without roles (the callers give them and write the audit event)."""
    email = normalise_email(email)
    problem = password_problem(password)
    if problem:
        raise ValidationError(problem, fields={"password": [problem]}, length=MIN_PASSWORD_LENGTH)
    if find_user(email) is not None:
        raise Conflict("a user with the e-mail %(email)s already exists", email=email)
    user = User(
        email=email,
        display_name=display_name.strip() or email,
        preferred_language=language,
        password_hash=hash_password(password),
        team=team,
        role_rows=[],
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    """The enabled user with this e-mail and password; one message for every failure."""
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise SignInError("wrong e-mail or password")
    if not user.is_enabled:
        raise SignInError("wrong e-mail or password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, user_agent: str | None = None) -> str:
    """Record a new sign-in session and return the token for the cookie. The browser and system
    shown on the sessions page come from `user_agent`, else from the request's header."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    if user_agent is None and has_request_context():
        user_agent = request.headers.get("User-Agent")
    browser, system = device_summary(user_agent)
    db.session.add(
        UserSession(
            user=user,
            token_hash=_token_hash(token),
            created_at=now,
            last_seen_at=now,
            browser=browser,
            operating_system=system,
        )
    )
    db.session.flush()
    user.session_token = token
    return token


def resume_session(token: str) -> User | None:
    """The user of a live session, or None when it ended, went idle or its user was disabled.

    One statement for every signed-in request: the session joined to its user and their roles."""
    session = (
        db.session.scalars(
            select(UserSession)
            .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
            .options(joinedload(UserSession.user).joinedload(User.role_rows))
        )
        .unique()
        .one_or_none()
    )
    if session is None or not session.user.is_enabled:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["CASEWORK_IDLE_TIMEOUT_MINUTES"])
    if now - session.last_seen_at > idle:
        session.revoked_at = now
        return None
    if now - session.last_seen_at > _LAST_SEEN_RESOLUTION:
        session.last_seen_at = now
    session.user.session_token = token
    return session.user


def end_session(token: str) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all_sessions(user: User) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def disable_user(email: str) -> User:
    """Disable an account and end every session it has."""
    user = find_user(email)
    if user is None:
        raise NotFound("no user with the e-mail %(email)s", email=email.strip().lower())
    user.is_enabled = False
    end_all_sessions(user)
    revoke_all_api_tokens(user)
    db.session.flush()
    audit.record("user.disable", actor=None, object_type="user", object_id=user.id)
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    """Set a new password and end every session of the user, this one included."""
    if not verify_password(user.password_hash, current_password):
        raise ValidationError(
            "the current password is wrong", fields={"current_password": ["wrong password"]}
        )
    problem = password_problem(new_password)
    if problem:
        raise ValidationError(
            problem, fields={"new_password": [problem]}, length=MIN_PASSWORD_LENGTH
        )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(user)
    revoke_all_api_tokens(user)
    db.session.flush()
    audit.record("user.password_change", actor=user, object_type="user", object_id=user.id)


def revoke_all_api_tokens(user: User) -> None:
    """A new password (or a disabled account) also ends the API tokens made before it."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


# --- for the web interface ----------------------------------------------------------------


def touch_session(token: str) -> None:
    """Keep a signed-in session alive now (the idle warning's "stay signed in")."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
        .values(last_seen_at=utcnow())
    )


def set_preferred_language(user: User, language: Language) -> None:
    user.preferred_language = language
    db.session.flush()


def staff_with_role(role: Role, *, limit: int = 500) -> list[User]:
    """Enabled staff holding `role` (names only), for choosing a practitioner or manager."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role, User.is_enabled.is_(True))
            .order_by(User.display_name)
            .limit(limit)
        )
    )


def display_names(user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Staff names for the ids given (authors, case managers on a page)."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}
