"""Change over time on the closing page and the printed summary: the engine's change per scale in
the page language, never a code; a friendly message when the two assessments' versions differ."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.auth.models import Language, Role, User
from casework.case_assessments.models import Assessment
from casework.case_assessments.services import assessments, closing
from casework.db import db
from tests.factories import CALM, make_case, norr_answers

HIGHEST = "all highest-risk answers"
CODES = ("reliably_improved", "no_reliable_change", "relational_index", "emotional_safety")

#: What the closing page says of the relational index in each language.
EXPECTED = {
    Language.EN: ("Relational risk index", "reliably improved"),
    Language.PL: ("Indeks ryzyka relacyjnego", "istotna poprawa"),
    Language.UK: ("Індекс ризику у стосунках", "достовірне покращення"),
}


def _assessed(
    manager: User, case_id: uuid.UUID, client_id: uuid.UUID, vector: str, **kw: bool
) -> uuid.UUID:
    assessment = assessments.start_assessment(
        manager, case_id, instrument_id="norr", client_id=client_id, **kw
    )
    assessments.submit_answers(
        manager, assessment.id, norr_answers(vector), expected_version=1, complete=True
    )
    return assessment.id


def _case_with_closing(app: Flask, user: User) -> tuple[uuid.UUID, uuid.UUID]:
    """A case whose participant went from the highest-risk answers to the calmest ones."""
    with app.app_context():
        manager = db.session.get(User, user.id)
        case = make_case(manager)
        client_id = case.client_ids[0]
        first = _assessed(manager, case.id, client_id, HIGHEST)
        _assessed(manager, case.id, client_id, CALM, is_closing=True)
        db.session.commit()
        return case.id, first


@pytest.mark.parametrize("language", list(Language))
def test_the_closing_page_and_the_summary_show_the_change_in_the_page_language(
    app: Flask, client: FlaskClient, login_as, language: Language
) -> None:
    user = login_as(Role.CASE_MANAGER, preferred_language=language)
    case_id, _ = _case_with_closing(app, user)
    title, explanation = EXPECTED[language]
    for path in (f"/cases/{case_id}/close", f"/cases/{case_id}/summary"):
        page = client.get(path).get_data(as_text=True)
        assert f"{explanation} ({title}: 51 → 0" in page, path
        assert not any(code in page for code in CODES), path
    if language == Language.EN:
        assert "Reliably improved" in page and "Crossed the clinical cut-off" in page


def test_the_change_comes_from_the_engine_per_scale(app: Flask, team) -> None:
    from tests.factories import staff

    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        client_id = case.client_ids[0]
        _assessed(manager, case.id, client_id, HIGHEST)
        _assessed(manager, case.id, client_id, CALM, is_closing=True)
        (comparison,) = closing.closing_comparisons(manager, case.id, joint=False)
        assert comparison.change is not None
        index = comparison.change.scale("relational_index")
        assert (index.before, index.after, index.difference) == (51, 0, -51)
        assert index.status == "reliably_improved" and index.crossed_cutoff is True
        assert "violence" not in {scale.scale for scale in comparison.change.scales}


def test_assessments_of_different_versions_are_not_compared(
    app: Flask, client: FlaskClient, login_as
) -> None:
    user = login_as(Role.CASE_MANAGER, preferred_language=Language.EN)
    case_id, first = _case_with_closing(app, user)
    with app.app_context():
        row = db.session.get(Assessment, first)
        assert row is not None
        row.instrument_version = "1.0.0"
        row.result = {**(row.result or {}), "instrument_version": "1.0.0"}
        db.session.commit()
    page = client.get(f"/cases/{case_id}/close").get_data(as_text=True)
    assert "used version 1.0.0 of this questionnaire" in page and "version 1.1.0" in page
    assert "Results of different versions are not compared" in page
    assert "Reliably improved" not in page and "RCI" not in page
