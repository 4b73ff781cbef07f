"""Field encryption under data keys, and data keys wrapped under master keys."""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.crypto import envelope
from casework.crypto.envelope import (
    DataKey,
    DataKeyCache,
    SealedHeader,
    WrappedKey,
    aad_for,
    read_header,
    rewrap,
    seal,
    seal_json,
    seal_str,
    unseal,
    unseal_json,
    unseal_str,
    unwrap_data_key,
    wrap_data_key,
)
from casework.crypto.errors import CryptoError, DecryptionError, UnknownMasterKeyError
from casework.crypto.keys import KeyRing, MasterKey

CLIENT = "3f1c9a52-6a0e-4d8e-9f59-2b1f1c7a8d10"
OTHER_CLIENT = "a9d0e7c4-1111-4bbb-8ccc-0123456789ab"
ROW = uuid.UUID("0b6f3f0e-5f0c-4c3c-9a5e-8f1e2d3c4b5a")
CELL = {"table": "session_notes", "column": "body", "row_id": ROW}
SECRET = bytes(range(100, 132))
PLAINTEXT = "Klientka opisuje przemoc; nie chce kontaktu z policją.".encode()


@pytest.fixture
def data_key() -> DataKey:
    return DataKey(CLIENT, 1, SECRET)


def ring_of(*ids: str) -> KeyRing:
    return KeyRing(
        tuple(MasterKey(key_id, bytes([n]) * 32) for n, key_id in enumerate(ids)), ids[0]
    )


def test_seal_round_trips_bytes_text_and_json(data_key: DataKey) -> None:
    assert unseal(data_key, seal(data_key, PLAINTEXT, **CELL), **CELL) == PLAINTEXT
    assert unseal(data_key, seal(data_key, b"", **CELL), **CELL) == b""
    text = "Шевченко, ł, 😀"
    assert unseal_str(data_key, seal_str(data_key, text, **CELL), **CELL) == text
    answers = {"q1": 3, "q2": [1, None, "nie"], "flags": {"violence": True}}
    assert unseal_json(data_key, seal_json(data_key, answers, **CELL), **CELL) == answers


def test_a_uuid_row_id_and_its_canonical_text_are_the_same_cell(data_key: DataKey) -> None:
    blob = seal(data_key, PLAINTEXT, **CELL)
    assert (
        unseal(data_key, blob, table="session_notes", column="body", row_id=str(ROW)) == PLAINTEXT
    )


@pytest.mark.parametrize(
    "moved_to",
    [
        {"table": "supervision_notes"},
        {"column": "summary"},
        {"row_id": uuid.UUID("0b6f3f0e-5f0c-4c3c-9a5e-8f1e2d3c4b5b")},
        {"row_id": str(ROW).upper()},
        {"table": "session_notesbody", "column": ""},
    ],
)
def test_a_ciphertext_moved_to_another_cell_fails(data_key: DataKey, moved_to: dict) -> None:
    blob = seal(data_key, PLAINTEXT, **CELL)
    with pytest.raises(DecryptionError):
        unseal(data_key, blob, **{**CELL, **moved_to})


def test_a_ciphertext_fails_under_another_clients_key(data_key: DataKey) -> None:
    blob = seal(data_key, PLAINTEXT, **CELL)
    with pytest.raises(DecryptionError):
        unseal(DataKey(OTHER_CLIENT, 1, SECRET), blob, **CELL)
    with pytest.raises(DecryptionError):
        unseal(DataKey(CLIENT, 1, bytes(32)), blob, **CELL)


def test_a_ciphertext_fails_under_another_key_version_even_with_a_rewritten_header(
    data_key: DataKey,
) -> None:
    blob = seal(data_key, PLAINTEXT, **CELL)
    version_2 = DataKey(CLIENT, 2, SECRET)
    with pytest.raises(DecryptionError):
        unseal(version_2, blob, **CELL)
    version_at = 2 + len(CLIENT)
    forged = blob[:version_at] + (2).to_bytes(4, "big") + blob[version_at + 4 :]
    assert read_header(forged).key_version == 2
    with pytest.raises(DecryptionError):
        unseal(version_2, forged, **CELL)


