"""Encrypted model attributes: ciphertext in the database, plain values in Python."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import Connection, select, text

from casework.clients.models import Client
from casework.crypto import envelope
from casework.crypto.columns import StoredDataIntegrityError
from casework.db import db
from tests.counting import counted
from tests.factories import make_client


def _fresh(app: Flask, client_id) -> Client:
    with app.app_context():
        return db.session.get(Client, client_id)


def test_fields_round_trip_and_the_row_holds_only_ciphertext(
    app: Flask, db_connection: Connection
) -> None:
    with app.app_context():
        client = make_client(given_name="Zofia", family_name="Wróblewska", phone="+48600100200")
        db.session.commit()
        client_id = client.id
    raw = db_connection.execute(
        text("SELECT given_name, family_name, phone, nationality FROM clients WHERE id = :id"),
        {"id": client_id.hex if db_connection.dialect.name == "sqlite" else client_id},
    ).one()
    assert all(isinstance(value, bytes) for value in raw[:3])
    assert b"Zofia" not in raw[0] and "Wróblewska".encode() not in raw[1]
    assert raw.nationality == "PL"
    with app.app_context():
        stored = db.session.get(Client, client_id)
        assert (stored.given_name, stored.family_name, stored.phone) == (
            "Zofia",
            "Wróblewska",
            "+48600100200",
        )


def _swap(app: Flask, source_id, target_id, *, source_column: str, target_column: str) -> None:
    with app.app_context():
        source = db.session.get(Client, source_id)
        target = db.session.get(Client, target_id)
        setattr(
            target, f"{target_column}_ciphertext", getattr(source, f"{source_column}_ciphertext")
        )
        db.session.commit()


@pytest.mark.parametrize(
    ("same_client", "source_column", "target_column"),
    [
        (True, "given_name", "family_name"),  # another column of the same row
        (False, "given_name", "given_name"),  # the same column of another client's row
    ],
)
def test_a_moved_ciphertext_fails_to_decrypt(
    app: Flask, same_client: bool, source_column: str, target_column: str
) -> None:
    with app.app_context():
        source = make_client(given_name="Halyna", family_name="Kovalenko")
        target = source if same_client else make_client(given_name="Olena")
        db.session.commit()
        ids = source.id, target.id
    _swap(app, *ids, source_column=source_column, target_column=target_column)
    with app.app_context(), pytest.raises(StoredDataIntegrityError) as failure:
        getattr(db.session.get(Client, ids[1]), target_column)
    assert "Halyna" not in str(failure.value)
    assert str(failure.value) == "stored data failed its integrity check; the failure is recorded"


def test_a_ciphertext_of_another_row_of_the_same_client_key_fails(app: Flask) -> None:
    """Even with the owner's key, the row id in the associated data must match."""
    with app.app_context():
        first = make_client(given_name="Iryna")
        second = make_client(given_name="Maria")
        # Give the second row the first client's key owner by sealing for the first's cell.
        second.given_name_ciphertext = first.given_name_ciphertext
        db.session.commit()
        second_id = second.id
    with app.app_context(), pytest.raises(StoredDataIntegrityError):
        db.session.get(Client, second_id).given_name  # noqa: B018


def test_a_flipped_bit_anywhere_fails(app: Flask) -> None:
    with app.app_context():
        client = make_client(given_name="Bożena")
        db.session.commit()
        ciphertext = client.given_name_ciphertext
        client_id = client.id
    for position in range(len(ciphertext)):
        tampered = bytearray(ciphertext)
        tampered[position] ^= 0x01
        with app.app_context():
            row = db.session.get(Client, client_id)
            row.given_name_ciphertext = bytes(tampered)
            with pytest.raises(StoredDataIntegrityError):
                row.given_name  # noqa: B018
            db.session.rollback()


def test_data_keys_are_unwrapped_once_per_unit_of_work(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        clients = [make_client(phone="+48600000001", email="a@example.test") for _ in range(3)]
        db.session.commit()
        ids = [client.id for client in clients]
    unwraps = []
    original = envelope.unwrap_data_key

    def counting(*args, **kwargs):
        unwraps.append(kwargs["owner_id"])
        return original(*args, **kwargs)

    monkeypatch.setattr(envelope, "unwrap_data_key", counting)
    with app.app_context():
        for client in db.session.scalars(select(Client).where(Client.id.in_(ids))):
            for _ in range(3):
                assert client.given_name and client.family_name and client.phone and client.email
    assert sorted(unwraps) == sorted(f"client:{client_id}" for client_id in ids)


def test_reading_all_of_a_clients_fields_costs_one_statement_for_their_key(app: Flask) -> None:
    with app.app_context():
        client_id = make_client(phone="+48600000002", email="b@example.test").id
        db.session.commit()
    with app.app_context():
        client = db.session.get(Client, client_id)
        with counted() as statements:
            assert client.given_name and client.family_name and client.phone and client.email
        assert len(statements) == 1 and "data_keys" in statements[0]


def test_a_key_made_in_a_rolled_back_transaction_is_never_used(app: Flask) -> None:
    with app.app_context():
        client = make_client(given_name="Alina")
        client_id = client.id
        db.session.rollback()  # the client and its new data key are gone
        again = make_client(id=client_id, given_name="Alina")
        db.session.commit()
    with app.app_context():
        assert db.session.get(Client, client_id).given_name == "Alina"
    assert again.id == client_id


def test_nonces_never_repeat(app: Flask) -> None:
    with app.app_context():
        client = make_client()
        nonces = set()
        for _ in range(20_000):
            client.address = "ul. Długa 1, 31-000 Kraków"
            blob = client.address_ciphertext
            header_length = 2 + blob[1] + 4
            nonces.add(blob[header_length : header_length + 12])
    assert len(nonces) == 20_000
