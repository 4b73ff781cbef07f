"""Client import: the preview lists every bad row and writes nothing; the import is all-or-nothing,
audited, and a second run of the same file creates nobody."""

from __future__ import annotations

import base64

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.clients.models import Client, Consent, LegalBasis
from casework.crypto import services as crypto
from casework.db import db
from casework.errors import ValidationError
from casework.imports import services
from casework.imports.models import ImportLedgerEntry, ImportRun, ImportUpload
from casework.imports.reading import read_sheet
from tests.factories import make_client, staff
from tests.imports.sheets import MAPPING, bad_row, csv_bytes, good_row, xlsx


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_preview_lists_every_bad_row_with_its_reason_and_writes_nothing(app: Flask, team) -> None:
    rows = [good_row(n) for n in range(1, 21)]
    expected: dict[int, str] = {}
    for n in range(100, 105):
        row, reason = bad_row(n)
        rows.append(row)
        expected[len(rows) + 1] = reason
    with app.app_context():
        manager = staff(team, "manager")
        clients_before = _count(Client)
        preview = services.preview_rows(manager, "clients", read_sheet(xlsx(rows), "xlsx"), MAPPING)
        assert preview.rows == 25 and len(preview.good) == 20
        found = {row.number: "; ".join(p.english() for p in row.problems) for row in preview.bad}
        assert found.keys() == expected.keys()
        for number, reason in expected.items():
            assert reason in found[number]
        assert _count(Client) == clients_before
        assert _count(ImportLedgerEntry) == 0


def test_confirmed_import_encrypts_indexes_and_records_the_basis_and_one_run_event(
    app: Flask, team
) -> None:
    rows = [good_row(n) for n in range(1, 6)]
    with app.app_context():
        manager = staff(team, "manager")
        run = services.import_rows(manager, "clients", read_sheet(csv_bytes(rows), "csv"), MAPPING)
        assert (run.rows, run.imported, run.already_imported, run.rejected) == (5, 5, 0, 0)
        found = crypto.find_clients(crypto.Identifiers(national_ids=(rows[2][2],)))
        assert len(found) == 1
        client = db.session.get(Client, next(iter(found)))
        assert client is not None and client.family_name == rows[2][1]
        assert client.phone == "+48500000003" and client.nationality == "UA"
        raw = db.session.execute(
            select(Client.national_id_ciphertext).where(Client.id == client.id)
        ).scalar_one()
        assert rows[2][2].encode() not in raw
        consent = db.session.scalar(select(Consent).where(Consent.client_id == client.id))
        assert consent is not None and consent.legal_basis == LegalBasis.CONSENT
        actions = db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.action.in_(["import.clients", "client.create"])
            )
        ).all()
        assert actions.count("import.clients") == 1 and actions.count("client.create") == 5


def test_a_second_run_of_the_same_file_changes_nothing(app: Flask, team) -> None:
    content = xlsx([good_row(n) for n in range(1, 8)])
    with app.app_context():
        manager = staff(team, "manager")
        services.import_rows(manager, "clients", read_sheet(content, "xlsx"), MAPPING)
        clients, consents = _count(Client), _count(Consent)
        again = services.import_rows(manager, "clients", read_sheet(content, "xlsx"), MAPPING)
        assert (again.imported, again.already_imported, again.rejected) == (0, 7, 0)
        assert (_count(Client), _count(Consent)) == (clients, consents)


def test_any_bad_row_refuses_the_whole_import_unless_only_good_rows_is_chosen(
    app: Flask, team
) -> None:
    rows = [good_row(1), bad_row(3)[0], good_row(2)]
    with app.app_context():
        manager = staff(team, "manager")
        clients = _count(Client)
        sheet = read_sheet(csv_bytes(rows), "csv")
        with pytest.raises(ValidationError, match="row\\(s\\) have problems"):
            services.import_rows(manager, "clients", sheet, MAPPING)
        assert _count(Client) == clients and _count(ImportRun) == 0
        run = services.import_rows(manager, "clients", sheet, MAPPING, only_good_rows=True)
        assert (run.imported, run.rejected) == (2, 1)
        assert _count(Client) == clients + 2


def test_duplicates_of_registered_clients_and_within_the_file_are_listed(app: Flask, team) -> None:
    first, second = good_row(1), good_row(2)
    repeated_phone = good_row(3)
    repeated_phone[3] = second[3]
    with app.app_context():
        manager = staff(team, "manager")
        existing = make_client(created_by_id=manager.id, family_name="Kowalska")
        crypto.set_blind_indexes(existing.id, crypto.Identifiers(national_ids=(first[2],)))
        sheet = read_sheet(csv_bytes([first, second, repeated_phone, second]), "csv")
        preview = services.preview_rows(manager, "clients", sheet, MAPPING)
        reasons = {row.number: [p.english() for p in row.problems] for row in preview.bad}
        assert reasons[2] == ["may be a client already registered"]
        assert reasons[4] == ["may be the same person as row 3"]
        assert reasons[5] == ["repeats row 3"]
        assert [row.number for row in preview.good] == [3]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({**MAPPING, "shoe_size": "Imię"}, "unknown field: shoe_size"),
        ({k: v for k, v in MAPPING.items() if k != "legal_basis"}, "a column for legal_basis"),
        ({**MAPPING, "email": "E-mail"}, "no column headed E-mail"),
    ],
)
def test_mapping_errors_name_the_problem(app: Flask, team, mapping, message) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        sheet = read_sheet(csv_bytes([good_row(1)]), "csv")
        with pytest.raises(ValidationError) as raised:
            services.preview_rows(manager, "clients", sheet, mapping)
        assert message in raised.value.message


def test_unreadable_files_are_refused(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(ValidationError, match="not a readable XLSX"):
            read_sheet(b"PK\x03\x04 not really a zip", "xlsx")
        with pytest.raises(ValidationError, match="UTF-8"):
            read_sheet("Imię;Nazwisko\n".encode("utf-16"), "csv")
        with pytest.raises(ValidationError, match="same heading"):
            read_sheet(b"a;a\n1;2\n", "csv")


def test_an_upload_is_kept_encrypted_and_replaced_by_the_next_one(app: Flask, team) -> None:
    content = csv_bytes([good_row(1)])
    with app.app_context():
        manager = staff(team, "manager")
        first = services.start_upload(manager, kind="clients", content=content, filename="a.csv")
        raw = db.session.execute(
            select(ImportUpload.content_ciphertext).where(ImportUpload.id == first.id)
        ).scalar_one()
        assert raw is not None and base64.b64encode(content)[:24] not in raw
        second = services.start_upload(manager, kind="clients", content=content, filename="a.csv")
        db.session.expire_all()
        assert db.session.scalars(select(ImportUpload.id)).all() == [second.id]


def test_erasing_an_imported_client_forgets_their_row_fingerprint(app: Flask, team) -> None:
    from casework.privacy.services import anonymise_client

    with app.app_context():
        manager = staff(team, "manager")
        run = services.import_rows(
            manager, "clients", read_sheet(csv_bytes([good_row(1)]), "csv"), MAPPING
        )
        entry = db.session.scalars(select(ImportLedgerEntry)).one()
        client = db.session.get(Client, entry.client_id)
        assert client is not None
        anonymise_client(client, actor=None, action="client.anonymise", reason_row=run)
        assert _count(ImportLedgerEntry) == 0
