"""`generate`: fill an empty, migrated database with a large synthetic centre, fast.

Staff and teams first (one team per ~2,000 clients), then each team's clients and everything
around them, made by worker processes and written with COPY (PostgreSQL) or executemany
(SQLite), one transaction per team; the audit events of every team are chained by this process
onto the existing chain, and the head moved once at the end.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import has_app_context
from sqlalchemy import Engine, create_engine, text

from casework.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, password_problem
from casework.crypto.chain import GENESIS_MAC, canonical_event_bytes, event_mac
from casework.crypto.errors import KeyConfigError
from casework.crypto.keycheck import verify_key_checks
from casework.crypto.keyfile import load_key_material
from casework.crypto.keys import INITIAL_KEY_ID, KeyMaterial
from casework.db import utcnow
from casework.demo.scale import sink, templates
from casework.demo.scale.team import (
    Settings,
    Staff,
    TeamPlan,
    TeamRows,
    make_team,
    plan_kinds,
    team_sizes,
)
from casework.demo.services import DEFAULT_DEMO_PASSWORD
from casework.migrate import alembic_config

Progress = Callable[[str, int, int], None]

STAFF_DOMAIN = "scale.demo.local"
CLIENTS_PER_TEAM = 2000
#: The share of clients whose case reached care (active, on hold or closed; demo proportions).
CARE_SHARE = 0.68
START_OVER = (
    "to start over, drop and re-create the database, run `flask db upgrade`, then generate again"
)


class ScaleError(Exception):
    """The database cannot take a generated centre (not migrated, or not empty of one)."""


@dataclass
class ScaleReport:
    """What was written: rows per table, and seconds per phase."""

    clients: int
    teams: int = 0
    staff: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    #: Seconds the team workers spent making rows and writing them (summed over workers).
    worker_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def lines(self) -> list[str]:
        """The report as text: phases, then tables, with rows per second."""
        total = self.total_seconds or 1e-9
        out = [
            f"clients: {self.clients}  teams: {self.teams}  staff: {self.staff}",
            f"rows: {self.rows}  seconds: {self.total_seconds:.1f}  "
            f"rows/s: {self.rows / total:,.0f}  clients/s: {self.clients / total:,.0f}",
        ]
        out += [f"phase {name}: {seconds:.1f} s" for name, seconds in self.seconds.items()]
        out += [f"workers {name}: {seconds:.1f} s" for name, seconds in self.worker_seconds.items()]
        out += [f"table {name}: {count}" for name, count in sorted(self.counts.items())]
        return out


def _engine(engine_or_url: Engine | str) -> Engine:
    return create_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url


def _keys(keys: KeyMaterial | None) -> KeyMaterial:
    if keys is not None:
        return keys
    if has_app_context():
        from casework.crypto.keystore import key_material

        return key_material()
    return load_key_material(os.environ)


def check_database(engine: Engine) -> None:
    """Refuse a database that is not at the newest migration, or already holds a generated
    centre."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        if current != heads:
            raise ScaleError(
                "the database is not migrated to the newest schema; run `flask db upgrade` first"
            )
        staff = connection.scalar(
            text("SELECT count(*) FROM users WHERE email LIKE :pattern"),
            {"pattern": f"%@{STAFF_DOMAIN}"},
        )
    if staff:
        raise ScaleError(
            f"this database already holds a generated centre ({staff} staff accounts "
            f"@{STAFF_DOMAIN}); {START_OVER}"
        )


