"""Property-based tests: bounds, determinism, reverse scoring, prorating, override precedence."""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import (
    Instrument,
    ItemKind,
    load_instrument,
    load_routing,
    parse_instrument,
    route,
    score,
)
from assessments.bounds import bounds as scale_bounds

INSTRUMENTS = Path(__file__).resolve().parents[2] / "instruments"
NORR = load_instrument(INSTRUMENTS / "norr.yaml")
PHQ9 = load_instrument(INSTRUMENTS / "phq9.yaml")
GAD7 = load_instrument(INSTRUMENTS / "gad7.yaml")
RULES = load_routing(INSTRUMENTS / "routing")
TOY = yaml.safe_load((Path(__file__).parent / "data" / "toy.yaml").read_text("utf-8"))
SETTINGS = settings(max_examples=200, deadline=None)


def responses(instrument: Instrument, *, allow_missing: bool = False) -> st.SearchStrategy[dict]:
    fields = {}
    for item in instrument.items:
        if item.kind == ItemKind.TEXT:
            answer = st.none() | st.text(max_size=10)
        elif item.options:
            answer = st.sampled_from([option.code for option in item.options])
        else:
            answer = st.integers(int(item.minimum or 0), int(item.maximum or 10))
        fields[item.id] = answer | st.none() if allow_missing else answer
    return st.fixed_dictionaries(fields)


FACTS = st.fixed_dictionaries(
    {
        "case_kind": st.sampled_from(["individual", "couple", "family"]),
        "children_in_household": st.booleans(),
        "sex": st.sampled_from(["female", "male"]),
    }
)


def within_bounds(instrument: Instrument, result) -> None:
    bounds = scale_bounds(instrument)
    for scale in result.scales:
        if scale.score is None:
            assert scale.status in ("missing", "not_applicable")
            continue
        assert bounds[scale.id].low <= scale.score <= bounds[scale.id].high, scale
        assert scale.band is not None, f"{scale.id} score {scale.score} has no band"


@SETTINGS
@given(responses(NORR, allow_missing=True))
def test_norr_scores_stay_within_bounds_and_always_have_a_band(answers):
    within_bounds(NORR, score(NORR, answers))


@SETTINGS
@given(
    st.sampled_from([PHQ9, GAD7]).flatmap(
        lambda i: st.tuples(st.just(i), responses(i, allow_missing=True))
    )
)
def test_phq9_and_gad7_scores_stay_within_published_ranges(case):
    instrument, answers = case
    result = score(instrument, answers)
    within_bounds(instrument, result)
    total = result.scale("total").score
    assert total is None or 0 <= total <= (27 if instrument.id == "phq9" else 21)


@SETTINGS
@given(responses(NORR, allow_missing=True))
def test_scoring_is_deterministic_whatever_the_order_of_answers(answers):
    first = score(NORR, answers)
    again = score(NORR, dict(reversed(list(answers.items()))))
    assert first == again
    assert first.to_json() == again.to_json()


@SETTINGS
@given(responses(NORR))
def test_override_precedence_on_norr(answers):
    result = score(NORR, answers)
    rank = {level.code: level.rank for level in NORR.levels}
    positive = result.positive_tags
    if positive.get("violence_grave"):
        assert result.level == "very_high"
        assert "safety_plan_niebieska_karta" in result.action_codes
    if positive.get("violence"):
        assert rank[result.level] >= rank["high"]
        assert "violence_disclosed" in result.flag_codes
    else:
        assert "violence_disclosed" not in result.flag_codes
    if result.band_level is not None:
        assert rank[result.level] >= rank[result.band_level]


@SETTINGS
@given(responses(PHQ9, allow_missing=True))
def test_phq9_item9_raises_the_flag_whatever_the_total(answers):
    result = score(PHQ9, answers)
    positive = answers["phq9_9"] not in (None, "not_at_all")
    assert ("self_harm_risk" in result.flag_codes) == positive


@SETTINGS
@given(responses(NORR), FACTS)
def test_couples_therapy_is_never_recommended_while_a_violence_item_is_positive(answers, facts):
    result = score(NORR, answers, facts)
    services = {recommendation.service for recommendation in route([result], facts, RULES)}
    if result.positive_tags.get("violence"):
        assert "couples_therapy" not in services
        assert {"individual_counselling", "safety_planning"} <= services
    if not facts["children_in_household"]:
        assert not services & {
            "parenting_workshops",
            "support_group_mothers",
            "support_group_fathers",
        }


CODES = ["never", "sometimes", "often", "always"]


def _toy(**scale_changes) -> Instrument:
    document = copy.deepcopy(TOY)
    document["scales"][0].update(scale_changes)
    return parse_instrument(yaml.safe_dump(document, sort_keys=False), "toy.yaml")


TOY_PLAIN = _toy()
TOY_REVERSED = copy.deepcopy(TOY)
TOY_REVERSED["items"][1]["reverse"] = True
TOY_REVERSED = parse_instrument(yaml.safe_dump(TOY_REVERSED, sort_keys=False), "toy.yaml")
TOY_PRORATED = _toy(missing={"max_missing": 1, "action": "prorate"})


@SETTINGS
@given(st.lists(st.sampled_from(CODES), min_size=4, max_size=4))
def test_reverse_scoring_mirrors_the_option(codes):
    answers = dict(zip(["q1", "q2", "q3", "q4"], codes, strict=True))
    mirrored = {**answers, "q2": CODES[3 - CODES.index(codes[1])]}
    assert (
        score(TOY_REVERSED, answers).scale("main").score
        == score(TOY_PLAIN, mirrored).scale("main").score
    )


@SETTINGS
@given(st.lists(st.sampled_from(CODES), min_size=4, max_size=4), st.integers(0, 3))
def test_prorating_equals_the_mean_of_answered_items_times_the_item_count(codes, missing_index):
    answers = dict(zip(["q1", "q2", "q3", "q4"], codes, strict=True))
    answers[f"q{missing_index + 1}"] = None
    raw = sum(CODES.index(code) for key, code in answers.items() if code is not None)
    expected = int((Decimal(raw) * 4 / 3).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    scale = score(TOY_PRORATED, answers).scale("main")
    assert (scale.raw, scale.score, scale.status) == (raw, expected, "prorated")
