"""Writing generated rows: COPY on PostgreSQL (psycopg 3), executemany on SQLite.

Rows are tuples in the column order below. On SQLite they go through SQLAlchemy Core with the
models' column types (UUIDs, UTC timestamps, JSON stored exactly as the ORM stores them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from sqlalchemy import JSON, Connection, Engine, Enum, String, Table, insert
from sqlalchemy.engine import make_url

import casework.all_models  # noqa: F401  (every table in the metadata)
from casework.db import Base


def _names(columns: str) -> tuple[str, ...]:
    return tuple(columns.split())


#: The columns of every table written, in the order of the generated tuples.
COLUMNS: dict[str, tuple[str, ...]] = {
    "clients": _names(
        "id version created_at created_by_id erased_at given_name family_name date_of_birth "
        "national_id phone email address gender birth_year nationality languages "
        "migration_reason municipality"
    ),
    "data_keys": _names("id owner_id version master_key_id wrapped_key created_at destroyed_at"),
    "blind_indexes": _names("id client_id kind digest key_id"),
    "consents": _names(
        "id client_id purpose legal_basis notice_version given_at recorded_by_id withdrawn_at "
        "withdrawn_by_id"
    ),
    "cases": _names(
        "id reference kind state case_manager_id team_id referral_source primary_client_id "
        "children_in_household opened_at opened_by_id closed_at closure_outcome closure_reason "
        "version"
    ),
    "case_participants": _names("id case_id client_id role position"),
    "case_state_changes": _names(
        "id case_id client_id from_state to_state changed_at changed_by_id reason"
    ),
    "assessments": _names(
        "id case_id client_id participant_ids instrument_id instrument_version "
        "instrument_sha256 state is_individual is_closing facts answers result routing level "
        "started_at started_by_id completed_at completed_by_id version"
    ),
    "recommendations": _names(
        "id case_id assessment_id client_id is_individual service_code kind rule_id priority "
        "rule_reason decision decision_reason decided_at decided_by_id confirmed_by_id "
        "created_at version"
    ),
    "enrolments": _names(
        "id case_id client_id service_code practitioner_id status started_at ended_at "
        "created_by_id version"
    ),
    "appointments": _names(
        "id enrolment_id case_id practitioner_id starts_at ends_at mode place is_joint "
        "attendance version series_id"
    ),
    "session_notes": _names(
        "id appointment_id case_id client_id author_id kind is_individual state body "
        "created_at signed_at version"
    ),
    "group_runs": _names(
        "id name service_code capacity is_cohort team_id starts_on ends_on created_at "
        "created_by_id version"
    ),
    "group_facilitators": _names("run_id user_id"),
    "group_meetings": _names("id run_id starts_at ends_at place topic"),
    "group_enrolments": _names(
        "id run_id client_id case_id status waitlist_position enrolled_at activated_at "
        "ended_at created_by_id version"
    ),
    "meeting_attendances": _names("id meeting_id enrolment_id presence recorded_at recorded_by_id"),
    "information_consultations": _names(
        "id consulted_on channel language duration_minutes consultant_id team_id client_id "
        "gender age_group nationality migration_reason visitor_token created_at version"
    ),
    "information_consultation_topics": _names("consultation_id topic_code"),
    "teams": _names("id name created_at"),
    "services": _names(
        "code kind name is_active completion_attendance_percent max_capacity default_capacity"
    ),
    "users": _names(
        "id email display_name preferred_language password_hash is_enabled team_id "
        "created_at password_changed_at"
    ),
    "user_roles": _names("user_id role"),
    "team_supervisors": _names("team_id user_id"),
    "audit_events": _names(
        "seq occurred_at actor_id actor_role action object_type object_id client_pseudonym "
        "fields reason request_id prev_mac mac key_id"
    ),
}


def _json_positions(table: str) -> tuple[int, ...]:
    columns = Base.metadata.tables[table].columns
    return tuple(
        position
        for position, name in enumerate(COLUMNS[table])
        if isinstance(columns[name].type, JSON)
    )


JSON_POSITIONS = {table: _json_positions(table) for table in COLUMNS}


def postgres_conninfo(engine: Engine) -> str:
    """A libpq URL for psycopg from the SQLAlchemy engine's URL (password included)."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


_TYPES: dict[str, list[str]] = {}


def _column_types(connection: psycopg.Connection[Any], table: str) -> list[str]:
    """The PostgreSQL type of each column of `table`, in `COLUMNS` order (for binary COPY)."""
    types = _TYPES.get(table)
    if types is None:
        found = dict(
            connection.execute(
                "SELECT column_name, udt_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            ).fetchall()
        )
        types = _TYPES[table] = [found[name] for name in COLUMNS[table]]
    return types


def copy_rows(
    connection: psycopg.Connection[Any], table: str, rows: Sequence[tuple[Any, ...]]
) -> None:
    """COPY `rows` into `table` in the connection's current transaction (binary format:
    ciphertexts travel as bytes, not as hex text)."""
    if not rows:
        return
    types = _column_types(connection, table)
    statement = f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _portable(table: Table) -> Table:
    """`table` with enum columns as plain strings: the rows already hold the stored values."""
    copy = Table(table.name, Base.metadata.__class__())
    for column in table.columns:
        kind = String(40) if isinstance(column.type, Enum) else column.type
        copy.append_column(column._copy(type_=kind))
    return copy


_SQLITE_TABLES: dict[str, Table] = {}


def insert_rows(connection: Connection, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """executemany `rows` into `table` through SQLAlchemy Core (SQLite, and small writes)."""
    names = COLUMNS[table]
    batch = [dict(zip(names, row, strict=True)) for row in rows]
    if not batch:
        return
    target = _SQLITE_TABLES.get(table)
    if target is None:
        target = _SQLITE_TABLES[table] = _portable(Base.metadata.tables[table])
    connection.execute(insert(target), batch)
