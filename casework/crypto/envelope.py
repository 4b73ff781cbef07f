"""Envelope encryption: AES-256-GCM field ciphertexts under per-owner data keys.

A data key (one per client, one for staff-only records) encrypts field values; a master key from
the ring wraps the data key for storage. Both layouts are in docs/security.md. Every ciphertext
carries its key id and key version in a header that is itself authenticated, and is bound by the
associated data to its table, column and row, so a value copied elsewhere fails to decrypt.
"""

from __future__ import annotations

import functools
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casework.crypto.errors import CryptoError, DecryptionError, UnknownMasterKeyError
from casework.crypto.keys import KEY_LENGTH, KeyRing, check_key_id

FIELD_FORMAT_V1 = 0x01
WRAPPED_KEY_FORMAT_V1 = 0x81
NONCE_LENGTH = 12
TAG_LENGTH = 16
MAX_KEY_VERSION = 0xFFFF_FFFF
OWNER_ID_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,128}")

_FIELD_AAD_LABEL = b"casework/field/v2"
_ROW_UUID_TAG = b"\x01"
_ROW_TEXT_TAG = b"\x02"
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_WRAP_AAD_LABEL = b"casework/wrap/v1"

RowId = str | uuid.UUID


def _length_prefixed(text: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) > 0xFFFF:
        raise CryptoError("an associated-data component is longer than 65535 bytes")
    return len(data).to_bytes(2, "big") + data


# Memoised: a unit of work touches each table's few columns many times, under few key versions.
@functools.lru_cache(maxsize=1024)
def _cell_prefix(table: str, column: str, key_version: int) -> bytes:
    return (
        _FIELD_AAD_LABEL
        + _length_prefixed(table)
        + _length_prefixed(column)
        + key_version.to_bytes(4, "big")
    )


def _row_part(row_id: RowId) -> bytes:
    # A UUID is encoded as its 16 bytes behind a tag: cheaper than str(UUID), which cost more
    # than the rest of the associated data, and a memo of it missed on every new row anyway.
    if isinstance(row_id, uuid.UUID):
        return _ROW_UUID_TAG + row_id.bytes
    return _text_row_part(row_id)


@functools.lru_cache(maxsize=1024)
def _text_row_part(row_id: str) -> bytes:
    if not isinstance(row_id, str):
        raise CryptoError("a row id must be a UUID or a string")
    if _CANONICAL_UUID.fullmatch(row_id):  # the canonical text of a UUID is that UUID's cell
        return _ROW_UUID_TAG + uuid.UUID(row_id).bytes
    return _ROW_TEXT_TAG + _length_prefixed(row_id)


def aad_for(table: str, column: str, row_id: RowId, key_version: int) -> bytes:
    """The associated data that binds a field ciphertext to where it is stored.

    Label, table, column, key version, row id; table and column are length-prefixed, so
    ("ab", "c") and ("a", "bc") never encode the same. The row id is tagged: a UUID (or its
    canonical lowercase hyphenated text) as 0x01 and its 16 bytes, any other string as 0x02,
    its length and its UTF-8 (so pass the same form every time).
    """
    return _cell_prefix(table, column, key_version) + _row_part(row_id)


def _check_version(version: int) -> int:
    if isinstance(version, bool) or not isinstance(version, int):
        raise CryptoError("a data key version must be an integer")
    if not 1 <= version <= MAX_KEY_VERSION:
        raise CryptoError(f"a data key version must be between 1 and {MAX_KEY_VERSION}")
    return version


def _check_owner_id(owner_id: str) -> str:
    if not isinstance(owner_id, str) or not OWNER_ID_PATTERN.fullmatch(owner_id):
        raise CryptoError("a data key owner id must be 1-128 characters of A-Z, a-z, 0-9, _.:-")
    return owner_id


@dataclass(frozen=True)
class DataKey:
    """A data key that encrypts the fields of one owner (a client, or staff-only records).

    Holds its ready-made AESGCM object and ciphertext header, so that sealing a field costs one
    AES-GCM call and no key setup.
    """

    owner_id: str
    version: int
    secret: bytes = field(repr=False)
    _aead: AESGCM = field(init=False, repr=False, compare=False)
    _header: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_owner_id(self.owner_id)
        _check_version(self.version)
        if not isinstance(self.secret, bytes) or len(self.secret) != KEY_LENGTH:
            raise CryptoError(f"a data key must be {KEY_LENGTH} bytes")
        object.__setattr__(self, "_aead", AESGCM(self.secret))
        owner = self.owner_id.encode("ascii")
        header = bytes((FIELD_FORMAT_V1, len(owner))) + owner + self.version.to_bytes(4, "big")
        object.__setattr__(self, "_header", header)

    @property
    def header(self) -> bytes:
        """The start every ciphertext under this key has: a cheap test of which key to use."""
        return self._header

    @classmethod
    def generate(cls, owner_id: str, *, version: int = 1) -> DataKey:
        """A new random data key for `owner_id`."""
        return cls(owner_id, version, os.urandom(KEY_LENGTH))


