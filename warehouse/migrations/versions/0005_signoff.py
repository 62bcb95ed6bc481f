"""signoffs: senior leaders' decisions on a person's promotion packet

Revision ID: 0005_signoff
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_signoff'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signoffs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=200), nullable=False),
    sa.Column('signed_by', sa.String(length=200), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_signoffs_person', 'signoffs', ['person_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_signoffs_person', table_name='signoffs')
    op.drop_table('signoffs')
