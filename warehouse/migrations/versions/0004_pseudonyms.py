"""pseudonyms: an opted-out person's roster facts under their pseudonyms

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pseudonyms',
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('forge', sa.String(length=20), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=True),
    sa.Column('level', sa.String(length=100), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('timezone', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('pseudonym')
    )


def downgrade() -> None:
    op.drop_table('pseudonyms')
