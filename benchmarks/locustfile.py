"""The day of a centre, as load: staff of the generated teams doing their usual pages and writes.

    locust -f benchmarks/locustfile.py --headless -u 40 -r 4 -t 60s --host http://127.0.0.1:8000

Against a centre made by `flask demo --scale N` (accounts `<job><n>.t<team>@scale.demo.local`,
password `casework-demo`, or LOCUST_PASSWORD). `benchmarks/run_load.sh` starts gunicorn on a
copy of such a database and runs this file. Each simulated person signs in once (the form, with
its CSRF token) as an account of their own, spread over the teams (LOCUST_TEAMS, default 50:
100,000 clients at 2,000 a team), then works:

- case managers (2 a team): my work, their cases (list, API), a case page, a client page, a
  client search, the agenda; adds a goal to a case's plan;
- therapists (3 a team): the agenda, their clients, an appointment page; writes a draft note;
- supervisors (1 a team): the caseload review (page and API), a case of the team, supervision;
- information consultants (1 a team): their consultations; logs a consultation;
- one `/healthz` poller, whose p95 the wrapper compares with the mix.

Proportions follow a generated team (1 supervisor, 2 case managers, 3 therapists, 1 consultant;
the facilitator's group pages are in the case managers' round). Two-factor sign-in must be off
for supervisors in the load run (CASEWORK_TWO_FACTOR_ROLES empty): a load tool has no phone.
No client data goes into a URL or a request name: ids only, grouped under one name per page.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import statistics
import time
from datetime import date

from locust import HttpUser, between, constant, events, task
from requests.cookies import RequestsCookieJar

PASSWORD = os.environ.get("LOCUST_PASSWORD", "casework-demo")
TEAMS = int(os.environ.get("LOCUST_TEAMS", "50"))
DOMAIN = "scale.demo.local"
ACCOUNTS_PER_TEAM = {"casemanager": 2, "therapist": 3, "supervisor": 1, "consultant": 1}

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
CASE_LINK = re.compile(rf'href="/cases/({UUID})"')
CLIENT_LINK = re.compile(rf'href="/clients/({UUID})"')
APPOINTMENT_LINK = re.compile(rf'href="/appointments/({UUID})"')
TOPIC = re.compile(r'name="topics"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="topics"')
LANGUAGE_OPTION = re.compile(r'<select[^>]*name="language".*?<option[^>]*value="([^"]+)"', re.S)

_next_account = {job: itertools.count() for job in ACCOUNTS_PER_TEAM}


def account(job: str) -> str:
    """The next account of `job`, team after team, so that simultaneous users are different
    people spread over the centre."""
    number = next(_next_account[job])
    team, within = divmod(number, ACCOUNTS_PER_TEAM[job])
    return f"{job}{within + 1}.t{team % TEAMS + 1:04d}@{DOMAIN}"


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return next((group for group in match.groups() if group), None) if match else None


class LocalhostCookies(RequestsCookieJar):
    """The session cookie is Secure (production mode); browsers send such cookies to
    http://localhost, a secure context, and this load talks to gunicorn without TLS: cookies are
    kept as not Secure so that `requests` sends them back over http."""

    def set_cookie(self, cookie, *args, **kwargs):  # type: ignore[no-untyped-def]
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


#: Response times in ms: /healthz, sign-in, and the mix (everything else), with failures.
_times: dict[str, list[float]] = {"healthz": [], "sign-in": [], "mix": []}
_failures: dict[str, int] = {"healthz": 0, "sign-in": 0, "mix": 0}
_clock = {"started": 0.0, "stopped": 0.0}


def _kind(name: str) -> str:
    if name == "/healthz":
        return "healthz"
    return "sign-in" if name.startswith("/sign-in") else "mix"


@events.request.add_listener
def _record(name: str, response_time: float, exception: object = None, **_kw: object) -> None:
    kind = _kind(name)
    _times[kind].append(response_time)
    if exception is not None:
        _failures[kind] += 1


@events.test_start.add_listener
def _started(**_kw: object) -> None:
    _clock["started"] = time.monotonic()


@events.test_stop.add_listener
def _summary(**_kw: object) -> None:
    """One block the wrapper prints: throughput, percentiles, errors, the p95 yardstick."""
    seconds = max(time.monotonic() - _clock["started"], 1e-9)
    print("load summary")
    for kind, values in _times.items():
        if not values:
            print(f"  {kind}: no requests")
            continue
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        print(
            f"  {kind}: {len(values)} requests, {len(values) / seconds:.1f}/s, "
            f"p50 {cuts[49]:.0f} ms, p95 {cuts[94]:.0f} ms, p99 {cuts[98]:.0f} ms, "
            f"errors {_failures[kind]}"
        )
    if _times["mix"] and _times["healthz"]:
        mix = statistics.quantiles(_times["mix"], n=100, method="inclusive")[94]
        health = statistics.quantiles(_times["healthz"], n=100, method="inclusive")[94]
        print(f"  mix p95 / healthz p95: {mix / max(health, 1e-9):.1f} (goal <= 3)")
    print(f"  errors: {sum(_failures.values())} (goal 0)")


class Staff(HttpUser):
    abstract = True
    job = ""
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.client.cookies = LocalhostCookies()
        self.token = ""
        self.cases: list[str] = []
        self.clients: list[str] = []
        email = account(self.job)
        page = self.client.get("/sign-in", name="/sign-in").text
        response = self.client.post(
            "/sign-in",
            data={"email": email, "password": PASSWORD, "csrf_token": _first(CSRF, page)},
            allow_redirects=False,
            name="/sign-in [POST]",
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in of {email} answered {response.status_code}")
        # The session is new after sign-in: the token comes from a page of the new session.
        self.token = _first(CSRF, self.client.get("/account", name="/account").text) or ""

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response.text or ""

    def post(self, path: str, name: str, data: dict[str, object]) -> None:
        """A form post: success is the redirect after a write (a 200 is the form with errors)."""
        with self.client.post(
            path,
            data={**data, "csrf_token": self.token},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (302, 303):
                response.failure(f"HTTP {response.status_code}")

    def learn_cases(self, text: str) -> None:
        found = CASE_LINK.findall(text)
        if found:
            self.cases = list(dict.fromkeys(found))[:30]


class CaseManager(Staff):
    job = "casemanager"
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.learn_cases(self.page("/cases", "/cases"))

    @task(4)
    def my_work(self) -> None:
        self.learn_cases(self.page("/", "my work /"))

    @task(2)
    def cases_list(self) -> None:
        self.learn_cases(self.page("/cases", "/cases"))

    @task(1)
    def cases_api(self) -> None:
        self.page("/api/v1/cases", "/api/v1/cases")

    @task(4)
    def case_page(self) -> None:
        if self.cases:
            text = self.page(f"/cases/{random.choice(self.cases)}", "/cases/<id>")
            self.clients = CLIENT_LINK.findall(text)[:5] or self.clients

    @task(2)
    def client_page(self) -> None:
        if self.clients:
            self.page(f"/clients/{random.choice(self.clients)}", "/clients/<id>")

    @task(1)
    def search(self) -> None:
        # The surname of a generated client is not known here: a search by birth year and a
        # surname that matches no one costs the same lookups as a hit without its rows.
        self.post_search()

    def post_search(self) -> None:
        with self.client.post(
            "/clients/search",
            data={"family_name": "Kowalska", "birth_year": "1980", "csrf_token": self.token},
            name="/clients/search [POST]",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(1)
    def agenda(self) -> None:
        self.page("/agenda", "/agenda")

    @task(1)
    def groups(self) -> None:
        self.page("/groups", "/groups")

    @task(1)
    def add_goal(self) -> None:
        if self.cases:
            case = random.choice(self.cases)
            self.post(
                f"/cases/{case}/goals",
                "/cases/<id>/goals [POST]",
                {"goal-text": "Ćwiczenie rozmowy o potrzebach raz w tygodniu."},
            )


class Therapist(Staff):
    job = "therapist"
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.appointments: list[str] = []
        self.agenda()

    @task(4)
    def agenda(self) -> None:
        text = self.page("/agenda", "/agenda")
        self.appointments = list(dict.fromkeys(APPOINTMENT_LINK.findall(text)))[:20]

    @task(2)
    def my_clients(self) -> None:
        self.learn_cases(self.page("/my-clients", "/my-clients"))

    @task(2)
    def my_work(self) -> None:
        self.page("/", "my work /")

    @task(3)
    def appointment(self) -> None:
        if self.appointments:
            path = f"/appointments/{random.choice(self.appointments)}"
            self.page(path, "/appointments/<id>")

    @task(2)
    def case_page(self) -> None:
        if self.cases:
            self.page(f"/cases/{random.choice(self.cases)}", "/cases/<id>")

    @task(1)
    def write_note(self) -> None:
        if self.appointments:
            self.post(
                f"/appointments/{random.choice(self.appointments)}",
                "/appointments/<id> [POST note]",
                {
                    "kind": "progress",
                    "body": "Sesja: rozmowa o komunikacji w parze, ustalenia na kolejny tydzień.",
                },
            )


class Supervisor(Staff):
    job = "supervisor"
    weight = 1

    @task(3)
    def caseload(self) -> None:
        self.learn_cases(self.page("/caseload", "/caseload"))

    @task(2)
    def caseload_api(self) -> None:
        self.page("/api/v1/caseload-review", "/api/v1/caseload-review")

    @task(2)
    def case_page(self) -> None:
        if self.cases:
            self.page(f"/cases/{random.choice(self.cases)}", "/cases/<id>")

    @task(1)
    def supervision(self) -> None:
        self.page("/supervision", "/supervision")

    @task(1)
    def my_work(self) -> None:
        self.page("/", "my work /")


class Consultant(Staff):
    job = "consultant"
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        form = self.page("/consultations/new", "/consultations/new")
        self.topic = _first(TOPIC, form)
        self.language = _first(LANGUAGE_OPTION, form) or "pl"

    @task(3)
    def consultations(self) -> None:
        self.page("/consultations", "/consultations")

    @task(1)
    def my_work(self) -> None:
        self.page("/", "my work /")

    @task(2)
    def log_consultation(self) -> None:
        if self.topic:
            self.post(
                "/consultations/new",
                "/consultations/new [POST]",
                {
                    "client": "",
                    "topics": self.topic,
                    "duration_minutes": 15,
                    "channel": "in_person",
                    "language": self.language,
                    "consulted_on": date.today().isoformat(),
                },
            )


class Health(HttpUser):
    """A load balancer's liveness probe: its p95 is the yardstick of the mix's p95."""

    fixed_count = 1
    wait_time = constant(0.5)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")
