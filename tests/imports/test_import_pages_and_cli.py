"""The import pages (upload → columns → preview → confirm) and `flask import clients`."""

from __future__ import annotations

import io
import json
import re
import uuid
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.auth.models import Language, Role
from casework.clients.models import Client
from casework.db import db
from casework.imports import services
from casework.imports.models import ImportUpload
from tests.factories import make_user
from tests.imports.sheets import MAPPING, bad_row, csv_bytes, good_row, xlsx
from tests.pages import csrf_token, id_in, post_form


def _clients(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Client)) or 0


def test_a_case_manager_uploads_maps_previews_and_imports_only_the_good_rows(
    app: Flask, client: FlaskClient, login_as
) -> None:
    login_as(Role.CASE_MANAGER, preferred_language=Language.EN)
    before = _clients(app)
    content = xlsx([good_row(1), bad_row(1)[0], good_row(2)])
    response = client.post(
        "/imports",
        data={
            "kind": "clients",
            "file": (io.BytesIO(content), "clients.xlsx"),
            "csrf_token": csrf_token(client, "/imports"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    mapping_path = response.headers["Location"]
    upload_id = id_in(mapping_path)
    page = client.get(mapping_path).get_data(as_text=True)
    assert "Nazwisko" in page and "Legal basis for processing" in page
    incomplete = post_form(client, mapping_path, {"given_name": "Imię", "family_name": "Nazwisko"})
    assert incomplete.status_code == 200
    assert "the mapping must give a column for Legal basis for processing" in (
        incomplete.get_data(as_text=True)
    )
    response = post_form(client, mapping_path, MAPPING)
    assert response.status_code == 302
    preview_path = response.headers["Location"]
    page = client.get(preview_path).get_data(as_text=True)
    assert "Rows with problems: 1" in page and "not a valid phone number" in page
    saved = client.get(f"/imports/{upload_id}/mapping.json")
    assert json.loads(saved.get_data(as_text=True)) == MAPPING
    refused = post_form(client, preview_path, {}, form_on=preview_path)
    assert refused.status_code == 200 and _clients(app) == before
    assert "1 row(s) have problems" in refused.get_data(as_text=True)
    done = post_form(client, preview_path, {"only_good_rows": "y"}, form_on=preview_path)
    assert done.status_code == 302, done.get_data(as_text=True)
    job_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'data-job-state="done"' in job_page
    run_link = re.search(r'href="(/imports/runs/[^"]+)"', job_page)
    assert run_link, job_page
    summary = client.get(run_link.group(1)).get_data(as_text=True)
    assert "Rows imported: 2" in summary and "Rows with problems left out: 1" in summary
    assert _clients(app) == before + 2
    with app.app_context():
        assert db.session.get(ImportUpload, uuid.UUID(upload_id)) is None


def test_another_users_upload_answers_as_missing(app: Flask, client: FlaskClient, login_as) -> None:
    with app.app_context():
        owner = make_user(roles=(Role.CASE_MANAGER,))
        held = services.start_upload(
            owner, kind="clients", content=csv_bytes([good_row(1)]), filename="c.csv"
        )
        db.session.commit()
        upload_id = held.id
    login_as(Role.CASE_MANAGER)
    assert client.get(f"/imports/{upload_id}/mapping").status_code == 404
    assert client.get(f"/imports/{upload_id}/preview").status_code == 404


def test_therapists_cannot_import(client: FlaskClient, login_as) -> None:
    login_as(Role.THERAPIST)
    assert client.get("/imports").status_code == 404  # role pages answer as missing


def _files(tmp_path: Path, rows: list[list[str]]) -> tuple[str, str]:
    data, mapping = tmp_path / "clients.csv", tmp_path / "mapping.yaml"
    data.write_bytes(csv_bytes(rows))
    mapping.write_text("\n".join(f"{k}: {v}" for k, v in MAPPING.items()), encoding="utf-8")
    return str(data), str(mapping)


def test_cli_dry_run_lists_bad_rows_then_imports_once(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        user = make_user(roles=(Role.CASE_MANAGER,))
        db.session.commit()
        email = user.email
    before = _clients(app)
    data, mapping = _files(tmp_path, [good_row(1), bad_row(0)[0], good_row(2)])
    runner = app.test_cli_runner()
    args = ["import", "clients", data, "--mapping", mapping, "--as", email]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 1
    assert "row 3: not a valid PESEL number" in dry.output
    assert "3 rows: 2 to import, 0 already imported, 1 with problems" in dry.output
    refused = runner.invoke(args=args)
    assert refused.exit_code == 2 and "1 row(s) have problems" in refused.output
    assert _clients(app) == before
    done = runner.invoke(args=[*args, "--only-good-rows"])
    assert done.exit_code == 0, done.output
    assert "3 rows: 2 imported, 0 already imported, 1 with problems left out" in done.output
    again = runner.invoke(args=[*args, "--only-good-rows"])
    assert "0 imported, 2 already imported" in again.output
    assert _clients(app) == before + 2


def test_cli_refuses_bad_input_in_one_line(app: Flask, tmp_path: Path) -> None:
    data, mapping = _files(tmp_path, [good_row(1)])
    runner = app.test_cli_runner()
    missing = runner.invoke(
        args=["import", "clients", "nope.csv", "--mapping", mapping, "--as", "x@y"]
    )
    assert missing.exit_code == 2 and "no such file: nope.csv" in missing.output
    nobody = runner.invoke(args=["import", "clients", data, "--mapping", mapping, "--as", "x@y"])
    assert nobody.exit_code == 2 and "no active staff member" in nobody.output
    Path(mapping).write_text("[not, a, mapping]", encoding="utf-8")
    with app.app_context():
        email = make_user(roles=(Role.SUPERVISOR,)).email
        db.session.commit()
    bad = runner.invoke(args=["import", "clients", data, "--mapping", mapping, "--as", email])
    assert bad.exit_code == 2 and "field names to column headings" in bad.output
