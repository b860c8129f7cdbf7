"""paging: keyset indexes for the lists that grow, and pledge capability/quantity columns for SQL aggregates

- ``pledges(round_id, owner, pledge_id)``: a round's pledges page in display order by an index seek;
- ``pledges(round_id, capability)`` with the new ``capability`` and ``quantity`` columns (copied from the
  JSON cells, kept in step by the code): the dashboard's fill is a ``GROUP BY`` in the database, not a
  read of every pledge;
- ``runs(scenario_id, id)``: a scenario's runs page newest first;
- ``meeting_items(meeting_id, id)`` is covered by its existing index; the audit log pages on its primary key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pledges") as batch:
        batch.add_column(sa.Column("capability", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("quantity", sa.Integer, nullable=False, server_default="0"))
    conn = op.get_bind()
    pledges = sa.table("pledges", sa.column("id", sa.Integer), sa.column("data", sa.Text),
                       sa.column("capability", sa.String), sa.column("quantity", sa.Integer))
    for row in conn.execute(sa.select(pledges.c.id, pledges.c.data)).all():
        cells = json.loads(row.data)
        conn.execute(sa.update(pledges).where(pledges.c.id == row.id)
                     .values(capability=str(cells.get("capability", "")), quantity=int(cells.get("quantity") or 0)))
    op.create_index("ix_pledges_round_owner_pledge", "pledges", ["round_id", "owner", "pledge_id"])
    op.create_index("ix_pledges_round_capability", "pledges", ["round_id", "capability"])
    op.create_index("ix_runs_scenario_id_id", "runs", ["scenario_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_runs_scenario_id_id", "runs")
    op.drop_index("ix_pledges_round_capability", "pledges")
    op.drop_index("ix_pledges_round_owner_pledge", "pledges")
    with op.batch_alter_table("pledges") as batch:
        batch.drop_column("quantity")
        batch.drop_column("capability")
