"""Master key ring, blind-index keys and audit keys: what they are, generating and rotating them.

`casework.crypto.keyfile` reads them from the environment or a JSON key file (see
docs/security.md for both formats). Nothing here ever puts key bytes in a message, a repr or a
log line.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

from casework.crypto.errors import KeyConfigError, UnknownKeyError

KEY_LENGTH = 32
KEY_ID_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")
#: The id of a blind-index or audit key configured without one.
INITIAL_KEY_ID = "initial"


def check_key_id(key_id: object, *, source: str = "key id") -> str:
    """Return `key_id` if it is a valid key id (`[a-z0-9_-]{1,32}`), else raise KeyConfigError."""
    if not isinstance(key_id, str) or not KEY_ID_PATTERN.fullmatch(key_id):
        # The offending text is not echoed: a swapped "base64:id" pair would print the key.
        raise KeyConfigError(f"{source}: a key id must be 1-32 characters of a-z, 0-9, '_' or '-'")
    return key_id


def _check_secret(secret: object, *, source: str) -> bytes:
    if not isinstance(secret, bytes) or len(secret) != KEY_LENGTH:
        length = len(secret) if isinstance(secret, bytes) else None
        raise KeyConfigError(f"{source}: a key must be {KEY_LENGTH} bytes, got {length}")
    return secret


@dataclass(frozen=True)
class MasterKey:
    """One master key of the ring; it only ever wraps data keys."""

    key_id: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        check_key_id(self.key_id)
        _check_secret(self.secret, source=f"master key {self.key_id!r}")

    @classmethod
    def generate(cls, key_id: str | None = None) -> MasterKey:
        """A new random master key; the default id is `k<YYYYMMDD>-<4 hex>`."""
        return cls(key_id or default_key_id(), secrets.token_bytes(KEY_LENGTH))


def default_key_id() -> str:
    """A fresh key id such as `k20260121-3fa9`: sortable by date, unique within a day."""
    return f"k{dt.datetime.now(dt.UTC):%Y%m%d}-{secrets.token_hex(2)}"


@dataclass(frozen=True)
class KeyRing:
    """The master keys, exactly one of them primary (the one new wraps use).

    Rings are immutable: rotation helpers return a new ring.
    """

    keys: tuple[MasterKey, ...]
    primary_id: str
    _by_id: dict[str, MasterKey] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyConfigError("the key ring holds no master key; at least one is required")
        check_key_id(self.primary_id, source="primary key id")
        seen: set[str] = set()
        for key in self.keys:
            if key.key_id in seen:
                raise KeyConfigError(f"master key id {key.key_id!r} appears more than once")
            seen.add(key.key_id)
        if self.primary_id not in seen:
            raise KeyConfigError(
                f"primary key id {self.primary_id!r} is not one of the master keys "
                f"({', '.join(sorted(seen))})"
            )
        object.__setattr__(self, "_by_id", {key.key_id: key for key in self.keys})

    @property
    def primary(self) -> MasterKey:
        """The key that wraps every new data key."""
        return self._by_id[self.primary_id]

    def get(self, key_id: str) -> MasterKey:
        """The master key with `key_id`; raises UnknownKeyError (not KeyError) if absent."""
        try:
            return self._by_id[key_id]
        except KeyError:
            raise UnknownKeyError(f"master key {key_id!r} is not in the key ring") from None

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._by_id

    def __iter__(self) -> Iterator[MasterKey]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(key.key_id for key in self.keys)

    def with_new_primary(self, key: MasterKey) -> KeyRing:
        """A ring with `key` added in front and made primary; the old keys stay for unwrapping."""
        return KeyRing((key, *self.keys), key.key_id)

    def with_primary(self, key_id: str) -> KeyRing:
        """A ring whose primary is the existing key `key_id`."""
        self.get(key_id)
        return KeyRing(self.keys, key_id)

    def retire(self, key_id: str) -> KeyRing:
        """A ring without `key_id`; only safe once no wrapped data key names it any more.

        The primary cannot be retired: promote another key first.
        """
        self.get(key_id)
        if key_id == self.primary_id:
            raise KeyConfigError(
                f"master key {key_id!r} is the primary and cannot be retired; promote another first"
            )
        return KeyRing(tuple(k for k in self.keys if k.key_id != key_id), self.primary_id)


@dataclass(frozen=True)
class KeyMaterial:
    """Everything the service needs: master ring, blind-index key, audit-MAC key.

    The blind-index and audit keys have ids too (`initial` unless configured), so they can be
    rotated: old blind-index keys are still searched with until every index is recomputed, old
    audit keys verify the chain segments they signed and sign nothing new.
    """

    master_keys: KeyRing
    blind_index_key: bytes = field(repr=False)
    audit_key: bytes = field(repr=False)
    blind_index_key_id: str = INITIAL_KEY_ID
    audit_key_id: str = INITIAL_KEY_ID
    #: (id, key) of blind-index keys being rotated away from.
    old_blind_index_keys: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)
    #: (id, key) of the audit keys of earlier chain segments, oldest first.
    old_audit_keys: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        _check_secret(self.blind_index_key, source="blind index key")
        _check_secret(self.audit_key, source="audit key")
        for kind, keys in (
            ("blind index", self.blind_index_keys()),
            ("audit", self.audit_keys()),
        ):
            expected = 1 + len(
                self.old_audit_keys if kind == "audit" else self.old_blind_index_keys
            )
            if len(keys) != expected:
                raise KeyConfigError(f"a {kind} key id appears more than once")
            for key_id, secret in keys.items():
                check_key_id(key_id, source=f"{kind} key id")
                _check_secret(secret, source=f"{kind} key {key_id!r}")
        # One key for two jobs would let a leak of one capability become the other.
        secrets_in_use = [
            *self.blind_index_keys().values(),
            *self.audit_keys().values(),
            *(k.secret for k in self.master_keys),
        ]
        if len(set(secrets_in_use)) != len(secrets_in_use):
            raise KeyConfigError(
                "the same key appears twice; every master key, the blind index key and the "
                "audit key must be different"
            )

    def blind_index_keys(self) -> dict[str, bytes]:
        """Every blind-index key by id, the current one first."""
        return {self.blind_index_key_id: self.blind_index_key, **dict(self.old_blind_index_keys)}

    def audit_keys(self) -> dict[str, bytes]:
        """Every audit key by id: the earlier segments' (oldest first), then the newest."""
        return {**dict(self.old_audit_keys), self.audit_key_id: self.audit_key}

    def key_checks(self) -> dict[tuple[str, str], bytes]:
        """Every key by (kind, id), kinds `master`, `blind_index` and `audit`."""
        checks = {("master", key.key_id): key.secret for key in self.master_keys}
        checks |= {("blind_index", k): v for k, v in self.blind_index_keys().items()}
        checks |= {("audit", k): v for k, v in self.audit_keys().items()}
        return checks

    @classmethod
    def generate(cls, key_id: str | None = None) -> KeyMaterial:
        """Fresh random key material with a single master key."""
        master = MasterKey.generate(key_id)
        return cls(
            KeyRing((master,), master.key_id),
            secrets.token_bytes(KEY_LENGTH),
            secrets.token_bytes(KEY_LENGTH),
        )


def key_check_value(secret: bytes) -> str:
    """A key's check value: names which key it is without revealing it (32 hex characters)."""
    return hmac.new(secret, b"casework/key-check/v1", hashlib.sha256).hexdigest()[:32]


# --- decoding -------------------------------------------------------------------------------


def decode_key(text: object, *, source: str) -> bytes:
    """Decode one standard-base64 key (padding required); messages never echo the text."""
    if not isinstance(text, str) or not text.strip():
        raise KeyConfigError(f"{source} is empty; expected {KEY_LENGTH} bytes in base64")
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigError(f"{source} is not valid base64") from None
    if len(raw) != KEY_LENGTH:
        raise KeyConfigError(f"{source} decodes to {len(raw)} bytes; expected {KEY_LENGTH}")
    return raw


def encode_key(secret: bytes) -> str:
    """Standard base64 with padding, the form both key sources expect."""
    return base64.b64encode(secret).decode("ascii")