def test_aad_encoding_is_unambiguous() -> None:
    assert aad_for("ab", "c", "r", 1) != aad_for("a", "bc", "r", 1)
    assert aad_for("a", "b", "c", 1) != aad_for("a", "b", "c", 2)
    assert aad_for("a", "b", ROW, 1) == aad_for("a", "b", str(ROW), 1)


def _regions() -> list[tuple[str, int]]:
    owner_end = 2 + len(CLIENT)
    nonce_end = owner_end + 4 + 12
    ciphertext_end = nonce_end + len(PLAINTEXT)
    total = ciphertext_end + 16
    named = [("format", 0), ("key id length", 1)]
    named += [("key id", i) for i in range(2, owner_end)]
    named += [("key version", i) for i in range(owner_end, owner_end + 4)]
    named += [("nonce", i) for i in range(owner_end + 4, nonce_end)]
    named += [("ciphertext", i) for i in range(nonce_end, ciphertext_end)]
    named += [("tag", i) for i in range(ciphertext_end, total)]
    return named


@pytest.mark.parametrize(("region", "position"), _regions())
def test_every_flipped_bit_anywhere_in_a_ciphertext_fails(
    data_key: DataKey, region: str, position: int
) -> None:
    blob = seal(data_key, PLAINTEXT, **CELL)
    assert len(blob) == len(_regions())
    for bit in range(8):
        tampered = bytearray(blob)
        tampered[position] ^= 1 << bit
        with pytest.raises(DecryptionError):
            unseal(data_key, bytes(tampered), **CELL)


@pytest.mark.parametrize("cut", [0, 1, 10, 2 + len(CLIENT) + 16, 2 + len(CLIENT) + 16 + 15])
def test_truncated_or_extended_ciphertexts_fail(data_key: DataKey, cut: int) -> None:
    blob = seal(data_key, PLAINTEXT, **CELL)
    with pytest.raises(DecryptionError):
        unseal(data_key, blob[:cut], **CELL)
    with pytest.raises(DecryptionError):
        unseal(data_key, blob + b"\x00", **CELL)
    with pytest.raises(DecryptionError):
        unseal(data_key, blob[:-1], **CELL)


def test_the_decryption_error_reveals_nothing(data_key: DataKey) -> None:
    blob = seal(data_key, PLAINTEXT, **CELL)
    with pytest.raises(DecryptionError) as error:
        unseal(data_key, blob[:-1] + bytes([blob[-1] ^ 1]), **CELL)
    assert str(error.value) == "stored data failed its integrity check"
    assert error.value.__cause__ is None and error.value.__suppress_context__
    shown = repr(error.value) + str(error.value)
    for secret in (PLAINTEXT, SECRET, blob, blob[-16:]):
        assert repr(secret)[2:-1][:12] not in shown


def test_text_and_json_helpers_do_not_leak_plaintext_on_type_confusion(data_key) -> None:
    not_utf8 = seal(data_key, b"\xff\xfe secret", **CELL)
    with pytest.raises(DecryptionError, match="not UTF-8") as error:
        unseal_str(data_key, not_utf8, **CELL)
    assert "secret" not in str(error.value) and error.value.__suppress_context__
    not_json = seal_str(data_key, "secret note", **CELL)
    with pytest.raises(DecryptionError, match="not JSON") as error:
        unseal_json(data_key, not_json, **CELL)
    assert "secret" not in str(error.value)


def test_nonces_never_repeat_over_200k_encryptions(data_key: DataKey) -> None:
    nonce_at = 2 + len(CLIENT) + 4
    nonces = {seal(data_key, b"x", **CELL)[nonce_at : nonce_at + 12] for _ in range(200_000)}
    assert len(nonces) == 200_000


def test_read_header_names_the_data_key_before_decryption(data_key: DataKey) -> None:
    blob = seal(DataKey(CLIENT, 7, SECRET), PLAINTEXT, **CELL)
    assert read_header(blob) == SealedHeader(1, CLIENT, 7)
    for garbage in (b"", b"\x01", b"\x02" + blob[1:], b"\x01\x00" + blob[2:], blob[:30]):
        with pytest.raises(DecryptionError):
            read_header(garbage)


