"""Pseudonymous returning-visitor tokens: count returning visitors without knowing who they are.

The token is an HMAC-SHA256, under a key derived from the blind-index key with its own label,
of a normalised document number or phone. Only the token is stored; without the key it cannot
be reversed, and it differs from the client blind indexes of the same number.
"""

from __future__ import annotations

import hashlib
import hmac

from casework.crypto.blind_index import normalise_identifier, normalise_phone
from casework.crypto.errors import BlindIndexInputError
from casework.crypto.keystore import key_material
from casework.errors import ValidationError

_LABEL = b"casework/returning-visitor/v1"


def _visitor_key() -> bytes:
    return hmac.digest(key_material().blind_index_key, _LABEL, "sha256")


def returning_visitor_token(*, document: str | None = None, phone: str | None = None) -> str:
    """The token of a visitor identified by one document number or one phone number."""
    if (document is None) == (phone is None):
        raise ValidationError(
            "give either a document number or a phone number for a returning visitor",
            fields={"visitor_document": ["one of document or phone"]},
        )
    try:
        if document is not None:
            message = b"document:" + normalise_identifier(document).encode()
        else:
            message = b"phone:" + normalise_phone(phone or "").encode()
    except BlindIndexInputError as error:
        field = "visitor_document" if document is not None else "visitor_phone"
        raise ValidationError(str(error), fields={field: ["not usable"]}) from None
    return hmac.new(_visitor_key(), message, hashlib.sha256).hexdigest()
