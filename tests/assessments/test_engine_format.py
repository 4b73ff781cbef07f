"""One test (or a few) per feature of the instrument file format."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import AnswerError, ItemKind, score


def scale(scale_id, components, *, source="items", bands=None, **extra):
    entry = {"id": scale_id, "title": {"en": scale_id, "pl": scale_id}, source: components}
    if bands is not None:
        entry["bands"] = bands
    entry.update(extra)
    return entry


def band(code, low, high, **extra):
    return {"code": code, "min": low, "max": high, "label": {"en": code, "pl": code}, **extra}


# --- identity, languages, texts ---


def test_instrument_declares_id_version_title_licence_citation(toy):
    assert (toy.id, toy.version) == ("toy", "1.0.0")
    assert toy.title == {"en": "Toy", "pl": "Toy (pl)"}
    assert toy.licence == "test only" and toy.citation == "none"
    assert toy.source_sha256 and len(toy.source_sha256) == 64


def test_text_falls_back_to_the_first_language(toy):
    assert toy.text(toy.item("q1").text, "pl") == "Q1 (pl)"
    assert toy.text(toy.item("q1").text, "uk") == "Q1"


# --- item kinds ---


def test_item_kinds_are_all_supported(toy):
    kinds = {item.id: item.kind for item in toy.items}
    assert kinds["q1"] == ItemKind.SINGLE_CHOICE
    assert kinds["y1"] == ItemKind.YES_NO
    assert kinds["n1"] == ItemKind.NUMBER
    assert kinds["t1"] == ItemKind.TEXT


def test_free_text_is_accepted_and_never_scored(toy, answers):
    with_notes = score(toy, {**answers("often"), "t1": "anything at all"})
    without = score(toy, answers("often"))
    assert with_notes.scales == without.scales


def test_options_may_share_a_value_and_need_not_start_at_zero(doc, make):
    doc["option_sets"]["odd"] = [
        {"code": "none", "value": 2, "label": {"en": "n", "pl": "n"}},
        {"code": "little", "value": 2, "label": {"en": "l", "pl": "l"}},
        {"code": "lots", "value": 7, "label": {"en": "x", "pl": "x"}},
    ]
    doc["items"].append(
        {"id": "o1", "kind": "single_choice", "options": "odd", "text": {"en": "o", "pl": "o"}}
    )
    doc["scales"].append(scale("odd", ["o1"], bands=[band("a", 2, 4), band("b", 5, 7)]))
    instrument = make(doc)
    assert score(instrument, {"o1": "little"}).scale("odd").score == 2
    assert score(instrument, {"o1": "lots"}).scale("odd").band == "b"
    assert not instrument.item("o1").option("none").positive
    assert not instrument.item("o1").option("little").positive
    assert instrument.item("o1").option("lots").positive


def test_number_items_score_their_value_and_can_be_reverse_scored(doc, make):
    doc["items"].append(
        {
            "id": "n2",
            "kind": "number",
            "min": 1,
            "max": 5,
            "reverse": True,
            "text": {"en": "n", "pl": "n"},
        }
    )
    doc["scales"].append(scale("nums", ["n1", "n2"], bands=[band("all", 1, 15)]))
    instrument = make(doc)
    result = score(instrument, {"n1": 7, "n2": 2})
    assert result.scale("nums").score == 7 + (1 + 5 - 2)


def test_decimal_option_values_give_exact_decimal_scores(doc, make):
    doc["option_sets"]["halves"] = [
        {"code": "a", "value": 0.5, "label": {"en": "a", "pl": "a"}},
        {"code": "b", "value": 1.5, "label": {"en": "b", "pl": "b"}},
    ]
    doc["items"].append(
        {"id": "h1", "kind": "single_choice", "options": "halves", "text": {"en": "h", "pl": "h"}}
    )
    doc["items"].append(
        {"id": "h2", "kind": "single_choice", "options": "halves", "text": {"en": "h", "pl": "h"}}
    )
    doc["scales"].append(scale("halves", ["h1", "h2"], decimals=1, bands=[band("all", 1, 3)]))
    result = score(make(doc), {"h1": "a", "h2": "b"})
    assert result.scale("halves").score == Decimal("2.0")
    assert isinstance(result.scale("halves").score, Decimal)


# --- reverse scoring ---


def test_reverse_scored_item_maps_lowest_to_highest(doc, make, answers):
    doc["items"][1]["reverse"] = True
    instrument = make(doc)
    result = score(instrument, {**answers("never"), "q2": "never"})
    assert result.scale("main").score == 3
    assert result.scale("main").contributions[1] == ("q2", 3)


# --- scales ---


def test_scales_may_share_items(doc, make, answers):
    doc["scales"].append(scale("part", ["q1", "q2"], bands=[band("all", 0, 6)]))
    result = score(make(doc), answers("often"))
    assert result.scale("main").score == 8
    assert result.scale("part").score == 4


def test_mean_is_rounded_to_declared_decimals(doc, make):
    doc["scales"].append(
        scale("avg", ["q1", "q2", "q3"], method="mean", decimals=2, bands=[band("all", 0, 3)])
    )
    result = score(make(doc), {"q1": "always", "q2": "never", "q3": "never", "q4": "never"})
    assert result.scale("avg").score == Decimal("1.00")
    result = score(make(doc), {"q1": "always", "q2": "sometimes", "q3": "never", "q4": "never"})
    assert result.scale("avg").score == Decimal("1.33")


def test_weighted_sum_multiplies_each_item_by_its_weight(doc, make, answers):
    doc["scales"].append(
        scale(
            "weighted",
            ["q1", "q2"],
            method="weighted_sum",
            weights={"q1": 3},
            bands=[band("all", 0, 12)],
        )
    )
    result = score(make(doc), {**answers(), "q1": "often", "q2": "sometimes"})
    assert result.scale("weighted").score == 3 * 2 + 1


def test_scaled_sum_multiplies_by_the_factor_and_rounds(doc, make, answers):
    doc["scales"].append(
        scale(
            "scaled",
            ["q1", "q2"],
            method="scaled_sum",
            factor=2.5,
            rounding="half_even",
            bands=[band("all", 0, 15)],
        )
    )
    instrument = make(doc)
    assert score(instrument, {**answers(), "q1": "sometimes"}).scale("scaled").score == 2  # 2.5
    assert (
        score(instrument, {**answers(), "q1": "often", "q2": "sometimes"}).scale("scaled").score
        == 8
    )


def test_a_total_can_be_built_from_some_of_the_other_scales(doc, make, answers):
    doc["scales"] = [scale(f"s{n}", [f"q{n}"], bands=[band("all", 0, 3)]) for n in range(1, 5)] + [
        scale("y", ["y1"], bands=[band("all", 0, 1)]),
        scale(
            "total",
            ["s1", "s2", "s3", "s4"],
            source="scales",
            bands=[band("low", 0, 4), band("mid", 5, 8), band("high", 9, 12)],
        ),
    ]
    doc["level_scale"] = "total"
    result = score(make(doc), {**answers("often"), "y1": "yes"})
    assert result.scale("total").score == 8
    assert result.level == "mid"
    assert [s.id for s in result.scales] == ["s1", "s2", "s3", "s4", "y", "total"]


# --- missing data ---


def test_missing_items_beyond_the_allowance_mark_the_scale_missing(toy):
    result = score(toy, {"q1": "often", "q2": "often", "q3": "often"})
    assert result.scale("main").status == "missing"
    assert result.scale("main").missing == ("q4",)
    assert result.level is None


def test_prorating_scales_up_and_uses_the_declared_rounding(doc, make):
    doc["scales"][0]["missing"] = {"max_missing": 1, "action": "prorate"}
    doc["scales"][0]["rounding"] = "half_even"
    instrument = make(doc)
    # 3 answered, raw 2 -> 2 * 4 / 3 = 2.67 -> 3
    result = score(instrument, {"q1": "often", "q2": "never", "q3": "never"})
    assert (result.scale("main").raw, result.scale("main").score) == (2, 3)
    assert result.scale("main").status == "prorated"
    # raw 6 -> 6 * 4 / 3 = 8 exactly
    assert score(instrument, {"q1": "often", "q2": "often", "q3": "often"}).scale("main").score == 8


def test_prorating_with_decimals_keeps_them(doc, make):
    doc["scales"][0]["missing"] = {"max_missing": 1}
    doc["scales"][0]["decimals"] = 2
    doc["scales"][0]["bands"] = [band("low", 0, 4.99), band("mid", 5, 8.99), band("high", 9, 12)]
    result = score(make(doc), {"q1": "often", "q2": "never", "q3": "never"})
    assert result.scale("main").score == Decimal("2.67")


def test_score_answered_leaves_missing_items_out_without_scaling(doc, make):
    doc["scales"][0]["missing"] = {"max_missing": 2, "action": "score_answered"}
    result = score(make(doc), {"q1": "always", "q2": "always"})
    assert (result.scale("main").score, result.scale("main").status) == (6, "partial")


def test_a_scale_built_on_a_missing_scale_is_missing(doc, make):
    doc["scales"] = [
        scale("a", ["q1", "q2"], bands=[band("all", 0, 6)]),
        scale("b", ["q3", "q4"], bands=[band("all", 0, 6)]),
        scale("total", ["a", "b"], source="scales", bands=[band("low", 0, 12)]),
    ]
    doc["level_scale"] = "total"
    result = score(make(doc), {"q1": "often", "q2": "often", "q3": "often"})
    assert result.scale("a").status == "complete"
    assert result.scale("total").status == "missing"
    assert result.scale("total").missing == ("b",)


# --- bands ---


def test_bands_are_inclusive_at_both_ends(toy, answers):
    assert score(toy, {**answers(), "q1": "always", "q2": "sometimes"}).scale("main").band == "low"
    assert score(toy, {**answers(), "q1": "always", "q2": "often"}).scale("main").band == "mid"


def test_high_can_be_good(doc, make, answers):
    doc["scales"][0]["higher_is"] = "better"
    doc["scales"][0]["bands"] = [
        band("poor", 0, 4, level="high"),
        band("fair", 5, 8, level="mid"),
        band("good", 9, 12, level="low"),
    ]
    instrument = make(doc)
    assert score(instrument, answers("always")).level == "low"
    assert score(instrument, answers("never")).level == "high"
    assert instrument.scale("main").higher_is == "better"


def test_bands_can_depend_on_a_client_fact(doc, make, answers):
    doc["scales"][0].pop("bands")
    doc["scales"][0]["conditional_bands"] = [
        {
            "when": {"fact": "sex", "equals": "female"},
            "bands": [band("low", 0, 6), band("mid", 7, 9), band("high", 10, 12)],
        },
        {
            "when": {"fact": "age_group", "in": ["adolescent"]},
            "bands": [band("low", 0, 2), band("mid", 3, 5), band("high", 6, 12)],
        },
        {"bands": [band("low", 0, 4), band("mid", 5, 8), band("high", 9, 12)]},
    ]
    instrument = make(doc)
    six = {"q1": "often", "q2": "often", "q3": "often", "q4": "never"}
    assert score(instrument, six, {"sex": "female"}).scale("main").band == "low"
    assert score(instrument, six, {"age_group": "adolescent"}).scale("main").band == "high"
    assert score(instrument, six, {}).scale("main").band == "mid"
    assert score(instrument, six, {"sex": "male"}).level == "mid"


def test_band_labels_default_to_the_level_labels(toy, answers):
    assert score(toy, answers()).scale("main").band_label == {"en": "Low", "pl": "Low (pl)"}


def test_band_guidance_is_exposed_per_band(doc, make):
    doc["scales"][0]["bands"][2]["guidance"] = {"en": "Refer", "pl": "Skieruj"}
    instrument = make(doc)
    assert instrument.scale("main").band_sets[0].bands[2].guidance == {
        "en": "Refer",
        "pl": "Skieruj",
    }


# --- critical items and overrides ---


def rules(doc, *entries):
    doc["flags"] = [{"code": "danger", "label": {"en": "Danger", "pl": "Niebezpieczeństwo"}}]
    doc["actions"] = [{"code": "safety_plan", "label": {"en": "Safety plan", "pl": "Plan"}}]
    doc["rules"] = list(entries)
    return doc


def rule(rule_id, when, **effects):
    return {"id": rule_id, "when": when, "reason": {"en": rule_id, "pl": rule_id}, **effects}


def test_any_positive_among_critical_items_sets_the_level_and_says_why(doc, make, answers):
    rules(
        doc,
        rule(
            "grave",
            {"positive_among": ["y1", "y2"], "at_least": 1},
            set_level="high",
            actions=["safety_plan"],
        ),
    )
    result = score(make(doc), {**answers(), "y2": "yes"})
    assert (result.band_level, result.level) == ("low", "high")
    assert result.action_codes == ("safety_plan",)
    assert result.rules[0].rule == "grave"
    assert "y2" in result.rules[0].evidence
    assert result.mandatory_actions[0].rules == ("grave",)
    assert result.rule("grave").reason == {"en": "grave", "pl": "grave"}


def test_set_level_can_also_lower_and_beats_raise_level(doc, make, answers):
    rules(
        doc,
        rule("raise", {"item": "y1", "equals": "yes"}, raise_level="high"),
        rule("set", {"item": "y2", "equals": "yes"}, set_level="mid"),
    )
    result = score(make(doc), {**answers("always"), "y1": "yes", "y2": "yes"})
    assert (result.band_level, result.level) == ("high", "mid")


def test_more_than_n_positive_answers_raise_the_level(doc, make, answers):
    rules(
        doc,
        rule("several", {"positive_among": {"tag": "danger"}, "more_than": 1}, raise_level="mid"),
    )
    instrument = make(doc)
    assert score(instrument, {**answers(), "y1": "yes"}).level == "low"
    assert score(instrument, {**answers(), "y1": "yes", "y2": "yes"}).level == "mid"


def test_raise_level_never_lowers(doc, make, answers):
    rules(doc, rule("raise", {"item": "y1", "equals": "yes"}, raise_level="mid"))
    assert score(make(doc), {**answers("always"), "y1": "yes"}).level == "high"


def test_an_item_at_or_above_a_value_raises_a_flag_whatever_the_bands(doc, make, answers):
    rules(doc, rule("q4_high", {"item": "q4", "at_least": 2}, flags=["danger"]))
    instrument = make(doc)
    assert score(instrument, {**answers(), "q4": "sometimes"}).flags == ()
    flagged = score(instrument, {**answers(), "q4": "often"})
    assert flagged.flag_codes == ("danger",)
    assert flagged.level == "low"
    assert flagged.flags[0].label["en"] == "Danger"


def test_rules_can_read_scale_bands_and_status(doc, make):
    rules(
        doc,
        rule("incomplete", {"scale": "main", "status_in": ["missing"]}, flags=["danger"]),
        rule("high_main", {"scale": "main", "band": "high"}, actions=["safety_plan"]),
    )
    instrument = make(doc)
    assert score(instrument, {"q1": "never"}).flag_codes == ("danger",)


def test_rules_can_combine_conditions_with_all_any_and_not(doc, make, answers):
    when = {
        "all": [
            {"item": "y1", "equals": "yes"},
            {"any": [{"fact": "sex", "equals": "female"}, {"item": "n1", "greater_than": 5}]},
            {"not": {"item": "q1", "in": ["always"]}},
        ]
    }
    rules(doc, rule("combo", when, flags=["danger"]))
    instrument = make(doc)
    base = {**answers(), "y1": "yes"}
    assert score(instrument, base, {"sex": "female"}).flag_codes == ("danger",)
    assert score(instrument, {**base, "n1": 6}).flag_codes == ("danger",)
    assert score(instrument, {**base, "n1": 5}).flag_codes == ()
    assert score(instrument, {**base, "q1": "always"}, {"sex": "female"}).flag_codes == ()


# --- conditional items ---


def test_conditional_item_is_hidden_and_its_answer_discarded(doc, make, answers):
    doc["items"].append(
        {
            "id": "f1",
            "kind": "single_choice",
            "options": "freq",
            "text": {"en": "f", "pl": "f"},
            "visible_when": {"item": "y1", "equals": "yes"},
            "hidden_value": 0,
        }
    )
    doc["scales"].append(scale("follow", ["y1", "f1"], bands=[band("all", 0, 4)]))
    instrument = make(doc)
    hidden = score(instrument, {**answers(), "y1": "no", "f1": "always"})
    assert hidden.hidden == ("f1",) and hidden.discarded == ("f1",)
    assert hidden.scale("follow").score == 0
    shown = score(instrument, {**answers(), "y1": "yes", "f1": "always"})
    assert shown.scale("follow").score == 4


def test_hidden_item_without_hidden_value_is_not_applicable(doc, make, answers):
    doc["items"].append(
        {
            "id": "f1",
            "kind": "single_choice",
            "options": "freq",
            "text": {"en": "f", "pl": "f"},
            "visible_when": {"item": "y1", "equals": "yes"},
        }
    )
    doc["scales"].append(scale("follow", ["f1"], bands=[band("all", 0, 3)]))
    result = score(make(doc), {**answers(), "y1": "no"})
    assert result.scale("follow").status == "not_applicable"
    assert result.scale("follow").not_applicable == ("f1",)


def test_hidden_answers_can_be_rejected(doc, make, answers):
    doc["items"].append(
        {
            "id": "f1",
            "kind": "single_choice",
            "options": "freq",
            "text": {"en": "f", "pl": "f"},
            "visible_when": {"item": "y1", "equals": "yes"},
            "hidden_answers": "reject",
        }
    )
    with pytest.raises(AnswerError) as caught:
        score(make(doc), {**answers(), "y1": "no", "f1": "often"})
    assert caught.value.problems[0].item == "f1"


def test_visible_items_lets_a_form_reveal_follow_up_questions(doc, make):
    doc["items"].append(
        {
            "id": "f1",
            "kind": "yes_no",
            "text": {"en": "f", "pl": "f"},
            "visible_when": {"item": "y1", "equals": "yes"},
        }
    )
    doc["items"].append(
        {
            "id": "f2",
            "kind": "yes_no",
            "text": {"en": "f", "pl": "f"},
            "visible_when": {
                "all": [{"item": "f1", "positive": True}, {"fact": "sex", "equals": "female"}]
            },
        }
    )
    instrument = make(doc)
    ids = [item.id for item in instrument.visible_items({})]
    assert "f1" not in ids and "f2" not in ids
    ids = [
        item.id for item in instrument.visible_items({"y1": "yes", "f1": "yes"}, {"sex": "female"})
    ]
    assert ids[-2:] == ["f1", "f2"]
    assert instrument.item("f1").visible_when.to_dict() == {"item": "y1", "equals": "yes"}


# --- guidance and structure for the UI ---


def test_items_carry_guidance_supporting_questions_sections_and_tags(doc, make):
    doc["sections"] = [{"id": "main", "title": {"en": "Main", "pl": "Główna"}}]
    doc["items"][0].update(
        section="main",
        guidance={"en": "g", "pl": "g"},
        supporting_questions=[{"en": "s1", "pl": "s1"}, {"en": "s2", "pl": "s2"}],
    )
    instrument = make(doc)
    item = instrument.item("q1")
    assert item.guidance == {"en": "g", "pl": "g"}
    assert [question["en"] for question in item.supporting_questions] == ["s1", "s2"]
    assert instrument.items_in("main") == (item,)
    assert instrument.item("y1").tags == ("danger",)


def test_result_lists_positive_answers_per_tag(toy, answers):
    result = score(toy, {**answers(), "y2": "yes"})
    assert result.positive_tags == {"danger": ("y2",)}


# --- test vectors ---


def test_vectors_report_each_difference(doc, make):
    doc["vectors"] = [
        {
            "name": "wrong",
            "fill": "lowest",
            "expect": {"level": "high", "scales": {"main": {"score": 5}}},
        }
    ]
    from assessments import run_vectors

    problems = run_vectors(make(doc))
    assert [p.field for p in problems] == ["expect.level", "expect.scales.main.score"]
    assert all(p.item == "vector wrong" for p in problems)
