"""Work-list indexes: a case's last contact, undecided recommendations (a practitioner's agenda
uses the keyset index on (practitioner_id, starts_at, id)).

Each serves a query of a work list that otherwise reads a whole table at a million clients
(plans before and after in docs/performance.md, "Work lists").

Revision ID: 7d3e5a9c1b42
Revises: b7d3f19a4c62 (clients by registrar)
Create Date: 2026-11-30 11:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7d3e5a9c1b42"
down_revision = "b7d3f19a4c62"
branch_labels = None
depends_on = None

ATTENDED = sa.text("attendance = 'attended'")
UNDECIDED = sa.text("decision IN ('pending', 'decline_requested')")


def upgrade() -> None:
    op.create_index(
        "ix_appointments_attended_case",
        "appointments",
        ["case_id", "starts_at"],
        unique=False,
        postgresql_where=ATTENDED,
        sqlite_where=ATTENDED,
    )
    op.create_index(
        "ix_recommendations_undecided",
        "recommendations",
        ["case_id"],
        unique=False,
        postgresql_where=UNDECIDED,
        sqlite_where=UNDECIDED,
    )


def downgrade() -> None:
    op.drop_index("ix_recommendations_undecided", table_name="recommendations")
    op.drop_index("ix_appointments_attended_case", table_name="appointments")
