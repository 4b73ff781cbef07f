"""Master key ring, blind-index key and audit key: loading, generating and rotating them.

Keys come from the environment or from a JSON key file (see docs/security.md for both formats).
Nothing here ever puts key bytes in a message, a repr or a log line.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import json
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casework.crypto.errors import KeyConfigError, UnknownKeyError

KEY_LENGTH = 32
KEY_ID_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")
KEY_FILE_FORMAT = "casework-keys/1"

ENV_KEY_FILE = "CASEWORK_KEY_FILE"
ENV_MASTER_KEYS = "CASEWORK_MASTER_KEYS"
ENV_PRIMARY_KEY_ID = "CASEWORK_PRIMARY_KEY_ID"
ENV_BLIND_INDEX_KEY = "CASEWORK_BLIND_INDEX_KEY"
ENV_AUDIT_KEY = "CASEWORK_AUDIT_KEY"
_ENV_KEY_VARIABLES = (ENV_MASTER_KEYS, ENV_PRIMARY_KEY_ID, ENV_BLIND_INDEX_KEY, ENV_AUDIT_KEY)

_FILE_FIELDS = frozenset({"format", "primary", "master_keys", "blind_index_key", "audit_key"})


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
    """Everything the service needs: master ring, blind-index key, audit-MAC key."""

    master_keys: KeyRing
    blind_index_key: bytes = field(repr=False)
    audit_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_secret(self.blind_index_key, source="blind index key")
        _check_secret(self.audit_key, source="audit key")
        # One key for two jobs would let a leak of one capability become the other.
        secrets_in_use = [
            self.blind_index_key,
            self.audit_key,
            *(k.secret for k in self.master_keys),
        ]
        if len(set(secrets_in_use)) != len(secrets_in_use):
            raise KeyConfigError(
                "the same key appears twice; every master key, the blind index key and the "
                "audit key must be different"
            )

    @classmethod
    def generate(cls, key_id: str | None = None) -> KeyMaterial:
        """Fresh random key material with a single master key."""
        master = MasterKey.generate(key_id)
        return cls(
            KeyRing((master,), master.key_id),
            secrets.token_bytes(KEY_LENGTH),
            secrets.token_bytes(KEY_LENGTH),
        )


# --- decoding -------------------------------------------------------------------------------


def _decode_key(text: object, *, source: str) -> bytes:
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


def _parse_master_keys_variable(value: str) -> list[MasterKey]:
    keys: list[MasterKey] = []
    entries = [entry.strip() for entry in value.split(",")]
    for position, entry in enumerate(entries, start=1):
        where = f"{ENV_MASTER_KEYS} entry {position}"
        key_id, colon, encoded = entry.partition(":")
        if not colon:
            raise KeyConfigError(f"{where} is not of the form 'key_id:base64'")
        key_id = check_key_id(key_id.strip(), source=where)
        source = f"{ENV_MASTER_KEYS}: master key {key_id!r}"
        keys.append(MasterKey(key_id, _decode_key(encoded, source=source)))
    return keys


def _ring(keys: Iterable[MasterKey], primary_id: str, *, source: str) -> KeyRing:
    try:
        return KeyRing(tuple(keys), primary_id)
    except KeyConfigError as error:
        raise KeyConfigError(f"{source}: {error}") from None


def load_key_material(environ: Mapping[str, str], *, production: bool = False) -> KeyMaterial:
    """Load the keys from `CASEWORK_KEY_FILE` or from the `CASEWORK_*_KEY(S)` variables.

    Exactly one source may be configured; having both is refused rather than silently preferring
    one. Without `CASEWORK_PRIMARY_KEY_ID` the first key listed is primary.
    """
    key_file = environ.get(ENV_KEY_FILE, "").strip()
    set_variables = [name for name in _ENV_KEY_VARIABLES if environ.get(name, "").strip()]
    if key_file:
        if set_variables:
            raise KeyConfigError(
                f"both {ENV_KEY_FILE} and {', '.join(set_variables)} are set; configure keys in "
                "one place only"
            )
        return load_key_file(key_file, production=production)
    if not set_variables:
        raise KeyConfigError(
            f"no keys configured: set {ENV_KEY_FILE} to a key file, or set {ENV_MASTER_KEYS}, "
            f"{ENV_BLIND_INDEX_KEY} and {ENV_AUDIT_KEY}"
        )
    for name in (ENV_MASTER_KEYS, ENV_BLIND_INDEX_KEY, ENV_AUDIT_KEY):
        if not environ.get(name, "").strip():
            raise KeyConfigError(f"{name} is not set")
    master_keys = _parse_master_keys_variable(environ[ENV_MASTER_KEYS])
    primary_id = environ.get(ENV_PRIMARY_KEY_ID, "").strip()
    source = f"{ENV_MASTER_KEYS} with {ENV_PRIMARY_KEY_ID}" if primary_id else ENV_MASTER_KEYS
    return KeyMaterial(
        _ring(master_keys, primary_id or master_keys[0].key_id, source=source),
        _decode_key(environ[ENV_BLIND_INDEX_KEY], source=ENV_BLIND_INDEX_KEY),
        _decode_key(environ[ENV_AUDIT_KEY], source=ENV_AUDIT_KEY),
    )


# --- key files ------------------------------------------------------------------------------


def _refuse_duplicate_fields(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise KeyConfigError(f"{name!r} appears more than once")
        result[name] = value
    return result


def parse_key_file_text(text: str, *, source: str = "key file") -> KeyMaterial:
    """Parse the JSON key file format (`casework-keys/1`)."""
    try:
        document = json.loads(text, object_pairs_hook=_refuse_duplicate_fields)
    except KeyConfigError as error:
        raise KeyConfigError(f"{source}: {error}") from None
    except json.JSONDecodeError as error:
        # Name the position only: the document's text is key material.
        raise KeyConfigError(
            f"{source} is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    if not isinstance(document, dict):
        raise KeyConfigError(f"{source} must hold a JSON object")
    unknown = sorted(set(document) - _FILE_FIELDS)
    if unknown:
        raise KeyConfigError(f"{source} has unknown field(s) {', '.join(map(repr, unknown))}")
    missing = [name for name in sorted(_FILE_FIELDS) if name not in document]
    if missing:
        raise KeyConfigError(f"{source} is missing field(s) {', '.join(map(repr, missing))}")
    if document["format"] != KEY_FILE_FORMAT:
        raise KeyConfigError(f"{source}: 'format' must be {KEY_FILE_FORMAT!r}")
    entries = document["master_keys"]
    if not isinstance(entries, dict) or not entries:
        raise KeyConfigError(f"{source}: 'master_keys' must be a non-empty object of id: base64")
    master_keys = [
        MasterKey(
            check_key_id(key_id, source=f"{source} 'master_keys'"),
            _decode_key(encoded, source=f"{source}: master key {key_id!r}"),
        )
        for key_id, encoded in entries.items()
    ]
    primary_id = document["primary"]
    if not isinstance(primary_id, str):
        raise KeyConfigError(f"{source}: 'primary' must be a key id")
    return KeyMaterial(
        _ring(master_keys, primary_id, source=source),
        _decode_key(document["blind_index_key"], source=f"{source}: 'blind_index_key'"),
        _decode_key(document["audit_key"], source=f"{source}: 'audit_key'"),
    )


def key_file_text(material: KeyMaterial) -> str:
    """Serialise `material` in the key file format."""
    document = {
        "format": KEY_FILE_FORMAT,
        "primary": material.master_keys.primary_id,
        "master_keys": {key.key_id: encode_key(key.secret) for key in material.master_keys},
        "blind_index_key": encode_key(material.blind_index_key),
        "audit_key": encode_key(material.audit_key),
    }
    return json.dumps(document, indent=2) + "\n"


def generate_key_file_text(key_id: str | None = None) -> str:
    """The text of a new key file with fresh random keys (for `flask keys generate`)."""
    return key_file_text(KeyMaterial.generate(key_id))


def write_key_file(path: str | os.PathLike[str], material: KeyMaterial) -> None:
    """Create `path` holding `material`, mode 0600; never overwrites an existing file.

    The text goes to a 0600 temporary file beside `path` that is then hard-linked into place, so
    a reader (or a second worker racing this one) sees either no file or a complete one.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise KeyConfigError(
            f"cannot create a key file in {target.parent}: {error.strerror}"
        ) from None
    try:
        os.fchmod(descriptor, 0o600)  # the umask may only remove bits, but be explicit
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key_file_text(material))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise KeyConfigError(
                f"key file {target} already exists; refusing to overwrite it"
            ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # not possible on every platform; the file itself is already synced
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_new_key_file(path: str | os.PathLike[str], *, key_id: str | None = None) -> KeyMaterial:
    """Generate fresh keys, write them to a new 0600 file at `path` and return them."""
    material = KeyMaterial.generate(key_id)
    write_key_file(path, material)
    return material


def load_key_file(path: str | os.PathLike[str], *, production: bool = False) -> KeyMaterial:
    """Read a key file; in production refuse one that anyone but its owner can read or write."""
    source = f"key file {os.fspath(path)}"
    try:
        with open(path, encoding="utf-8") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise KeyConfigError(f"{source} is not a regular file")
            if production and mode & 0o077:
                raise KeyConfigError(
                    f"{source} is accessible to group or others (mode {stat.S_IMODE(mode):04o}); "
                    f"run: chmod 600 {os.fspath(path)}"
                )
            text = handle.read()
    except FileNotFoundError:
        raise KeyConfigError(f"{source} does not exist") from None
    except PermissionError:
        raise KeyConfigError(f"{source} cannot be read by this user") from None
    except UnicodeDecodeError:
        raise KeyConfigError(f"{source} is not UTF-8 text") from None
    return parse_key_file_text(text, source=source)
