"""Programmes: group runs and waitlists, consultations and topics, partners, trainings, events, surveys, supervision.

Revision ID: 3afdce54b098
Revises: c980a96e72ac
Create Date: 2026-11-21 14:19:43.696507
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3afdce54b098"
down_revision = "c980a96e72ac"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_topics",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_consultation_topics")),
    )
    op.create_table(
        "partner_institutions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "social_welfare",
                "school",
                "police",
                "court",
                "health_care",
                "local_government",
                "ngo",
                "other",
                name="institution_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_institutions")),
        sa.UniqueConstraint("name", name=op.f("uq_partner_institutions_name")),
    )
    op.create_table(
        "group_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("service_code", sa.String(length=60), nullable=False),
        sa.Column("capacity", sa.SmallInteger(), nullable=False),
        sa.Column("is_cohort", sa.Boolean(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_group_runs_capacity_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_group_runs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_code"], ["services.code"], name=op.f("fk_group_runs_service_code_services")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_group_runs_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_runs")),
        sa.UniqueConstraint("name", name=op.f("uq_group_runs_name")),
    )
    with op.batch_alter_table("group_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_runs_service_code"), ["service_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_group_runs_team_id"), ["team_id"], unique=False)

    op.create_table(
        "public_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "public_event",
                "workshop",
                "lecture",
                "campaign",
                name="event_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("headcount >= 0", name=op.f("ck_public_events_headcount_not_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_public_events_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_events")),
    )
    with op.batch_alter_table("public_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_events_held_on"), ["held_on"], unique=False)

    op.create_table(
        "supervision_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supervisor_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["users.id"],
            name=op.f("fk_supervision_records_practitioner_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["users.id"], name=op.f("fk_supervision_records_supervisor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_supervision_records_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_records")),
    )
    with op.batch_alter_table("supervision_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_records_held_on"), ["held_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_records_practitioner_id"), ["practitioner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_records_supervisor_id"), ["supervisor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervision_records_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "trainings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_trainings_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainings")),
    )
    with op.batch_alter_table("trainings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainings_held_on"), ["held_on"], unique=False)

    op.create_table(
        "agreed_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.LargeBinary(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["supervision_records.id"],
            name=op.f("fk_agreed_actions_record_id_supervision_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreed_actions")),
    )
    with op.batch_alter_table("agreed_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreed_actions_due_on"), ["due_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agreed_actions_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "group_facilitators",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["group_runs.id"],
            name=op.f("fk_group_facilitators_run_id_group_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_facilitators_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "user_id", name=op.f("pk_group_facilitators")),
    )
    with op.batch_alter_table("group_facilitators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_facilitators_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "group_meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=True),
        sa.Column("topic", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["group_runs.id"],
            name=op.f("fk_group_meetings_run_id_group_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_meetings")),
    )
    with op.batch_alter_table("group_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_meetings_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_group_meetings_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "information_consultations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("consulted_on", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "in_person",
                "phone",
                "online",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("duration_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("consultant_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column(
            "gender",
            sa.Enum(
                "female",
                "male",
                "non_binary",
                "undisclosed",
                name="visitor_gender",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "age_group",
            sa.Enum(
                "under_18",
                "18_29",
                "30_44",
                "45_59",
                "60_plus",
                "undisclosed",
                name="age_group",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column(
            "migration_reason",
            sa.Enum(
                "not_migrant",
                "war",
                "work",
                "family",
                "study",
                "international_protection",
                "other",
                "undisclosed",
                name="visitor_migration_reason",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("visitor_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_information_consultations_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["consultant_id"],
            ["users.id"],
            name=op.f("fk_information_consultations_consultant_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_information_consultations_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_consultations")),
    )
    with op.batch_alter_table("information_consultations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_information_consultations_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_information_consultations_consultant_id"),
            ["consultant_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_information_consultations_consulted_on"), ["consulted_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_information_consultations_team_id"), ["team_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_information_consultations_visitor_token"),
            ["visitor_token"],
            unique=False,
        )

    op.create_table(
        "training_participations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("training_id", sa.Uuid(), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column(
            "professional_type",
            sa.Enum(
                "psychologist",
                "social_worker",
                "family_assistant",
                "teacher",
                "police_officer",
                "probation_officer",
                "health_worker",
                "lawyer",
                "other",
                name="professional_type",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("headcount", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "headcount > 0", name=op.f("ck_training_participations_headcount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["partner_institutions.id"],
            name=op.f("fk_training_participations_institution_id_partner_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["trainings.id"],
            name=op.f("fk_training_participations_training_id_trainings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_participations")),
        sa.UniqueConstraint(
            "training_id",
            "institution_id",
            "professional_type",
            name=op.f("uq_training_participations_training_id_institution_id_professional_type"),
        ),
    )
    with op.batch_alter_table("training_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_participations_institution_id"),
            ["institution_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_training_participations_training_id"), ["training_id"], unique=False
        )

    op.create_table(
        "group_enrolments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "waitlisted",
                "withdrawn",
                "completed",
                name="group_enrolment_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("waitlist_position", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_group_enrolments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_group_enrolments_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_group_enrolments_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["group_runs.id"],
            name=op.f("fk_group_enrolments_run_id_group_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_enrolments")),
    )
    with op.batch_alter_table("group_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_enrolments_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_group_enrolments_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_group_enrolments_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_group_enrolments_status"), ["status"], unique=False)

    op.create_table(
        "information_consultation_topics",
        sa.Column("consultation_id", sa.Uuid(), nullable=False),
        sa.Column("topic_code", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["information_consultations.id"],
            name=op.f(
                "fk_information_consultation_topics_consultation_id_information_consultations"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_code"],
            ["consultation_topics.code"],
            name=op.f("fk_information_consultation_topics_topic_code_consultation_topics"),
        ),
        sa.PrimaryKeyConstraint(
            "consultation_id", "topic_code", name=op.f("pk_information_consultation_topics")
        ),
    )
    with op.batch_alter_table("information_consultation_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_information_consultation_topics_topic_code"),
            ["topic_code"],
            unique=False,
        )

    op.create_table(
        "supervision_record_cases",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_supervision_record_cases_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["supervision_records.id"],
            name=op.f("fk_supervision_record_cases_record_id_supervision_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "case_id", name=op.f("pk_supervision_record_cases")),
    )
    with op.batch_alter_table("supervision_record_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_record_cases_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("instrument_id", sa.String(length=60), nullable=False),
        sa.Column("instrument_version", sa.String(length=30), nullable=False),
        sa.Column("service_code", sa.String(length=60), nullable=False),
        sa.Column("group_run_id", sa.Uuid(), nullable=True),
        sa.Column("consultation_id", sa.Uuid(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("level", sa.String(length=30), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["information_consultations.id"],
            name=op.f("fk_survey_responses_consultation_id_information_consultations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_run_id"],
            ["group_runs.id"],
            name=op.f("fk_survey_responses_group_run_id_group_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_code"],
            ["services.code"],
            name=op.f("fk_survey_responses_service_code_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_consultation_id"), ["consultation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_group_run_id"), ["group_run_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_instrument_id"), ["instrument_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_service_code"), ["service_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_submitted_at"), ["submitted_at"], unique=False
        )

    op.create_table(
        "meeting_attendances",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column(
            "presence",
            sa.Enum(
                "present",
                "absent",
                "excused",
                name="meeting_presence",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["group_enrolments.id"],
            name=op.f("fk_meeting_attendances_enrolment_id_group_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["group_meetings.id"],
            name=op.f("fk_meeting_attendances_meeting_id_group_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_meeting_attendances_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendances")),
        sa.UniqueConstraint(
            "meeting_id",
            "enrolment_id",
            name=op.f("uq_meeting_attendances_meeting_id_enrolment_id"),
        ),
    )
    with op.batch_alter_table("meeting_attendances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attendances_enrolment_id"), ["enrolment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_attendances_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "mentoring_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("mentor_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "attendance",
            sa.Enum(
                "scheduled",
                "attended",
                "no_show",
                "cancelled_by_client",
                "cancelled_by_centre",
                name="mentoring_attendance",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["group_enrolments.id"],
            name=op.f("fk_mentoring_sessions_enrolment_id_group_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_mentoring_sessions_mentor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["group_runs.id"], name=op.f("fk_mentoring_sessions_run_id_group_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_sessions")),
    )
    with op.batch_alter_table("mentoring_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_sessions_enrolment_id"), ["enrolment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentoring_sessions_mentor_id"), ["mentor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mentoring_sessions_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mentoring_sessions_starts_at"), ["starts_at"], unique=False
        )

    # The managed topic list starts with the topics the migrant information points use.
    op.bulk_insert(
        sa.table(
            "consultation_topics",
            sa.column("code", sa.String),
            sa.column("name", sa.JSON),
            sa.column("position", sa.SmallInteger),
            sa.column("is_active", sa.Boolean),
        ),
        [
            {
                "code": "residence_legalisation",
                "name": {
                    "pl": "Legalizacja pobytu",
                    "en": "Residence legalisation",
                    "uk": "Легалізація перебування",
                },
                "position": 1,
                "is_active": True,
            },
            {
                "code": "work_permit",
                "name": {
                    "pl": "Zezwolenie na pracę",
                    "en": "Work permit",
                    "uk": "Дозвіл на роботу",
                },
                "position": 2,
                "is_active": True,
            },
            {
                "code": "border_crossing",
                "name": {
                    "pl": "Przekraczanie granicy",
                    "en": "Border crossing",
                    "uk": "Перетин кордону",
                },
                "position": 3,
                "is_active": True,
            },
            {
                "code": "temporary_protection",
                "name": {
                    "pl": "Status ochrony czasowej",
                    "en": "Temporary protection status",
                    "uk": "Статус тимчасового захисту",
                },
                "position": 4,
                "is_active": True,
            },
            {
                "code": "pesel",
                "name": {"pl": "PESEL", "en": "PESEL", "uk": "PESEL"},
                "position": 5,
                "is_active": True,
            },
            {
                "code": "education",
                "name": {"pl": "Edukacja", "en": "Education", "uk": "Освіта"},
                "position": 6,
                "is_active": True,
            },
            {
                "code": "health_care",
                "name": {"pl": "Opieka zdrowotna", "en": "Health care", "uk": "Медична допомога"},
                "position": 7,
                "is_active": True,
            },
            {
                "code": "social_assistance",
                "name": {
                    "pl": "Pomoc społeczna",
                    "en": "Social assistance",
                    "uk": "Соціальна допомога",
                },
                "position": 8,
                "is_active": True,
            },
            {
                "code": "housing",
                "name": {"pl": "Mieszkanie", "en": "Housing", "uk": "Житло"},
                "position": 9,
                "is_active": True,
            },
            {
                "code": "psychological_support",
                "name": {
                    "pl": "Wsparcie psychologiczne",
                    "en": "Psychological support",
                    "uk": "Психологічна підтримка",
                },
                "position": 10,
                "is_active": True,
            },
            {
                "code": "other",
                "name": {"pl": "Inne", "en": "Other", "uk": "Інше"},
                "position": 11,
                "is_active": True,
            },
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("mentoring_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_sessions_starts_at"))
        batch_op.drop_index(batch_op.f("ix_mentoring_sessions_run_id"))
        batch_op.drop_index(batch_op.f("ix_mentoring_sessions_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_mentoring_sessions_enrolment_id"))

    op.drop_table("mentoring_sessions")
    with op.batch_alter_table("meeting_attendances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendances_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_attendances_enrolment_id"))

    op.drop_table("meeting_attendances")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_service_code"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_instrument_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_group_run_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_consultation_id"))

    op.drop_table("survey_responses")
    with op.batch_alter_table("supervision_record_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_record_cases_case_id"))

    op.drop_table("supervision_record_cases")
    with op.batch_alter_table("information_consultation_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_information_consultation_topics_topic_code"))

    op.drop_table("information_consultation_topics")
    with op.batch_alter_table("group_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_enrolments_status"))
        batch_op.drop_index(batch_op.f("ix_group_enrolments_run_id"))
        batch_op.drop_index(batch_op.f("ix_group_enrolments_client_id"))
        batch_op.drop_index(batch_op.f("ix_group_enrolments_case_id"))

    op.drop_table("group_enrolments")
    with op.batch_alter_table("training_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_participations_training_id"))
        batch_op.drop_index(batch_op.f("ix_training_participations_institution_id"))

    op.drop_table("training_participations")
    with op.batch_alter_table("information_consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_information_consultations_visitor_token"))
        batch_op.drop_index(batch_op.f("ix_information_consultations_team_id"))
        batch_op.drop_index(batch_op.f("ix_information_consultations_consulted_on"))
        batch_op.drop_index(batch_op.f("ix_information_consultations_consultant_id"))
        batch_op.drop_index(batch_op.f("ix_information_consultations_client_id"))

    op.drop_table("information_consultations")
    with op.batch_alter_table("group_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_meetings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_group_meetings_run_id"))

    op.drop_table("group_meetings")
    with op.batch_alter_table("group_facilitators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_facilitators_user_id"))

    op.drop_table("group_facilitators")
    with op.batch_alter_table("agreed_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreed_actions_record_id"))
        batch_op.drop_index(batch_op.f("ix_agreed_actions_due_on"))

    op.drop_table("agreed_actions")
    with op.batch_alter_table("trainings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trainings_held_on"))

    op.drop_table("trainings")
    with op.batch_alter_table("supervision_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_records_team_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_records_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_records_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_records_held_on"))

    op.drop_table("supervision_records")
    with op.batch_alter_table("public_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_events_held_on"))

    op.drop_table("public_events")
    with op.batch_alter_table("group_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_runs_team_id"))
        batch_op.drop_index(batch_op.f("ix_group_runs_service_code"))

    op.drop_table("group_runs")
    op.drop_table("partner_institutions")
    op.drop_table("consultation_topics")
