"""My work shows the first rows of each list, all the counts, and where the rest is."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language
from casework.db import db
from casework.home import pages
from tests.factories import VIOLENT, make_assessment, make_case, staff
from tests.pages import sign_in


def test_my_work_cuts_each_list_and_says_how_many_and_where_the_rest_is(
    app: Flask, client: FlaskClient, team, monkeypatch
) -> None:
    monkeypatch.setattr(pages, "HOME_LIMIT", 2)
    with app.app_context():
        manager = staff(team, "manager")
        manager.preferred_language = Language.EN
        for _ in range(3):
            make_assessment(manager, make_case(manager), VIOLENT)  # each leaves decisions
        email = manager.email
        db.session.commit()
    assert sign_in(client, email).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert len(re.findall(r"<li data-case>", page)) == 2
    assert re.search(r"<h3>[^<]+\(3\)</h3>", page)  # all three counted
    assert len(re.findall(r"<li data-decision>", page)) == 2
    notes = re.findall(r"<p data-more>(.*?)</p>", page, re.S)
    assert len(notes) == 2 and all("The first 2 are shown." in note for note in notes)
    assert 'href="/cases"' in notes[0]
    monkeypatch.setattr(pages, "HOME_LIMIT", 20)
    page = client.get("/").get_data(as_text=True)
    assert len(re.findall(r"<li data-case>", page)) == 3
    assert "data-more" not in page
