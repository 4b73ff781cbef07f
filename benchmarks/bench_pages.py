"""Every main page at 1,000 clients and at N: time through the full Flask stack and statements.

    .venv/bin/python benchmarks/bench_pages.py /work/scale/scale_1k.env /work/scale/scale_100k.env
        [--repeat 15]

Each argument is an environment file of a generated centre (`flask demo --scale N`, see
casework/demo/scale): DATABASE_URL and the keys (CASEWORK_KEY_FILE or CASEWORK_MASTER_KEYS). The
first is the baseline (1k), the last the big one (N).

Nothing reaches those databases: each staff member's visit runs in one transaction that is
rolled back at its end (the app's sessions bound to it, each request's commit a savepoint), so
sign-ins, audit events and the coordinator made for `/reports` vanish. Per database, the test
client signs in as members of the first generated team (case manager, therapist, supervisor,
information consultant, and a coordinator) and asks for their usual pages; the case and client
pages are the case manager's first active case and its client. Each page is warmed twice, then
asked `--repeat` times (fewer, at least 3, when the slowest database would take more than
`--budget` seconds) on every database in turn (who goes first alternating), so that noise
from other processes hits all alike; figures are medians. Statements are counted on one request.

Prints a table, then `ratio: X` = the worst page's time at 1k / its time at N (goal >= 0.5:
every page within 2x of its time at 1,000 clients).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, select

from casework import create_app
from casework.auth.models import Role
from casework.auth.services import find_user
from casework.cases.models import Case, CaseState
from casework.clients.models import Client
from casework.crypto.keyfile import load_key_material
from casework.db import db
from casework.demo.scale import staff_email
from tests.factories import PASSWORD, make_user

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
#: The password of every generated account (`generate(..., password=...)`'s default).
SCALE_PASSWORD = "casework-demo"  # noqa: S105
#: Seconds after which one warm-up request is enough.
SLOW = 5.0


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # casemanager, therapist, supervisor, consultant, coordinator
    path: str  # `{case}` and `{client}` filled per database
    form: dict[str, str] | None = None  # a POST (with the CSRF token of the form on `path`)


PAGES = (
    Page("my work /", "casemanager", "/"),
    Page("/cases", "casemanager", "/cases"),
    Page("/api/v1/cases", "casemanager", "/api/v1/cases"),
    Page("client search (surname, year)", "casemanager", "/clients/search", form={}),
    Page("case page", "casemanager", "/cases/{case}"),
    Page("client page", "casemanager", "/clients/{client}"),
    Page("/groups", "casemanager", "/groups"),
    Page("/agenda (case manager)", "casemanager", "/agenda"),
    Page("/agenda (therapist)", "therapist", "/agenda"),
    Page("/my-clients (therapist)", "therapist", "/my-clients"),
    Page("/caseload", "supervisor", "/caseload"),
    Page("/api/v1/caseload-review", "supervisor", "/api/v1/caseload-review"),
    Page("/supervision", "supervisor", "/supervision"),
    Page("/consultations", "consultant", "/consultations"),
    Page("/reports", "coordinator", "/reports"),
)


def read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


@dataclass
class Centre:
    """One generated database, its app, and the test clients signed in as each member."""

    name: str
    app: Flask
    connection: Connection | None = None
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    fill: dict[str, str] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)
    statements: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, env_file: Path) -> Centre:
        env = read_env(env_file)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                "SECRET_KEY": "bench-pages-secret-key-long-enough-for-anything",
                "CASEWORK_ENV": "testing",
                "CASEWORK_KEY_MATERIAL": load_key_material(env, production=False),
                "CASEWORK_TWO_FACTOR_ROLES": frozenset(),
            }
        )
        return cls(env_file.stem, app)

    @contextmanager
    def visit(self) -> Iterator[None]:
        """One transaction for the whole run, rolled back: the database is left as it was."""
        with self.app.app_context():
            connection = db.engine.connect()
        transaction = connection.begin()
        self.connection = connection
        event.listen(connection, "before_cursor_execute", self._count)
        try:
            with db.bound_to(self.app, connection):
                self._prepare()
                yield
        finally:
            transaction.rollback()
            connection.close()
            with self.app.app_context():
                db.engine.dispose()

    def _count(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    def _prepare(self) -> None:
        with self.app.app_context():
            manager = find_user(staff_email("casemanager", 0, 1))
            assert manager is not None, "no generated team in this database"
            case = db.session.scalar(
                select(Case)
                .where(Case.case_manager_id == manager.id, Case.state == CaseState.ACTIVE)
                .order_by(Case.reference)
                .limit(1)
            )
            assert case is not None, "the first case manager has no active case"
            client = db.session.get(Client, case.primary_client_id)
            assert client is not None
            self.fill = {"case": str(case.id), "client": str(client.id)}
            self.search = {
                "family_name": client.family_name or "",
                "birth_year": str(client.birth_year or ""),
            }
            coordinator = make_user(roles=(Role.COORDINATOR,), team=manager.team)
            db.session.commit()
            coordinator_email = coordinator.email
        emails = {
            job: staff_email(job, 0, 1)
            for job in ("casemanager", "therapist", "supervisor", "consultant")
        }
        emails["coordinator"] = coordinator_email
        for who, email in emails.items():
            client = self.app.test_client()
            password = PASSWORD if who == "coordinator" else SCALE_PASSWORD
            token = _csrf(client.get("/sign-in").get_data(as_text=True))
            response = client.post(
                "/sign-in", data={"email": email, "password": password, "csrf_token": token}
            )
            assert response.status_code == 302, f"{who} could not sign in on {self.name}"
            self.clients[who] = client

    def request(self, page: Page) -> tuple[float, int]:
        """Seconds and statements of one request for `page` (200 required)."""
        client = self.clients[page.who]
        path = page.path.format(**self.fill)
        data = None
        if page.form is not None:
            token = _csrf(client.get(path).get_data(as_text=True))
            data = {**self.search, **page.form, "csrf_token": token}
        self.statements.clear()
        started = time.perf_counter()
        response = client.get(path) if data is None else client.post(path, data=data)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{page.label} on {self.name}: HTTP {response.status_code}")
        return seconds, len(self.statements)


def _csrf(page: str) -> str:
    match = _CSRF.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("env_files", nargs="+", type=Path, help="1k first, N last")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds a page's rounds may take, about"
    )
    parser.add_argument("--only", help="only pages whose label contains this")
    arguments = parser.parse_args()
    centres = [Centre.open(path) for path in arguments.env_files]
    pages = [p for p in PAGES if not arguments.only or arguments.only in p.label]
    ratios: list[tuple[float, str]] = []
    names = [centre.name for centre in centres]
    print(f"{'page':32}" + "".join(f"{name:>24}" for name in names) + "   1k/N")
    with ExitStack() as stack:
        for centre in centres:
            stack.enter_context(centre.visit())
        for page in pages:
            slowest = 0.0
            for centre in centres:  # warm
                first, _ = centre.request(page)
                if first < SLOW:
                    first, _ = centre.request(page)
                slowest = max(slowest, first)
            # A page taking seconds gets fewer rounds (at least 3), so that a run ends.
            rounds = max(3, min(arguments.repeat, int(arguments.budget / max(slowest, 1e-3))))
            times: dict[str, list[float]] = {name: [] for name in names}
            statements: dict[str, int] = {}
            for round_number in range(rounds):
                order = centres if round_number % 2 == 0 else centres[::-1]
                for centre in order:
                    seconds, count = centre.request(page)
                    times[centre.name].append(seconds)
                    statements[centre.name] = count
            medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
            ratio = medians[names[0]] / medians[names[-1]]
            ratios.append((ratio, page.label))
            cells = "".join(f"{medians[name]:>12.1f} ms {statements[name]:>3} st" for name in names)
            print(f"{page.label:32}{cells}   {ratio:.2f}  ({rounds} rounds)", flush=True)
    worst, label = min(ratios)
    print(f"worst page: {label}")
    print(f"ratio: {worst:.2f}")


if __name__ == "__main__":
    main()
