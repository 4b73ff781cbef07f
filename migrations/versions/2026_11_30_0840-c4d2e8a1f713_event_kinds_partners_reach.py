"""Events: media items, publications and webinars; online; organising partners; reach by
language. Trainings: public officials as a professional type.

Revision ID: c4d2e8a1f713
Revises: 9b1f3c2d7e10
Create Date: 2026-11-30 08:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c4d2e8a1f713"
down_revision = "9b1f3c2d7e10"
branch_labels = None
depends_on = None

_EVENT_KINDS = ["public_event", "workshop", "lecture", "campaign"]
_NEW_EVENT_KINDS = ["webinar", "media_item", "publication"]
_TYPES = [
    "psychologist",
    "social_worker",
    "family_assistant",
    "teacher",
    "police_officer",
    "probation_officer",
    "health_worker",
    "lawyer",
    "other",
]


def _enum(name: str, values: list[str]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    with op.batch_alter_table("public_events", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=_enum("event_kind", _EVENT_KINDS),
            type_=_enum("event_kind", _EVENT_KINDS + _NEW_EVENT_KINDS),
            existing_nullable=False,
        )
        batch_op.add_column(
            sa.Column("online", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("training_participations", schema=None) as batch_op:
        batch_op.alter_column(
            "professional_type",
            existing_type=_enum("professional_type", _TYPES),
            type_=_enum("professional_type", [*_TYPES[:-1], "public_official", "other"]),
            existing_nullable=False,
        )
    op.create_table(
        "public_event_partners",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["public_events.id"],
            name=op.f("fk_public_event_partners_event_id_public_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["partner_institutions.id"],
            name=op.f("fk_public_event_partners_institution_id_partner_institutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "event_id", "institution_id", name=op.f("pk_public_event_partners")
        ),
    )
    op.create_index(
        op.f("ix_public_event_partners_institution_id"),
        "public_event_partners",
        ["institution_id"],
        unique=False,
    )
    op.create_table(
        "public_event_reach",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.CheckConstraint("headcount > 0", name=op.f("ck_public_event_reach_headcount_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["public_events.id"],
            name=op.f("fk_public_event_reach_event_id_public_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "language", name=op.f("pk_public_event_reach")),
    )


def downgrade() -> None:
    op.drop_table("public_event_reach")
    op.drop_index(
        op.f("ix_public_event_partners_institution_id"), table_name="public_event_partners"
    )
    op.drop_table("public_event_partners")
    op.execute("DELETE FROM training_participations WHERE professional_type = 'public_official'")
    with op.batch_alter_table("training_participations", schema=None) as batch_op:
        batch_op.alter_column(
            "professional_type",
            existing_type=_enum("professional_type", [*_TYPES[:-1], "public_official", "other"]),
            type_=_enum("professional_type", _TYPES),
            existing_nullable=False,
        )
    op.execute("UPDATE public_events SET kind = 'lecture' WHERE kind IN ('webinar')")
    op.execute(
        "UPDATE public_events SET kind = 'campaign' WHERE kind IN ('media_item', 'publication')"
    )
    with op.batch_alter_table("public_events", schema=None) as batch_op:
        batch_op.drop_column("online")
        batch_op.alter_column(
            "kind",
            existing_type=_enum("event_kind", _EVENT_KINDS + _NEW_EVENT_KINDS),
            type_=_enum("event_kind", _EVENT_KINDS),
            existing_nullable=False,
        )
