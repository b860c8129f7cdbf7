"""runs: analysis runs on scenario revisions (labelled by what they read), their output files, guarantors' actions, meetings

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=False, index=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("round_id", sa.Integer, nullable=True),
        sa.Column("analysis", sa.String(40), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("quick", sa.Boolean, nullable=False),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32), nullable=True),
        sa.Column("results_sha256", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(3), nullable=False, index=True),
        sa.Column("releasable_to", sa.String(400), nullable=False),
    )
    op.create_table(
        "run_files",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("filename", sa.String(100), primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    op.create_table(
        "commitment_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("fired_key", sa.String(200), nullable=False),
        sa.Column("nation", sa.String(3), nullable=False),
        sa.Column("deadline", sa.String(32), nullable=False),
        sa.Column("acknowledged_by", sa.String(64), nullable=False),
        sa.Column("acknowledged_at", sa.String(32), nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("owner", sa.String(3), nullable=False, index=True),
        sa.Column("releasable_to", sa.String(400), nullable=False),
        sa.UniqueConstraint("run_id", "fired_key", "nation"),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("nations", sa.String(400), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(3), nullable=False, index=True),
        sa.Column("releasable_to", sa.String(400), nullable=False),
    )
    op.create_table(
        "meeting_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=True),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=True),
        sa.Column("revision", sa.Integer, nullable=True),
        sa.Column("owner_nation", sa.String(3), nullable=False),
        sa.Column("due_date", sa.String(10), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(3), nullable=False, index=True),
        sa.Column("releasable_to", sa.String(400), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("meeting_items")
    op.drop_table("meetings")
    op.drop_table("commitment_actions")
    op.drop_table("run_files")
    op.drop_table("runs")
