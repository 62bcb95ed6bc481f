"""org listings: the org listing asked conditionally, so a night with nothing new costs GitHub no point

Revision ID: 0007_org_listings
Revises: 0006_month_counts
Create Date: 2026-11-30 15:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_org_listings"
down_revision = "0006_month_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_listings",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "key"),
    )


def downgrade() -> None:
    op.drop_table("org_listings")
