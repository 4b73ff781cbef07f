"""The result page speaks the page's language only: bars on one common track with their cut-offs,
severity in words as well as colour, reasons from the instrument's own texts, and in a couple
case who was interviewed and for whom each recommendation is."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language, Role, User
from casework.case_assessments.services import assessments
from casework.cases.models import CaseKind
from casework.catalogue.library import library
from casework.clients.names import client_display_name
from casework.db import db
from tests.factories import make_case, norr_answers

STRANGULATION = "strangulation alone forces very high"
WEAPON = "weapon threat alone forces very high"


def _norr(app: Flask) -> Any:
    with app.app_context():
        return library().instrument("norr")


def _visible_text(page: str) -> str:
    """What a reader sees: the page without its markup, scripts and attributes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def _completed(manager: User, vector: str, *, kind: CaseKind = CaseKind.INDIVIDUAL) -> Any:
    case = make_case(manager, kind=kind)
    assessment = assessments.start_assessment(
        manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
    )
    answers = {k: v for k, v in norr_answers(vector).items() if v is not None}
    assessments.submit_answers(
        manager, assessment.id, answers, expected_version=assessment.version, complete=True
    )
    db.session.commit()
    return case, assessment


def _result_page(
    app: Flask, client: FlaskClient, login_as: Any, language: Language, vector: str, **kw: Any
) -> tuple[str, uuid.UUID]:
    user = login_as(Role.CASE_MANAGER, preferred_language=language)
    with app.app_context():
        manager = db.session.get(User, user.id)
        assert manager is not None
        _case, assessment = _completed(manager, vector, **kw)
        assessment_id = assessment.id
    response = client.get(f"/assessments/{assessment_id}/result")
    assert response.status_code == 200
    return response.get_data(as_text=True), assessment_id


@pytest.mark.parametrize("language", [Language.UK, Language.PL])
@pytest.mark.parametrize("vector", [STRANGULATION, WEAPON])
def test_the_result_page_shows_no_codes_and_no_english_engine_text(
    app: Flask, client: FlaskClient, login_as: Any, language: Language, vector: str
) -> None:
    page, _ = _result_page(app, client, login_as, language, vector)
    text = _visible_text(page)
    instrument = _norr(app)
    codes = {item.id for item in instrument.items}
    codes |= {tag for item in instrument.items for tag in item.tags}
    codes |= {level.code for level in instrument.levels}
    codes |= {scale.id for scale in instrument.scales if "_" in scale.id}
    shown = {code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)}
    assert not shown
    assert "positive answers among" not in page
    assert "items tagged" not in page
    assert "(positive:" not in page
    grave = next(rule for rule in instrument.rules if rule.id == "violence_grave")
    assert grave.reason[language.value] in text
    item = "v_strangle" if vector == STRANGULATION else "v_weapon"
    assert instrument.item(item).text[language.value] in text


def test_every_scale_shares_one_track_with_its_cut_offs_marked(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    page, _ = _result_page(app, client, login_as, Language.UK, STRANGULATION)
    tracks = re.findall(r'<svg class="track" viewBox="([^"]+)"', page)
    instrument = _norr(app)
    assert len(tracks) == len([scale for scale in instrument.scales if scale.band_sets]) or tracks
    assert len(set(tracks)) == 1
    assert ' style="' not in page.split("<main", 1)[1]
    rows = page.split('<div class="scale-row">')[1:]
    assert rows and all('class="tick"' in row for row in rows)
    violence = next(row for row in rows if "Насильство та безпека" in row)
    # Bands 0 / 1-2 / 3-17: cut-offs at 1 and 3 and the ends of the track 0 and 17.
    labels = re.findall(r'<text class="tick-label"[^>]*>([^<]+)</text>', violence)
    assert labels == ["0", "1", "3", "17"]
    # The serious band starts at 3 of 17 and runs to the end of the track.
    serious = re.findall(r'<rect class="band sev-3" x="([\d.]+)" y="2" width="([\d.]+)"', violence)
    assert serious and float(serious[0][0]) == pytest.approx(400 * 3 / 17, abs=0.1)
    assert float(serious[0][0]) + float(serious[0][1]) == pytest.approx(400, abs=0.2)


def test_severity_is_told_in_words_beside_its_colour(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    page, _ = _result_page(app, client, login_as, Language.PL, STRANGULATION)
    severities = re.findall(r'<strong class="severity sev-text-(\d)">([^<]+)</strong>', page)
    assert severities and all(label.strip() for _, label in severities)
    assert "3" in {severity for severity, _ in severities}


def test_a_couple_case_names_who_was_interviewed_and_for_whom_recommendations_are(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    page, assessment_id = _result_page(
        app, client, login_as, Language.UK, STRANGULATION, kind=CaseKind.COUPLE
    )
    with app.app_context():
        from casework.case_assessments.models import Assessment
        from casework.cases.models import Case

        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        case = db.session.get(Case, assessment.case_id)
        assert case is not None
        names = {p.client_id: client_display_name(p.client) for p in case.participants}
        interviewed = names[assessment.client_id]
    assert "Опитано" in page or "Interviewed" in page
    assert interviewed in page.split('id="level-title"')[0]
    recommendations = page.split('id="recommendations"')[1]
    assert recommendations.count('class="for-whom"') >= 1
    assert all(name in recommendations for name in names.values())
