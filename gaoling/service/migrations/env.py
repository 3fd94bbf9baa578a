"""Alembic environment for the service's tables. Run through gaoling.service.database.upgrade(),
which passes an open connection; the version table is the service's own, so other parts
(analytics) can keep their own migrations in the same database."""

from alembic import context

from gaoling.service.models import metadata

VERSION_TABLE = "service_alembic_version"

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through upgrade()
    raise RuntimeError("run the service migrations through gaoling.service.database.upgrade(engine)")

context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