def generate(
    engine_or_url: Engine | str,
    clients: int,
    *,
    notes_per_client: int = 10,
    seed: int = 1,
    progress: Progress | None = None,
    keys: KeyMaterial | None = None,
    password: str = DEFAULT_DEMO_PASSWORD,
    clients_per_team: int = CLIENTS_PER_TEAM,
    workers: int | None = None,
) -> ScaleReport:
    """Write `clients` synthetic clients with cases, care, notes, programmes and audit events.

    `keys` default to the current app's, else the environment's (`CASEWORK_KEY_FILE` or
    `CASEWORK_MASTER_KEYS`). Every generated staff account signs in with `password`. `workers`
    processes make the teams on PostgreSQL (default: one per CPU, and none below 5,000
    clients); SQLite is written from this process.
    """
    if clients < 1:
        raise ScaleError("the number of clients must be at least 1")
    problem = password_problem(password)
    if problem:
        raise ScaleError(problem % {"length": MIN_PASSWORD_LENGTH})
    engine = _engine(engine_or_url)
    material = _keys(keys)
    report = ScaleReport(clients)
    clock = time.perf_counter()
    check_database(engine)
    try:
        verify_key_checks(engine, material)
    except KeyConfigError as error:
        raise ScaleError(str(error)) from None
    now = utcnow()
    rng = random.Random(seed)
    sizes = list(team_sizes(clients, clients_per_team))
    kinds = [plan_kinds(random.Random(f"{seed}:kinds:{n}"), size) for n, size in enumerate(sizes)]
    staff, first_reference = _write_staff(engine, len(sizes), sum(map(len, kinds)), now, password)
    report.teams, report.staff = len(sizes), len(staff) * 8
    report.counts.update(teams=len(sizes), users=report.staff, user_roles=report.staff)
    report.counts["team_supervisors"] = len(sizes)
    report.seconds["staff"] = time.perf_counter() - clock

    clock = time.perf_counter()
    prefix = rng.getrandbits(32)
    plans, first_client, reference = [], 0, first_reference
    for number, (size, team_kinds) in enumerate(zip(sizes, kinds, strict=True)):
        plans.append(
            TeamPlan(
                number=number,
                staff=staff[number],
                first_client=first_client,
                kinds=tuple(team_kinds),
                first_reference=reference,
                year=now.year,
                seed=rng.getrandbits(64),
                uuid_prefix=prefix,
            )
        )
        first_client += size
        reference += len(team_kinds)
    chain = _AuditChain(engine, material)
    settings = Settings(
        keys=material,
        now=now,
        notes_per_care_client=notes_per_client / CARE_SHARE,
        audit_key=chain.audit_key,  # the key of the segment the events join
    )
    postgres = engine.dialect.name == "postgresql"
    processes = workers if workers is not None else (os.cpu_count() or 1)
    if not postgres or clients < 5000:
        processes = 0
    try:
        for done, (counts, events, spent) in enumerate(
            _teams(engine, plans, settings, processes), start=1
        ):
            for table, count in counts.items():
                report.counts[table] = report.counts.get(table, 0) + count
            for phase, seconds in spent.items():
                report.worker_seconds[phase] = report.worker_seconds.get(phase, 0.0) + seconds
            chain.add(events)
            if progress:
                progress("teams", done, len(plans))
        report.seconds["teams"] = time.perf_counter() - clock
        clock = time.perf_counter()
        report.counts["audit_events"] = chain.finish()
    finally:
        chain.close()
    report.seconds["audit"] = time.perf_counter() - clock
    if progress:
        progress("audit", report.counts["audit_events"], report.counts["audit_events"])

    clock = time.perf_counter()
    _analyze(engine)
    report.seconds["vacuum"] = time.perf_counter() - clock
    return report


# --- staff ----------------------------------------------------------------------------------

#: (job, role, how many per team)
JOBS = (
    ("supervisor", "supervisor", 1),
    ("casemanager", "case_manager", 2),
    ("therapist", "therapist", 3),
    ("facilitator", "facilitator", 1),
    ("consultant", "consultant", 1),
)
GIVEN = ("Anna", "Piotr", "Oksana", "Marta", "Tomasz", "Iryna", "Ewa", "Andrii", "Zofia", "Jan")
FAMILY = ("Nowak", "Melnyk", "Kowalczyk", "Bondarenko", "Zielińska", "Wójcik", "Kravchuk")


def staff_email(job: str, team: int, number: int) -> str:
    """The sign-in of a generated account: `casemanager1.t0001@scale.demo.local`."""
    return f"{job}{number}.t{team + 1:04d}@{STAFF_DOMAIN}"


def _write_staff(
    engine: Engine, teams: int, cases: int, now: datetime, password: str
) -> tuple[list[Staff], int]:
    """Teams, accounts, roles and supervisors; reserves `cases` case reference numbers."""
    password_hash = hash_password(password)
    rows: dict[str, list[tuple[Any, ...]]] = {
        "teams": [],
        "users": [],
        "user_roles": [],
        "team_supervisors": [],
    }
    staff = []
    for team in range(teams):
        team_id = uuid.uuid4()
        rows["teams"].append((team_id, f"Zespół {team + 1:04d} (scale)", now))
        jobs: dict[str, list[uuid.UUID]] = {}
        for job, role, count in JOBS:
            for number in range(1, count + 1):
                user_id = uuid.uuid4()
                jobs.setdefault(job, []).append(user_id)
                name = f"{GIVEN[(team + number) % len(GIVEN)]} {FAMILY[team % len(FAMILY)]}"
                language = "uk" if (team + number) % 4 == 0 else "pl"
                rows["users"].append(
                    (
                        user_id,
                        staff_email(job, team, number),
                        name,
                        language,
                        password_hash,
                        True,
                        team_id,
                        now,
                        now,
                    )
                )
                rows["user_roles"].append((user_id, role))
        rows["team_supervisors"].append((team_id, jobs["supervisor"][0]))
        staff.append(
            Staff(
                team_id=team_id,
                supervisor=jobs["supervisor"][0],
                case_managers=tuple(jobs["casemanager"]),
                therapists=tuple(jobs["therapist"]),
                facilitator=jobs["facilitator"][0],
                consultant=jobs["consultant"][0],
            )
        )
    with engine.begin() as connection:
        _sync_services(connection)
        for table, table_rows in rows.items():
            sink.insert_rows(connection, table, table_rows)
        first = _reserve_references(connection, now.year, cases)
    return staff, first


