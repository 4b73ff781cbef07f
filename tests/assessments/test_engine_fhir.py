"""FHIR R4: Questionnaire and QuestionnaireResponse export validate against the FHIR models
(fhir.resources, R4B: the R4 line the package offers), and an exported Questionnaire imports
back into an instrument that asks and scores the same."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from assessments import AnswerError, load_instrument, parse_instrument, score
from assessments.cli import main
from assessments.fhir import (
    ITEM_WEIGHT,
    TRANSLATION,
    export_questionnaire,
    export_response,
    import_questionnaire,
)
from assessments.vectors import vector_answers

INSTRUMENTS = Path(__file__).resolve().parents[2] / "instruments"
SHIPPED = {path.stem: load_instrument(path) for path in sorted(INSTRUMENTS.glob("*.yaml"))}


def _questions(items):
    for item in items:
        if item["type"] == "group":
            yield from _questions(item["item"])
        else:
            yield item


@pytest.mark.parametrize("name", sorted(SHIPPED))
@pytest.mark.parametrize("language", ["pl", "en", "uk"])
def test_every_instrument_exports_as_a_valid_questionnaire(name, language):
    instrument = SHIPPED[name]
    exported = export_questionnaire(instrument, language)
    Questionnaire.model_validate(exported)
    questions = {q["linkId"]: q for q in _questions(exported["item"])}
    assert list(questions) == [item.id for item in instrument.items]
    assert exported["language"] == language
    assert exported["title"] == instrument.title[language]
    translations = exported["_title"]["extension"]
    assert {e["url"] for e in translations} == {TRANSLATION}
    assert len(translations) == len(instrument.languages) - 1


def test_options_carry_their_score_as_item_weight_reverse_scoring_included():
    norr = SHIPPED["norr"]
    questions = {q["linkId"]: q for q in _questions(export_questionnaire(norr)["item"])}
    listen = questions["com_listen"]  # reverse-scored: "never" listening scores highest
    weights = {
        option["valueCoding"]["code"]: option["extension"][0]["valueDecimal"]
        for option in listen["answerOption"]
    }
    assert listen["answerOption"][0]["extension"][0]["url"] == ITEM_WEIGHT
    assert weights == {"never": 3, "sometimes": 2, "often": 1, "almost_always": 0}


def test_conditional_items_become_enable_when():
    questions = {q["linkId"]: q for q in _questions(export_questionnaire(SHIPPED["norr"])["item"])}
    follow_up = questions["sub_conflict"]
    assert follow_up["enableWhen"] == [
        {"question": "sub_any", "operator": "=", "answerCoding": {"code": "yes"}}
    ]
    phq9 = {q["linkId"]: q for q in _questions(export_questionnaire(SHIPPED["phq9"])["item"])}
    difficulty = phq9["phq9_difficulty"]
    assert difficulty["enableBehavior"] == "any"
    assert {when["question"] for when in difficulty["enableWhen"]} == {
        f"phq9_{n}" for n in range(1, 10)
    }


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_completed_assessments_export_as_valid_responses(name):
    instrument = SHIPPED[name]
    for vector in instrument.vectors:
        if vector.expect_errors:
            continue
        answers = vector_answers(instrument, vector)
        response = export_response(instrument, answers, vector.facts, "uk")
        QuestionnaireResponse.model_validate(response)
        answered = {q["linkId"] for q in _questions_response(response["item"])}
        hidden = set(score(instrument, answers, vector.facts).hidden)
        assert answered == {k for k, v in answers.items() if v is not None} - hidden


def _questions_response(items):
    for item in items:
        if "answer" in item:
            yield item
        yield from _questions_response(item.get("item", []))


def test_invalid_answers_are_refused_before_export():
    with pytest.raises(AnswerError):
        export_response(SHIPPED["phq9"], {"phq9_1": "sometimes_maybe"})


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_an_exported_questionnaire_imports_into_an_instrument_that_asks_and_scores_the_same(name):
    instrument = SHIPPED[name]
    imported = parse_instrument(import_questionnaire(export_questionnaire(instrument)), "x.yaml")
    assert imported.languages == instrument.languages
    assert [item.id for item in imported.items] == [item.id for item in instrument.items]
    for original, copy in zip(instrument.items, imported.items, strict=True):
        assert copy.text == original.text
        assert [(o.code, o.label) for o in copy.options] == [
            (o.code, o.label) for o in original.options
        ]
        assert [o.value for o in copy.options] == [
            original.score_of(o.value) for o in original.options
        ]
    rng = random.Random(name)
    for _ in range(200):
        answers = {
            item.id: rng.choice([o.code for o in item.options] + [None])
            for item in instrument.items
            if item.options
        }
        asked = [item.id for item in instrument.visible_items(answers)]
        assert [item.id for item in imported.visible_items(answers)] == asked


def test_import_takes_a_foreign_questionnaire_with_item_weights(tmp_path, capsys):
    foreign = {
        "resourceType": "Questionnaire",
        "status": "active",
        "name": "SleepCheck",
        "language": "en",
        "item": [
            {
                "linkId": "sleep.1",
                "text": "Trouble sleeping",
                "type": "choice",
                "answerOption": [
                    {
                        "valueCoding": {"code": "N", "display": "No"},
                        "extension": [{"url": ITEM_WEIGHT, "valueDecimal": 0}],
                    },
                    {
                        "valueCoding": {"code": "Y", "display": "Yes"},
                        "extension": [{"url": ITEM_WEIGHT, "valueDecimal": 2.5}],
                    },
                ],
            },
            {"linkId": "hours", "text": "Hours of sleep", "type": "integer"},
        ],
    }
    path = tmp_path / "q.json"
    path.write_text(json.dumps(foreign), "utf-8")
    assert main(["fhir", "import", str(path)]) == 0
    instrument = parse_instrument(capsys.readouterr().out, "sleep.yaml")
    assert instrument.id == "sleep_check"
    assert [o.value for o in instrument.item("sleep_1").options] == [0, 2.5]
    assert score(instrument, {"sleep_1": "y", "hours": 7}).scale("total").score == 2.5


def test_cli_exports_a_questionnaire_and_a_response(tmp_path, capsys):
    assert main(["fhir", "export", str(INSTRUMENTS / "gad7.yaml"), "--lang", "pl"]) == 0
    Questionnaire.model_validate_json(capsys.readouterr().out)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"gad7_1": "several_days"}), "utf-8")
    assert main(["fhir", "export", str(INSTRUMENTS / "gad7.yaml"), "--answers", str(answers)]) == 0
    response = QuestionnaireResponse.model_validate_json(capsys.readouterr().out)
    assert response.questionnaire == "urn:casework:instrument:gad7|1.0.0"


def test_import_turns_a_boolean_question_into_a_scored_yes_no_item():
    questionnaire = {
        "resourceType": "Questionnaire",
        "name": "Safety",
        "language": "en",
        "item": [
            {"linkId": "threat", "text": "Threatened?", "type": "boolean"},
            {"linkId": "weapon", "text": "Weapon at home?", "type": "boolean"},
        ],
    }
    instrument = parse_instrument(import_questionnaire(questionnaire), "safety.yaml")
    assert [o.code for o in instrument.item("threat").options] == ["no", "yes"]
    result = score(instrument, {"threat": "yes", "weapon": "yes"})
    assert result.scale("total").score == 2
