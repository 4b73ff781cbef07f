"""`python -m assessments validate|score|route`: exit 0 on success, 2 with one line per problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assessments.cli import main

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENTS = ROOT / "instruments"
NORR = INSTRUMENTS / "norr.yaml"


@pytest.fixture
def files(tmp_path):
    def write(name, content):
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
        return path

    return write


def test_validate_the_shipped_files(capsys):
    assert main(["validate", str(INSTRUMENTS)]) == 0
    out = capsys.readouterr().out
    assert "ok: " in out and "norr 1.0.0" in out and "krakow_routing 1.0.0" in out


def test_validate_prints_one_line_per_problem_and_exits_2(files, capsys):
    broken = files(
        "broken.yaml",
        NORR.read_text("utf-8")
        .replace("uk: Спілкування}", "}", 1)
        .replace("kind: yes_no\n", "kind: yesno\n", 1),
    )
    assert main(["validate", str(broken)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{broken}:") for line in lines)
    assert "missing translation for language 'uk'" in lines[0]
    assert "'yesno' is not one of" in lines[1]


def test_validate_reports_failing_vectors(files, capsys):
    wrong = NORR.read_text("utf-8").replace(
        "relational_index: {score: 12, band: low}", "relational_index: {score: 13, band: low}"
    )
    assert main(["validate", str(files("wrong.yaml", wrong))]) == 2
    assert "scale relational_index score is 12, expected 13" in capsys.readouterr().err


def test_validate_a_missing_path(capsys, tmp_path):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_score_prints_a_readable_result_in_the_chosen_language(files, capsys):
    answers = files("answers.json", {"phq9_1": "several_days", "phq9_9": "several_days"})
    assert main(["score", str(INSTRUMENTS / "phq9.yaml"), str(answers), "--lang", "uk"]) == 0
    out = capsys.readouterr().out
    assert "PHQ-9 – Опитувальник" in out
    assert "Думки про смерть або самоушкодження [self_harm_risk]" in out


def test_score_json_round_trips_and_route_reads_it(files, capsys):
    answers = files("answers.json", {"v_strangle": "yes"})
    facts = files("facts.json", {"case_kind": "couple", "children_in_household": False})
    assert main(["score", str(NORR), str(answers), "--facts", str(facts), "--json"]) == 0
    result = files("result.json", capsys.readouterr().out)
    assert json.loads(result.read_text("utf-8"))["level"] == "very_high"
    assert main(["route", str(INSTRUMENTS / "routing"), str(result), "--facts", str(facts)]) == 0
    out = capsys.readouterr().out
    assert "[MANDATORY] Safety planning / Niebieska Karta procedure (safety_planning)" in out
    assert "Not offered:" in out and "couples_therapy" in out
    assert main(["route", str(INSTRUMENTS / "routing"), str(result), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["recommendations"][0]["kind"] == "mandatory"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"com_listen": "maybe", "q_x": "yes"}, ["item com_listen", "item q_x"]),
        ("{not json", ["invalid JSON"]),
        ([1, 2], ["answers must be a JSON object"]),
    ],
)
def test_score_rejects_invalid_answers_with_exit_2(files, capsys, answers, expected):
    path = files("answers.json", answers)
    assert main(["score", str(NORR), str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == len(expected)
    for line, fragment in zip(err, expected, strict=True):
        assert fragment in line


def test_route_rejects_something_that_is_not_a_result(files, capsys):
    bogus = files("result.json", {"format": 1, "level": "low"})
    assert main(["route", str(INSTRUMENTS / "routing"), str(bogus)]) == 2
    assert "malformed stored result" in capsys.readouterr().err


def test_module_entry_point_runs():
    completed = subprocess.run(
        [sys.executable, "-m", "assessments", "validate", str(INSTRUMENTS / "gad7.yaml")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("ok: ")
