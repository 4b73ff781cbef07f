"""Client import of a 10,000-row XLSX file with 3% bad rows: preview, import, second run.

    .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--database-url URL]

Runs on a throwaway SQLite file, or on PostgreSQL in its own throwaway database when
`--database-url` or DATABASE_URL names a server (VACUUM ANALYZE after the bulk load). Prints the
bad rows with their reasons (the first 10 and a count), then rows per second for the preview,
the import of the good rows, and the second run (which must import nobody).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command
from sqlalchemy import func, select, text

from casework.auth.models import Role
from casework.clients.models import Client
from casework.db import db
from casework.imports import services
from casework.imports.reading import read_sheet
from casework.migrate import alembic_config
from tests.conftest import make_test_app
from tests.database import throwaway_database
from tests.factories import make_user
from tests.imports.sheets import MAPPING, bad_row, good_row, xlsx


def _sheet_bytes(rows: int) -> tuple[bytes, int]:
    """`rows` rows, every 33rd bad (3%)."""
    table, bad = [], 0
    for number in range(rows):
        if number % 33 == 32:
            table.append(bad_row(number)[0])
            bad += 1
        else:
            table.append(good_row(number))
    return xlsx(table), bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    content, bad = _sheet_bytes(args.rows)
    print(f"file: {args.rows} rows, {bad} bad, {len(content) / 2**20:.2f} MB XLSX")
    with throwaway_database(args.database_url, Path(".")) as url:
        app = make_test_app(url)
        with app.app_context(), db.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        print(f"database: {url.split(':')[0]}")
        with app.app_context():
            user = make_user(roles=(Role.CASE_MANAGER,))
            db.session.commit()

            started = time.perf_counter()
            sheet = read_sheet(content, "xlsx")
            preview = services.preview_rows(user, "clients", sheet, MAPPING)
            took = time.perf_counter() - started
            assert len(preview.bad) == bad, (len(preview.bad), bad)
            print(f"preview: {len(preview.bad)} bad rows listed, nothing written")
            for row in preview.bad[:10]:
                print(f"  row {row.number}: " + "; ".join(p.english() for p in row.problems))
            print(f"preview: {args.rows / took:,.0f} rows/s ({took:.1f} s)")
            db.session.rollback()

            started = time.perf_counter()
            run = services.import_rows(
                user, "clients", read_sheet(content, "xlsx"), MAPPING, only_good_rows=True
            )
            db.session.commit()
            took = time.perf_counter() - started
            print(f"import: {run.imported} imported, {run.rejected} left out")
            print(f"import: {args.rows / took:,.0f} rows/s ({took:.1f} s)")
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
                    raw.execute(text("VACUUM ANALYZE"))

            clients = db.session.scalar(select(func.count()).select_from(Client))
            started = time.perf_counter()
            again = services.import_rows(
                user, "clients", read_sheet(content, "xlsx"), MAPPING, only_good_rows=True
            )
            db.session.commit()
            took = time.perf_counter() - started
            assert again.imported == 0
            assert db.session.scalar(select(func.count()).select_from(Client)) == clients
            print(f"second run: 0 imported, {again.already_imported} already imported")
            print(f"second run: {args.rows / took:,.0f} rows/s ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