def test_data_key_validates_and_hides_its_secret() -> None:
    assert repr(SECRET) not in repr(DataKey(CLIENT, 1, SECRET))
    with pytest.raises(CryptoError):
        DataKey(CLIENT, 0, SECRET)
    with pytest.raises(CryptoError):
        DataKey(CLIENT, 1, SECRET[:16])
    with pytest.raises(CryptoError):
        DataKey("client with spaces", 1, SECRET)
    assert DataKey.generate(CLIENT).secret != DataKey.generate(CLIENT).secret


@given(
    plaintext=st.binary(max_size=300),
    table=st.text(max_size=20),
    column=st.text(max_size=20),
    row_id=st.one_of(st.uuids(), st.text(max_size=40)),
    version=st.integers(1, 2**32 - 1),
)
def test_seal_round_trips_any_value_in_any_cell(plaintext, table, column, row_id, version) -> None:
    data_key = DataKey(CLIENT, version, SECRET)
    cell = {"table": table, "column": column, "row_id": row_id}
    assert unseal(data_key, seal(data_key, plaintext, **cell), **cell) == plaintext


# --- wrapping -------------------------------------------------------------------------------


def test_wrapped_data_key_unwraps_with_its_owner_and_version() -> None:
    ring = ring_of("k2026a", "k2025b")
    wrapped = wrap_data_key(ring, SECRET, owner_id=CLIENT, version=3)
    assert wrapped.master_key_id == "k2026a"
    assert WrappedKey.from_blob(wrapped.blob) == wrapped
    assert unwrap_data_key(ring, wrapped, owner_id=CLIENT, version=3) == DataKey(CLIENT, 3, SECRET)
    assert repr(SECRET) not in repr(wrapped)


@pytest.mark.parametrize(("owner_id", "version"), [(OTHER_CLIENT, 3), (CLIENT, 2), (CLIENT, 4)])
def test_a_wrapped_key_fails_for_another_owner_or_version(owner_id: str, version: int) -> None:
    ring = ring_of("k1")
    wrapped = wrap_data_key(ring, SECRET, owner_id=CLIENT, version=3)
    with pytest.raises(DecryptionError):
        unwrap_data_key(ring, wrapped, owner_id=owner_id, version=version)


def test_a_wrong_master_key_with_the_same_id_fails_with_the_generic_error() -> None:
    wrapped = wrap_data_key(ring_of("k1"), SECRET, owner_id=CLIENT, version=1)
    impostor = KeyRing((MasterKey("k1", b"\x99" * 32),), "k1")
    with pytest.raises(DecryptionError) as error:
        unwrap_data_key(impostor, wrapped, owner_id=CLIENT, version=1)
    assert str(error.value) == "stored data failed its integrity check"


def test_an_unknown_master_key_id_fails_naming_the_id_only() -> None:
    wrapped = wrap_data_key(ring_of("k2024"), SECRET, owner_id=CLIENT, version=1)
    with pytest.raises(UnknownMasterKeyError, match="'k2024'") as error:
        unwrap_data_key(ring_of("k2026"), wrapped, owner_id=CLIENT, version=1)
    assert isinstance(error.value, DecryptionError)


def test_the_master_key_is_chosen_by_the_blob_header_not_by_trial(monkeypatch) -> None:
    ring = ring_of("k1", "k2", "k3")
    wrapped = wrap_data_key(ring.with_primary("k3"), SECRET, owner_id=CLIENT, version=1)
    used: list[bytes] = []
    real_aesgcm = envelope.AESGCM

    def recording_aesgcm(key: bytes):
        used.append(key)
        return real_aesgcm(key)

    monkeypatch.setattr(envelope, "AESGCM", recording_aesgcm)
    unwrap_data_key(ring, wrapped, owner_id=CLIENT, version=1)
    master_secrets = {key.secret for key in ring}
    assert [key for key in used if key in master_secrets] == [ring.get("k3").secret]


def test_a_wrapped_key_whose_label_disagrees_with_its_blob_fails() -> None:
    ring = ring_of("k1", "k2")
    wrapped = wrap_data_key(ring, SECRET, owner_id=CLIENT, version=1)
    with pytest.raises(DecryptionError):
        unwrap_data_key(ring, WrappedKey("k2", wrapped.blob), owner_id=CLIENT, version=1)


