"""Audit hash chain: canonical form, MACs, checkpoints and verification."""

import datetime as dt
import enum
import uuid
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.crypto.chain import (
    GENESIS_MAC,
    ChainEvent,
    Checkpoint,
    Problem,
    canonical_event_bytes,
    event_mac,
    make_checkpoint,
    next_event,
    parse_checkpoint,
    verify_chain,
)
from casework.crypto.errors import AuditChainError

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
AT = dt.datetime(2026, 1, 21, 9, 30, tzinfo=dt.UTC)


class Action(enum.StrEnum):
    READ = "read"


def event_fields(n: int) -> dict[str, object]:
    return {
        "at": AT + dt.timedelta(minutes=n),
        "actor_id": 7,
        "role": "therapist",
        "action": Action.READ,
        "object": "session_note",
        "object_id": uuid.UUID(int=n),
        "client_pseudonym": f"C-{n:04d}",
        "fields": ["body"],
        "reason": None,
    }


def build_chain(length: int, key: bytes = KEY) -> list[ChainEvent]:
    chain: list[ChainEvent] = []
    for n in range(1, length + 1):
        chain.append(next_event(key, chain[-1] if chain else None, event_fields(n)))
    return chain


def test_a_good_chain_verifies() -> None:
    chain = build_chain(10)
    assert [event.seq for event in chain] == list(range(1, 11))
    report = verify_chain(chain, KEY)
    assert report.ok and report.problem is None and report.first_bad_seq is None
    assert (report.events_checked, report.head_seq, report.head_mac) == (10, 10, chain[-1].mac)


def test_an_empty_chain_verifies_without_a_checkpoint() -> None:
    report = verify_chain([], KEY)
    assert report.ok and report.head_seq is None and report.head_mac is None


def test_events_given_as_plain_dicts_verify() -> None:
    rows = [{"seq": e.seq, "mac": e.mac, "fields": dict(e.fields)} for e in build_chain(3)]
    assert verify_chain(rows, KEY).ok
    rows[1]["fields"]["role"] = "supervisor"
    assert verify_chain(rows, KEY).first_bad_seq == 2
    assert verify_chain([{"mac": rows[0]["mac"]}], KEY).problem is Problem.MALFORMED


def test_the_wrong_key_fails_at_the_first_event() -> None:
    report = verify_chain(build_chain(3), OTHER_KEY)
    assert (report.problem, report.first_bad_seq) == (Problem.EDITED, 1)


def test_an_edited_event_is_reported_by_its_seq_without_its_values() -> None:
    chain = build_chain(10)
    fields = {**chain[4].fields, "reason": "secret reason"}
    chain[4] = ChainEvent(chain[4].seq, chain[4].mac, fields)
    report = verify_chain(chain, KEY)
    assert (report.problem, report.first_bad_seq) == (Problem.EDITED, 5)
    assert (report.events_checked, report.head_seq, report.head_mac) == (4, 4, chain[3].mac)
    assert "secret" not in report.detail and "5" in report.detail


def test_an_edited_or_malformed_mac_is_reported() -> None:
    chain = build_chain(5)
    for bad_mac in ("f" * 64, chain[2].mac.upper(), "ł" * 64, ""):
        chain_copy = list(chain)
        chain_copy[2] = ChainEvent(3, bad_mac, chain[2].fields)
        report = verify_chain(chain_copy, KEY)
        assert (report.problem, report.first_bad_seq) == (Problem.EDITED, 3)


@pytest.mark.parametrize("deleted", [0, 4, 8])
def test_a_deleted_event_is_reported_as_missing(deleted: int) -> None:
    chain = build_chain(10)
    del chain[deleted]
    report = verify_chain(chain, KEY)
    assert (report.problem, report.first_bad_seq) == (Problem.MISSING, deleted + 1)


