"""My clients, page by page: every running enrolment once, in order, whatever their number."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language
from casework.care import pages
from casework.care.services import enrolments
from casework.db import db
from tests.factories import make_case, staff
from tests.pages import sign_in


def test_my_clients_pages_through_every_running_enrolment_once(
    app: Flask, client: FlaskClient, team, monkeypatch
) -> None:
    monkeypatch.setattr(pages, "MY_CLIENTS_PAGE", 2)
    with app.app_context():
        manager, therapist = staff(team, "manager"), staff(team, "therapist")
        therapist.preferred_language = Language.EN
        references = []
        for _ in range(3):
            case = make_case(manager)
            enrolments.enrol(
                manager,
                case.id,
                client_id=case.client_ids[0],
                service_code="individual_counselling",
                practitioner_id=therapist.id,
            )
            references.append(case.reference)
        email = therapist.email
        db.session.commit()
    assert sign_in(client, email).status_code == 302
    seen, address, pages_read = [], "/my-clients", 0
    while address and pages_read < 5:
        page = client.get(address).get_data(as_text=True)
        pages_read += 1
        seen += [ref for ref in references if ref in page]
        following = re.search(r'<a href="([^"]+)" data-next>', page)
        address = following.group(1).replace("&amp;", "&") if following else ""
    assert sorted(seen) == sorted(references) and pages_read == 2
    tampered = client.get("/my-clients?after=bm90LWEtY3Vyc29y")
    assert tampered.status_code == 302 and tampered.location.endswith("/my-clients")