def _sync_services(connection: Any) -> None:
    """The catalogue's services (what `catalogue.services.sync_catalogue` adds), if missing."""
    _, rules = templates._library()
    existing = set(connection.scalars(text("SELECT code FROM services")))
    missing = [
        (code, entry.kind.value, dict(entry.name), True, None, None, None)
        for code, entry in rules.services.items()
        if code not in existing
    ]
    sink.insert_rows(connection, "services", missing)


def _reserve_references(connection: Any, year: int, cases: int) -> int:
    """The first of `cases` consecutive case numbers of `year`, taken from the counter."""
    last = connection.scalar(
        text("SELECT last_number FROM case_reference_counters WHERE year = :year"),
        {"year": year},
    )
    if last is None:
        connection.execute(
            text("INSERT INTO case_reference_counters (year, last_number) VALUES (:y, :n)"),
            {"y": year, "n": cases},
        )
        return 1
    connection.execute(
        text("UPDATE case_reference_counters SET last_number = :n WHERE year = :y"),
        {"y": year, "n": last + cases},
    )
    return int(last) + 1


# --- teams ----------------------------------------------------------------------------------

_worker_connection: psycopg.Connection[Any] | None = None


def _start_worker(conninfo: str) -> None:
    global _worker_connection
    _worker_connection = connection = psycopg.connect(conninfo)
    superuser = connection.execute(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if superuser and superuser[0]:
        # pg_restore --disable-triggers does the same: the rows are consistent by construction,
        # and checking each foreign key row by row doubles the time of the writes.
        connection.execute("SET session_replication_role = replica")
    connection.commit()


def _team_on_postgres(
    job: tuple[TeamPlan, Settings],
) -> tuple[dict[str, int], list[tuple[Any, ...]], dict[str, float]]:
    plan, settings = job
    connection = _worker_connection
    assert connection is not None

    def write(rows: TeamRows) -> None:
        with connection.transaction():
            for table, table_rows in rows.tables.items():
                sink.copy_rows(connection, table, table_rows)

    return _team(plan, settings, write)


def _team(
    plan: TeamPlan, settings: Settings, write: Callable[[TeamRows], None]
) -> tuple[dict[str, int], list[tuple[Any, ...]], dict[str, float]]:
    """Make one team's rows and `write` them; its counts, audit events and timings.

    The cyclic garbage collector is off meanwhile: it would scan the team's hundreds of
    thousands of fresh tuples (which hold no cycles) again and again, a third of the time; the
    rows are freed before it is back on.
    """
    gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        rows = make_team(plan, settings)
        made_wall, made_cpu = time.perf_counter(), time.process_time()
        write(rows)
        spent = {
            "make": made_wall - wall,
            "make (cpu)": made_cpu - cpu,
            "write": time.perf_counter() - made_wall,
            "write (cpu)": time.process_time() - made_cpu,
        }
        counts, audit = _counts(rows), rows.audit
        rows.tables.clear()
    finally:
        gc.enable()
    return counts, audit, spent


def _counts(rows: TeamRows) -> dict[str, int]:
    return {table: len(table_rows) for table, table_rows in rows.tables.items()}


def _teams(
    engine: Engine, plans: list[TeamPlan], settings: Settings, processes: int
) -> Iterator[tuple[dict[str, int], list[tuple[Any, ...]], dict[str, float]]]:
    """Make and write every team; yields each team's counts, audit events and timings."""
    if engine.dialect.name == "postgresql":
        conninfo = sink.postgres_conninfo(engine)
        jobs = [(plan, settings) for plan in plans]
        if processes > 0:
            context = multiprocessing.get_context("fork")
            with context.Pool(processes, _start_worker, (conninfo,)) as pool:
                yield from pool.imap_unordered(_team_on_postgres, jobs)
            return
        _start_worker(conninfo)
        try:
            for job in jobs:
                yield _team_on_postgres(job)
        finally:
            _close_worker()
        return

    def write(rows: TeamRows) -> None:
        with engine.begin() as connection:
            for table, table_rows in rows.tables.items():
                sink.insert_rows(connection, table, table_rows)

    for plan in plans:
        yield _team(plan, settings, write)


def _close_worker() -> None:
    global _worker_connection
    if _worker_connection is not None:
        _worker_connection.close()
        _worker_connection = None


# --- the audit chain ------------------------------------------------------------------------


class _AuditChain:
    """Chains every team's events onto the trail's head as the teams finish.

    On PostgreSQL the head row is locked (FOR UPDATE) for the whole run, so nothing else
    appends meanwhile, and the events are copied in batches in that one transaction; the head
    moves at the end, with the commit. SQLite keeps them until `finish`.
    """

    BATCH = 20000

    def __init__(self, engine: Engine, material: KeyMaterial) -> None:
        self.engine = engine
        self.connection: psycopg.Connection[Any] | None = None
        query = "SELECT seq, mac, key_id FROM audit_head WHERE id = 1"
        if engine.dialect.name == "postgresql":
            self.connection = psycopg.connect(sink.postgres_conninfo(engine))
            head = self.connection.execute(query + " FOR UPDATE").fetchone()
        else:
            with engine.connect() as connection:
                head = connection.execute(text(query)).one_or_none()
        self.seq: int
        self.mac: str
        self.key_id: str
        self.seq, self.mac, self.key_id = head or (0, GENESIS_MAC, material.audit_key_id)
        self.had_head = head is not None
        key = material.audit_keys().get(self.key_id)
        if key is None:
            self.close()
            raise ScaleError(
                f"audit events are signed with the key {self.key_id!r}, which is not configured"
            )
        self.audit_key = key
        self.start_seq = self.seq
        self.rows: list[tuple[Any, ...]] = []

    def add(self, events: list[tuple[Any, ...]]) -> None:
        key, key_id, chained_key = self.audit_key, self.key_id, self.key_id != INITIAL_KEY_ID
        for at, actor, role, action, object_type, object_id, alias, fields in events:
            self.seq += 1
            chained: dict[str, object] = {
                "occurred_at": at,
                "actor_id": actor,
                "actor_role": role,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "client_pseudonym": alias,
                "fields": fields,
                "reason": None,
                "request_id": None,
                "prev_mac": self.mac,
            }
            if chained_key:
                chained["key_id"] = key_id
            mac = event_mac(key, self.mac, self.seq, canonical_event_bytes(chained))
            self.rows.append(
                (
                    *(self.seq, at, actor, role, action, object_type, object_id, alias, fields),
                    *(None, None, self.mac, mac, key_id),  # reason, request id, chain
                )
            )
            self.mac = mac
        if self.connection is not None and len(self.rows) >= self.BATCH:
            sink.copy_rows(self.connection, "audit_events", self.rows)
            self.rows = []

    def finish(self) -> int:
        """Write the events left and move the head; returns how many events were added."""
        values = {"seq": self.seq, "mac": self.mac, "key_id": self.key_id}
        update = "UPDATE audit_head SET seq = :seq, mac = :mac WHERE id = 1"
        if not self.had_head:
            update = "INSERT INTO audit_head (id, seq, mac, key_id) VALUES (1, :seq, :mac, :key_id)"
        if self.connection is not None:
            sink.copy_rows(self.connection, "audit_events", self.rows)
            statement = update.replace(":seq", "%(seq)s").replace(":mac", "%(mac)s")
            self.connection.execute(statement.replace(":key_id", "%(key_id)s"), values)
            self.connection.commit()
            self.close()
            return self.seq - self.start_seq
        with self.engine.begin() as connection:
            current = connection.execute(text("SELECT seq FROM audit_head WHERE id = 1")).scalar()
            if (current or 0) != self.start_seq:
                raise ScaleError(
                    "the audit trail grew while the centre was being generated; " + START_OVER
                )
            sink.insert_rows(connection, "audit_events", self.rows)
            connection.execute(text(update), values)
        return self.seq - self.start_seq

    def close(self) -> None:
        """Give up (rolling back what was copied) or release the connection after `finish`."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _analyze(engine: Engine) -> None:
    """`VACUUM ANALYZE` (PostgreSQL) or `ANALYZE` (SQLite): fresh statistics for the planner."""
    if engine.dialect.name == "postgresql":
        with psycopg.connect(sink.postgres_conninfo(engine), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
        return
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
