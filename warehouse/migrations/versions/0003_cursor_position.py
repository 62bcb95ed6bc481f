"""cursor position (the default branch's head, beside the commits watermark) and an index on threads

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 03:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cursors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.String(length=500), nullable=True))
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_thread", ["forge", "host", "repo", "parent_number"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_thread")
    with op.batch_alter_table("cursors", schema=None) as batch_op:
        batch_op.drop_column("position")
