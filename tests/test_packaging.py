"""Building the package compiles the translations: a wheel built from a checkout that holds no
.mo file carries them, and the app installed from it serves Polish and Ukrainian pages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.database import is_postgres

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("pl", "en", "uk")
#: Renders the sign-in page in each language with the installed package (not the checkout).
RENDER = """
import sys, casework
assert casework.__file__.startswith(sys.argv[1]), casework.__file__
from casework import create_app
app = create_app({
    "CASEWORK_ENV": "development",
    "CASEWORK_INSTRUMENTS_DIR": sys.argv[2] + "/instruments",
    "CASEWORK_REPORTS_DIR": sys.argv[2] + "/reports",
})
client = app.test_client()
for language in ("pl", "uk", "en"):
    page = client.get("/sign-in", headers={"Accept-Language": language})
    assert page.status_code == 200, page.status_code
    title = page.get_data(as_text=True).split("<title>", 1)[1].split("</title>", 1)[0]
    print(language, title)
"""


@pytest.mark.packaging
def test_a_built_wheel_carries_compiled_translations_and_serves_them(tmp_path: Path) -> None:
    if is_postgres(os.environ.get("CASEWORK_TEST_DATABASE_URL", "")):
        pytest.skip("the wheel does not depend on the database; the SQLite pass builds it")
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("*.mo", "__pycache__", "*.pyc")
    for package in ("casework", "assessments"):
        shutil.copytree(ROOT / package, source / package, ignore=ignore)
    assert not list(source.rglob("*.mo"))

    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), "."],
        cwd=source,
        check=True,
        timeout=120,
    )
    (wheel,) = wheels.glob("casework-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for language in LANGUAGES:
        assert f"casework/translations/{language}/LC_MESSAGES/messages.mo" in names

    site = tmp_path / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        timeout=120,
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(site),
        "CASEWORK_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    rendered = subprocess.run(
        [sys.executable, "-c", RENDER, str(site), str(ROOT)],
        cwd=tmp_path,  # not the checkout: its casework must not be the one imported
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rendered.returncode == 0, rendered.stderr
    titles = dict(line.split(" ", 1) for line in rendered.stdout.splitlines())
    assert titles == {
        "pl": "Zaloguj się · casework",
        "uk": "Увійти · casework",
        "en": "Sign in · casework",
    }
