"""Case plans: goals and tasks (mandatory safety actions and plan steps), and supervisors'
overrides of routing exclusions.

Revision ID: 27675c2f3585
Revises: 5e7a1c0d9b42 (appointment series and calendar feeds)
Create Date: 2026-11-30 05:21:12.807960
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "27675c2f3585"
down_revision = "5e7a1c0d9b42"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_goals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("achieved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_goals_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_case_goals_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_case_goals_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_goals")),
    )
    with op.batch_alter_table("case_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_goals_case_id"), ["case_id"], unique=False)

    op.create_table(
        "exclusion_overrides",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("service_code", sa.String(length=60), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("supervisor_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_exclusion_overrides_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_exclusion_overrides_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_exclusion_overrides_enrolment_id_enrolments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_code"],
            ["services.code"],
            name=op.f("fk_exclusion_overrides_service_code_services"),
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["users.id"], name=op.f("fk_exclusion_overrides_supervisor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusion_overrides")),
    )
    with op.batch_alter_table("exclusion_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exclusion_overrides_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("goal_id", sa.Uuid(), nullable=True),
        sa.Column("is_individual", sa.Boolean(), nullable=False),
        sa.Column("recommendation_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "safety_plan",
                "blue_card",
                "child_protection",
                "mandatory_action",
                "step",
                "follow_up",
                "reassessment",
                name="task_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("service_code", sa.String(length=60), nullable=True),
        sa.Column("title", sa.LargeBinary(), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "done",
                "decline_requested",
                "declined",
                name="task_state",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.LargeBinary(), nullable=True),
        sa.Column("closed_by_id", sa.Uuid(), nullable=True),
        sa.Column("confirmed_by_id", sa.Uuid(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_tasks_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_case_tasks_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_case_tasks_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_case_tasks_confirmed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_case_tasks_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["case_goals.id"],
            name=op.f("fk_case_tasks_goal_id_case_goals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_case_tasks_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_case_tasks_recommendation_id_recommendations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_code"], ["services.code"], name=op.f("fk_case_tasks_service_code_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tasks")),
    )
    with op.batch_alter_table("case_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_tasks_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_tasks_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_tasks_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_tasks_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_tasks_recommendation_id"), ["recommendation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_case_tasks_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_tasks_state"))
        batch_op.drop_index(batch_op.f("ix_case_tasks_recommendation_id"))
        batch_op.drop_index(batch_op.f("ix_case_tasks_owner_id"))
        batch_op.drop_index(batch_op.f("ix_case_tasks_goal_id"))
        batch_op.drop_index(batch_op.f("ix_case_tasks_due_on"))
        batch_op.drop_index(batch_op.f("ix_case_tasks_case_id"))

    op.drop_table("case_tasks")
    with op.batch_alter_table("exclusion_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exclusion_overrides_case_id"))

    op.drop_table("exclusion_overrides")
    with op.batch_alter_table("case_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_goals_case_id"))

    op.drop_table("case_goals")
