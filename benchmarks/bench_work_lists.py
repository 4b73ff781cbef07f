"""Time the work lists through the whole Flask stack on one or more databases, interleaved.

    python benchmarks/bench_work_lists.py --db 1k=postgresql://...pagesa_1k \
        --db 100k=postgresql://...pagesa_100k@/work/scale/keys-100k.json [--rounds 7] [--explain]

Each `--db` is `label=url`, optionally `@key-file` (else the development key file of the
instance folder, or CASEWORK_KEY_FILE). For each database it picks the busiest supervisor, case
manager and therapist, opens a browser session for each (a row in user_sessions: run it on a copy
you own, never on a shared database) and an API token, then requests every page of PAGES in
rounds, the databases interleaved page by page, and prints per page and database the median
time, the statements sent and the size of the answer; last, `ratio: X` = the worst page's time
on the first database / its time on the last (1.0: flat; the goal is >= 0.5).
With --explain it prints EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of each page on the
last database (PostgreSQL only; the statements are read-only SELECTs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from casework.app import create_app
from casework.auth.models import User
from casework.auth.services import create_api_token, start_session
from casework.db import db

#: (who, method, path, form)
PAGES: tuple[tuple[str, str, str, dict[str, str] | None], ...] = (
    ("supervisor", "GET", "/caseload", None),
    ("supervisor", "GET", "/caseload/cases?level=very_high", None),
    ("supervisor", "GET", "/caseload/cases?figure=without_contact", None),
    ("supervisor", "GET", "/api/v1/caseload-review", None),
    ("supervisor", "GET", "/supervision", None),
    ("supervisor", "GET", "/api/v1/supervision-records", None),
    ("supervisor", "GET", "/", None),
    ("manager", "GET", "/", None),
    ("manager", "POST", "/clients/search", {"family_name": "Kowalska", "birth_year": "1985"}),
    ("therapist", "GET", "/", None),
    ("therapist", "GET", "/agenda", None),
    ("therapist", "GET", "/my-clients", None),
    ("therapist", "GET", "/api/v1/tasks/mine", None),
)

#: The busiest member of each role: most open cases in their teams, managed, or enrolled.
BUSIEST = {
    "supervisor": """
        select s.user_id from team_supervisors s join cases c on c.team_id = s.team_id
        where c.state <> 'closed' group by s.user_id order by count(*) desc limit 1""",
    "manager": """
        select case_manager_id from cases where state <> 'closed' and case_manager_id is not null
        group by case_manager_id order by count(*) desc limit 1""",
    "therapist": """
        select practitioner_id from enrolments where practitioner_id is not null
        group by practitioner_id order by count(*) desc limit 1""",
}


@dataclass
class Site:
    label: str
    app: Flask
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    slowest: dict[str, tuple[float, str, Any]] = field(default_factory=dict)


def _site(spec: str) -> Site:
    label, _, rest = spec.partition("=")
    url, _, key_file = rest.partition("@/")
    saved = os.environ.get("CASEWORK_KEY_FILE")
    if key_file:
        os.environ["CASEWORK_KEY_FILE"] = "/" + key_file
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "CASEWORK_TWO_FACTOR_ROLES": frozenset(),
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
    finally:
        if saved is None:
            os.environ.pop("CASEWORK_KEY_FILE", None)
        else:
            os.environ["CASEWORK_KEY_FILE"] = saved
    site = Site(label, app)
    with app.app_context():
        for role, query in BUSIEST.items():
            user_id = db.session.scalar(text(query))
            if user_id is None:
                raise SystemExit(f"{label}: no {role} with work in this database")
            user = db.session.get(User, user_id)
            assert user is not None
            token = start_session(user, user_agent="bench_work_lists")
            site.tokens[role] = "Bearer " + create_api_token(user, name="bench_work_lists")[1]
            client = app.test_client()
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
            with client.session_transaction() as session:
                session["_user_id"] = token
                session["_fresh"] = True
            site.clients[role] = client
        db.session.commit()
    return site


def _request(site: Site, page: tuple[str, str, str, dict[str, str] | None]) -> None:
    who, method, path, form = page
    sent: list[tuple[float, str, Any]] = []
    started: dict[int, float] = {}

    def before(_conn, cursor, statement, parameters, *_rest) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(_conn, cursor, statement, parameters, *_rest) -> None:
        sent.append((time.perf_counter() - started.pop(id(cursor), 0.0), statement, parameters))

    client = site.clients[who]
    headers = {"Authorization": site.tokens[who]} if path.startswith("/api/") else {}
    with site.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        begin = time.perf_counter()
        if method == "POST":
            response = client.post(path, data=form, headers=headers)
        else:
            response = client.get(path, headers=headers)
        elapsed = time.perf_counter() - begin
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    if response.status_code != 200:
        raise SystemExit(f"{site.label} {method} {path}: HTTP {response.status_code}")
    key = f"{who:<10} {method} {path}"
    site.times.setdefault(key, []).append(elapsed)
    site.statements[key] = len(sent)
    site.sizes[key] = len(response.get_data())
    slowest = max(sent, default=(0.0, "", None), key=lambda item: item[0])
    if slowest[0] >= site.slowest.get(key, (0.0, "", None))[0]:
        site.slowest[key] = slowest


def _explain(site: Site) -> None:
    with site.app.app_context():
        engine = db.engine
        if engine.dialect.name != "postgresql":
            print("(--explain needs PostgreSQL)")
            return
        for key, (seconds, statement, parameters) in site.slowest.items():
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            print(f"\n## {key} — slowest statement {seconds * 1000:.1f} ms on {site.label}\n")
            with engine.connect() as connection:
                raw = connection.connection.dbapi_connection
                with raw.cursor() as cursor:  # type: ignore[union-attr]
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    print("\n".join(row[0] for row in cursor.fetchall()))
                raw.rollback()  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", action="append", required=True, help="label=url[@key-file]")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    sites = [_site(spec) for spec in args.db]
    for site in sites:  # once first: what a process loads once is not timed
        for page in PAGES:
            _request(site, page)
        site.times.clear()
    for _round in range(args.rounds):
        for page in PAGES:
            for site in sites if _round % 2 == 0 else reversed(sites):
                _request(site, page)
    width = max(len(key) for key in sites[0].times)
    print(f"{'page':<{width}}  " + "  ".join(f"{s.label:>24}" for s in sites))
    ratios = []
    for key in sites[0].times:
        medians = [statistics.median(site.times[key]) * 1000 for site in sites]
        cells = [
            f"{median:8.1f} ms {site.statements[key]:3d} st {site.sizes[key] / 1024:6.1f} KB"
            for median, site in zip(medians, sites, strict=True)
        ]
        print(f"{key:<{width}}  " + "  ".join(cells))
        ratios.append(medians[0] / medians[-1])
    if args.explain:
        _explain(sites[-1])
    print(f"ratio: {min(ratios):.2f}")


if __name__ == "__main__":
    main()
