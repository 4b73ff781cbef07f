"""Keyset list indexes: each list's filter, then its order with the id as tiebreaker

Revision ID: d7e3b9a4c2f1
Revises: 7d3e9a1c5b24 (background jobs)
Create Date: 2026-11-30 11:00:00

Every list is a keyset page (`casework.pagination`): `WHERE (order..., id) < cursor ORDER BY
order..., id LIMIT n`. An index on the list's equality filter followed by the order columns and
the id answers a page of any depth as one index range (plans in docs/performance.md).
"""

from __future__ import annotations

from alembic import op

revision = "d7e3b9a4c2f1"
down_revision = "7d3e9a1c5b24"
branch_labels = None
depends_on = None

INDEXES = [
    ("cases", ["opened_at", "id"]),
    ("appointments", ["practitioner_id", "starts_at", "id"]),
    ("information_consultations", ["consultant_id", "consulted_on", "id"]),
    ("information_consultations", ["team_id", "consulted_on", "id"]),
    ("break_glass_accesses", ["team_id", "created_at", "id"]),
    ("supervision_records", ["team_id", "held_on", "id"]),
    ("survey_responses", ["submitted_at", "id"]),
    ("group_enrolments", ["run_id", "enrolled_at", "id"]),
    ("group_meetings", ["run_id", "starts_at", "id"]),
    ("group_runs", ["starts_on", "id"]),
    ("api_tokens", ["user_id", "created_at", "id"]),
    ("peer_leaders", ["created_at", "id"]),
    ("users", ["display_name", "id"]),
    ("role_changes", ["state", "proposed_at", "id"]),
]


def _name(table: str, columns: list[str]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    for table, columns in INDEXES:
        op.create_index(_name(table, columns), table, columns)


def downgrade() -> None:
    for table, columns in reversed(INDEXES):
        op.drop_index(_name(table, columns), table_name=table)
