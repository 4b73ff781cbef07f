"""EXPLAIN ANALYZE of a first and a deep keyset page of the large lists, on PostgreSQL.

    set -a; . /work/scale/scale_100k.env; set +a
    createdb -T scale_100k mine_100k   # never a shared database
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mine_100k \\
        .venv/bin/python benchmarks/explain_lists.py [--depth 20000] [--before]

For each list it walks (through the list's own service, 200 rows a page) to about `--depth` rows
in, then prints the plan of the 50-row page that starts there, and the median time of the first
and of that deep page (7 runs each, interleaved). Everything happens in one transaction that is
rolled back (the services write read-audit records). `--before` writes the keyset condition as
the code did before (an OR of column comparisons); run it before `flask db upgrade` adds the
keyset indexes to see the old plans.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import and_, event, or_, select

from casework import create_app, pagination
from casework.auth.models import User
from casework.care.services import appointments
from casework.casefile.services import CaseSearch, find_cases
from casework.consultations import services as consultations
from casework.db import db

FAR_PAST, FAR_FUTURE = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)

Lister = Callable[[User, str | None, int], pagination.Page[Any]]

LISTS: list[tuple[str, str, str, Lister]] = [
    (
        "/api/v1/cases (supervisor)",
        "supervisor1.t0001@scale.demo.local",
        "cases",
        lambda user, cursor, limit: find_cases(user, CaseSearch(), cursor=cursor, limit=limit),
    ),
    (
        "/api/v1/cases (case manager)",
        "casemanager1.t0001@scale.demo.local",
        "cases",
        lambda user, cursor, limit: find_cases(user, CaseSearch(), cursor=cursor, limit=limit),
    ),
    (
        "/api/v1/appointments (therapist)",
        "therapist1.t0001@scale.demo.local",
        "appointments",
        lambda user, cursor, limit: appointments.agenda(
            user, starts_from=FAR_PAST, starts_before=FAR_FUTURE, cursor=cursor, limit=limit
        ),
    ),
    (
        "/api/v1/consultations (consultant)",
        "consultant1.t0001@scale.demo.local",
        "information_consultations",
        lambda user, cursor, limit: consultations.list_consultations(
            user, consultations.ConsultationFilters(), cursor=cursor, limit=limit
        ),
    ),
    (
        "/api/v1/consultations (supervisor)",
        "supervisor1.t0001@scale.demo.local",
        "information_consultations",
        lambda user, cursor, limit: consultations.list_consultations(
            user, consultations.ConsultationFilters(), cursor=cursor, limit=limit
        ),
    ),
]


def _or_expansion(order: Any, values: list[Any], descending: bool) -> Any:
    """The keyset condition as it was written before: an OR of column comparisons."""
    clauses = []
    for position, column in enumerate(order):
        equal = [order[i] == values[i] for i in range(position)]
        beyond = column < values[position] if descending else column > values[position]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def _timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _page_statement(call: Callable[[], Any], table: str) -> tuple[str, Any]:
    """The page's own SELECT among the statements `call` sends."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    connection = db.session.connection()
    event.listen(connection, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(connection, "before_cursor_execute", keep)
    for statement, parameters in seen:
        if f"FROM {table}" in statement and "LIMIT" in statement:
            return statement, parameters
    raise SystemExit(f"no page statement on {table}")


def _explain(label: str, user: User, table: str, lister: Lister, depth: int, when: str) -> None:
    """Walk `lister` to `depth` rows, then print the deep page's plan and the page times."""
    cursor, walked = None, 0
    while walked < depth:
        page = lister(user, cursor, 200)
        walked += len(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    def first_page() -> Any:
        return lister(user, None, 50)

    def deep_page() -> Any:
        return lister(user, cursor, 50)

    statement, parameters = _page_statement(deep_page, table)
    plan = db.session.connection().exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON) " + statement, parameters
    )
    times: dict[str, list[float]] = {"first": [], "deep": []}
    for _ in range(7):
        times["first"].append(_timed(first_page))
        times["deep"].append(_timed(deep_page))
    print(f"## {label}: {walked} rows in ({when})")
    print(
        f"page of 50 (median of 7): first {statistics.median(times['first']):.1f} ms,"
        f" deep {statistics.median(times['deep']):.1f} ms"
    )
    for (line,) in plan:
        print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=20000)
    parser.add_argument("--before", action="store_true")
    args = parser.parse_args()
    if args.before:
        pagination._after = _or_expansion  # type: ignore[assignment]
    app = create_app()
    with app.app_context():
        for label, email, table, lister in LISTS:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                print(f"## {label}: no user {email}")
                continue
            _explain(label, user, table, lister, args.depth, "before" if args.before else "after")
        db.session.rollback()


if __name__ == "__main__":
    main()