def test_an_event_renumbered_to_hide_a_deletion_breaks_the_chain() -> None:
    chain = build_chain(10)
    del chain[4]
    renumbered = [*chain[:4], *(ChainEvent(e.seq - 1, e.mac, e.fields) for e in chain[4:])]
    report = verify_chain(renumbered, KEY)
    assert (report.problem, report.first_bad_seq) == (Problem.EDITED, 5)


def test_reordered_events_are_reported() -> None:
    chain = build_chain(10)
    swapped_rows = [*chain[:3], chain[4], chain[3], *chain[5:]]
    report = verify_chain(swapped_rows, KEY)
    assert (report.problem, report.first_bad_seq) == (Problem.MISSING, 4)

    swapped_contents = list(chain)
    swapped_contents[3] = ChainEvent(4, chain[4].mac, chain[4].fields)
    swapped_contents[4] = ChainEvent(5, chain[3].mac, chain[3].fields)
    report = verify_chain(swapped_contents, KEY)
    assert (report.problem, report.first_bad_seq) == (Problem.EDITED, 4)


def test_a_repeated_event_is_reported_as_out_of_order() -> None:
    chain = build_chain(5)
    report = verify_chain([*chain[:3], chain[2], *chain[3:]], KEY)
    assert (report.problem, report.first_bad_seq) == (Problem.OUT_OF_ORDER, 3)


def test_a_truncated_tail_is_caught_only_with_a_checkpoint() -> None:
    chain = build_chain(10)
    checkpoint = parse_checkpoint(KEY, make_checkpoint(KEY, 10, chain[-1].mac))
    assert verify_chain(chain, KEY, checkpoint).ok
    assert verify_chain(chain[:7], KEY).ok  # the chain alone cannot tell
    report = verify_chain(chain[:7], KEY, checkpoint)
    assert (report.problem, report.first_bad_seq, report.head_seq) == (Problem.TRUNCATED, 8, 7)
    report = verify_chain([], KEY, checkpoint)
    assert (report.problem, report.first_bad_seq) == (Problem.TRUNCATED, 1)


def test_events_after_the_checkpoint_are_fine() -> None:
    chain = build_chain(10)
    checkpoint = Checkpoint(6, chain[5].mac)
    assert verify_chain(chain, KEY, checkpoint).ok


def test_a_chain_rebuilt_under_the_checkpoint_is_reported_as_forked() -> None:
    chain = build_chain(6)
    checkpoint = Checkpoint(4, chain[3].mac)
    rebuilt: list[ChainEvent] = []
    for n in range(1, 7):
        fields = {**event_fields(n), "role": "administrator"}
        rebuilt.append(next_event(KEY, rebuilt[-1] if rebuilt else None, fields))
    report = verify_chain(rebuilt, KEY, checkpoint)
    assert (report.problem, report.first_bad_seq) == (Problem.FORKED, 4)


def test_an_unserialisable_event_is_reported_as_malformed() -> None:
    chain = build_chain(3)
    chain[1] = ChainEvent(2, chain[1].mac, {**chain[1].fields, "score": 1.5})
    report = verify_chain(chain, KEY)
    assert (report.problem, report.first_bad_seq) == (Problem.MALFORMED, 2)
    assert "float" in report.detail


def test_checkpoints_round_trip_and_refuse_tampering() -> None:
    mac = build_chain(1)[0].mac
    text = make_checkpoint(KEY, 1, mac)
    assert text.startswith("casework-checkpoint/v1:1:")
    assert parse_checkpoint(KEY, f"  {text}\n") == Checkpoint(1, mac)
    forged_seq = text.replace(":1:", ":2:", 1)
    for bad in (forged_seq, text[:-1] + ("0" if text[-1] != "0" else "1")):
        with pytest.raises(AuditChainError, match="signature"):
            parse_checkpoint(KEY, bad)
    with pytest.raises(AuditChainError, match="signature"):
        parse_checkpoint(OTHER_KEY, text)
    for garbage in ("", "casework-checkpoint/v1:0:x:y", "v0:1:2:3", text + ":x", "c:-1:a:b"):
        with pytest.raises(AuditChainError):
            parse_checkpoint(KEY, garbage)


