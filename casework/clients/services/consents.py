"""Consents (or another legal basis) for processing a client's data, and the check every
feature makes before processing it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.clients.models import Client, Consent, ConsentPurpose, LegalBasis
from casework.clients.services.clients import require_client
from casework.db import db, utcnow
from casework.errors import Conflict, ValidationError


def record_consent(
    user: User,
    client_id: uuid.UUID,
    *,
    purpose: ConsentPurpose,
    legal_basis: LegalBasis,
    notice_version: str,
) -> Consent:
    """Record a consent, or another legal basis, for processing a client's data for `purpose`."""
    client = require_client(user, client_id)
    if not notice_version.strip():
        raise ValidationError(
            "the privacy notice version is required", fields={"notice_version": ["required"]}
        )
    consent = Consent(
        client_id=client.id,
        purpose=purpose,
        legal_basis=legal_basis,
        notice_version=notice_version.strip(),
        recorded_by_id=user.id,
    )
    db.session.add(consent)
    audit.record_change("consent.record", consent, actor=user, fields=["purpose", "legal_basis"])
    db.session.flush()
    return consent


def withdraw_consent(user: User, consent_id: uuid.UUID) -> Consent:
    """Withdraw a consent; processing that needs it stops from now on."""
    consent = policy.require_visible(
        user,
        Consent,
        consent_id,
        what="consent",
        visible=Consent.client_id.in_(select(Client.id).where(policy.visible_clients(user))),
    )
    if consent.withdrawn_at is not None:
        raise Conflict("this consent was already withdrawn")
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = user.id
    audit.record_change("consent.withdraw", consent, actor=user, fields=["withdrawn_at"])
    db.session.flush()
    return consent


def consents_of(client_id: uuid.UUID) -> list[Consent]:
    """A client's consents, oldest first (the caller has checked access to the client)."""
    return list(
        db.session.scalars(
            select(Consent).where(Consent.client_id == client_id).order_by(Consent.given_at)
        )
    )


def read_consents(user: User, client_id: uuid.UUID) -> list[Consent]:
    """The consents of a client `user` may see."""
    return consents_of(require_client(user, client_id).id)


def require_processing_basis(client_ids: Iterable[uuid.UUID]) -> None:
    """Refuse to process a client's data for support services without a valid basis."""
    ids = set(client_ids)
    covered = set(
        db.session.scalars(
            select(Consent.client_id).where(
                Consent.client_id.in_(ids),
                Consent.purpose == ConsentPurpose.SUPPORT_SERVICES,
                Consent.withdrawn_at.is_(None),
            )
        )
    )
    missing = ids - covered
    if missing:
        raise Conflict(
            "no valid consent (or other legal basis) for support services is recorded for "
            "%(count)s client(s); record one before processing their data",
            count=len(missing),
        )
