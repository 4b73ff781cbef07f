"""Where keys come from: `CASEWORK_*` environment variables or a JSON key file.

Exactly one source is configured; both formats are in docs/security.md. Messages name the
variable, file, field or entry, never a key or a value that could be one.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from casework.crypto.errors import KeyConfigError
from casework.crypto.keys import (
    INITIAL_KEY_ID,
    KeyMaterial,
    KeyRing,
    MasterKey,
    check_key_id,
    decode_key,
    encode_key,
)

KEY_FILE_FORMAT = "casework-keys/1"

ENV_KEY_FILE = "CASEWORK_KEY_FILE"
ENV_MASTER_KEYS = "CASEWORK_MASTER_KEYS"
ENV_PRIMARY_KEY_ID = "CASEWORK_PRIMARY_KEY_ID"
ENV_BLIND_INDEX_KEY = "CASEWORK_BLIND_INDEX_KEY"
ENV_AUDIT_KEY = "CASEWORK_AUDIT_KEY"
_ENV_KEY_VARIABLES = (ENV_MASTER_KEYS, ENV_PRIMARY_KEY_ID, ENV_BLIND_INDEX_KEY, ENV_AUDIT_KEY)

_REQUIRED_FIELDS = frozenset({"format", "primary", "master_keys", "blind_index_key", "audit_key"})
#: Present once a blind-index or audit key has been rotated.
_OPTIONAL_FIELDS = frozenset(
    {"blind_index_key_id", "audit_key_id", "old_blind_index_keys", "old_audit_keys"}
)


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
        keys.append(MasterKey(key_id, decode_key(encoded, source=source)))
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
    (blind_id, blind_key), *old_blind = _parse_keys_variable(environ, ENV_BLIND_INDEX_KEY)
    *old_audit, (audit_id, audit_key) = _parse_keys_variable(environ, ENV_AUDIT_KEY)
    return _material(
        _ring(master_keys, primary_id or master_keys[0].key_id, source=source),
        blind_index=(blind_id, blind_key, old_blind),
        audit=(audit_id, audit_key, old_audit),
        source="the CASEWORK_* variables",
    )


def _parse_keys_variable(environ: Mapping[str, str], name: str) -> list[tuple[str, bytes]]:
    """`BASE64` (one key, id `initial`) or `id:BASE64,id:BASE64` (base64 has no colon).

    Blind-index keys are listed current first; audit keys oldest first, the newest last.
    """
    value = environ[name].strip()
    if ":" not in value:
        return [(INITIAL_KEY_ID, decode_key(value, source=name))]
    keys = []
    for position, entry in enumerate((entry.strip() for entry in value.split(",")), start=1):
        key_id, colon, encoded = entry.partition(":")
        if not colon:
            raise KeyConfigError(f"{name} entry {position} is not of the form 'key_id:base64'")
        key_id = check_key_id(key_id.strip(), source=f"{name} entry {position}")
        keys.append((key_id, decode_key(encoded, source=f"{name}: key {key_id!r}")))
    return keys


def _material(
    ring: KeyRing,
    *,
    blind_index: tuple[str, bytes, list[tuple[str, bytes]]],
    audit: tuple[str, bytes, list[tuple[str, bytes]]],
    source: str,
) -> KeyMaterial:
    try:
        return KeyMaterial(
            ring,
            blind_index[1],
            audit[1],
            blind_index_key_id=blind_index[0],
            audit_key_id=audit[0],
            old_blind_index_keys=tuple(blind_index[2]),
            old_audit_keys=tuple(audit[2]),
        )
    except KeyConfigError as error:
        raise KeyConfigError(f"{source}: {error}") from None


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
    unknown = sorted(set(document) - _REQUIRED_FIELDS - _OPTIONAL_FIELDS)
    if unknown:
        raise KeyConfigError(f"{source} has unknown field(s) {', '.join(map(repr, unknown))}")
    missing = [name for name in sorted(_REQUIRED_FIELDS) if name not in document]
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
            decode_key(encoded, source=f"{source}: master key {key_id!r}"),
        )
        for key_id, encoded in entries.items()
    ]
    primary_id = document["primary"]
    if not isinstance(primary_id, str):
        raise KeyConfigError(f"{source}: 'primary' must be a key id")
    return _material(
        _ring(master_keys, primary_id, source=source),
        blind_index=(
            _key_id_field(document, "blind_index_key_id", source=source),
            decode_key(document["blind_index_key"], source=f"{source}: 'blind_index_key'"),
            _old_keys_field(document, "old_blind_index_keys", source=source),
        ),
        audit=(
            _key_id_field(document, "audit_key_id", source=source),
            decode_key(document["audit_key"], source=f"{source}: 'audit_key'"),
            _old_keys_field(document, "old_audit_keys", source=source),
        ),
        source=source,
    )


def _key_id_field(document: Mapping[str, Any], name: str, *, source: str) -> str:
    return check_key_id(document.get(name, INITIAL_KEY_ID), source=f"{source} {name!r}")


def _old_keys_field(
    document: Mapping[str, Any], name: str, *, source: str
) -> list[tuple[str, bytes]]:
    entries = document.get(name, {})
    if not isinstance(entries, dict):
        raise KeyConfigError(f"{source}: {name!r} must be an object of id: base64")
    return [
        (
            check_key_id(key_id, source=f"{source} {name!r}"),
            decode_key(encoded, source=f"{source}: {name} {key_id!r}"),
        )
        for key_id, encoded in entries.items()
    ]


def key_file_text(material: KeyMaterial) -> str:
    """Serialise `material` in the key file format."""
    document = {
        "format": KEY_FILE_FORMAT,
        "primary": material.master_keys.primary_id,
        "master_keys": {key.key_id: encode_key(key.secret) for key in material.master_keys},
        "blind_index_key": encode_key(material.blind_index_key),
        "audit_key": encode_key(material.audit_key),
    }
    if material.blind_index_key_id != INITIAL_KEY_ID or material.old_blind_index_keys:
        document["blind_index_key_id"] = material.blind_index_key_id
        document["old_blind_index_keys"] = _encoded(material.old_blind_index_keys)
    if material.audit_key_id != INITIAL_KEY_ID or material.old_audit_keys:
        document["audit_key_id"] = material.audit_key_id
        document["old_audit_keys"] = _encoded(material.old_audit_keys)
    return json.dumps(document, indent=2) + "\n"


def _encoded(keys: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    return {key_id: encode_key(secret) for key_id, secret in keys}


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