def test_event_mac_covers_previous_mac_seq_and_fields() -> None:
    canonical = canonical_event_bytes(event_fields(1))
    mac = event_mac(KEY, GENESIS_MAC, 1, canonical)
    assert len(mac) == 64 and mac == event_mac(KEY, GENESIS_MAC, 1, canonical)
    assert mac != event_mac(KEY, "1" * 64, 1, canonical)
    assert mac != event_mac(KEY, GENESIS_MAC, 2, canonical)
    assert mac != event_mac(KEY, GENESIS_MAC, 1, canonical + b" ")
    assert mac != event_mac(OTHER_KEY, GENESIS_MAC, 1, canonical)
    with pytest.raises(AuditChainError):
        event_mac(KEY, GENESIS_MAC, 0, canonical)
    with pytest.raises(AuditChainError):
        event_mac(KEY, "not a mac", 1, canonical)
    with pytest.raises(AuditChainError):
        event_mac(KEY[:16], GENESIS_MAC, 1, canonical)


# --- canonical form -------------------------------------------------------------------------


def test_canonical_form_is_sorted_compact_utf8_json() -> None:
    fields = {"b": 1, "a": ["Łódź", None, True], "c": {"z": 1, "y": 2}}
    assert canonical_event_bytes(fields) == (
        '{"a":["Łódź",null,true],"b":1,"c":{"y":2,"z":1}}'.encode()
    )
    assert canonical_event_bytes(dict(reversed(list(fields.items())))) == (
        canonical_event_bytes(fields)
    )


def test_canonical_timestamps_are_utc_with_microseconds() -> None:
    warsaw = dt.datetime(2026, 1, 21, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Warsaw"))
    assert canonical_event_bytes({"at": warsaw}) == b'{"at":"2026-01-21T09:30:00.000000Z"}'
    assert canonical_event_bytes({"at": warsaw}) == canonical_event_bytes({"at": AT})
    assert canonical_event_bytes({"on": dt.date(2026, 1, 21)}) == b'{"on":"2026-01-21"}'


def test_canonical_form_of_uuids_and_enums() -> None:
    assert canonical_event_bytes({"id": uuid.UUID(int=1), "action": Action.READ}) == (
        b'{"action":"read","id":"00000000-0000-0000-0000-000000000001"}'
    )


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"score": 0.1}, "float"),
        ({"nested": {"score": float("nan")}}, "event.nested.score"),
        ({"at": dt.datetime(2026, 1, 21, 9, 30)}, "naive"),
        ({"blob": b"bytes"}, "bytes"),
        ({"map": {1: "a"}}, "not a string"),
        ([("a", 1)], "mapping"),
    ],
)
def test_canonical_form_refuses_what_it_cannot_serialise_exactly(fields, fragment) -> None:
    with pytest.raises(AuditChainError, match=fragment):
        canonical_event_bytes(fields)


# --- properties -----------------------------------------------------------------------------


@given(st.integers(2, 25), st.data())
def test_any_single_deletion_or_edit_is_found_at_its_seq(length: int, data) -> None:
    chain = build_chain(length)
    position = data.draw(st.integers(0, length - 1))
    if data.draw(st.booleans()):
        del chain[position]
        expected_problem = Problem.MISSING
        if position == length - 1:
            # Deleting the head is truncation: invisible without a checkpoint.
            assert verify_chain(chain, KEY).ok
            checkpoint = Checkpoint(length, build_chain(length)[-1].mac)
            report = verify_chain(chain, KEY, checkpoint)
            assert (report.problem, report.first_bad_seq) == (Problem.TRUNCATED, length)
            return
    else:
        event = chain[position]
        chain[position] = ChainEvent(event.seq, event.mac, {**event.fields, "role": "x"})
        expected_problem = Problem.EDITED
    report = verify_chain(chain, KEY)
    assert (report.problem, report.first_bad_seq) == (expected_problem, position + 1)
