"""Two-factor sign-in with TOTP (RFC 6238) authenticator apps, and single-use recovery codes.

The shared secret is sealed under the staff data key (`casework.crypto`, envelope encryption
bound to its row), never stored in plaintext. A code is accepted once per 30-second time step
(the last accepted step is stored and only a later one passes) with at most one step of clock
skew either way. Recovery codes carry 80 random bits and are stored as SHA-256 hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, or_, select, update

from casework.audit.services import record
from casework.auth.models import RecoveryCode, Role, TwoFactorCredential, User
from casework.db import db, utcnow
from casework.errors import Conflict, ValidationError

ISSUER = "casework"
STEP_SECONDS = 30
#: Steps of clock skew accepted either side of now.
SKEW_STEPS = 1
RECOVERY_CODE_COUNT = 10
_CODE = re.compile(r"^\d{6}$")
_RECOVERY = re.compile(r"^[a-z2-7]{16}$")


def required_for(user: User) -> bool:
    """Whether `user` holds a role that must sign in with a second factor (configuration)."""
    required = current_app.config["CASEWORK_TWO_FACTOR_ROLES"]
    return any(role.value in required for role in user.roles)


def check_required_roles(names: frozenset[str]) -> frozenset[str]:
    """The configured role names, refused when one is not a role."""
    unknown = sorted(names - {role.value for role in Role})
    if unknown:
        from casework.config import ConfigError

        raise ConfigError(
            f"CASEWORK_TWO_FACTOR_ROLES names unknown roles: {', '.join(unknown)} "
            f"(the roles are {', '.join(role.value for role in Role)})"
        )
    return names


def credential_of(user: User) -> TwoFactorCredential | None:
    """The user's authenticator, confirmed or still in enrolment."""
    return db.session.scalar(
        select(TwoFactorCredential).where(TwoFactorCredential.user_id == user.id)
    )


def is_enrolled(user: User) -> bool:
    credential = credential_of(user)
    return credential is not None and credential.confirmed_at is not None


def begin_enrolment(user: User) -> TwoFactorCredential:
    """A new secret for `user`, waiting for its first code; replaces an unconfirmed one."""
    credential = credential_of(user)
    if credential is not None and credential.confirmed_at is not None:
        raise Conflict("two-factor sign-in is already on; turn it off first to change the app")
    if credential is None:
        credential = TwoFactorCredential(user_id=user.id)
        db.session.add(credential)
    credential.secret = pyotp.random_base32()
    credential.last_used_step = None
    db.session.flush()
    return credential


def pending_enrolment(user: User) -> TwoFactorCredential | None:
    credential = credential_of(user)
    return credential if credential is not None and credential.confirmed_at is None else None


def provisioning_uri(user: User, credential: TwoFactorCredential) -> str:
    """The otpauth:// address an authenticator app reads (as a QR code or typed in)."""
    return pyotp.TOTP(credential.secret or "").provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as inline SVG (made here; no image service sees the secret)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


def confirm_enrolment(user: User, code: str, *, at: datetime | None = None) -> list[str]:
    """Turn two-factor sign-in on with the first code from the app; returns the recovery codes
    (shown once)."""
    credential = pending_enrolment(user)
    if credential is None:
        raise Conflict("there is no two-factor enrolment to confirm; start again")
    if not _accept_code(credential, code, at=at):
        raise ValidationError(
            "the code is wrong or was already used; enter the current code from the app",
            fields={"code": ["wrong code"]},
        )
    credential.confirmed_at = utcnow()
    codes = _new_recovery_codes(user)
    record("two_factor_enabled", actor=user, object_type="user", object_id=user.id)
    db.session.flush()
    return codes


def verify(user: User, code: str, *, at: datetime | None = None) -> bool:
    """Whether `code` (from the app, or a recovery code) proves the second factor; a code is
    used up by succeeding."""
    credential = credential_of(user)
    if credential is None or credential.confirmed_at is None:
        return False
    if _accept_code(credential, code, at=at):
        return True
    return _use_recovery_code(user, code)


def disable(user: User) -> None:
    """Turn two-factor sign-in off (not for a role that requires it)."""
    if required_for(user):
        raise Conflict("your role requires two-factor sign-in; it cannot be turned off")
    db.session.execute(delete(TwoFactorCredential).where(TwoFactorCredential.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record("two_factor_disabled", actor=user, object_type="user", object_id=user.id)
    db.session.flush()


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes; every earlier one stops working."""
    if not is_enrolled(user):
        raise Conflict("turn two-factor sign-in on first")
    codes = _new_recovery_codes(user)
    record("recovery_codes_regenerated", actor=user, object_type="user", object_id=user.id)
    db.session.flush()
    return codes


def unused_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def time_step(at: datetime | None = None) -> int:
    return int((at or utcnow()).timestamp()) // STEP_SECONDS


def _accept_code(credential: TwoFactorCredential, code: str, *, at: datetime | None) -> bool:
    """Accept a 6-digit code of now ± one step, unless its step is not after the last used one.

    The step is claimed by a conditional UPDATE, so two requests racing with one code cannot
    both pass (the second finds the step already taken)."""
    code = code.replace(" ", "").strip()
    if not _CODE.match(code) or not credential.secret:
        return False
    totp = pyotp.TOTP(credential.secret)
    now = time_step(at)
    for step in range(now - SKEW_STEPS, now + SKEW_STEPS + 1):
        if not hmac.compare_digest(totp.generate_otp(step), code):
            continue
        claimed = db.session.execute(
            update(TwoFactorCredential)
            .where(
                TwoFactorCredential.id == credential.id,
                or_(
                    TwoFactorCredential.last_used_step.is_(None),
                    TwoFactorCredential.last_used_step < step,
                ),
            )
            .values(last_used_step=step)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(credential, ["last_used_step"])
        return bool(getattr(claimed, "rowcount", 0) == 1)
    return False


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(b"casework/recovery/" + code.encode()).hexdigest()


def _normalise_recovery(code: str) -> str:
    return code.replace("-", "").replace(" ", "").strip().lower()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        base64.b32encode(secrets.token_bytes(10)).decode().lower()
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(c)) for c in codes)
    return ["-".join(code[i : i + 4] for i in range(0, 16, 4)) for code in codes]


def _use_recovery_code(user: User, code: str) -> bool:
    code = _normalise_recovery(code)
    if not _RECOVERY.match(code):
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(used, "rowcount", 0) != 1:
        return False
    record("recovery_code_used", actor=user, object_type="user", object_id=user.id)
    return True
