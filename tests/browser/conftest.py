"""The browser-test harness: Debian's Chromium driven by Playwright against a real threaded server
on a throwaway migrated database, with axe-core on each main page and screenshots for review.

Chromium comes from Debian (`apt-get install -y chromium`, done here when missing); `playwright
install` is never used. The journeys run in the SQLite pass of the suite only (see README).
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from werkzeug.serving import make_server

from casework.auth.models import Language, Role
from casework.catalogue.services import sync_catalogue
from casework.db import db
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.database import throwaway_database
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def ensure_chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing; a clear failure if that fails."""
    if CHROMIUM.exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.fail("Chromium is missing at /usr/bin/chromium and apt-get is not available")
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [apt, "install", "-y", "--no-install-recommends", "chromium"]
    result = subprocess.run(install, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        subprocess.run([apt, "update"], env=environment, capture_output=True, check=False)
        result = subprocess.run(
            install, env=environment, capture_output=True, text=True, check=False
        )
    if result.returncode != 0 or not CHROMIUM.exists():
        pytest.fail(
            "the browser tests need Chromium: `apt-get install -y chromium` failed:\n"
            + result.stderr[-2000:]
        )
    return CHROMIUM


@dataclass
class LiveServer:
    url: str
    app: Any
    emails: dict[str, str]

    def group_run(self, name: str, *, capacity: int) -> str:
        """A group run starting today, facilitated by the facilitator (made through the service)."""
        from casework.auth.services import find_user
        from casework.clock import centre_today
        from casework.groups.services import runs as group_runs

        with self.app.app_context():
            facilitator = find_user(self.emails["facilitator"])
            run = group_runs.create_run(
                facilitator,
                name=name,
                service_code="support_group_fathers",
                capacity=capacity,
                starts_on=centre_today(),
                facilitator_ids=[facilitator.id],
            )
            db.session.commit()
            return str(run.id)


def _make_staff(app: Any) -> dict[str, str]:
    from casework.auth.services import create_user, get_or_create_team

    with app.app_context():
        team = get_or_create_team("Kraków Center for Families")
        people = {
            "manager": ("Magda Case-Manager", (Role.CASE_MANAGER,)),
            "therapist": ("Tomasz Therapist", (Role.THERAPIST,)),
            "supervisor": ("Sabina Supervisor", (Role.SUPERVISOR,)),
            "facilitator": ("Filip Facilitator", (Role.FACILITATOR,)),
            "consultant": ("Olena Consultant", (Role.CONSULTANT,)),
            "admin": ("Adam Admin", (Role.ADMIN,)),
        }
        emails = {}
        for key, (name, roles) in people.items():
            email = f"{key}@browser.test"
            create_user(
                email,
                display_name=name,
                roles=roles,
                password=PASSWORD,
                team=None if key == "admin" else team,
                language=Language.EN,
            )
            emails[key] = email
        db.session.commit()
        return emails


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a free port, threaded, against its own migrated database."""
    server_url = os.environ.get("CASEWORK_TEST_DATABASE_URL", "")
    with throwaway_database(server_url, tmp_path_factory.mktemp("browser-db")) as url:
        app = make_test_app(url, TESTING=False)
        with app.app_context(), db.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with app.app_context():
            sync_catalogue()
            db.session.commit()
        emails = _make_staff(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, emails)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One signed-in browser context with the checks every main page gets."""

    def __init__(self, browser: Any, server: LiveServer, *, locale: str = "en-GB") -> None:
        self.server = server
        self.context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )

    def go(self, path: str) -> Any:
        self.page.goto(self.server.url + path)
        return self.page

    def sign_in(self, who: str) -> None:
        self.go("/sign-in")
        self.page.fill("input[name=email]", self.server.emails[who])
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(self.server.url + "/")

    def check(self, name: str) -> None:
        """axe-core (no violation of any rule, whatever its impact), no CSP or script error, a
        screenshot."""
        from axe_playwright_python.sync_playwright import Axe

        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        results = Axe().run(self.page)
        blocking = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            for violation in results.response["violations"]
        ]
        assert not blocking, f"{name}: accessibility violations:\n" + "\n".join(blocking)
        assert not self.console_errors, f"{name}: console errors: {self.console_errors}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    opened: list[Visit] = []

    def open_visit(who: str | None = None, **options: Any) -> Visit:
        session = Visit(browser, live_server, **options)
        opened.append(session)
        if who:
            session.sign_in(who)
        return session

    yield open_visit
    for session in opened:
        session.close()
    # Let anything the server thread left behind be collected now, inside this browser test
    # (whose marks tolerate it), not during whichever test happens to run next.
    gc.collect()
