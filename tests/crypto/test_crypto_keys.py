"""Key ring, key configuration from the environment, and key files."""

import base64
import dataclasses
import json
import os
import stat

import pytest

from casework.crypto.errors import KeyConfigError, UnknownKeyError
from casework.crypto.keyfile import (
    generate_key_file_text,
    key_file_text,
    load_key_file,
    load_key_material,
    parse_key_file_text,
    write_new_key_file,
)
from casework.crypto.keys import KeyMaterial, KeyRing, MasterKey, encode_key

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))
BLIND = bytes(range(2, 34))
AUDIT = bytes(range(3, 35))
ALL_KEYS = (KEY_A, KEY_B, BLIND, AUDIT)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def good_environ(**overrides: str) -> dict[str, str]:
    environ = {
        "CASEWORK_MASTER_KEYS": f"k2026a:{b64(KEY_A)},k2025b:{b64(KEY_B)}",
        "CASEWORK_BLIND_INDEX_KEY": b64(BLIND),
        "CASEWORK_AUDIT_KEY": b64(AUDIT),
    }
    environ.update(overrides)
    return {name: value for name, value in environ.items() if value is not None}


def assert_clear_error(error: pytest.ExceptionInfo[KeyConfigError], *fragments: str) -> None:
    message = str(error.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message
    for secret in ALL_KEYS:
        assert b64(secret) not in message
        assert b64(secret)[:16] not in message
        assert repr(secret) not in message


def test_environment_keys_load_with_the_first_master_key_primary() -> None:
    material = load_key_material(good_environ())
    assert material.master_keys.primary == MasterKey("k2026a", KEY_A)
    assert material.master_keys.get("k2025b").secret == KEY_B
    assert (material.blind_index_key, material.audit_key) == (BLIND, AUDIT)


def test_primary_key_id_variable_chooses_the_primary() -> None:
    material = load_key_material(good_environ(CASEWORK_PRIMARY_KEY_ID="k2025b"))
    assert material.master_keys.primary_id == "k2025b"


def test_whitespace_around_entries_is_ignored() -> None:
    environ = good_environ(CASEWORK_MASTER_KEYS=f" k1 : {b64(KEY_A)} ,\tk2:{b64(KEY_B)}\n")
    assert load_key_material(environ).master_keys.key_ids == ("k1", "k2")


def test_no_configuration_names_both_ways_to_configure() -> None:
    with pytest.raises(KeyConfigError) as error:
        load_key_material({})
    assert_clear_error(error, "CASEWORK_KEY_FILE", "CASEWORK_MASTER_KEYS")


@pytest.mark.parametrize(
    "missing", ["CASEWORK_MASTER_KEYS", "CASEWORK_BLIND_INDEX_KEY", "CASEWORK_AUDIT_KEY"]
)
def test_each_missing_variable_is_named(missing: str) -> None:
    environ = good_environ()
    del environ[missing]
    with pytest.raises(KeyConfigError) as error:
        load_key_material(environ)
    assert_clear_error(error, missing, "not set")


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        ({"CASEWORK_MASTER_KEYS": f"k1:{b64(KEY_A)[:-3]}!!="}, ["'k1'", "not valid base64"]),
        ({"CASEWORK_MASTER_KEYS": f"k1:{b64(KEY_A[:16])}"}, ["'k1'", "16 bytes", "32"]),
        ({"CASEWORK_MASTER_KEYS": f"k1:{b64(KEY_A)}\u00e9"}, ["'k1'", "not valid base64"]),
        ({"CASEWORK_MASTER_KEYS": f"k1:{b64(KEY_A + b'x')}"}, ["33 bytes"]),
        ({"CASEWORK_MASTER_KEYS": f"k1:{b64(KEY_A)},k1:{b64(KEY_B)}"}, ["'k1'", "more than once"]),
        ({"CASEWORK_MASTER_KEYS": f"k1:{b64(KEY_A)},"}, ["entry 2", "key_id:base64"]),
        ({"CASEWORK_MASTER_KEYS": b64(KEY_A)}, ["entry 1", "key_id:base64"]),
        ({"CASEWORK_MASTER_KEYS": f"{b64(KEY_A)}:k1"}, ["entry 1", "key id"]),
        ({"CASEWORK_MASTER_KEYS": f"K1:{b64(KEY_A)}"}, ["entry 1", "a-z"]),
        ({"CASEWORK_MASTER_KEYS": "k1:"}, ["CASEWORK_MASTER_KEYS", "'k1'", "empty"]),
        (
            {"CASEWORK_PRIMARY_KEY_ID": "k2024z"},
            ["CASEWORK_PRIMARY_KEY_ID", "'k2024z'", "not one of", "k2026a"],
        ),
        ({"CASEWORK_PRIMARY_KEY_ID": b64(KEY_A)}, ["primary key id", "a-z"]),
        ({"CASEWORK_BLIND_INDEX_KEY": "not base64 at all"}, ["CASEWORK_BLIND_INDEX_KEY"]),
        ({"CASEWORK_AUDIT_KEY": b64(KEY_A[:31])}, ["CASEWORK_AUDIT_KEY", "31 bytes"]),
        ({"CASEWORK_AUDIT_KEY": b64(BLIND)}, ["appears twice"]),
        ({"CASEWORK_BLIND_INDEX_KEY": b64(KEY_B)}, ["appears twice"]),
        ({"CASEWORK_KEY_FILE": "/etc/casework/keys.json"}, ["CASEWORK_KEY_FILE", "one place"]),
    ],
)
def test_malformed_environment_gives_one_clear_line_without_key_bytes(
    overrides: dict[str, str], fragments: list[str]
) -> None:
    with pytest.raises(KeyConfigError) as error:
        load_key_material(good_environ(**overrides))
    assert_clear_error(error, *fragments)


