"""Every file shipped in instruments/ validates, and every embedded test vector passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessments import (
    ItemKind,
    load_instrument,
    load_instruments,
    load_routing,
    run_vectors,
    score,
)
from assessments.vectors import check_vector, vector_answers

INSTRUMENTS = Path(__file__).resolve().parents[2] / "instruments"
FILES = sorted(INSTRUMENTS.glob("*.yaml"))
LOADED = {path.stem: load_instrument(path) for path in FILES}
VECTORS = [
    pytest.param(name, index, id=f"{name}: {vector.name}")
    for name, instrument in LOADED.items()
    for index, vector in enumerate(instrument.vectors)
]


def test_we_ship_norr_phq9_gad7_and_the_satisfaction_survey():
    assert {instrument.id for instrument in LOADED.values()} == {
        "norr",
        "phq9",
        "gad7",
        "satisfaction",
    }


@pytest.mark.parametrize(("name", "index"), VECTORS)
def test_embedded_vector_passes(name: str, index: int):
    instrument = LOADED[name]
    assert check_vector(instrument, instrument.vectors[index]) == []


def test_run_vectors_checks_them_all():
    assert all(run_vectors(instrument) == [] for instrument in LOADED.values())


def test_load_instruments_keys_by_id_and_version():
    loaded = load_instruments(INSTRUMENTS)
    assert set(loaded) == {
        ("norr", "1.0.0"),
        ("norr", "1.1.0"),
        ("phq9", "1.0.0"),
        ("gad7", "1.0.0"),
        ("satisfaction", "1.0.0"),
    }


def test_routing_rules_validate_against_the_shipped_instruments():
    rules = load_routing(INSTRUMENTS / "routing", load_instruments(INSTRUMENTS))
    assert len(rules.services) == 16
    assert {rule.kind.value for rule in rules.rules} == {"recommend", "mandatory", "exclude"}


def test_routing_rules_file_finds_its_catalogue():
    rules = load_routing(INSTRUMENTS / "routing" / "krakow.yaml")
    assert "couples_therapy" in rules.services


@pytest.mark.parametrize("name", sorted(LOADED))
def test_every_text_exists_in_polish_english_and_ukrainian(name: str):
    instrument = LOADED[name]
    # clients answer the satisfaction survey themselves, in Russian too
    expected = ("pl", "en", "ru", "uk") if name == "satisfaction" else ("pl", "en", "uk")
    assert instrument.languages == expected
    for item in instrument.items:
        assert set(item.text) == set(expected)
        for option in item.options:
            assert set(option.label) == set(expected)


def test_every_norr_item_has_guidance_and_supporting_questions():
    norr = LOADED["norr"]
    for item in norr.items:
        assert item.guidance is not None, item.id
        if item.kind != ItemKind.TEXT:
            assert item.supporting_questions, item.id


def test_every_norr_level_and_index_band_carries_guidance():
    norr = LOADED["norr"]
    assert all(level.guidance for level in norr.levels)
    index = norr.scale("relational_index")
    assert all(band.guidance for band in index.band_sets[0].bands)


def test_norr_violence_items_are_tagged_and_the_gravest_are_critical():
    norr = LOADED["norr"]
    grave = {item.id for item in norr.items if "violence_grave" in item.tags}
    assert grave == {"v_weapon", "v_kill_threat", "v_strangle"}
    assert all("violence" in norr.item(item_id).tags for item_id in grave)


@pytest.mark.parametrize("name", sorted(LOADED))
def test_every_rule_is_exercised_by_a_vector_that_fires_it(name: str):
    instrument = LOADED[name]
    fired = set()
    for vector in instrument.vectors:
        if vector.expect_errors:
            continue
        result = score(instrument, vector_answers(instrument, vector), vector.facts)
        fired |= {rule.rule for rule in result.rules}
    assert fired == {rule.id for rule in instrument.rules}


def test_the_full_example_in_the_documentation_validates_and_its_vectors_pass():
    from assessments import parse_instrument

    docs = (INSTRUMENTS.parent / "docs" / "instruments.md").read_text("utf-8")
    example = docs.split("## A full example", 1)[1].split("```yaml\n", 1)[1].split("\n```", 1)[0]
    instrument = parse_instrument(example, "docs/instruments.md")
    assert len(instrument.vectors) >= 5
    assert run_vectors(instrument) == []
