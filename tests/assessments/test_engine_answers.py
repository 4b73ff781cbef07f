"""Invalid answers and facts raise one AnswerError that lists every problem, by field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import AnswerError, score


def problems(instrument, answers, facts=None):
    with pytest.raises(AnswerError) as caught:
        score(instrument, answers, facts)
    return {problem.item: problem.message for problem in caught.value.problems}


def test_unknown_item_is_named(toy):
    assert problems(toy, {"q99": "never"}) == {"q99": "unknown item 'q99'"}


def test_unknown_option_code_lists_the_valid_codes(toy):
    message = problems(toy, {"q1": "rarely"})["q1"]
    assert (
        message == "unknown option code 'rarely'; expected one of: never, sometimes, often, always"
    )


def test_option_value_instead_of_code_is_rejected(toy):
    assert "unknown option code 2" in problems(toy, {"q1": 2})["q1"]


def test_number_out_of_range_is_rejected(toy):
    assert problems(toy, {"n1": 11}) == {"n1": "11 is out of range 0..10"}


def test_number_must_be_whole_when_declared_integer(toy):
    assert "expected a whole number" in problems(toy, {"n1": 2.5})["n1"]


@pytest.mark.parametrize("value", [True, "7", [7], float("nan")])
def test_number_rejects_booleans_strings_and_nan(toy, value):
    assert "expected a number" in problems(toy, {"n1": value})["n1"]


def test_number_accepts_float_and_decimal_that_are_whole(toy, answers):
    assert (
        score(toy, {**answers(), "n1": 7.0}).scales
        == score(toy, {**answers(), "n1": Decimal(7)}).scales
    )


def test_free_text_must_be_a_string(toy):
    assert problems(toy, {"t1": 12}) == {"t1": "expected free text (a string)"}


def test_every_problem_is_reported_together(toy):
    found = problems(toy, {"q1": "x", "q99": "never", "n1": -1, "t1": 5}, {"sex": "woman"})
    assert set(found) == {"q1", "q99", "n1", "t1", "facts.sex"}


def test_declared_fact_with_an_impossible_value_is_rejected(toy, answers):
    assert problems(toy, answers(), {"sex": "woman"}) == {
        "facts.sex": "'woman' is not a valid value (expected female, male)"
    }


def test_undeclared_facts_are_ignored(toy, answers):
    assert score(toy, answers(), {"favourite_colour": "blue"}).level == "low"


def test_none_means_unanswered(toy):
    assert score(toy, {"q1": None, "q2": "never"}).scale("main").missing == ("q1", "q3", "q4")


@pytest.mark.parametrize("bad", [["q1"], "q1=never", None])
def test_answers_must_be_a_mapping(toy, bad):
    with pytest.raises(AnswerError):
        score(toy, bad)


def test_answer_problems_have_field_level_shape_for_an_api(toy):
    with pytest.raises(AnswerError) as caught:
        score(toy, {"q1": "x"})
    assert caught.value.problems[0].to_dict() == {
        "file": None,
        "item": "q1",
        "field": "answer",
        "line": None,
        "message": "unknown option code 'x'; expected one of: never, sometimes, often, always",
    }
