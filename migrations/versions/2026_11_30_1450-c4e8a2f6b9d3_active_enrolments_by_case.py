"""The practitioners of a team's open cases: active enrolments by case.

The caseload review counts a team's open cases per practitioner; without this index PostgreSQL
reads every enrolment of the centre (plans before and after in docs/performance.md, "The review's
open cases per practitioner").

Revision ID: c4e8a2f6b9d3
Revises: e5c2a7d9f4b1 (case list branch indexes)
Create Date: 2026-11-30 14:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c4e8a2f6b9d3"
down_revision = "e5c2a7d9f4b1"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.create_index(
        "ix_enrolments_active_case_practitioner",
        "enrolments",
        ["case_id", "practitioner_id"],
        unique=False,
        postgresql_where=ACTIVE,
        sqlite_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_enrolments_active_case_practitioner", table_name="enrolments")
