"""The printed case summary: labels (never codes), scores, flags, the mandatory actions with their
state, a confidentiality mark, who printed it and when; each assessment names its participant."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.auth.models import Language, Role, User
from casework.cases.models import CaseKind
from casework.catalogue.library import library
from casework.clients.names import client_display_name
from casework.clock import centre_today
from casework.db import db
from casework.tasks.models import Task, TaskKind
from casework.tasks.services import plan
from tests.factories import make_assessment, make_case

STRANGULATION = "strangulation alone forces very high"


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


@pytest.fixture
def couple_summary(app: Flask, client: FlaskClient, login_as: Any) -> Any:
    """A signed-in case manager's couple case with violence disclosed by the first partner; the
    summary page as a function of the page language."""

    def render(language: Language, *, done: bool = False) -> tuple[str, dict[str, Any]]:
        user = login_as(Role.CASE_MANAGER, preferred_language=language, display_name="Ola Nowak")
        with app.app_context():
            manager = db.session.get(User, user.id)
            assert manager is not None
            case = make_case(manager, kind=CaseKind.COUPLE)
            make_assessment(manager, case, STRANGULATION)
            safety = db.session.scalar(
                select(Task).where(Task.case_id == case.id, Task.kind == TaskKind.SAFETY_PLAN)
            )
            assert safety is not None
            if done:
                plan.complete_task(
                    manager,
                    safety.id,
                    done_on=centre_today(),
                    note="Plan made with the client",
                    expected_version=safety.version,
                )
            names = {p.client_id: client_display_name(p.client) for p in case.participants}
            facts = {"case": case.id, "first": names[case.client_ids[0]], "names": names}
            db.session.commit()
        response = client.get(f"/cases/{facts['case']}/summary")
        assert response.status_code == 200
        return response.get_data(as_text=True), facts

    return render


@pytest.mark.parametrize("language", [Language.UK, Language.PL])
def test_the_summary_shows_labels_scores_flags_and_no_codes(
    app: Flask, couple_summary: Any, language: Language
) -> None:
    page, _ = couple_summary(language)
    text = _visible_text(page)
    with app.app_context():
        instrument = library().instrument("norr")
    lang = language.value
    assert instrument.level("very_high").label[lang] in text
    assert next(f for f in instrument.flags if f.code == "violence_grave").label[lang] in text
    serious = next(
        b for b in instrument.scale("violence").band_sets[0].bands if b.code == "serious"
    )
    assert instrument.scale("violence").title[lang] in text
    if serious.label:
        assert serious.label[lang] in text
    codes = {level.code for level in instrument.levels} | {flag.code for flag in instrument.flags}
    codes |= {item.id for item in instrument.items} | {"safety_plan", "blue_card", "open", "done"}
    shown = {code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)}
    assert not shown


def test_the_summary_lists_the_mandatory_actions_with_their_state(couple_summary: Any) -> None:
    page, _ = couple_summary(Language.EN, done=True)
    actions = page.split('class="compact mandatory-actions"')[1].split("</table>")[0]
    assert "Safety plan" in actions
    assert re.search(r"<strong>\s*Done\s*</strong>", actions)


def test_the_summary_is_marked_confidential_and_says_who_printed_it_when(
    couple_summary: Any,
) -> None:
    page, _ = couple_summary(Language.PL)
    text = _visible_text(page)
    assert 'class="confidential"' in page
    footer = page.split('class="printed"')[1]
    assert "Ola Nowak" in footer
    # The date and time in the centre's zone, in the page's (Polish) format.
    assert re.search(r"\d{2}\.\d{2}\.\d{2,4},? \d{1,2}:\d{2}", footer)
    assert "Ola Nowak" in text


def test_each_assessment_on_the_summary_names_the_participant_it_is_about(
    couple_summary: Any,
) -> None:
    page, facts = couple_summary(Language.UK)
    results = page.split('class="compact results-table"')[1].split("</table>")[0]
    headings = re.findall(r'<th scope="col" class="participant">([^<]*)<br>', results)
    assert headings == [facts["first"]]


def test_a_new_case_summary_prints_on_a4(app: Flask) -> None:
    with app.open_resource("static/print.css") as css:
        rules = css.read().decode()
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", rules)


def _assess(manager: User, case: Any, client_id: Any, vector: str, **options: Any) -> Any:
    from casework.case_assessments.services import assessments as assessing
    from tests.factories import norr_answers

    started = assessing.start_assessment(
        manager, case.id, instrument_id="norr", client_id=client_id, **options
    )
    answers = {k: v for k, v in norr_answers(vector).items() if v is not None}
    return assessing.submit_answers(
        manager, started.id, answers, expected_version=started.version, complete=True
    )


def test_the_joint_view_shows_the_partners_results_side_by_side_without_disclosures(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    user = login_as(Role.CASE_MANAGER, preferred_language=Language.EN)
    with app.app_context():
        manager = db.session.get(User, user.id)
        assert manager is not None
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        _assess(manager, case, first, "all lowest-risk answers")
        _assess(manager, case, second, "all lowest-risk answers")
        _assess(manager, case, second, STRANGULATION, is_individual=True)
        names = {p.client_id: client_display_name(p.client) for p in case.participants}
        case_id = case.id
        db.session.commit()
    page = client.get(f"/cases/{case_id}?view=joint").get_data(as_text=True)
    block = page.split('id="partners-results"')[1].split("</section>")[0]
    headings = re.findall(r'<th scope="col" class="participant">([^<]*)<br>', block)
    assert headings == [names[first], names[second]]
    # The second partner's individual disclosure (life-threatening violence) stays out of it.
    assert "Life-threatening violence" not in block
    assert "Very high" not in block
    full = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="partners-results"' not in full


def test_the_couple_case_page_names_whom_each_assessment_and_recommendation_is_about(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    user = login_as(Role.CASE_MANAGER, preferred_language=Language.UK)
    with app.app_context():
        manager = db.session.get(User, user.id)
        assert manager is not None
        case = make_case(manager, kind=CaseKind.COUPLE)
        first, second = case.client_ids
        _assess(manager, case, second, STRANGULATION, is_individual=True)
        make_assessment(manager, case, "all lowest-risk answers")
        names = {p.client_id: client_display_name(p.client) for p in case.participants}
        case_id = case.id
        db.session.commit()
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    entries = re.findall(r"<li>(.*?)</li>", timeline, flags=re.S)
    assessed = [entry for entry in entries if "assessment_id" not in entry and "NORR" in entry]
    assert any(names[first] in entry for entry in assessed)
    assert any(names[second] in entry for entry in assessed)
    for_whom = re.findall(r'<span class="for-whom">([^<]+)</span>', page)
    assert for_whom
    # The individual disclosure's recommendations are for the second partner alone.
    assert any(names[second] in line and names[first] not in line for line in for_whom)
