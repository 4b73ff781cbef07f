"""Who may see reports, and the outputs: page, print view, XLSX, CSV, JSON, command line."""

from __future__ import annotations

import io
import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import update

from casework.auth.models import Language, Role, User
from casework.db import db
from casework.reports import services
from casework.reports.services import Breakdown, Cell, IndicatorResult
from casework.reports.tables import table
from tests.pages import post_form, sign_in
from tests.reports.conftest import PERIOD

QUERY = "from=2025-01-01&to=2025-12-31"


def speak(app: Flask, email: str, language: str) -> None:
    """The interface language follows the user's own choice."""
    with app.app_context():
        db.session.execute(
            update(User).where(User.email == email).values(preferred_language=Language(language))
        )
        db.session.commit()


PAGE = "start=2025-01-01&end=2025-12-31"


def exported(client: FlaskClient, name: str, fmt: str, **extra: object):
    """Export through the report page: the export runs as a job, whose page offers the file."""
    period = {"start": "2025-01-01", "end": "2025-12-31", **extra}
    started = post_form(
        client, f"/reports/{name}/export.{fmt}", period, form_on=f"/reports/{name}?{PAGE}"
    )
    assert started.status_code == 302, started.get_data(as_text=True)
    job_page = started.headers["Location"]
    assert 'data-job-state="done"' in client.get(job_page).get_data(as_text=True)
    response = client.get(f"{job_page}/file")
    assert response.status_code == 200
    return response


def total(data: dict, key: str) -> object:
    for section in data["sections"]:
        for indicator in section["indicators"]:
            if indicator["key"] == key:
                return indicator["total"]
    raise KeyError(key)


def test_a_coordinator_gets_the_whole_centres_figures(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["coordinator"])
    response = client.get(f"/api/v1/reports/wromigrant?{QUERY}")
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert total(data, "wromigrant.consultations")["value"] == 8
    assert total(data, "wromigrant.returning_share")["percent"] == pytest.approx(33.3)
    assert data["teams"] == []


def test_a_supervisor_gets_only_their_teams_figures(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["supervisor_b"])
    data = client.get(f"/api/v1/reports/wromigrant?{QUERY}").get_json()
    assert total(data, "wromigrant.consultations")["value"] == 2
    other_team = client.get(f"/api/v1/reports/wromigrant?{QUERY}&team={world['team_a']}")
    assert other_team.status_code == 404


@pytest.mark.parametrize("role", ["manager_a", "consultant", "therapist"])
def test_other_roles_are_refused_reports(client: FlaskClient, world: dict, role: str) -> None:
    sign_in(client, world[role])
    assert client.get(f"/api/v1/reports/krakow?{QUERY}").status_code == 403
    assert client.get("/api/v1/reports").status_code == 403
    assert client.get(f"/reports/krakow?{PAGE}").status_code == 404


def test_a_report_never_names_a_client(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["coordinator"])
    page = client.get(f"/reports/krakow?{PAGE}").get_data(as_text=True)
    assert "Klientka" not in page and "Test " not in page


def test_unknown_breakdowns_and_parameters_answer_422_listing_the_valid_ones(
    client: FlaskClient, world: dict
) -> None:
    sign_in(client, world["coordinator"])
    response = client.get(f"/api/v1/reports/wromigrant?{QUERY}&breakdown=shoe_size")
    assert response.status_code == 422
    assert "age_band" in response.get_json()["detail"]
    response = client.get(f"/api/v1/reports/wromigrant?{QUERY}&age_group=60_plus")
    assert response.status_code == 422
    assert "breakdown" in json.dumps(response.get_json()["errors"])
    assert client.get(f"/api/v1/reports/nope?{QUERY}").status_code == 404
    assert client.get("/api/v1/reports/krakow?from=2025-12-31&to=2025-01-01").status_code == 422
    assert client.get("/api/v1/reports/krakow?from=yesterday&to=2025-01-01").status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/consultations?age_group=60_plus",
        "/api/v1/consultations/summary?age_group=60_plus",
        "/api/v1/cases?colour=red",
        "/api/v1/group-runs?servce_code=x",
    ],
)
def test_every_collection_refuses_unknown_filters_naming_the_valid_ones(
    client: FlaskClient, world: dict, path: str
) -> None:
    sign_in(client, world["supervisor_a"])
    response = client.get(path)
    assert response.status_code == 422, path
    errors = json.dumps(response.get_json()["errors"])
    assert "valid parameters are" in errors