@dataclass(frozen=True)
class SealedHeader:
    """What a field ciphertext says about itself, readable before choosing a key."""

    format_version: int
    key_id: str
    key_version: int


def read_header(blob: bytes) -> SealedHeader:
    """Parse the unauthenticated header of a field ciphertext to find which data key opens it.

    The header is only trustworthy once `unseal` has succeeded with the key it names.
    """
    if len(blob) < 2 or blob[0] != FIELD_FORMAT_V1:
        raise DecryptionError()
    end = 2 + blob[1]
    if blob[1] == 0 or len(blob) < end + 4 + NONCE_LENGTH + TAG_LENGTH:
        raise DecryptionError()
    try:
        key_id = blob[2:end].decode("ascii")
    except UnicodeDecodeError:
        raise DecryptionError() from None
    return SealedHeader(blob[0], key_id, int.from_bytes(blob[end : end + 4], "big"))


def seal(data_key: DataKey, plaintext: bytes, *, table: str, column: str, row_id: RowId) -> bytes:
    """Encrypt `plaintext` for the cell (`table`, `column`, `row_id`) under `data_key`."""
    nonce = os.urandom(NONCE_LENGTH)
    header = data_key._header + nonce
    aad = header + _cell_prefix(table, column, data_key.version) + _row_part(row_id)
    return header + data_key._aead.encrypt(nonce, plaintext, aad)


def unseal(data_key: DataKey, blob: bytes, *, table: str, column: str, row_id: RowId) -> bytes:
    """Decrypt a value sealed for exactly this cell; anything else raises DecryptionError."""
    return _open(data_key, blob, _cell_prefix(table, column, data_key.version) + _row_part(row_id))


def _open(data_key: DataKey, blob: bytes, cell_aad: bytes) -> bytes:
    """`unseal` given the cell's part of the associated data (`aad_for` under this key)."""
    prefix = data_key._header
    nonce_end = len(prefix) + NONCE_LENGTH
    if len(blob) < nonce_end + TAG_LENGTH or not blob.startswith(prefix):
        raise DecryptionError()
    try:
        return data_key._aead.decrypt(
            blob[len(prefix) : nonce_end], blob[nonce_end:], blob[:nonce_end] + cell_aad
        )
    except InvalidTag:
        raise DecryptionError() from None


def seal_str(data_key: DataKey, text: str, *, table: str, column: str, row_id: RowId) -> bytes:
    """`seal` for text, stored as UTF-8."""
    return seal(data_key, text.encode("utf-8"), table=table, column=column, row_id=row_id)


def unseal_str(data_key: DataKey, blob: bytes, *, table: str, column: str, row_id: RowId) -> str:
    """`unseal` for values sealed with `seal_str`."""
    cell_aad = _cell_prefix(table, column, data_key.version) + _row_part(row_id)
    plaintext = _open(data_key, blob, cell_aad)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:  # the error object would carry the plaintext: drop it
        raise DecryptionError("stored data is not UTF-8 text; was it sealed as bytes?") from None


def seal_json(data_key: DataKey, value: Any, *, table: str, column: str, row_id: RowId) -> bytes:
    """`seal` for a JSON-serialisable value (compact, UTF-8; NaN and infinity refused)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return seal_str(data_key, text, table=table, column=column, row_id=row_id)


def unseal_json(data_key: DataKey, blob: bytes, *, table: str, column: str, row_id: RowId) -> Any:
    """`unseal` for values sealed with `seal_json`."""
    text = unseal_str(data_key, blob, table=table, column=column, row_id=row_id)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise DecryptionError("stored data is not JSON; was it sealed as text?") from None


# --- wrapping data keys under master keys ---------------------------------------------------


@dataclass(frozen=True)
class WrappedKey:
    """A data key encrypted under a master key; `master_key_id` repeats the blob's header.

    Store `master_key_id` in its own column so rotation can find what still needs rewrapping.
    """

    master_key_id: str
    blob: bytes = field(repr=False)

    @classmethod
    def from_blob(cls, blob: bytes) -> WrappedKey:
        """Rebuild a WrappedKey from its stored blob alone."""
        return cls(_wrapped_master_key_id(blob), blob)


def _wrapped_master_key_id(blob: bytes) -> str:
    if len(blob) < 2 or blob[0] != WRAPPED_KEY_FORMAT_V1:
        raise DecryptionError()
    end = 2 + blob[1]
    if len(blob) != end + NONCE_LENGTH + KEY_LENGTH + TAG_LENGTH:
        raise DecryptionError()
    try:
        return blob[2:end].decode("ascii")
    except UnicodeDecodeError:
        raise DecryptionError() from None


def _wrap_aad(header: bytes, owner_id: str, version: int) -> bytes:
    return header + _WRAP_AAD_LABEL + _length_prefixed(owner_id) + version.to_bytes(4, "big")


def wrap_data_key(
    ring: KeyRing, data_key_bytes: bytes, *, owner_id: str, version: int
) -> WrappedKey:
    """Encrypt a data key under the ring's primary master key, bound to its owner and version."""
    _check_owner_id(owner_id)
    _check_version(version)
    if len(data_key_bytes) != KEY_LENGTH:
        raise CryptoError(f"a data key must be {KEY_LENGTH} bytes")
    master = ring.primary
    master_id = master.key_id.encode("ascii")
    nonce = os.urandom(NONCE_LENGTH)
    header = bytes((WRAPPED_KEY_FORMAT_V1, len(master_id))) + master_id + nonce
    sealed = AESGCM(master.secret).encrypt(
        nonce, data_key_bytes, _wrap_aad(header, owner_id, version)
    )
    return WrappedKey(master.key_id, header + sealed)


