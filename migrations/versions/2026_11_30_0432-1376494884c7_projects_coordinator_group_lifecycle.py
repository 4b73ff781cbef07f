"""Projects with targets and attribution; the coordinator role; group completion and capacity per service.

Revision ID: 1376494884c7
Revises: 3afdce54b098
Create Date: 2026-11-30 04:32:39.063721
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "1376494884c7"
down_revision = "3afdce54b098"
branch_labels = None
depends_on = None

_ROLES = ["case_manager", "therapist", "facilitator", "supervisor", "consultant", "admin"]


def _role_enum(values: list[str]) -> sa.Enum:
    return sa.Enum(*values, name="role", native_enum=False, create_constraint=True, length=40)


def _association(name: str, column: str, target: str) -> None:
    op.create_table(
        name,
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column(column, sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f(f"fk_{name}_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            [column],
            [f"{target}.id"],
            name=op.f(f"fk_{name}_{column}_{target}"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", column, name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_{column}"), name, [column], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_role_enum(_ROLES),
            type_=_role_enum([*_ROLES[:-1], "coordinator", "admin"]),
            existing_nullable=False,
        )

    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("completion_attendance_percent", sa.SmallInteger(), nullable=True)
        )
        batch_op.add_column(sa.Column("max_capacity", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("default_capacity", sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint(
            "completion_percent_range", "completion_attendance_percent BETWEEN 1 AND 100"
        )
        batch_op.create_check_constraint("max_capacity_positive", "max_capacity > 0")
        batch_op.create_check_constraint(
            "default_capacity_within_max",
            "default_capacity > 0 AND (max_capacity IS NULL OR default_capacity <= max_capacity)",
        )

    projects = op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("funder", sa.String(length=200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "budget IS NULL OR budget >= 0", name=op.f("ck_projects_budget_not_negative")
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_projects_period_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_projects_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name", name=op.f("uq_projects_name")),
    )
    op.create_index(
        "uq_projects_is_default",
        "projects",
        ["is_default"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )
    op.create_table(
        "project_targets",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("indicator_key", sa.String(length=120), nullable=False),
        sa.Column("target_value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.CheckConstraint(
            "target_value >= 0", name=op.f("ck_project_targets_target_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_targets_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "indicator_key", name=op.f("pk_project_targets")),
    )
    op.create_table(
        "project_services",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("service_code", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_services_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_code"],
            ["services.code"],
            name=op.f("fk_project_services_service_code_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "service_code", name=op.f("pk_project_services")),
    )
    op.create_index(op.f("ix_project_services_service_code"), "project_services", ["service_code"])
    _association("project_group_runs", "run_id", "group_runs")
    _association("project_events", "event_id", "public_events")
    _association("project_trainings", "training_id", "trainings")
    _association("project_consultations", "consultation_id", "information_consultations")

    # Everything recorded so far, and everything attributed to no project, counts here.
    op.bulk_insert(
        projects,
        [
            {
                "id": uuid.uuid4(),
                "name": "Core activity",
                "funder": None,
                "starts_on": date(2000, 1, 1),
                "ends_on": None,
                "budget": None,
                "notes": None,
                "is_default": True,
                "created_at": datetime.now(UTC),
                "created_by_id": None,
                "version": 1,
            }
        ],
    )


def downgrade() -> None:
    for name, column in [
        ("project_consultations", "consultation_id"),
        ("project_trainings", "training_id"),
        ("project_events", "event_id"),
        ("project_group_runs", "run_id"),
        ("project_services", "service_code"),
    ]:
        op.drop_index(op.f(f"ix_{name}_{column}"), table_name=name)
        op.drop_table(name)
    op.drop_table("project_targets")
    op.drop_index(
        "uq_projects_is_default",
        table_name="projects",
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )
    op.drop_table("projects")

    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_services_default_capacity_within_max"), type_="check")
        batch_op.drop_constraint(op.f("ck_services_max_capacity_positive"), type_="check")
        batch_op.drop_constraint(op.f("ck_services_completion_percent_range"), type_="check")
        batch_op.drop_column("default_capacity")
        batch_op.drop_column("max_capacity")
        batch_op.drop_column("completion_attendance_percent")

    op.execute("DELETE FROM user_roles WHERE role = 'coordinator'")
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_role_enum([*_ROLES[:-1], "coordinator", "admin"]),
            type_=_role_enum(_ROLES),
            existing_nullable=False,
        )
