"""Surveys clients fill in themselves: kiosk and one-time link passes; a response's channel; a
response no longer has a consultation column (it was never filled: answers name no consultation).

Revision ID: c4e8a1f7b2d5
Revises: 4c7d2e8f1a63 (peer leaders and volunteers)
Create Date: 2026-11-30 08:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c4e8a1f7b2d5"
down_revision = "4c7d2e8f1a63"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_passes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "kiosk",
                "one_time_link",
                name="survey_pass_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("instrument_id", sa.String(length=60), nullable=False),
        sa.Column("service_code", sa.String(length=60), nullable=False),
        sa.Column("group_run_id", sa.Uuid(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_survey_passes_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["group_run_id"],
            ["group_runs.id"],
            name=op.f("fk_survey_passes_group_run_id_group_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_code"], ["services.code"], name=op.f("fk_survey_passes_service_code_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_passes")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_survey_passes_token_hash")),
    )
    with op.batch_alter_table("survey_passes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_passes_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_passes_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=16), server_default="staff", nullable=False)
        )
        batch_op.drop_index(batch_op.f("ix_survey_responses_consultation_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_survey_responses_consultation_id_information_consultations"),
            type_="foreignkey",
        )
        batch_op.drop_column("consultation_id")


def downgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consultation_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_responses_consultation_id_information_consultations"),
            "information_consultations",
            ["consultation_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_consultation_id"), ["consultation_id"], unique=False
        )
        batch_op.drop_column("channel")
    with op.batch_alter_table("survey_passes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_passes_expires_at"))
        batch_op.drop_index(batch_op.f("ix_survey_passes_created_by_id"))
    op.drop_table("survey_passes")
