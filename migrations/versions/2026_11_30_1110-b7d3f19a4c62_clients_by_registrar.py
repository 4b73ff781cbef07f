"""Clients by who registered them: the people a member of staff registered and who are in no
case yet are part of what they may see (`policy.visible_client_ids`); without the index that
part scans every client (docs/performance.md, "Case and client pages").

Revision ID: b7d3f19a4c62
Revises: d7e3b9a4c2f1 (keyset list indexes)
Create Date: 2026-11-30 11:10:00
"""

from __future__ import annotations

from alembic import op

revision = "b7d3f19a4c62"
down_revision = "d7e3b9a4c2f1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_clients_created_by_id"), "clients", ["created_by_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_clients_created_by_id"), table_name="clients")
