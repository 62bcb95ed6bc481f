"""tracks: each person's track and stage, milestone attestations, mentoring check-ins

Revision ID: 0005_tracks
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_tracks'
down_revision = '0005_feedback'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('person_tracks',
    sa.Column('person_id', sa.String(length=200), nullable=False),
    sa.Column('track', sa.String(length=100), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=False),
    sa.Column('stage_since', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('attestations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=200), nullable=False),
    sa.Column('track', sa.String(length=100), nullable=False),
    sa.Column('milestone_id', sa.String(length=100), nullable=False),
    sa.Column('evidence_url', sa.Text(), nullable=False),
    sa.Column('attested_by', sa.String(length=200), nullable=False),
    sa.Column('attested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attestations', schema=None) as batch_op:
        batch_op.create_index('ix_attestations_person', ['person_id', 'milestone_id'], unique=False)
    op.create_table('checkins',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('mentor_id', sa.String(length=200), nullable=False),
    sa.Column('mentee_id', sa.String(length=200), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('focus_area', sa.Text(), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('challenges', sa.Text(), nullable=False),
    sa.Column('observation', sa.Text(), nullable=False),
    sa.Column('next_focus', sa.Text(), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mentor_id', 'mentee_id', 'month', name='uq_checkins_pair_month')
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_mentee', ['mentee_id', 'month'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_checkins_mentee')
    op.drop_table('checkins')
    with op.batch_alter_table('attestations', schema=None) as batch_op:
        batch_op.drop_index('ix_attestations_person')
    op.drop_table('attestations')
    op.drop_table('person_tracks')
