"""The newer rules: default level, required facts, count and criteria conditions, `on: score`,
built-in yes/no options, item weights, norm tables, imputation, max_unanswered, change over time,
couple results, and the "quote this text" YAML error."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import (
    AnswerError,
    AssessmentError,
    CombinedResult,
    InstrumentError,
    ResultFormatError,
    combine,
    load_instrument,
    load_routing,
    measure_change,
    parse_instrument,
    route_explained,
    run_vectors,
    score,
)
from assessments.conditions import CountTest, ItemTest

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "instruments.md").read_text("utf-8")
NEWER_TEXT = re.search(r"## Newer rules: an example.*?```yaml\n(.*?)```", DOCS, re.S).group(1)  # type: ignore[union-attr]
NEWER = parse_instrument(NEWER_TEXT, "docs/instruments.md")
ADULT_MAN = {"sex": "male", "age": 30}
NOTHING = {
    "low_mood": "never",
    "no_interest": "never",
    "enjoy": "always",
    "worry": "never",
    "tension": "never",
    "shouting": "no",
    "pushing": "no",
    "threats": "no",
}


def test_the_newer_rules_example_validates_and_its_vectors_pass():
    assert len(NEWER.vectors) >= 10
    assert run_vectors(NEWER) == []


def test_a_rules_only_instrument_takes_its_default_level():
    result = score(NEWER, NOTHING, ADULT_MAN)
    assert (result.level, result.band_level) == ("low", None)
    assert result.level_label == {"pl": "Niskie", "en": "Low", "uk": "Низький"}


def test_a_missing_required_fact_makes_the_scale_undetermined_with_a_translated_reason():
    mood = score(NEWER, NOTHING, {"sex": "female"}).scale("mood")
    assert (mood.status, mood.score, mood.band, mood.raw) == ("undetermined", None, None, 0)
    assert mood.reason == {
        "pl": "nie można ustalić: brak danych (wiek)",
        "en": "undetermined: age not recorded",
        "uk": "неможливо визначити: не зазначено (вік)",
    }
    assert mood.to_dict()["reason"]["en"] == "undetermined: age not recorded"
    trace = {entry.target: entry for entry in score(NEWER, NOTHING, {}).trace}
    assert trace["mood"].reason["en"] == "undetermined: sex, age not recorded"


def test_results_without_a_reason_serialise_as_before():
    stored = score(NEWER, NOTHING, ADULT_MAN).to_dict()
    assert all("reason" not in scale for scale in stored["scales"])


def test_norm_tables_are_chosen_by_sex_and_age():
    answers = {**NOTHING, "low_mood": "often", "no_interest": "often"}  # raw 4
    standard = {
        (sex, age): score(NEWER, answers, {"sex": sex, "age": age}).scale("mood").score
        for sex, age in [("female", 16), ("female", 40), ("male", 16)]
    }
    assert standard == {("female", 16): 50, ("female", 40): 50, ("male", 16): 40}


def test_imputed_items_count_the_declared_value():
    mood = score(NEWER, {**NOTHING, "enjoy": None}, ADULT_MAN).scale("mood")
    assert (mood.raw, mood.status, mood.missing) == (0, "imputed", ("enjoy",))


def test_refusing_to_score_beyond_the_unanswered_count():
    with pytest.raises(AnswerError) as caught:
        score(NEWER, {"low_mood": "never"}, ADULT_MAN)
    (problem,) = caught.value.problems
    assert (problem.item, problem.field) == (None, "answers")
    assert "7 items are unanswered" in problem.message


def test_yes_no_items_get_the_built_in_options_and_weights_multiply_their_score():
    pushing = NEWER.item("pushing")
    assert [(o.code, o.value) for o in pushing.options] == [("no", 0), ("yes", 1)]
    assert pushing.options[1].label["uk"] == "Так"
    conflict = score(NEWER, {**NOTHING, "pushing": "yes", "shouting": "yes"}, ADULT_MAN)
    assert conflict.scale("home_conflict").score == 4


def test_the_built_in_yes_no_options_need_their_languages(doc, broken):
    doc["items"][4].pop("options", None)
    doc["option_sets"].pop("yes_no")
    doc["languages"] = ["en", "pl", "de"]
    assert any("built-in yes/no options have no 'de' labels" in p.message for p in broken(doc))


def test_count_conditions_read_the_score_or_the_raw_value_as_asked():
    criteria = NEWER.rules[0].when.parts[0]  # type: ignore[attr-defined]
    assert isinstance(criteria, CountTest) and criteria.test == ItemTest("", "at_least", 2, "score")
    assert criteria.to_dict() == {
        "count": {"items": ["low_mood", "no_interest", "enjoy"], "at_least": 2, "on": "score"},
        "at_least": 2,
    }
    # "never" enjoying things scores 3 but is the lowest declared value (0).
    raised = score(
        NEWER, {**NOTHING, "low_mood": "often", "enjoy": "never", "worry": "often"}, ADULT_MAN
    )
    assert raised.level == "raised"
    assert (
        "answers among [low_mood, no_interest, enjoy] that score >= 2" in raised.rules[0].evidence
    )


def test_status_conditions_can_test_partial(doc, make):
    doc["scales"][0]["missing"] = {"max_missing": 1, "action": "score_answered"}
    doc["flags"] = [{"code": "f", "label": {"en": "f", "pl": "f"}}]
    doc["rules"] = [
        {
            "id": "r",
            "when": {"scale": "main", "status_in": ["partial"]},
            "flags": ["f"],
            "reason": {"en": "r", "pl": "r"},
        }
    ]
    instrument = make(doc)
    assert score(instrument, {"q1": "never", "q2": "never", "q3": "never"}).flag_codes == ("f",)
    assert (
        score(instrument, {"q1": "never", "q2": "never", "q3": "never", "q4": "never"}).flags == ()
    )


def test_an_unquoted_comma_in_a_one_line_text_says_quote_this_text(dump_yaml, doc, broken):
    text = dump_yaml(doc).replace(
        "- id: q1\n  kind: single_choice\n  options: freq\n  text:\n    en: Q1\n    pl: Q1 (pl)\n",
        "- id: q1\n  kind: single_choice\n  options: freq\n"
        "  text: {en: Yes, that is true, pl: Tak}\n",
    )
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "that is true" in row)
    (problem,) = [p for p in broken(text) if "unquoted comma" in p.message]
    assert problem.line == line
    assert problem.message == (
        "'that is true' looks like the rest of a text cut at an unquoted comma; "
        'quote this text: en: "Yes, that is true"'
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"default_level": "low", "level_scale": "main"}, "give level_scale or default_level"),
        ({"scales[0].change": {"reliability": 0.8}}, "give standard_error, or reliability with sd"),
        ({"scales[0].requires": ["age"]}, "undeclared fact 'age'"),
        (
            {"scales[0].norms": [{"rows": [{"min": 0, "max": 8, "score": 1}]}]},
            "norms cover 0..8 but the scale can score 0..12",
        ),
        ({"scales[0].missing": {"max_missing": 1, "action": "impute"}}, "'value' is required"),
    ],
)
def test_newer_declarations_are_validated(doc, broken, change, message):
    for path, value in change.items():
        if path.startswith("scales[0]."):
            doc["scales"][0][path.split(".", 1)[1]] = value
        else:
            doc[path] = value
    assert any(message in problem.message for problem in broken(doc)), broken(doc)


def _scored(fill: str, **answers: str):
    base = {**NOTHING} if fill == "lowest" else {
        "low_mood": "always", "no_interest": "always", "enjoy": "never", "worry": "always",
        "tension": "always", "shouting": "yes", "pushing": "yes", "threats": "yes",
    }  # fmt: skip
    return score(NEWER, {**base, **answers}, ADULT_MAN)


def test_change_between_two_results_is_reliable_and_crosses_the_cut_off():
    change = measure_change(NEWER, _scored("highest"), _scored("lowest"))
    mood = change.scale("mood")
    assert (mood.before, mood.after, mood.difference) == (65, 40, -25)
    assert mood.rci == Decimal("-9.13")
    assert mood.status == "reliably_improved"
    assert (mood.clinical_before, mood.clinical_after, mood.crossed_cutoff) == (True, False, True)
    assert mood.explanation["en"] == (
        "reliably improved (Mood: 65 → 40, RCI -9.13); moved out of the clinical range (cut-off 60)"
    )
    assert mood.explanation["pl"].startswith("istotna poprawa (Nastrój: 65 → 40")
    worse = measure_change(NEWER, _scored("lowest"), _scored("highest")).scale("home_conflict")
    assert (worse.status, worse.crossed_cutoff) == ("reliably_deteriorated", None)
    assert change.to_dict()["scales"][0]["rci"] == "-9.13"


def test_small_changes_are_not_reliable_and_direction_follows_higher_is(doc, make):
    doc["scales"][0]["change"] = {"standard_error": 2, "cutoff": 6}
    doc["scales"][0]["higher_is"] = "better"
    instrument = make(doc)
    before = score(instrument, {"q1": "never", "q2": "never", "q3": "never", "q4": "never"})
    after = score(instrument, {"q1": "always", "q2": "always", "q3": "always", "q4": "always"})
    main = measure_change(instrument, before, after).scale("main")
    assert (main.difference, main.status) == (12, "reliably_improved")  # higher is better
    small = score(instrument, {"q1": "sometimes", "q2": "never", "q3": "never", "q4": "never"})
    assert measure_change(instrument, before, small).scale("main").status == "no_reliable_change"
    missing = score(instrument, {"q1": "never"})
    assert measure_change(instrument, before, missing).scale("main").status == "not_comparable"


def test_change_refuses_results_of_another_instrument_or_version():
    phq9 = load_instrument(ROOT / "instruments" / "phq9.yaml")
    with pytest.raises(AssessmentError):
        measure_change(NEWER, _scored("lowest"), score(phq9, {}))


def test_a_couple_result_combines_levels_and_declared_flags_and_leaks_nothing_else():
    partner_a = _scored("lowest", low_mood="often", no_interest="often", worry="often")
    partner_b = _scored("lowest", pushing="yes", threats="yes")
    combined = combine(NEWER, [partner_a, partner_b])
    assert combined.level == "high" and combined.partners == 2
    assert combined.flag_codes == ("anxious_mood", "partners_disagree")
    assert [(d.scale, d.difference, d.flag) for d in combined.discrepancies] == [
        ("home_conflict", 6, "partners_disagree")
    ]
    stored = combined.to_dict()
    assert CombinedResult.from_dict(stored) == combined
    text = repr(stored)
    for private in ("pushing", "threats", "low_mood", "evidence", "'rules'", "positive_tags"):
        assert private not in text
    assert set(stored) == {
        "instrument_id", "instrument_version", "partners", "level", "level_label", "flags",
        "discrepancies",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("key", "value"),
    [("flags", None), ("flags", ["partners_disagree"]), ("level_label", ["x"]),
     ("partners", "two"), ("discrepancies", [{"scale": "home_conflict", "difference": "abc"}])],
)  # fmt: skip
def test_a_malformed_stored_couple_result_is_refused(key, value):
    combined = combine(NEWER, [_scored("lowest"), _scored("lowest", pushing="yes")])
    stored = combined.to_dict() | {key: value}
    with pytest.raises(ResultFormatError, match="malformed combined result"):
        CombinedResult.from_dict(stored)


def test_combining_needs_a_declaration_and_the_same_instrument():
    phq9 = load_instrument(ROOT / "instruments" / "phq9.yaml")
    with pytest.raises(AssessmentError, match="declares no couple combination"):
        combine(phq9, [score(phq9, {}), score(phq9, {})])
    with pytest.raises(AssessmentError, match="at least two results"):
        combine(NEWER, [_scored("lowest")])


def test_routing_reads_the_combined_result_with_of_couple(tmp_path):
    rules = copy.deepcopy(
        {
            "format": 1,
            "kind": "routing_rules",
            "id": "r",
            "version": "1.0.0",
            "languages": ["pl", "en", "uk"],
            "catalogue": "services.yaml",
            "rules": [
                {
                    "id": "joint",
                    "kind": "recommend",
                    "when": {
                        "instrument": "newer_rules_example",
                        "of": "couple",
                        "flag": "partners_disagree",
                    },
                    "services": ["couples_therapy"],
                    "reason": {"pl": "r", "en": "r", "uk": "r"},
                }
            ],
        }
    )
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules), "utf-8")
    (tmp_path / "services.yaml").write_text(
        (ROOT / "instruments" / "routing" / "services.yaml").read_text("utf-8"), "utf-8"
    )
    loaded = load_routing(tmp_path / "rules.yaml", [NEWER])
    results = [_scored("lowest"), _scored("lowest", pushing="yes", threats="yes")]
    combined = combine(NEWER, results)
    decision = route_explained(results, {}, loaded, combined=[combined])
    assert [r.service for r in decision.recommendations] == ["couples_therapy"]
    assert (
        "a combined newer_rules_example result has flag partners_disagree"
        in decision.recommendations[0].evidence
    )
    assert route_explained(results, {}, loaded).recommendations == ()
    rules["rules"][0]["when"] = {"of": "couple", "flag": "anxious_mood_typo"}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules), "utf-8")
    with pytest.raises(AssessmentError, match="no instrument declares combinable flag"):
        load_routing(tmp_path / "rules.yaml", [NEWER])


def _paths(node, prefix=()):
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


NEWER_DOCUMENT = yaml.safe_load(NEWER_TEXT)
NEWER_PATHS = _paths(NEWER_DOCUMENT)[1:]
JUNK = st.sampled_from(
    [None, True, 0, -1, 2.5, "x", "yes", [], {}, [1, "a"], {"a": 1}, {"item": "low_mood"},
     {"fact": "sex"}, {"min": 0}, {"items": ["x"]}, {"tag": 1}]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(NEWER_PATHS), JUNK), min_size=1, max_size=3))
def test_corrupting_the_newer_rules_gives_instrument_errors_never_a_traceback(changes):
    document = copy.deepcopy(NEWER_DOCUMENT)
    for path, junk in changes:
        target = document
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = junk
        except (KeyError, IndexError, TypeError):
            continue
    try:
        run_vectors(parse_instrument(yaml.safe_dump(document, allow_unicode=True), "fuzz.yaml"))
    except InstrumentError as error:
        assert all(problem.message for problem in error.problems)
