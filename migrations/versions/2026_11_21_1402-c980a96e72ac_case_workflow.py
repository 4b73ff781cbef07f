"""Case workflow: clients' consents, cases, assessments, recommendations, enrolments, appointments, notes, API tokens.

Revision ID: c980a96e72ac
Revises: ec158de66946
Create Date: 2026-11-21 14:02:09.232197
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c980a96e72ac'
down_revision = 'ec158de66946'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_reference_counters'))
    )
    op.create_table('services',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('individual', 'couples', 'family', 'group', 'workshop', 'consultation', 'procedure', 'referral', name='service_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_services'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('individual', 'couple', 'family', name='case_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('state', sa.Enum('intake', 'assessment', 'routing', 'active', 'on_hold', 'closed', name='case_state', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('case_manager_id', sa.Uuid(), nullable=True),
    sa.Column('team_id', sa.Uuid(), nullable=True),
    sa.Column('referral_source', sa.Enum('self', 'social_welfare_centre', 'court', 'school', 'police_niebieska_karta', 'ngo', 'other', name='referral_source', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('primary_client_id', sa.Uuid(), nullable=False),
    sa.Column('children_in_household', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by_id', sa.Uuid(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closure_outcome', sa.Enum('goals_achieved', 'goals_partly_achieved', 'client_withdrew', 'referred_elsewhere', 'no_contact', 'other', name='closure_outcome', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('closure_reason', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_manager_id'], ['users.id'], name=op.f('fk_cases_case_manager_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_cases_opened_by_id_users')),
    sa.ForeignKeyConstraint(['primary_client_id'], ['clients.id'], name=op.f('fk_cases_primary_client_id_clients')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_cases_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_case_manager_id'), ['case_manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_team_id'), ['team_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('purpose', sa.Enum('support_services', 'sharing_with_partners', 'contact_by_phone_or_email', name='purpose', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('legal_basis', sa.Enum('consent', 'legal_obligation', 'vital_interests', 'public_task', name='legal_basis', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('notice_version', sa.String(length=40), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_consents_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consents_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_consents_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_client_id'), ['client_id'], unique=False)

    op.create_table('assessments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('participant_ids', sa.JSON(), nullable=False),
    sa.Column('instrument_id', sa.String(length=60), nullable=False),
    sa.Column('instrument_version', sa.String(length=30), nullable=False),
    sa.Column('instrument_sha256', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Enum('draft', 'completed', name='assessment_state', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('is_individual', sa.Boolean(), nullable=False),
    sa.Column('is_closing', sa.Boolean(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('answers', sa.LargeBinary(), nullable=True),
    sa.Column('result', sa.LargeBinary(), nullable=True),
    sa.Column('routing', sa.LargeBinary(), nullable=True),
    sa.Column('level', sa.String(length=30), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_by_id', sa.Uuid(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_assessments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_assessments_client_id_clients')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_assessments_completed_by_id_users')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_assessments_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_level'), ['level'], unique=False)

    op.create_table('break_glass_accesses',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_break_glass_accesses_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_break_glass_accesses_team_id_teams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_break_glass_accesses_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_break_glass_accesses'))
    )
    with op.batch_alter_table('break_glass_accesses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_break_glass_accesses_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_break_glass_accesses_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_break_glass_accesses_user_id'), ['user_id'], unique=False)

    op.create_table('case_participants',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Enum('partner', 'parent', 'child', 'other', name='participant_role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_participants_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_case_participants_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_participants')),
    sa.UniqueConstraint('case_id', 'client_id', name=op.f('uq_case_participants_case_id_client_id'))
    )
    with op.batch_alter_table('case_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_participants_client_id'), ['client_id'], unique=False)

    op.create_table('case_state_changes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('from_state', sa.Enum('intake', 'assessment', 'routing', 'active', 'on_hold', 'closed', name='from_state', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('to_state', sa.Enum('intake', 'assessment', 'routing', 'active', 'on_hold', 'closed', name='to_state', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_state_changes_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_case_state_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_case_state_changes_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_state_changes'))
    )
    with op.batch_alter_table('case_state_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_state_changes_case_id'), ['case_id'], unique=False)

    op.create_table('enrolments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('service_code', sa.String(length=60), nullable=False),
    sa.Column('practitioner_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.Enum('active', 'waitlisted', 'completed', 'withdrawn', name='enrolment_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_enrolments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_enrolments_client_id_clients')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_enrolments_created_by_id_users')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['users.id'], name=op.f('fk_enrolments_practitioner_id_users')),
    sa.ForeignKeyConstraint(['service_code'], ['services.code'], name=op.f('fk_enrolments_service_code_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_practitioner_id'), ['practitioner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_service_code'), ['service_code'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('enrolment_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('practitioner_id', sa.Uuid(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mode', sa.Enum('in_person', 'remote', name='mode', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=True),
    sa.Column('is_joint', sa.Boolean(), nullable=False),
    sa.Column('attendance', sa.Enum('scheduled', 'attended', 'no_show', 'cancelled_by_client', 'cancelled_by_centre', name='attendance', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_appointments_case_id_cases')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_appointments_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practitioner_id'], ['users.id'], name=op.f('fk_appointments_practitioner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_practitioner_id'), ['practitioner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_starts_at'), ['starts_at'], unique=False)

    op.create_table('recommendations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('assessment_id', sa.Uuid(), nullable=True),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('is_individual', sa.Boolean(), nullable=False),
    sa.Column('service_code', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('recommend', 'mandatory', 'added', name='recommendation_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=True),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('rule_reason', sa.JSON(), nullable=False),
    sa.Column('decision', sa.Enum('pending', 'accepted', 'declined', 'decline_requested', name='decision', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('decision_reason', sa.LargeBinary(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('confirmed_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_recommendations_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_recommendations_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_recommendations_client_id_clients')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_recommendations_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_recommendations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['service_code'], ['services.code'], name=op.f('fk_recommendations_service_code_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations'))
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_case_id'), ['case_id'], unique=False)

    op.create_table('session_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('appointment_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('progress', 'private', name='note_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('is_individual', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'signed', name='note_state', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_session_notes_appointment_id_appointments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_session_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_session_notes_case_id_cases')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_session_notes_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_notes'))
    )
    with op.batch_alter_table('session_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_notes_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_notes_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_notes_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_notes_client_id'), ['client_id'], unique=False)

    op.create_table('note_addenda',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('note_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_note_addenda_author_id_users')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_note_addenda_client_id_clients')),
    sa.ForeignKeyConstraint(['note_id'], ['session_notes.id'], name=op.f('fk_note_addenda_note_id_session_notes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_addenda'))
    )
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_addenda_note_id'), ['note_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_addenda_note_id'))

    op.drop_table('note_addenda')
    with op.batch_alter_table('session_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_notes_client_id'))
        batch_op.drop_index(batch_op.f('ix_session_notes_case_id'))
        batch_op.drop_index(batch_op.f('ix_session_notes_author_id'))
        batch_op.drop_index(batch_op.f('ix_session_notes_appointment_id'))

    op.drop_table('session_notes')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendations_case_id'))

    op.drop_table('recommendations')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointments_starts_at'))
        batch_op.drop_index(batch_op.f('ix_appointments_practitioner_id'))
        batch_op.drop_index(batch_op.f('ix_appointments_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_appointments_case_id'))

    op.drop_table('appointments')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_service_code'))
        batch_op.drop_index(batch_op.f('ix_enrolments_practitioner_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_client_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_case_id'))

    op.drop_table('enrolments')
    with op.batch_alter_table('case_state_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_state_changes_case_id'))

    op.drop_table('case_state_changes')
    with op.batch_alter_table('case_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_participants_client_id'))

    op.drop_table('case_participants')
    with op.batch_alter_table('break_glass_accesses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_break_glass_accesses_user_id'))
        batch_op.drop_index(batch_op.f('ix_break_glass_accesses_team_id'))
        batch_op.drop_index(batch_op.f('ix_break_glass_accesses_case_id'))

    op.drop_table('break_glass_accesses')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_level'))
        batch_op.drop_index(batch_op.f('ix_assessments_client_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_case_id'))

    op.drop_table('assessments')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_client_id'))

    op.drop_table('consents')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_team_id'))
        batch_op.drop_index(batch_op.f('ix_cases_state'))
        batch_op.drop_index(batch_op.f('ix_cases_case_manager_id'))

    op.drop_table('cases')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('services')
    op.drop_table('case_reference_counters')
