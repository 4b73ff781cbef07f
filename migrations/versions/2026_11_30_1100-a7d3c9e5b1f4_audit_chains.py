"""Audit chains appended side by side: `audit_head` may hold one row per chain (1 to 16).

The existing chain is chain 0 (head row 1) and keeps its events and MACs as they are; new chains
get their head rows when first needed (casework/audit/services.py). SQLite cannot alter a CHECK
constraint, so there the table is rebuilt (it holds one row and no trigger).

Revision ID: a7d3c9e5b1f4
Revises: 7d3e5a9c1b42 (work-list indexes)
Create Date: 2026-11-30 11:00:00
"""

from alembic import op

revision = "a7d3c9e5b1f4"
down_revision = "7d3e5a9c1b42"
branch_labels = None
depends_on = None

_SQLITE_TABLE = """
CREATE TABLE audit_head (
    id INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    mac VARCHAR(64) NOT NULL,
    key_id VARCHAR(32) DEFAULT 'initial' NOT NULL,
    CONSTRAINT pk_audit_head PRIMARY KEY (id),
    CONSTRAINT {name} CHECK ({check})
)
"""


def _set_check(name: str, check: str, *, old: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE audit_head RENAME TO _audit_head_old")
        op.execute(_SQLITE_TABLE.format(name=name, check=check))
        op.execute(
            "INSERT INTO audit_head (id, seq, mac, key_id) "
            "SELECT id, seq, mac, key_id FROM _audit_head_old"
        )
        op.execute("DROP TABLE _audit_head_old")
    else:
        op.drop_constraint(op.f(old), "audit_head", type_="check")
        op.execute(f"ALTER TABLE audit_head ADD CONSTRAINT {name} CHECK ({check})")


def upgrade() -> None:
    _set_check("ck_audit_head_chains", "id BETWEEN 1 AND 16", old="ck_audit_head_single_row")


def downgrade() -> None:
    # Events of chains other than chain 0 would be left without a head: refuse, never drop them.
    op.execute("DELETE FROM audit_head WHERE id > 1 AND seq = (id - 1) * 281474976710656")
    _set_check("ck_audit_head_single_row", "id = 1", old="ck_audit_head_chains")
