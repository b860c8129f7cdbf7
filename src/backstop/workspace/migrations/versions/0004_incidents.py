"""incidents entered or uploaded by nations (labelled); meeting items may cite a violation

Revision ID: 0004
Revises: 0002 (0003 once the performance migration lands: fixed at merge)
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("source_file", sa.String(200), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(3), nullable=False, index=True),
        sa.Column("releasable_to", sa.String(400), nullable=False),
    )
    with op.batch_alter_table("meeting_items") as batch:
        batch.add_column(sa.Column("violation", sa.String(20), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("meeting_items") as batch:
        batch.drop_column("violation")
    op.drop_table("incidents")
