"""Time and SQL statements of the detail pages at two database sizes, through the whole Flask
stack: the case page, its printable summary, the case's API detail, the client page, a group
run's page and a consultation's page.

Usage (from the worktree whose code is measured; the page reads write audit events, so point it
at copies, never at shared databases):

    set -a; . /work/scale/scale_1k.env; set +a      # for CASEWORK_KEY_FILE
    python benchmarks/bench_detail_pages.py postgresql:///copy_1k postgresql:///copy_100k

Each database gets its own app; the two are interleaved in chunks (`--chunk` requests of every
page on one, then on the other, `--rounds` times) so that drift of a shared machine hits both
alike. Printed per page and size: the median time of a request, its statements, and last
`ratio: X` = the worst page's time at the first size / its time at the second.

The objects are the busiest of their kind (the case with the most notes, the run with the most
members, the consultant's newest consultation with a visitor), each seen by the member of staff
who works with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from typing import Any

sys.path.insert(0, os.getcwd())  # the code of the worktree this runs from

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from casework import create_app
from casework.db import db

PASSWORD = os.environ.get("BENCH_PASSWORD", "casework-demo")

_PICKS = {
    "case": """
        select n.case_id, u.email from session_notes n
        join cases c on c.id = n.case_id join users u on u.id = c.case_manager_id
        where u.is_enabled group by n.case_id, u.email order by count(*) desc, n.case_id limit 1""",
    "client": "select primary_client_id from cases where id = :case",
    "run": """
        select e.run_id, u.email from group_enrolments e
        join group_facilitators f on f.run_id = e.run_id join users u on u.id = f.user_id
        where u.is_enabled group by e.run_id, u.email order by count(*) desc, e.run_id limit 1""",
    "consultation": """
        select c.id, u.email from information_consultations c
        join users u on u.id = c.consultant_id where c.client_id is not null and u.is_enabled
        order by c.consulted_on desc, c.id limit 1""",
}


class Site:
    """One database's app, the pages to fetch there, and a signed-in browser per viewer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.app: Flask = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench-secret-key-long-enough-for-production",
                "WTF_CSRF_ENABLED": False,
                "CASEWORK_TWO_FACTOR_ROLES": frozenset(),
            }
        )
        self.statements = 0
        with self.app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._count)
            case_id, manager = db.session.execute(text(_PICKS["case"])).one()
            (client_id,) = db.session.execute(text(_PICKS["client"]), {"case": case_id}).one()
            run_id, facilitator = db.session.execute(text(_PICKS["run"])).one()
            consultation_id, consultant = db.session.execute(text(_PICKS["consultation"])).one()
            self.notes = db.session.execute(
                text("select count(*) from session_notes where case_id = :c"), {"c": case_id}
            ).scalar()
            self.clients = db.session.execute(text("select count(*) from clients")).scalar()
            db.session.rollback()
        self.pages = {
            "case page": (manager, f"/cases/{case_id}"),
            "case summary": (manager, f"/cases/{case_id}/summary"),
            "case API": (manager, f"/api/v1/cases/{case_id}"),
            "client page": (manager, f"/clients/{client_id}"),
            "group run page": (facilitator, f"/groups/{run_id}"),
            "consultation page": (consultant, f"/consultations/{consultation_id}"),
        }
        self.browsers: dict[str, FlaskClient] = {}
        for email, _ in self.pages.values():
            if email not in self.browsers:
                browser = self.app.test_client()
                response = browser.post("/sign-in", data={"email": email, "password": PASSWORD})
                if response.status_code != 302:
                    raise SystemExit(f"{url}: cannot sign in as {email} ({response.status_code})")
                self.browsers[email] = browser

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements += 1
        if os.environ.get("BENCH_SHOW_STATEMENTS"):
            print("   ", " ".join(statement.split())[:160])

    def fetch(self, page: str) -> tuple[float, int]:
        email, path = self.pages[page]
        before = self.statements
        started = time.perf_counter()
        response = self.browsers[email].get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{self.url}{path}: {response.status_code}")
        return elapsed, self.statements - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small")
    parser.add_argument("large")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=5)
    args = parser.parse_args()
    sites = [Site(args.small), Site(args.large)]
    times: dict[tuple[int, str], list[float]] = defaultdict(list)
    counts: dict[tuple[int, str], set[int]] = defaultdict(set)
    for site in sites:  # warm up: templates, catalogue, keys
        for page in site.pages:
            site.fetch(page)
    for _ in range(args.rounds):
        for index, site in enumerate(sites):
            for page in site.pages:
                for _ in range(args.chunk):
                    elapsed, statements = site.fetch(page)
                    times[(index, page)].append(elapsed)
                    counts[(index, page)].add(statements)
    for index, site in enumerate(sites):
        print(f"size {index + 1}: {site.clients} clients; the case has {site.notes} notes")
    print(f"{'page':20} {'ms small':>9} {'ms large':>9} {'stmts small':>12} {'stmts large':>12}")
    worst = None
    for page in sites[0].pages:
        small, large = (statistics.median(times[(i, page)]) * 1000 for i in (0, 1))
        statements = ["/".join(str(n) for n in sorted(counts[(i, page)])) for i in (0, 1)]
        print(f"{page:20} {small:9.1f} {large:9.1f} {statements[0]:>12} {statements[1]:>12}")
        ratio = small / large
        worst = ratio if worst is None else min(worst, ratio)
    print(f"ratio: {worst:.2f}")


if __name__ == "__main__":
    main()
