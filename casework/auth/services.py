"""Use cases for staff accounts and sign-in sessions. Services flush, never commit."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from casework.auth.models import ApiToken, Language, Role, Team, User, UserRole, UserSession
from casework.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from casework.db import db, get_or_not_found, utcnow
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
    """Create an enabled staff account; the e-mail must be new."""
    email = normalise_email(email)
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError("a user needs at least one role", fields={"roles": ["required"]})
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
        role_rows=[UserRole(role=role) for role in roles],
    )
    db.session.add(user)
    if team is not None and Role.SUPERVISOR in roles:
        team.supervisors.append(user)
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


def start_session(user: User) -> str:
    """Record a new sign-in session and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(user=user, token_hash=_token_hash(token), created_at=now, last_seen_at=now)
    )
    db.session.flush()
    user.session_token = token
    return token


def resume_session(token: str) -> User | None:
    """The user of a live session, or None when it ended, went idle or its user was disabled."""
    session = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None)
        )
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
    _revoke_all_api_tokens(user)
    db.session.flush()
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
    _revoke_all_api_tokens(user)
    db.session.flush()


# --- personal API tokens ----------------------------------------------------------------

TOKEN_PREFIX = "cwk_"  # noqa: S105  (a label, not a secret)


def create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the plaintext is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationError(
            "a token needs a name of 1 to 80 characters", fields={"name": ["invalid"]}
        )
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        token_hash=_token_hash(plaintext),
    )
    db.session.add(token)
    db.session.flush()
    return token, plaintext


def list_api_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_api_token(user: User, token_id: uuid.UUID) -> ApiToken:
    """Revoke one of `user`'s own tokens; another's reads like a missing one."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def user_for_api_token(plaintext: str) -> User | None:
    """The enabled owner of a live token, or None."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_hash(plaintext), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.is_enabled:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_SEEN_RESOLUTION:
        token.last_used_at = now
    return token.user


def _revoke_all_api_tokens(user: User) -> None:
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


def _require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise NotFound("no such page")


def list_users(actor: User, *, limit: int = 500) -> list[User]:
    """Staff accounts for the administrator's list, by name (bounded)."""
    _require_admin(actor)
    return list(db.session.scalars(select(User).order_by(User.display_name).limit(limit)))


def list_teams(actor: User) -> list[Team]:
    _require_admin(actor)
    return list(db.session.scalars(select(Team).order_by(Team.name)))


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


def admin_create_user(
    actor: User,
    email: str,
    *,
    display_name: str,
    roles: Iterable[Role],
    password: str,
    team_id: uuid.UUID | None,
    language: Language,
) -> User:
    """An administrator creates a staff account."""
    _require_admin(actor)
    team = db.session.get(Team, team_id) if team_id else None
    if team_id and team is None:
        raise ValidationError("no such team", fields={"team": ["unknown"]})
    if not _EMAIL.match(email.strip()):
        raise ValidationError("not an e-mail address", fields={"email": ["invalid"]})
    return create_user(
        email,
        display_name=display_name,
        roles=roles,
        password=password,
        team=team,
        language=language,
    )


def admin_create_team(actor: User, name: str) -> Team:
    """An administrator creates a team with a new name."""
    _require_admin(actor)
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationError("a team needs a name of 1 to 120 characters", fields={"name": ["?"]})
    if db.session.scalar(select(Team).where(Team.name == name)) is not None:
        raise Conflict("a team named %(name)s already exists", name=name)
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    return team


def admin_set_enabled(actor: User, user_id: uuid.UUID, *, enabled: bool) -> User:
    """Enable or disable an account; disabling ends its sessions."""
    _require_admin(actor)
    user = get_or_not_found(User, user_id, "user")
    if user.id == actor.id and not enabled:
        raise Conflict("you cannot disable your own account")
    user.is_enabled = enabled
    if not enabled:
        end_all_sessions(user)
        _revoke_all_api_tokens(user)
    db.session.flush()
    return user


def display_names(user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Staff names for the ids given (authors, case managers on a page)."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}
