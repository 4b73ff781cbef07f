"""Key check values, and key ids on blind indexes and audit events (for their rotation).

Revision ID: 9b1f3c2d7e10
Revises: 5a1f3e2b9c10 (sign-in two-factor and fresh sign-in)
Create Date: 2026-11-30 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9b1f3c2d7e10"
down_revision = "5a1f3e2b9c10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_checks",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("check_value", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key_id", name=op.f("pk_key_checks")),
    )
    # Everything written before key ids existed was made with the one key there was.
    with op.batch_alter_table("blind_indexes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_id", sa.String(length=32), server_default="initial", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_blind_indexes_key_id"), ["key_id"], unique=False)
    # Plain ALTER TABLE, never a batch copy: a copy of audit_events would lose its append-only
    # triggers on SQLite.
    for table in ("audit_events", "audit_head"):
        op.add_column(
            table,
            sa.Column("key_id", sa.String(length=32), server_default="initial", nullable=False),
        )


def downgrade() -> None:
    for table in ("audit_head", "audit_events"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN key_id")  # SQLite 3.35+ and PostgreSQL
    with op.batch_alter_table("blind_indexes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blind_indexes_key_id"))
        batch_op.drop_column("key_id")
    op.drop_table("key_checks")
