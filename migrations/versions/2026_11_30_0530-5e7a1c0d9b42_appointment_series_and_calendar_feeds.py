"""Appointments: weekly series and practitioners' secret iCalendar feeds.

Revision ID: 5e7a1c0d9b42
Revises: 1376494884c7
Create Date: 2026-11-30 05:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5e7a1c0d9b42"
down_revision = "1376494884c7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointment_series",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_appointment_series_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_appointment_series_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_series")),
    )
    op.create_index(
        op.f("ix_appointment_series_enrolment_id"),
        "appointment_series",
        ["enrolment_id"],
        unique=False,
    )
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("series_id", sa.Uuid(), nullable=True))
        batch.create_index(batch.f("ix_appointments_series_id"), ["series_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_appointments_series_id_appointment_series"),
            "appointment_series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_calendar_feeds_secret_hash")),
    )
    op.create_index(
        op.f("ix_calendar_feeds_user_id"), "calendar_feeds", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_calendar_feeds_user_id"), table_name="calendar_feeds")
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_constraint(
            batch.f("fk_appointments_series_id_appointment_series"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_appointments_series_id"))
        batch.drop_column("series_id")
    op.drop_index(op.f("ix_appointment_series_enrolment_id"), table_name="appointment_series")
    op.drop_table("appointment_series")
