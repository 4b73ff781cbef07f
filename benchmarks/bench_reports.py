"""The Kraków report against one hand-written SQL aggregate of the same figures, on PostgreSQL.

    .venv/bin/python benchmarks/bench_reports.py [--clients 100000] [--rounds 7]

Creates a throwaway database on the server of DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, loads a centre of `--clients`
clients with a year of activity in bulk (COPY, not through the web), runs VACUUM ANALYZE
(autovacuum may be off), then times the report (`run_report`, every indicator with its
breakdowns, labels included) and the hand-written statement, interleaved, and prints the
medians. The last line is `ratio: X` = hand-written time / report time (1 means as fast).
The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from alembic import command
from sqlalchemy import text

from casework.catalogue.services import sync_catalogue
from casework.db import db
from casework.migrate import alembic_config
from casework.reports.services import run_report
from tests.conftest import make_test_app
from tests.database import throwaway_database

START, END = date(2025, 1, 1), date(2025, 12, 31)
INDIVIDUAL = (
    "individual_counselling",
    "couples_therapy",
    "family_therapy",
    "family_social_counselling",
    "addiction_consultation",
)
GROUPS = (
    "support_group_mothers",
    "support_group_fathers",
    "parenting_workshops",
    "psychoeducation_group",
    "addiction_workshop",
    "migrant_women_support_club",
)
GENDERS = ("female", "female", "female", "male", "male", "non_binary", "undisclosed")
NATIONS = ("PL", "PL", "PL", "UA", "UA", "BY", "GE", "IN")
LEVELS = ("low", "low", "moderate", "high", "very_high")


def moment(rng: random.Random, *, year: int = 2025, spread_days: int = 365) -> datetime:
    start = datetime(year, 1, 1, 8, tzinfo=UTC)
    return start + timedelta(days=rng.randrange(spread_days), minutes=rng.randrange(600))


def copy(
    connection: psycopg.Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as sink:
        for row in rows:
            sink.write_row(row)
            count += 1
    return count


def load(dsn: str, clients: int, seed: int = 7) -> dict[str, int]:
    """A centre of `clients` people with a year of activity, loaded with COPY."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with psycopg.connect(dsn) as connection:
        teams = [uuid.uuid4() for _ in range(4)]
        counts["teams"] = copy(
            connection,
            "teams",
            ("id", "name", "created_at"),
            ((team, f"Team {n}", now) for n, team in enumerate(teams)),
        )
        staff = [uuid.uuid4() for _ in range(40)]
        counts["users"] = copy(
            connection,
            "users",
            (
                "id",
                "email",
                "display_name",
                "preferred_language",
                "password_hash",
                "is_enabled",
                "team_id",
                "created_at",
                "password_changed_at",
            ),
            (
                (
                    user,
                    f"staff{n}@bench.test",
                    f"Staff {n}",
                    "pl",
                    "x",
                    True,
                    teams[n % 4],
                    now,
                    now,
                )
                for n, user in enumerate(staff)
            ),
        )
        people = [uuid.uuid4() for _ in range(clients)]
        seen: dict[uuid.UUID, datetime] = {}

        def client_rows() -> Iterable[Sequence[Any]]:
            for person in people:
                created = moment(rng, year=rng.choice((2024, 2025, 2025)))
                seen[person] = created
                yield (
                    person,
                    1,
                    created,
                    rng.choice(GENDERS),
                    rng.choice((None, *range(1940, 2010))),
                    rng.choice(NATIONS),
                    '["pl"]',
                    rng.choice(("not_migrant", "war", "work", "family")),
                )

        counts["clients"] = copy(
            connection,
            "clients",
            (
                "id",
                "version",
                "created_at",
                "gender",
                "birth_year",
                "nationality",
                "languages",
                "migration_reason",
            ),
            client_rows(),
        )
        # Cases for 60% of the people; a few couples (the partner gets no case of their own).
        case_of: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}

        def case_rows() -> Iterable[Sequence[Any]]:
            for number, person in enumerate(people[: int(clients * 0.6)]):
                case, team = uuid.uuid4(), teams[number % 4]
                case_of[person] = (case, team)
                yield (
                    case,
                    f"B/{number:08d}",
                    "individual",
                    rng.choice(("active", "closed", "active")),
                    staff[number % 40],
                    team,
                    "self",
                    person,
                    False,
                    seen[person],
                    1,
                )

        counts["cases"] = copy(
            connection,
            "cases",
            (
                "id",
                "reference",
                "kind",
                "state",
                "case_manager_id",
                "team_id",
                "referral_source",
                "primary_client_id",
                "children_in_household",
                "opened_at",
                "version",
            ),
            case_rows(),
        )

        def assessment_rows() -> Iterable[Sequence[Any]]:
            for person, (case, _team) in case_of.items():
                for _ in range(rng.choice((0, 1, 1, 2))):
                    done = moment(rng, year=rng.choice((2024, 2025, 2025)))
                    yield (
                        uuid.uuid4(),
                        case,
                        person,
                        "[]",
                        "norr",
                        "1.0.0",
                        "0" * 64,
                        rng.choice(("completed", "completed", "draft")),
                        False,
                        False,
                        "{}",
                        rng.choice(LEVELS),
                        done,
                        done,
                        1,
                    )

        counts["assessments"] = copy(
            connection,
            "assessments",
            (
                "id",
                "case_id",
                "client_id",
                "participant_ids",
                "instrument_id",
                "instrument_version",
                "instrument_sha256",
                "state",
                "is_individual",
                "is_closing",
                "facts",
                "level",
                "started_at",
                "completed_at",
                "version",
            ),
            assessment_rows(),
        )

        def enrolment_rows() -> Iterable[Sequence[Any]]:
            for person, (case, _team) in case_of.items():
                for service in rng.sample(INDIVIDUAL, rng.choice((1, 1, 2, 3))):
                    started = moment(rng, year=rng.choice((2024, 2025)))
                    status = rng.choice(("active", "completed", "withdrawn", "waitlisted"))
                    ended = (
                        started + timedelta(days=rng.randrange(30, 200))
                        if status in ("completed", "withdrawn")
                        else None
                    )
                    yield (
                        uuid.uuid4(),
                        case,
                        person,
                        service,
                        rng.choice(staff),
                        status,
                        started,
                        ended,
                        1,
                    )

        counts["enrolments"] = copy(
            connection,
            "enrolments",
            (
                "id",
                "case_id",
                "client_id",
                "service_code",
                "practitioner_id",
                "status",
                "started_at",
                "ended_at",
                "version",
            ),
            enrolment_rows(),
        )
        runs = [(uuid.uuid4(), GROUPS[n % len(GROUPS)], teams[n % 4]) for n in range(600)]
        counts["group_runs"] = copy(
            connection,
            "group_runs",
            (
                "id",
                "name",
                "service_code",
                "capacity",
                "is_cohort",
                "team_id",
                "starts_on",
                "created_at",
                "version",
            ),
            (
                (run, f"Run {n}", service, 30, False, team, date(2025, 1, 1), now, 1)
                for n, (run, service, team) in enumerate(runs)
            ),
        )

        def group_rows() -> Iterable[Sequence[Any]]:
            for person in people[int(clients * 0.4) :]:
                for run, _service, _team in rng.sample(runs, rng.choice((1, 1, 2))):
                    enrolled = moment(rng, year=rng.choice((2024, 2025)))
                    status = rng.choice(("active", "completed", "withdrawn", "waitlisted"))
                    activated = None if status == "waitlisted" else enrolled
                    ended = (
                        enrolled + timedelta(days=rng.randrange(20, 120))
                        if status in ("completed", "withdrawn")
                        else None
                    )
                    yield (uuid.uuid4(), run, person, status, enrolled, activated, ended, 1)

        counts["group_enrolments"] = copy(
            connection,
            "group_enrolments",
            (
                "id",
                "run_id",
                "client_id",
                "status",
                "enrolled_at",
                "activated_at",
                "ended_at",
                "version",
            ),
            group_rows(),
        )
        institutions = [uuid.uuid4() for _ in range(60)]
        copy(
            connection,
            "partner_institutions",
            ("id", "name", "kind", "created_at"),
            ((i, f"Institution {n}", "school", now) for n, i in enumerate(institutions)),
        )
        trainings = [(uuid.uuid4(), START + timedelta(days=rng.randrange(365))) for _ in range(80)]
        copy(
            connection,
            "trainings",
            ("id", "title", "held_on", "created_at"),
            ((t, "Training", held, now) for t, held in trainings),
        )
        counts["training_participations"] = copy(
            connection,
            "training_participations",
            ("id", "training_id", "institution_id", "professional_type", "headcount"),
            (
                (uuid.uuid4(), t, i, kind, rng.randrange(1, 20))
                for t, _held in trainings
                for i in rng.sample(institutions, 3)
                for kind in ("psychologist", "social_worker")
            ),
        )
        counts["public_events"] = copy(
            connection,
            "public_events",
            ("id", "title", "kind", "held_on", "headcount", "created_at"),
            (
                (
                    uuid.uuid4(),
                    "Event",
                    rng.choice(("public_event", "campaign", "lecture")),
                    START + timedelta(days=rng.randrange(365)),
                    rng.randrange(10, 2000),
                    now,
                )
                for _ in range(150)
            ),
        )
        connection.commit()
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return counts