def test_every_flipped_byte_of_a_wrapped_key_fails() -> None:
    ring = ring_of("k1", "k2")
    wrapped = wrap_data_key(ring, SECRET, owner_id=CLIENT, version=1)
    for position in range(len(wrapped.blob)):
        tampered = bytearray(wrapped.blob)
        tampered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            candidate = WrappedKey.from_blob(bytes(tampered))
            unwrap_data_key(ring, candidate, owner_id=CLIENT, version=1)


def test_rewrap_is_idempotent_and_lets_the_old_master_key_be_retired() -> None:
    old_ring = ring_of("k2025")
    owners = [str(uuid.uuid4()) for _ in range(20)]
    data_keys = {owner: DataKey.generate(owner) for owner in owners}
    stored = {
        owner: wrap_data_key(old_ring, key.secret, owner_id=owner, version=1)
        for owner, key in data_keys.items()
    }
    notes = {owner: seal(key, PLAINTEXT, **CELL) for owner, key in data_keys.items()}

    ring = old_ring.with_new_primary(MasterKey("k2026", b"\x42" * 32))
    half = owners[:10]
    for owner in half:  # a rotation killed halfway, then resumed from the start
        stored[owner] = rewrap(ring, stored[owner], owner_id=owner, version=1)
    for owner in owners:
        before = stored[owner]
        stored[owner] = rewrap(ring, before, owner_id=owner, version=1)
        if owner in half:
            assert stored[owner] is before
        assert rewrap(ring, stored[owner], owner_id=owner, version=1) is stored[owner]
        assert stored[owner].master_key_id == "k2026"

    new_only = ring.retire("k2025")
    for owner in owners:
        data_key = unwrap_data_key(new_only, stored[owner], owner_id=owner, version=1)
        assert unseal(data_key, notes[owner], **CELL) == PLAINTEXT


def test_data_key_cache_unwraps_each_key_once(monkeypatch) -> None:
    ring = ring_of("k1")
    wrapped = wrap_data_key(ring, SECRET, owner_id=CLIENT, version=1)
    calls: list[str] = []
    real_unwrap = envelope.unwrap_data_key

    def counting_unwrap(*args, **kwargs):
        calls.append(kwargs["owner_id"])
        return real_unwrap(*args, **kwargs)

    monkeypatch.setattr(envelope, "unwrap_data_key", counting_unwrap)
    cache = DataKeyCache(ring)
    first = cache.unwrap(wrapped, owner_id=CLIENT, version=1)
    for _ in range(50):
        assert cache.unwrap(wrapped, owner_id=CLIENT, version=1) is first
    assert calls == [CLIENT]
    assert (CLIENT, 1) in cache and len(cache) == 1 and cache.get(CLIENT, 1) is first

    created = cache.add(DataKey.generate(OTHER_CLIENT))
    assert cache.get(OTHER_CLIENT, 1) is created and list(cache) == [first, created]
    cache.discard(CLIENT)
    assert cache.get(CLIENT, 1) is None and len(cache) == 1
    cache.clear()
    assert len(cache) == 0


def test_the_row_id_is_tagged_uuid_bytes_or_length_prefixed_text() -> None:
    prefix = aad_for("a", "b", "", 1)[: -len(b"\x02\x00\x00")]
    assert aad_for("a", "b", ROW, 1) == prefix + b"\x01" + ROW.bytes
    assert aad_for("a", "b", "r", 1) == prefix + b"\x02\x00\x01r"
    # Not the canonical text of a UUID, so not the UUID's cell, and not each other's.
    variants = {str(ROW).upper(), ROW.hex, f"{{{ROW}}}", ROW.bytes.decode("latin-1")}
    encodings = {aad_for("a", "b", variant, 1) for variant in variants}
    assert len(encodings) == len(variants)
    assert aad_for("a", "b", ROW, 1) not in encodings
    with pytest.raises(CryptoError):
        aad_for("a", "b", 7, 1)  # type: ignore[arg-type]


def test_a_ciphertext_fails_under_a_non_canonical_spelling_of_its_row_id(data_key) -> None:
    blob = seal(data_key, PLAINTEXT, **CELL)
    for spelling in (str(ROW).upper(), ROW.hex):
        with pytest.raises(DecryptionError):
            unseal(data_key, blob, **(CELL | {"row_id": spelling}))
