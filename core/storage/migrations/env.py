"""Alembic environment: runs on the connection core.storage.migrate hands it."""

from __future__ import annotations

from alembic import context

from yibao.core.storage.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - always driven through core.storage.migrate
    raise RuntimeError("run migrations with `yibao db upgrade`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
