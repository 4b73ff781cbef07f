"""Report files are validated on load, with errors naming file, indicator and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from casework.config import ConfigError
from casework.reports.definitions import ReportDefinitionError
from casework.reports.report_files import load_reports, parse_report
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parent.parent.parent

GOOD = """
id: tiny
title: {pl: Mały, en: Tiny, uk: Малий}
sections:
  - id: people
    title: {pl: Osoby, en: People, uk: Особи}
    indicators:
      - id: helped
        label: {pl: Osoby, en: People, uk: Особи}
        count: people
        activity: enrolment
        services: [individual_counselling]
        breakdowns: [gender]
"""
VOCABULARY = {"service": frozenset({"individual_counselling"}), "gender": frozenset({"female"})}


def problems(text: str) -> list[str]:
    with pytest.raises(ReportDefinitionError) as raised:
        parse_report(text, "bad.yaml", VOCABULARY)
    return raised.value.problems


def test_a_valid_file_is_read_into_indicators() -> None:
    report = parse_report(GOOD, "tiny.yaml", VOCABULARY)
    assert [i.key for i in report.indicators] == ["helped"]
    assert report.indicators[0].sources[0].filters == {"service": ("individual_counselling",)}
    assert report.breakdowns == ("gender",)


def test_the_shipped_reports_are_valid() -> None:
    assert set(load_reports(ROOT / "reports")) == {"krakow", "wromigrant", "clubs_and_courses"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("count: people", "count: hours"), "bad.yaml: indicator helped: count: 'hours' cannot"),
        (
            ("activity: enrolment", "activity: visits"),
            "indicator helped: activity: required; one of",
        ),
        (
            ("[gender]", "[shoe_size]"),
            "indicator helped: breakdowns: 'shoe_size' is not a dimension",
        ),
        (
            ("[individual_counselling]", "[yoga]"),
            "indicator helped: services: unknown yoga; the values are: individual_counselling",
        ),
        (
            ("label: {pl: Osoby, en: People, uk: Особи}", "label: {pl: Osoby, en: People}"),
            "indicator helped: label: missing the text in uk",
        ),
        (
            ("        count: people", "        count: people\n        colour: red"),
            "indicator helped: colour: unknown field",
        ),
        (("id: helped", "id: Helped!"), "id: required: lower-case letters"),
    ],
)
def test_a_bad_file_is_refused_naming_file_indicator_and_field(
    change: tuple[str, str], expected: str
) -> None:
    found = problems(GOOD.replace(*change))
    assert any(expected in problem for problem in found), found


def test_age_bands_must_not_overlap() -> None:
    bands = """
age_bands:
  - {code: "young", max: 30, label: {pl: a, en: a, uk: a}}
  - {code: "old", min: 30, label: {pl: b, en: b, uk: b}}
"""
    assert any("overlap" in p for p in problems(GOOD + bands))


def test_a_share_needs_a_condition_and_a_countable_base() -> None:
    share = GOOD.replace("count: people", "count: share\n        share: {of: people}")
    assert any("say what is counted" in p for p in problems(share))


def test_the_service_refuses_to_start_with_an_invalid_report_file(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "broken.yaml").write_text(GOOD.replace("count: people", "count: smiles"))
    with pytest.raises(ConfigError) as raised:
        make_test_app(database_url, CASEWORK_REPORTS_DIR=str(tmp_path))
    assert "broken.yaml: indicator helped: count" in str(raised.value)
