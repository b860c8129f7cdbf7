"""Alembic environment: runs on the connection handed over by backstop.workspace.db."""

from alembic import context

from backstop.workspace.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - backstop always passes a connection
    raise RuntimeError("backstop migrations run through backstop.workspace.db.upgrade()")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