#: The same figures as reports/krakow.yaml, written by hand as one statement. Period instants
#: are UTC (the centre's zone is applied by the caller), dates inclusive.
HAND_WRITTEN = """
WITH person AS (
    SELECT c.id, c.gender,
           CASE WHEN c.birth_year IS NULL THEN NULL
                WHEN extract(year FROM c.created_at) - c.birth_year <= 17 THEN 'under_18'
                WHEN extract(year FROM c.created_at) - c.birth_year <= 29 THEN '18_29'
                WHEN extract(year FROM c.created_at) - c.birth_year <= 44 THEN '30_44'
                WHEN extract(year FROM c.created_at) - c.birth_year <= 59 THEN '45_59'
                ELSE '60_plus' END AS age_band
    FROM clients c
),
diagnosed AS (
    SELECT a.client_id, a.level, p.gender FROM assessments a JOIN person p ON p.id = a.client_id
    WHERE a.state = 'completed' AND a.instrument_id = 'norr'
      AND a.completed_at >= :start_at AND a.completed_at < :end_at
),
served AS (
    SELECT e.client_id, e.service_code FROM enrolments e
    WHERE e.status <> 'waitlisted' AND e.started_at < :end_at
      AND (e.ended_at IS NULL OR e.ended_at >= :start_at)
    UNION ALL
    SELECT g.client_id, r.service_code FROM group_enrolments g JOIN group_runs r ON r.id = g.run_id
    WHERE g.activated_at IS NOT NULL AND g.activated_at < :end_at
      AND (g.ended_at IS NULL OR g.ended_at >= :start_at)
),
completed AS (
    SELECT g.client_id, r.service_code FROM group_enrolments g JOIN group_runs r ON r.id = g.run_id
    WHERE g.status = 'completed' AND g.ended_at >= :start_at AND g.ended_at < :end_at
),
trained AS (
    SELECT tp.professional_type, tp.headcount FROM training_participations tp
    JOIN trainings t ON t.id = tp.training_id WHERE t.held_on BETWEEN :start AND :end
),
events AS (SELECT kind, headcount FROM public_events WHERE held_on BETWEEN :start AND :end)
SELECT 'people_diagnosed' AS indicator,
       CASE WHEN grouping(level) = 0 THEN 'level'
            WHEN grouping(gender) = 0 THEN 'gender' ELSE '' END AS dimension,
       coalesce(level, gender) AS value, count(DISTINCT client_id) AS figure
FROM diagnosed GROUP BY GROUPING SETS ((), (level), (gender))
UNION ALL
SELECT 'beneficiaries',
       CASE WHEN grouping(p.gender) = 0 THEN 'gender' WHEN grouping(p.age_band) = 0 THEN 'age_band'
            WHEN grouping(s.service_code) = 0 THEN 'service' ELSE '' END,
       coalesce(p.gender, p.age_band, s.service_code), count(DISTINCT s.client_id)
FROM served s JOIN person p ON p.id = s.client_id
GROUP BY GROUPING SETS ((), (p.gender), (p.age_band), (s.service_code))
UNION ALL
SELECT indicator, CASE WHEN grouping(service_code) = 0 THEN 'service' ELSE '' END, service_code,
       count(DISTINCT client_id)
FROM (
    SELECT CASE WHEN service_code = 'individual_counselling' THEN 'psychological_counselling'
                WHEN service_code IN ('couples_therapy', 'family_therapy')
                    THEN 'couples_family_therapy'
                WHEN service_code = 'family_social_counselling' THEN 'family_social_counselling'
                WHEN service_code = 'addiction_consultation' THEN 'addiction_counselling'
                WHEN service_code = 'parenting_workshops' THEN 'parenting_workshops'
                WHEN service_code = 'psychoeducation_group' THEN 'psychoeducation'
                WHEN service_code = 'addiction_workshop' THEN 'addiction_workshops'
           END AS indicator,
           service_code, client_id
    FROM served
) per_service WHERE indicator IS NOT NULL
GROUP BY GROUPING SETS ((indicator), (indicator, service_code))
UNION ALL
SELECT 'support_group_completed', '', NULL, count(DISTINCT client_id) FROM completed
WHERE service_code IN ('support_group_mothers', 'support_group_fathers')
UNION ALL
SELECT 'professionals_trained',
       CASE WHEN grouping(professional_type) = 0 THEN 'professional_type' ELSE '' END,
       professional_type, sum(headcount)
FROM trained GROUP BY GROUPING SETS ((), (professional_type))
UNION ALL
SELECT 'prevention_events', CASE WHEN grouping(kind) = 0 THEN 'event_kind' ELSE '' END, kind,
       count(*)
FROM events GROUP BY GROUPING SETS ((), (kind))
UNION ALL
SELECT 'prevention_reach', '', NULL, coalesce(sum(headcount), 0) FROM events
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=1, help="runs of each per turn")
    arguments = parser.parse_args(argv)
    server = os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    if not server.startswith("postgresql"):
        print("bench_reports needs PostgreSQL: set DATABASE_URL=postgresql://...", file=sys.stderr)
        return 2
    with throwaway_database(server, Path(".")) as url:
        app = make_test_app(url)
        with app.app_context(), db.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with app.app_context():
            sync_catalogue()
            db.session.commit()
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        began = time.perf_counter()
        counts = load(dsn, arguments.clients)
        print(
            f"loaded in {time.perf_counter() - began:.0f} s: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
        with app.app_context():
            from casework.reports.services import window_of

            window = window_of(START, END)
            parameters = {
                "start": START,
                "end": END,
                "start_at": window.start_at,
                "end_at": window.end_at,
            }

            def report() -> Any:
                result = run_report(None, "krakow", start=START, end=END, language="pl")
                db.session.rollback()
                return result

            def hand_written() -> Any:
                rows = db.session.execute(text(HAND_WRITTEN), parameters).all()
                db.session.rollback()
                return rows

            result = report()
            rows = hand_written()
            by_hand = {(row.indicator, row.dimension, row.value): float(row.figure) for row in rows}
            for indicator in result.indicators:
                expected = by_hand.get((indicator.key, "", None), 0.0)
                print(
                    f"  {indicator.key:28} report {indicator.total.value:>10.0f}"
                    f"   by hand {expected:>10.0f}"
                )
                assert expected == indicator.total.value, indicator.key
                for breakdown in indicator.breakdowns:
                    for cell in breakdown.cells:
                        assert by_hand[indicator.key, breakdown.dimension, cell.code] == cell.value
            timings: dict[str, list[float]] = {"report": [], "hand": []}
            for _round in range(arguments.rounds):
                for name, run in (("report", report), ("hand", hand_written)):
                    for _ in range(arguments.chunk):
                        began = time.perf_counter()
                        run()
                        timings[name].append(time.perf_counter() - began)
            report_time = statistics.median(timings["report"])
            hand_time = statistics.median(timings["hand"])
        with app.app_context():
            db.engine.dispose()
    print(f"report (13 indicators, one query each): median {report_time * 1000:.0f} ms")
    print(f"hand-written single statement:          median {hand_time * 1000:.0f} ms")
    print(f"ratio: {hand_time / report_time:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
