"""feedback: verdicts on signals keyed (activity, rule); single-use web sign-in links

Revision ID: 0005_feedback
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa



revision = '0005_feedback'
down_revision = "0005_signoff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signal_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.String(length=700), nullable=False),
    sa.Column('rule_id', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.String(length=200), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('given_by', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'rule_id', name='uq_signal_feedback_activity_rule')
    )
    op.create_index('ix_signal_feedback_rule', 'signal_feedback', ['rule_id'], unique=False)
    op.create_index('ix_signal_feedback_person', 'signal_feedback', ['person_id'], unique=False)
    op.create_table('web_invites',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash')
    )


def downgrade() -> None:
    op.drop_table('web_invites')
    op.drop_index('ix_signal_feedback_person', table_name='signal_feedback')
    op.drop_index('ix_signal_feedback_rule', table_name='signal_feedback')
    op.drop_table('signal_feedback')
