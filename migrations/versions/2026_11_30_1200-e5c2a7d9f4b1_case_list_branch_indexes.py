"""Case list branch indexes: the visible cases paged branch by branch

Revision ID: e5c2a7d9f4b1
Revises: a7d3c9e5b1f4 (audit chains)
Create Date: 2026-11-30 12:00:00

The case list takes its page from the union of the visible-cases branches, each paged on its own
(`policy.visible_case_branches`, `pagination.paginate(branches=...)`): a case manager's cases and
the intake queue (`case_manager_id` equal or NULL) and a supervised team's cases, each as one
index range in the list's order (plans in docs/performance.md, "Lists and API collections").
"""

from __future__ import annotations

from alembic import op

revision = "e5c2a7d9f4b1"
down_revision = "a7d3c9e5b1f4"
branch_labels = None
depends_on = None

INDEXES = [
    ("cases", ["case_manager_id", "opened_at", "id"]),
    ("cases", ["team_id", "opened_at", "id"]),
]


def _name(table: str, columns: list[str]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    for table, columns in INDEXES:
        op.create_index(_name(table, columns), table, columns)


def downgrade() -> None:
    for table, columns in reversed(INDEXES):
        op.drop_index(_name(table, columns), table_name=table)
