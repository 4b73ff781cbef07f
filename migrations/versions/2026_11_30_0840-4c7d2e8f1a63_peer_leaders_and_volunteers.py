"""Peer leaders and volunteers (no staff account): their record with name and contact encrypted
under the staff key, their trainings, the group runs they lead, and the mentoring sessions they
give.

Revision ID: 4c7d2e8f1a63
Revises: c4d2e8a1f713 (event kinds, partners, reach)
Create Date: 2026-11-30 08:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4c7d2e8f1a63"
down_revision = "c4d2e8a1f713"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "peer_leaders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "peer_leader",
                "volunteer",
                name="peer_leader_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.LargeBinary(), nullable=True),
        sa.Column("contact", sa.LargeBinary(), nullable=True),
        sa.Column("languages", sa.String(length=100), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("academy_run_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["academy_run_id"],
            ["group_runs.id"],
            name=op.f("fk_peer_leaders_academy_run_id_group_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_peer_leaders_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_leaders")),
    )
    with op.batch_alter_table("peer_leaders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_peer_leaders_is_active"), ["is_active"], unique=False)

    op.create_table(
        "peer_leader_trainings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("leader_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["peer_leaders.id"],
            name=op.f("fk_peer_leader_trainings_leader_id_peer_leaders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_leader_trainings")),
    )
    with op.batch_alter_table("peer_leader_trainings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peer_leader_trainings_leader_id"), ["leader_id"], unique=False
        )

    op.create_table(
        "group_run_leaders",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("leader_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["peer_leaders.id"],
            name=op.f("fk_group_run_leaders_leader_id_peer_leaders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["group_runs.id"],
            name=op.f("fk_group_run_leaders_run_id_group_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "leader_id", name=op.f("pk_group_run_leaders")),
    )
    with op.batch_alter_table("group_run_leaders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_run_leaders_leader_id"), ["leader_id"], unique=False
        )

    with op.batch_alter_table("mentoring_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("peer_leader_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_mentoring_sessions_peer_leader_id"), ["peer_leader_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_mentoring_sessions_peer_leader_id_peer_leaders"),
            "peer_leaders",
            ["peer_leader_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("mentoring_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mentoring_sessions_peer_leader_id_peer_leaders"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_mentoring_sessions_peer_leader_id"))
        batch_op.drop_column("peer_leader_id")

    with op.batch_alter_table("group_run_leaders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_run_leaders_leader_id"))
    op.drop_table("group_run_leaders")

    with op.batch_alter_table("peer_leader_trainings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peer_leader_trainings_leader_id"))
    op.drop_table("peer_leader_trainings")

    with op.batch_alter_table("peer_leaders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peer_leaders_is_active"))
    op.drop_table("peer_leaders")
