"""The import pages for past group participation, and fields named by their labels on a page."""

from __future__ import annotations

import io
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.auth.models import Language, Role, User
from casework.db import db
from casework.groups.models import GroupEnrolment
from tests.imports.group_sheets import HEADINGS, MAPPING, sheet_of
from tests.imports.sheets import csv_bytes, good_row
from tests.pages import csrf_token, post_form, sign_in


def _upload(client: FlaskClient, kind: str, content: bytes) -> str:
    response = client.post(
        "/imports",
        data={
            "kind": kind,
            "file": (io.BytesIO(content), f"{kind}.csv"),
            "csrf_token": csrf_token(client, "/imports"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return str(response.headers["Location"])


def test_a_facilitator_imports_past_participation_on_the_pages(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["facilitator"]))
        assert user is not None
        user.preferred_language = Language.EN
        db.session.commit()
    assert sign_in(client, world["facilitator"]).status_code == 302
    assert "Past group participation" in client.get("/imports").get_data(as_text=True)
    sheet = sheet_of(world)
    content = csv_bytes([[values[h] for h in HEADINGS] for _, values in sheet.rows], HEADINGS)
    mapping_path = _upload(client, "groups", content)
    response = post_form(client, mapping_path, MAPPING)
    assert response.status_code == 302, response.get_data(as_text=True)
    preview_path = response.headers["Location"]
    page = client.get(preview_path).get_data(as_text=True)
    assert "Rows with problems: 5" in page and "no client matches this row" in page
    assert "unknown participation status: finished" in page
    done = post_form(client, preview_path, {"only_good_rows": "y"}, form_on=preview_path)
    assert done.status_code == 302, done.get_data(as_text=True)
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(GroupEnrolment.run_id == uuid.UUID(str(world["run"])))
        )
        assert count == 3


def test_a_mapping_error_names_the_field_by_its_polish_label(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER, preferred_language=Language.PL)
    mapping_path = _upload(client, "clients", csv_bytes([good_row(1)]))
    response = post_form(client, mapping_path, {"given_name": "Imię", "family_name": "Nazwisko"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "kolumnę dla pola Podstawa prawna przetwarzania" in page
    assert "dla pola legal_basis" not in page