def test_ring_get_of_an_unknown_id_raises_a_domain_error_not_key_error() -> None:
    ring = KeyRing((MasterKey("k1", KEY_A),), "k1")
    with pytest.raises(UnknownKeyError, match="'k9' is not in the key ring") as error:
        ring.get("k9")
    assert not isinstance(error.value, KeyError)


def test_rotation_helpers_return_new_rings() -> None:
    ring = KeyRing((MasterKey("k1", KEY_A),), "k1")
    rotated = ring.with_new_primary(MasterKey("k2", KEY_B))
    assert rotated.primary_id == "k2" and rotated.key_ids == ("k2", "k1")
    assert ring.primary_id == "k1"
    assert rotated.with_primary("k1").primary_id == "k1"
    retired = rotated.retire("k1")
    assert retired.key_ids == ("k2",) and "k1" not in retired
    with pytest.raises(KeyConfigError, match="is the primary"):
        rotated.retire("k2")
    with pytest.raises(UnknownKeyError):
        rotated.retire("k9")
    with pytest.raises(KeyConfigError, match="more than once"):
        rotated.with_new_primary(MasterKey("k1", BLIND))


def test_reprs_hide_key_bytes() -> None:
    material = KeyMaterial(KeyRing((MasterKey("k1", KEY_A),), "k1"), BLIND, AUDIT)
    text = repr(material)
    assert "k1" in text
    for secret in (KEY_A, BLIND, AUDIT):
        assert repr(secret) not in text


def test_master_key_refuses_a_bad_id_or_length() -> None:
    with pytest.raises(KeyConfigError, match="a-z"):
        MasterKey("x" * 33, KEY_A)
    with pytest.raises(KeyConfigError, match="32 bytes, got 31"):
        MasterKey("k1", KEY_A[:31])


def test_generated_key_file_text_parses_and_uses_the_given_id() -> None:
    material = parse_key_file_text(generate_key_file_text("k2026a"))
    assert material.master_keys.key_ids == ("k2026a",)
    assert material.master_keys.primary_id == "k2026a"
    other = parse_key_file_text(generate_key_file_text())
    assert other.blind_index_key != material.blind_index_key
    assert other.master_keys.primary_id.startswith("k")


def test_key_file_text_round_trips() -> None:
    ring = KeyRing((MasterKey("k1", KEY_A), MasterKey("k2", KEY_B)), "k2")
    material = KeyMaterial(ring, BLIND, AUDIT)
    assert parse_key_file_text(key_file_text(material)) == material


def test_write_new_key_file_creates_a_0600_file_even_with_a_permissive_umask(tmp_path) -> None:
    path = tmp_path / "keys.json"
    old_umask = os.umask(0)
    try:
        material = write_new_key_file(path, key_id="k1")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key_file(path, production=True) == material
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]


def test_write_new_key_file_into_a_missing_folder_says_so(tmp_path) -> None:
    with pytest.raises(KeyConfigError, match=r"cannot create a key file in .*missing"):
        write_new_key_file(tmp_path / "missing" / "keys.json")


def test_write_new_key_file_never_overwrites(tmp_path) -> None:
    path = tmp_path / "keys.json"
    first = write_new_key_file(path)
    with pytest.raises(KeyConfigError, match="already exists"):
        write_new_key_file(path)
    assert load_key_file(path) == first
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_production_refuses_a_key_file_others_can_read(tmp_path, mode: int) -> None:
    path = tmp_path / "keys.json"
    write_new_key_file(path)
    path.chmod(mode)
    with pytest.raises(KeyConfigError) as error:
        load_key_file(path, production=True)
    assert_clear_error(error, f"{mode:04o}", "chmod 600")
    load_key_file(path, production=False)


