"""Crypto-shredding and blind-index search in the app."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.clients.models import Client
from casework.crypto import services
from casework.crypto.errors import BlindIndexInputError
from casework.crypto.models import BlindIndexEntry
from casework.db import db
from tests.factories import make_client


def test_shredding_makes_one_client_unreadable_and_leaves_others(app: Flask) -> None:
    with app.app_context():
        erased, kept = (
            make_client(given_name="Ewa", phone="600100200"),
            make_client(given_name="Ada"),
        )
        services.set_blind_indexes(erased.id, services.Identifiers(phones=("600100200",)))
        db.session.commit()
        assert services.shred_client(erased.id) == 1
        db.session.commit()
        ids = erased.id, kept.id
    with app.app_context():
        erased, kept = db.session.get(Client, ids[0]), db.session.get(Client, ids[1])
        assert erased.given_name is None and erased.phone is None
        assert erased.given_name_ciphertext is not None  # ciphertext nobody can open
        assert erased.birth_year == 1988 and erased.nationality == "PL"  # statistics remain
        assert kept.given_name == "Ada"
        assert services.find_clients(services.Identifiers(phones=("600100200",))) == {}
        assert (
            db.session.scalar(select(func.count()).where(BlindIndexEntry.client_id == ids[0])) == 0
        )


def test_blind_index_search_matches_after_normalisation(app: Flask) -> None:
    with app.app_context():
        client = make_client(given_name="Łukasz", family_name="Wójcik")
        other = make_client(given_name="Łukasz", family_name="Wójcik-Nowak")
        services.set_blind_indexes(
            client.id,
            services.Identifiers(
                national_ids=("85010112345",),
                phones=("+48 600-100-200",),
                emails=("Lukasz.Wojcik@Example.PL",),
                surname="Wójcik",
                birth_year=1985,
            ),
        )
        services.set_blind_indexes(
            other.id, services.Identifiers(surname="Wójcik-Nowak", birth_year=1985)
        )
        find = services.find_clients
        assert find(services.Identifiers(surname="WOJCIK", birth_year=1985)) == {
            client.id: {"surname_birth_year"}
        }
        assert find(services.Identifiers(phones=("0048600100200",))) == {client.id: {"phone"}}
        assert find(services.Identifiers(phones=("600 100 200",))) == {client.id: {"phone"}}
        assert find(services.Identifiers(emails=("lukasz.wojcik@example.pl",))) == {
            client.id: {"email"}
        }
        assert find(services.Identifiers(national_ids=("850 101 123 45",))) == {
            client.id: {"national_id"}
        }
        assert find(services.Identifiers(surname="Wójcik", birth_year=1986)) == {}
        with pytest.raises(BlindIndexInputError):
            find(services.Identifiers(phones=("call me maybe",)))
