"""clients

Revision ID: ec158de66946
Revises: 143a4ce374f2
Create Date: 2026-11-21 13:50:23.376685
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'ec158de66946'
down_revision = '143a4ce374f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clients',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('given_name', sa.LargeBinary(), nullable=True),
    sa.Column('family_name', sa.LargeBinary(), nullable=True),
    sa.Column('date_of_birth', sa.LargeBinary(), nullable=True),
    sa.Column('national_id', sa.LargeBinary(), nullable=True),
    sa.Column('phone', sa.LargeBinary(), nullable=True),
    sa.Column('email', sa.LargeBinary(), nullable=True),
    sa.Column('address', sa.LargeBinary(), nullable=True),
    sa.Column('gender', sa.Enum('female', 'male', 'non_binary', 'undisclosed', name='gender', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('birth_year', sa.SmallInteger(), nullable=True),
    sa.Column('nationality', sa.String(length=2), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('migration_reason', sa.Enum('not_migrant', 'war', 'work', 'family', 'study', 'international_protection', 'other', 'undisclosed', name='migration_reason', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_clients_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients'))
    )


def downgrade() -> None:
    op.drop_table('clients')