def unwrap_data_key(ring: KeyRing, wrapped: WrappedKey, *, owner_id: str, version: int) -> DataKey:
    """Decrypt a wrapped data key with the master key its header names (never by trial).

    An unknown master key id raises UnknownMasterKeyError, a DecryptionError that names the
    missing id so that an operator can restore it to the ring.
    """
    master_id = _wrapped_master_key_id(wrapped.blob)
    if master_id != wrapped.master_key_id:
        raise DecryptionError()
    if master_id not in ring:
        # Only echo the id if it is a well-formed one: the header comes from storage.
        raise UnknownMasterKeyError(
            f"a data key is wrapped by master key {master_id!r}, which is not in the key ring"
            if _looks_like_key_id(master_id)
            else "a data key names a master key that is not in the key ring"
        )
    nonce_end = 2 + len(master_id) + NONCE_LENGTH
    header = wrapped.blob[:nonce_end]
    try:
        secret = AESGCM(ring.get(master_id).secret).decrypt(
            wrapped.blob[nonce_end - NONCE_LENGTH : nonce_end],
            wrapped.blob[nonce_end:],
            _wrap_aad(header, _check_owner_id(owner_id), _check_version(version)),
        )
    except InvalidTag:
        raise DecryptionError() from None
    return DataKey(owner_id, version, secret)


def _looks_like_key_id(text: str) -> bool:
    try:
        check_key_id(text)
    except CryptoError:
        return False
    return True


def rewrap(ring: KeyRing, wrapped: WrappedKey, *, owner_id: str, version: int) -> WrappedKey:
    """Re-encrypt a wrapped data key under the ring's primary; unchanged if already under it.

    Returning the very same object when nothing is to be done makes rotation idempotent and lets
    a batch skip the write.
    """
    if wrapped.master_key_id == ring.primary_id:
        return wrapped
    data_key = unwrap_data_key(ring, wrapped, owner_id=owner_id, version=version)
    return wrap_data_key(ring, data_key.secret, owner_id=owner_id, version=version)


class DataKeyCache:
    """The data keys unwrapped during one unit of work (a request, a CLI command).

    Meant to live on the database session and be cleared at its end, so each owner's key is
    unwrapped once per unit of work rather than once per field.
    """

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring
        self._keys: dict[tuple[str, int], DataKey] = {}

    def get(self, owner_id: str, version: int) -> DataKey | None:
        """The cached key, or None."""
        return self._keys.get((owner_id, version))

    def add(self, data_key: DataKey) -> DataKey:
        """Remember a key created in this unit of work (so it need not be unwrapped again)."""
        self._keys[(data_key.owner_id, data_key.version)] = data_key
        return data_key

    def unwrap(self, wrapped: WrappedKey, *, owner_id: str, version: int) -> DataKey:
        """The data key for (`owner_id`, `version`), unwrapping `wrapped` on first use only."""
        cached = self._keys.get((owner_id, version))
        if cached is not None:
            return cached
        return self.add(unwrap_data_key(self.ring, wrapped, owner_id=owner_id, version=version))

    def discard(self, owner_id: str) -> None:
        """Forget every version of `owner_id`'s key (after crypto-shredding it)."""
        for cache_key in [k for k in self._keys if k[0] == owner_id]:
            del self._keys[cache_key]

    def clear(self) -> None:
        """Forget all keys; Python cannot wipe the bytes, but they stop being reachable."""
        self._keys.clear()

    def __contains__(self, owner_and_version: object) -> bool:
        return owner_and_version in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[DataKey]:
        return iter(list(self._keys.values()))
