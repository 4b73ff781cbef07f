"""Every shipped indicator against figures counted by hand from the world in conftest.py."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from casework.db import db
from casework.projects.models import Project, ProjectService, ProjectTarget
from casework.reports import services
from casework.reports.services import ReportResult

#: indicator -> (total, {breakdown: {value: figure}}); shares are percentages.
EXPECTED: dict[str, dict[str, tuple[float, dict[str, dict[str | None, float]]]]] = {
    "krakow": {
        # c1 twice (reassessed), c2, c3; c4's was before the period, the draft does not count.
        "people_diagnosed": (
            3,
            {"level": {"high": 1, "moderate": 2, "low": 1}, "gender": {"female": 2, "male": 1}},
        ),
        # Once each, though c1, c3, c4 and c6 used two or more services.
        "beneficiaries": (
            5,
            {
                "gender": {"female": 4, "male": 1},
                "age_band": {"30_44": 1, "60_plus": 1, "18_29": 1, "45_59": 1, None: 1},
                "service": {
                    "individual_counselling": 1,
                    "couples_therapy": 2,
                    "family_social_counselling": 1,
                    "family_therapy": 1,
                    "support_group_mothers": 2,
                    "parenting_workshops": 1,
                    "psychoeducation_group": 1,
                    "migrant_women_support_club": 2,
                    "polish_language_course": 1,
                    "leaders_academy": 2,
                },
            },
        ),
        "psychological_counselling": (1, {}),
        "couples_family_therapy": (3, {"service": {"couples_therapy": 2, "family_therapy": 1}}),
        "family_social_counselling": (1, {}),
        "addiction_counselling": (0, {}),  # only waitlisted
        "parenting_workshops": (1, {}),
        "support_group_completed": (1, {}),  # c4 completed two runs; c6 withdrew
        "psychoeducation": (1, {}),
        "addiction_workshops": (0, {}),  # c5 left in 2024
        "professionals_trained": (
            18,
            {"professional_type": {"psychologist": 10, "police_officer": 5, "teacher": 3}},
        ),
        "prevention_events": (2, {"event_kind": {"campaign": 1, "lecture": 1}}),
        "prevention_reach": (1200, {}),
    },
    "wromigrant": {
        # c1, c2, token t1, token t2 and two anonymous visitors without a token.
        "people": (
            6,
            {
                "gender": {"female": 4, "male": 2},
                "nationality": {"UA": 4, "PL": 1, "BY": 1},
                "age_band": {"30_44": 3, "60_plus": 2, "18_29": 1},
                "migration_reason": {"war": 4, "not_migrant": 1, "work": 1},
            },
        ),
        "share_60_plus": (33.3, {}),
        # c1 (linked) and t1 (anonymous) came twice; t1 said "male" the second time but keeps
        # the facts of the first visit.
        "returning_share": (33.3, {}),
        "consultations": (
            8,
            {
                "channel": {"in_person": 5, "phone": 2, "online": 1},
                "topic": {"residence_legalisation": 2, "pesel": 2, "work_permit": 2, "housing": 3},
                "language": {"uk": 6, "pl": 1, "ru": 1},
            },
        ),
        "consultation_hours": (4.25, {}),
        "satisfied_share": (50.0, {}),
        "information_fully_useful": (50.0, {}),
        "events": (2, {"event_kind": {"campaign": 1, "lecture": 1}}),
        "people_reached": (1200, {"language": {None: 1200}}),  # no reach by language given
    },
    "clubs_and_courses": {
        "meetings": (
            6,
            {
                "service": {
                    "migrant_women_support_club": 3,
                    "polish_language_course": 2,
                    "leaders_academy": 1,
                }
            },
        ),
        "hours": (
            12,
            {
                "service": {
                    "migrant_women_support_club": 6,
                    "polish_language_course": 3,
                    "leaders_academy": 3,
                }
            },
        ),
        "participants": (
            4,
            {
                "service": {
                    "migrant_women_support_club": 2,
                    "polish_language_course": 1,
                    "leaders_academy": 2,
                    "parenting_workshops": 1,
                },
                "gender": {"female": 3, "male": 1},
                "nationality": {"UA": 2, "BY": 1, "PL": 1},
                "age_band": {"30_44": 1, "18_29": 1, "60_plus": 1, None: 1},
            },
        ),
        "completions": (
            3,
            {
                "service": {
                    "migrant_women_support_club": 1,
                    "polish_language_course": 1,
                    "leaders_academy": 1,
                }
            },
        ),
        "leaders": (2, {}),
        "leaders_completed": (1, {}),
        "runs_led_by_peer_leaders": (
            2,
            {"service": {"migrant_women_support_club": 1, "leaders_academy": 1}},
        ),
        "mentoring_sessions": (3, {}),
        "mentored_people": (2, {}),
        "partner_institutions": (3, {"institution_kind": {"school": 1, "police": 1, "court": 1}}),
        "institutions_trained": (2, {}),
        "professionals_trained": (
            18,
            {"professional_type": {"psychologist": 10, "police_officer": 5, "teacher": 3}},
        ),
        "people_reached": (1200, {"event_kind": {"campaign": 1000, "lecture": 200}}),
    },
}


def figures(result: ReportResult) -> dict[str, tuple[float, dict[str, dict[str | None, float]]]]:
    found = {}
    for indicator in result.indicators:
        total = indicator.total.percent if indicator.is_share else indicator.total.value
        found[indicator.key] = (
            round(total or 0, 2),
            {
                breakdown.dimension: {cell.code: cell.value for cell in breakdown.cells}
                for breakdown in indicator.breakdowns
            },
        )
    return found


def run(app: Flask, name: str, **options: Any) -> ReportResult:
    with app.app_context():
        return services.run_report(
            None, name, start=date(2025, 1, 1), end=date(2025, 12, 31), **options
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_shipped_indicator_gives_the_figures_counted_by_hand(
    app: Flask, world: dict, name: str
) -> None:
    expected = EXPECTED[name]
    found = figures(run(app, name))
    assert set(found) == set(expected), "every indicator of the file is checked"
    for key, (total, breakdowns) in expected.items():
        assert found[key][0] == pytest.approx(total, abs=0.05), key
        for dimension, cells in breakdowns.items():
            assert found[key][1][dimension] == cells, f"{key} by {dimension}"


def test_a_team_report_counts_only_that_teams_activity(app: Flask, world: dict) -> None:
    team_a = figures(run(app, "krakow", team_id=world["team_a"]))
    assert team_a["beneficiaries"][0] == 4  # c1, c2, c4, c6: c3's services are team B's
    migrants_b = figures(run(app, "wromigrant", team_id=world["team_b"]))
    assert migrants_b["consultations"][0] == 2
    assert migrants_b["people"][0] == 2
    with app.app_context():
        result = services.run_report(
            None, "krakow", start=date(2025, 1, 1), end=date(2025, 12, 31), team_id=world["team_a"]
        )
    trained = next(i for i in result.indicators if i.key == "professionals_trained")
    assert not trained.available  # trainings belong to the whole centre, not to a team


def test_a_project_counts_what_is_attributed_to_it_and_shows_its_targets(
    app: Flask, world: dict
) -> None:
    with app.app_context():
        project = Project(name="Counselling grant", starts_on=date(2025, 1, 1))
        db.session.add(project)
        db.session.flush()
        db.session.add(ProjectService(project_id=project.id, service_code="individual_counselling"))
        db.session.add(
            ProjectTarget(
                project_id=project.id,
                indicator_key="krakow.psychological_counselling",
                target_value=10,
            )
        )
        db.session.commit()
        project_id = project.id
    result = run(app, "krakow", project_id=project_id)
    found = figures(result)
    assert found["psychological_counselling"][0] == 1
    assert found["couples_family_therapy"][0] == 0  # attributed to no project: the default one
    # c1 and c2 (their case is enrolled in counselling) and c3 (hers was, in 2024); not c4.
    assert found["people_diagnosed"][0] == 3
    assert figures(run(app, "krakow"))["people_diagnosed"][0] == 3
    counselling = next(i for i in result.indicators if i.key == "psychological_counselling")
    assert counselling.target == 10
    assert result.project_name == "Counselling grant"


def test_activity_outside_the_period_is_not_counted(app: Flask, world: dict) -> None:
    with app.app_context():
        result = services.run_report(None, "krakow", start=date(2024, 1, 1), end=date(2024, 12, 31))
    found = figures(result)
    assert found["people_diagnosed"][0] == 1  # c4, in November 2024
    assert found["addiction_workshops"][0] == 1  # c5, until June 2024
    assert found["prevention_reach"][0] == 50


def test_any_report_file_may_break_down_by_project_team_and_practitioner(
    app: Flask, world: dict
) -> None:
    from casework.projects.scope import project_scope
    from casework.reports import queries
    from casework.reports.report_files import parse_report

    report = parse_report(
        """
id: custom
title: {pl: Własny, en: Custom, uk: Власний}
sections:
  - id: all
    title: {pl: Wszystko, en: All, uk: Усе}
    indicators:
      - id: consulted
        label: {pl: Osoby, en: People, uk: Особи}
        count: people
        activity: consultation
        filters: {channel: [in_person, phone]}
        breakdowns: [project, team, practitioner, topic]
""",
        "custom.yaml",
    )
    with app.app_context():
        window = services.window_of(date(2025, 1, 1), date(2025, 12, 31))
        statement = queries.indicator_statement(
            report.indicators[0], window, queries.Reach(None, project_scope(None)), report.age_bands
        )
        total, split = queries.figures_from_rows(list(db.session.execute(statement)))
    # In person or by phone: c1 (twice), t1 (twice), t2, and the two visitors without a token.
    assert total == (5, None)
    assert [figure for _value, figure, _base in split["project"]] == [5]  # the default project
    assert sorted(figure for _value, figure, _base in split["team"]) == [1, 4]
    assert [figure for _value, figure, _base in split["practitioner"]] == [5]
    topics = {value: figure for value, figure, _base in split["topic"]}
    assert topics == {"residence_legalisation": 2, "pesel": 2, "work_permit": 2, "housing": 2}