def test_key_file_is_used_through_the_environment(tmp_path) -> None:
    path = tmp_path / "keys.json"
    material = write_new_key_file(path)
    assert load_key_material({"CASEWORK_KEY_FILE": str(path)}, production=True) == material


def test_missing_key_file_is_named(tmp_path) -> None:
    with pytest.raises(KeyConfigError) as error:
        load_key_material({"CASEWORK_KEY_FILE": str(tmp_path / "nope.json")})
    assert_clear_error(error, "nope.json", "does not exist")


def file_document(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "format": "casework-keys/1",
        "primary": "k1",
        "master_keys": {"k1": encode_key(KEY_A), "k2": encode_key(KEY_B)},
        "blind_index_key": encode_key(BLIND),
        "audit_key": encode_key(AUDIT),
    }
    document.update(changes)
    return {name: value for name, value in document.items() if value is not None}


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (json.dumps(file_document())[:-20], ["not valid JSON", "line 1"]),
        (json.dumps([1, 2]), ["JSON object"]),
        (json.dumps(file_document(audit_keys="x")), ["unknown field", "'audit_keys'"]),
        (json.dumps(file_document(audit_key=None)), ["missing", "'audit_key'"]),
        (json.dumps(file_document(format="v2")), ["casework-keys/1"]),
        (json.dumps(file_document(primary="k3")), ["'k3'", "not one of"]),
        (json.dumps(file_document(primary=7)), ["'primary'"]),
        (json.dumps(file_document(master_keys={})), ["'master_keys'"]),
        (json.dumps(file_document(master_keys={"k1": b64(KEY_A)[:-2]})), ["'k1'", "base64"]),
        (json.dumps(file_document(blind_index_key=b64(KEY_A[:8]))), ["blind_index_key", "8 bytes"]),
        (
            json.dumps(file_document()).replace('"k2":', '"k1":'),
            ["'k1'", "more than once"],
        ),
    ],
)
def test_malformed_key_file_gives_one_clear_line_without_key_bytes(
    text: str, fragments: list[str]
) -> None:
    with pytest.raises(KeyConfigError) as error:
        parse_key_file_text(text)
    assert_clear_error(error, *fragments)


def _rotated_material() -> KeyMaterial:
    base = KeyMaterial(KeyRing((MasterKey("k2026a", KEY_A),), "k2026a"), BLIND, AUDIT)
    return KeyMaterial(
        base.master_keys,
        bytes(range(4, 36)),
        bytes(range(5, 37)),
        blind_index_key_id="bi-2",
        audit_key_id="au-2",
        old_blind_index_keys=(("initial", BLIND),),
        old_audit_keys=(("initial", AUDIT),),
    )


def test_rotated_blind_index_and_audit_keys_round_trip_through_a_key_file() -> None:
    material = _rotated_material()
    text = key_file_text(material)
    assert parse_key_file_text(text) == material
    document = json.loads(text)
    assert document["old_audit_keys"] == {"initial": b64(AUDIT)}
    # A file from before key ids existed reads as the `initial` keys.
    plain = KeyMaterial(material.master_keys, BLIND, AUDIT)
    assert "audit_key_id" not in key_file_text(plain)
    assert parse_key_file_text(key_file_text(plain)).audit_keys() == {"initial": AUDIT}


def test_blind_index_and_audit_keys_with_ids_load_from_the_environment() -> None:
    material = load_key_material(
        good_environ(
            CASEWORK_BLIND_INDEX_KEY=f"bi-2:{b64(bytes(range(4, 36)))},initial:{b64(BLIND)}",
            CASEWORK_AUDIT_KEY=f"initial:{b64(AUDIT)},au-2:{b64(bytes(range(5, 37)))}",
        )
    )
    assert list(material.blind_index_keys()) == ["bi-2", "initial"]
    assert list(material.audit_keys()) == ["initial", "au-2"]
    assert material.audit_key == bytes(range(5, 37))


def test_an_old_key_equal_to_another_key_is_refused() -> None:
    with pytest.raises(KeyConfigError, match="the same key appears twice"):
        dataclasses.replace(_rotated_material(), old_audit_keys=(("initial", KEY_A),))
    with pytest.raises(KeyConfigError, match="audit key id appears more than once"):
        dataclasses.replace(_rotated_material(), old_audit_keys=(("au-2", AUDIT),))
