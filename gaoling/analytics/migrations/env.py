"""Alembic environment for the analytics tables.

Analytics shares its database with the platform service, so its migrations keep their own version
table (`an_alembic_version`) and only ever touch `an_*` objects: both histories coexist."""

from __future__ import annotations

from alembic import context

from gaoling.analytics.schema import metadata

VERSION_TABLE = "an_alembic_version"


def _include(obj, name, type_, reflected, compare_to):
    # Never autogenerate drops for the service's tables that live in the same database.
    return not (type_ == "table" and reflected and compare_to is None and not str(name).startswith("an_"))


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from gaoling.db import make_engine

        engine = make_engine(context.config.get_main_option("sqlalchemy.url") or None)
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                      include_object=_include, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
