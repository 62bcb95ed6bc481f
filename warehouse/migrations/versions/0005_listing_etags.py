"""listing ETags: conditional requests make a night with nothing new free on GitHub

Revision ID: 0005_listing_etags
Revises: 0004
Create Date: 2026-11-30 08:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_listing_etags"
down_revision = "0005_tracks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listing_etags",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("repo", sa.String(length=500), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "repo", "key"),
    )


def downgrade() -> None:
    op.drop_table("listing_etags")
