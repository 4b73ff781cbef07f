"""Set everything up and run casework, or its tests. Needs only Python 3.11.

    python3.11 scripts/dev.py serve   # venv, install, migrate, demo data, serve on :5000
    python3.11 scripts/dev.py test    # venv, install, the suite on SQLite then PostgreSQL

The PostgreSQL run uses CASEWORK_TEST_POSTGRES_URL (default: postgres on 127.0.0.1:5432);
each run creates its own database there and drops it. `test --sqlite-only` skips it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".casework-installed"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def fail(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr)
    raise SystemExit(1)


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(arg) for arg in args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def setup() -> None:
    """Create .venv and install the project into it when pyproject.toml changed."""
    if sys.version_info < (3, 11):
        fail(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        say("creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        say("installing casework and its dependencies")
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test,dev]")
        STAMP.write_text(wanted)
    translations = ROOT / "casework" / "translations"
    if translations.exists():
        run(BIN / "pybabel", "compile", "--statistics", "-d", translations)


def service_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("CASEWORK_ENV", "development")
    env["FLASK_APP"] = "wsgi"
    return env


def serve() -> None:
    setup()
    env = service_env()
    say("migrating the database")
    run(BIN / "flask", "db", "upgrade", env=env)
    say("creating the demo centre")
    run(BIN / "flask", "demo", env=env)
    say("serving on http://127.0.0.1:5000 (Ctrl+C stops)")
    os.chdir(ROOT)
    flask = str(BIN / "flask")
    os.execve(flask, [flask, "run", "--host", "127.0.0.1", "--port", "5000"], env)


def postgres_reachable(url: str) -> bool:
    probe = "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()"
    result = subprocess.run(
        [str(BIN / "python"), "-c", probe, url], capture_output=True, check=False
    )
    return result.returncode == 0


def ensure_postgres(url: str) -> None:
    """Start the local cluster when it is installed but stopped; fail clearly if unreachable."""
    if postgres_reachable(url):
        return
    clusters = Path("/etc/postgresql")
    if clusters.is_dir() and shutil.which("pg_ctlcluster"):
        for version in sorted(p.name for p in clusters.iterdir()):
            say(f"starting the local PostgreSQL {version} cluster")
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
            )
        if postgres_reachable(url):
            return
    fail(f"PostgreSQL is not reachable at {url}; start it or set CASEWORK_TEST_POSTGRES_URL")


def test(args: list[str]) -> None:
    setup()
    sqlite_only = "--sqlite-only" in args
    pytest_args = [arg for arg in args if arg != "--sqlite-only"]
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("CASEWORK_TEST_DATABASE_URL", None)
    say("test suite on SQLite")
    run(BIN / "python", "-m", "pytest", *pytest_args, env=env)
    if sqlite_only:
        return
    url = os.environ.get("CASEWORK_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    ensure_postgres(url)
    say("test suite on PostgreSQL")
    run(BIN / "python", "-m", "pytest", *pytest_args, env=env | {"CASEWORK_TEST_DATABASE_URL": url})


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("serve", "test", "setup"):
        fail("usage: python3.11 scripts/dev.py serve | test [--sqlite-only] [pytest args] | setup")
    command, rest = argv[0], argv[1:]
    if command == "serve":
        serve()
    elif command == "test":
        test(rest)
    else:
        setup()


if __name__ == "__main__":
    main(sys.argv[1:])
