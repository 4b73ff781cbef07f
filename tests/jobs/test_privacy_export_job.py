"""The GDPR export as a background job: the file is the export, kept under the client's own key
(so erasure shreds it), audited, and seen only by the person who asked."""

from __future__ import annotations

import json
import uuid

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.db import db
from casework.jobs.models import Job, JobState
from tests.factories import make_case, staff
from tests.pages import csrf_token, sign_in


def test_a_gdpr_export_job_gives_the_file_to_the_one_who_asked_until_the_client_is_erased(
    app: Flask, client: FlaskClient, team, team_emails
) -> None:
    with app.app_context():
        client_id = make_case(staff(team, "manager")).client_ids[0]
        db.session.commit()
    assert sign_in(client, team_emails["supervisor"]).status_code == 302
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    url = f"/api/v1/clients/{client_id}/export-job"
    assert client.post(url, json={}, headers=headers).status_code == 422
    hidden = client.post(
        f"/api/v1/clients/{uuid.uuid4()}/export-job", json={"reason": "x"}, headers=headers
    )
    assert hidden.status_code == 404
    started = client.post(url, json={"reason": "subject access request"}, headers=headers)
    assert started.status_code == 202, started.get_data(as_text=True)
    job_id, page = started.get_json()["job"], started.get_json()["page"]
    assert page == f"/jobs/{job_id}"
    assert 'data-job-state="done"' in client.get(page).get_data(as_text=True)
    with app.app_context():
        job = db.session.get(Job, uuid.UUID(job_id))
        assert job is not None and job.state is JobState.DONE
        assert job.client_file_ciphertext is not None and job.file_ciphertext is None
        assert "subject access request" not in json.dumps(job.params)
        events = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == str(client_id))
        ).all()
        assert "client.export" in events
    exported = client.get(f"{page}/file")
    assert exported.status_code == 200
    assert json.loads(exported.data)["client"]["id"] == str(client_id)

    manager = app.test_client()
    assert sign_in(manager, team_emails["manager"]).status_code == 302
    assert manager.get(page).status_code == 404
    assert manager.get(f"{page}/file").status_code == 404

    erased = client.post(
        f"/api/v1/clients/{client_id}/erasure", json={"reason": "art. 17"}, headers=headers
    )
    assert erased.status_code == 200
    assert client.get(f"{page}/file").status_code == 404  # shredded with the client's key