def test_an_endpoint_without_filters_refuses_any(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["coordinator"])
    response = client.get("/api/v1/reports?colour=red")
    assert response.status_code == 422


def test_the_xlsx_has_one_sheet_per_section_with_period_project_and_headers(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    speak(app, world["coordinator"], "en")
    sign_in(client, world["coordinator"])
    response = exported(client, "krakow", "xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) == 3
    sheet = workbook[workbook.sheetnames[0]]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[2][:2] == ["Period", "2025-01-01 – 2025-12-31"]
    assert cells[3][:2] == ["Project", "All projects"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Indicator")
    assert header[0].font.bold
    totals = {row[0]: row[3] for row in cells if row[2] == "Total"}
    assert totals["Beneficiaries of the Center for Families"] == 5


def test_the_csv_starts_with_a_byte_order_mark_and_keeps_ukrainian_text(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    speak(app, world["coordinator"], "uk")
    sign_in(client, world["coordinator"])
    response = exported(client, "wromigrant", "csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "Інформаційні консультації" in response.data.decode("utf-8-sig")


def test_publication_hides_small_counts_and_the_cells_that_would_give_them_back(
    client: FlaskClient, world: dict
) -> None:
    sign_in(client, world["coordinator"])
    internal = client.get(f"/api/v1/reports/krakow?{QUERY}").get_json()
    published = client.get(f"/api/v1/reports/krakow?{QUERY}&publication=true").get_json()
    assert total(internal, "krakow.beneficiaries")["value"] == 5
    assert total(published, "krakow.beneficiaries")["text"] == "5"
    assert total(published, "krakow.people_diagnosed")["text"] == "<5"
    assert total(published, "krakow.professionals_trained")["text"] == "18"
    assert total(published, "krakow.prevention_reach")["text"] == "1200"  # not about people


def _indicator(values: dict[str, float], count: str = "people") -> IndicatorResult:
    from casework.reports.definitions import Indicator, Source

    definition = Indicator("x", {}, count, (Source("enrolment"),), ("gender",))
    cells = tuple(Cell(code, code, value) for code, value in values.items())
    return IndicatorResult(
        definition,
        "x",
        "x",
        None,
        True,
        Cell(None, "x", sum(values.values())),
        (Breakdown("gender", "Gender", cells, adds_up=True),),
    )


@pytest.mark.parametrize(
    ("values", "hidden"),
    [
        ({"female": 40, "male": 3, "non_binary": 0}, {"male": "<5", "female": "x"}),
        (
            {"female": 40, "male": 3, "undisclosed": 2, "non_binary": 9},
            {"male": "<5", "undisclosed": "<5"},
        ),
        ({"female": 40, "male": 30}, {}),
    ],
)
def test_secondary_suppression_leaves_no_hidden_cell_alone(
    values: dict[str, float], hidden: dict[str, str]
) -> None:
    from casework.reports.services import ReportResult, SectionResult

    indicator = _indicator(values)
    section = SectionResult(type("S", (), {"key": "s"})(), "S", (indicator,))  # type: ignore[arg-type]
    result = ReportResult(
        None, "t", date(2025, 1, 1), date(2025, 12, 31), None, None, None, (), "en", (section,)
    )  # type: ignore[arg-type]
    rows = table(result, threshold=5)["s"]
    shown = {row.cell.code: row.shown.text for row in rows if row.dimension}
    assert {code: text for code, text in shown.items() if not text.isdigit()} == hidden
    exact = {row.cell.code: row.shown.text for row in table(result)["s"] if row.dimension}
    assert exact == {code: str(int(value)) for code, value in values.items()}


@pytest.mark.parametrize("language", ["pl", "en", "uk"])
@pytest.mark.parametrize("name", ["krakow", "wromigrant", "clubs_and_courses"])
def test_every_report_renders_in_each_language(
    app: Flask, client: FlaskClient, world: dict, language: str, name: str
) -> None:
    speak(app, world["coordinator"], language)
    sign_in(client, world["coordinator"])
    page = client.get(f"/reports/{name}?{PAGE}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'lang="{language}' in text  # en pages say en-GB
    assert "<svg" in text and "<script>" not in text and "style=" not in text
    assert "migrant_women_support_club" not in text and "in_person" not in text  # labels only
    printed = client.get(f"/reports/{name}/print?{PAGE}")
    assert printed.status_code == 200
    assert client.get("/reports").status_code == 200


def test_a_supervisor_sees_figures_linked_to_their_lists_and_a_coordinator_plain(
    app: Flask, client: FlaskClient, world: dict
) -> None:
    sign_in(client, world["supervisor_a"])
    page = client.get(f"/reports/krakow?{PAGE}").get_data(as_text=True)
    assert "/cases?service_code=individual_counselling" in page
    coordinator = app.test_client()
    sign_in(coordinator, world["coordinator"])
    page = coordinator.get(f"/reports/krakow?{PAGE}").get_data(as_text=True)
    assert "/cases?" not in page


def test_a_bad_period_on_the_page_is_a_form_error(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["coordinator"])
    response = client.get("/reports/krakow?start=2025-12-31&end=2025-01-01")
    assert response.status_code == 200
    assert "okres kończy się przed rozpoczęciem" in response.get_data(as_text=True)
    assert client.get("/reports/krakow?start=nonsense&end=2025-01-01").status_code == 200
    assert client.get(f"/reports/krakow?{PAGE}&team={uuid.uuid4()}").status_code == 200


def test_the_command_writes_each_format_and_refuses_bad_input_in_one_line(
    app: Flask, world: dict, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    for fmt in ("xlsx", "csv", "json"):
        output = tmp_path / f"report.{fmt}"
        result = runner.invoke(
            args=[
                "reports",
                "run",
                "krakow",
                "--from",
                PERIOD["from"],
                "--to",
                PERIOD["to"],
                "--format",
                fmt,
                "--output",
                str(output),
            ]
        )
        assert result.exit_code == 0, result.output
        assert output.stat().st_size > 0
    data = json.loads((tmp_path / "report.json").read_text())
    assert total(data, "krakow.beneficiaries")["value"] == 5
    for arguments in (
        ["nope", "--from", "2025-01-01", "--to", "2025-12-31"],
        ["krakow", "--from", "2025-13-01", "--to", "2025-12-31"],
        ["krakow", "--from", "2025-12-31", "--to", "2025-01-01"],
        ["krakow", "--from", "2025-01-01", "--to", "2025-12-31", "--project", "x"],
        ["krakow", "--from", "2025-01-01", "--to", "2025-12-31", "--project", str(uuid.uuid4())],
    ):
        result = runner.invoke(args=["reports", "run", *arguments, "--output", str(tmp_path / "x")])
        assert result.exit_code == 2, arguments
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_indicator_keys_name_every_report_and_indicator(app: Flask) -> None:
    with app.app_context():
        keys = services.indicator_keys()
    assert "krakow.people_diagnosed" in keys and "wromigrant.returning_share" in keys


def test_a_role_without_reports_does_not_see_the_menu_entry(
    client: FlaskClient, login_as: object
) -> None:
    login_as(Role.CONSULTANT)  # type: ignore[operator]
    assert "/reports" not in client.get("/").get_data(as_text=True)
