"""The analytics database: migrations, and the writes the indexer makes.

Writes are plain inserts that ignore a row already present (unique on chain, tx hash, log index), so
that the same range of blocks can be indexed twice, or in any order, and the tables end the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from gaoling.analytics import schema
from gaoling.db import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Brings the analytics tables to the newest migration (idempotent)."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def open_store(url: str | None = None) -> Engine:
    """An engine on the analytics database (GAOLING_DATABASE_URL or SQLite), migrated."""
    engine = make_engine(url)
    migrate(engine)
    return engine


def insert_ignore(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on either database, as one executemany."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    else:  # pragma: no cover - gaoling.db only builds sqlite and postgresql engines
        raise RuntimeError(f"unsupported database {dialect}")
    conn.execute(stmt, rows)


def delete_after(conn: Connection, chain_id: int, block: int) -> int:
    """Removes every indexed row of `chain_id` above `block` (a reorg rollback). Returns rows deleted."""
    deleted = 0
    for table in schema.EVENT_TABLES:
        result = conn.execute(sa.delete(table).where(table.c.chain_id == chain_id, table.c.block_number > block))
        deleted += result.rowcount or 0
    conn.execute(sa.delete(schema.blocks).where(schema.blocks.c.chain_id == chain_id,
                                                schema.blocks.c.number > block))
    conn.execute(sa.update(schema.contracts)
                 .where(schema.contracts.c.chain_id == chain_id, schema.contracts.c.next_block > block + 1)
                 .values(next_block=sa.func.max(schema.contracts.c.start_block, block + 1)
                         if conn.dialect.name == "sqlite"
                         else sa.func.greatest(schema.contracts.c.start_block, block + 1)))
    return deleted


def dump(engine: Engine, tables: Iterable[sa.Table] | None = None) -> dict[str, list[tuple]]:
    """Every row of the event tables, sorted: what two syncs are compared by."""
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in tables or schema.EVENT_TABLES:
            rows = conn.execute(sa.select(table)).all()
            out[table.name] = sorted((tuple(_plain(v) for v in r) for r in rows), key=repr)
    return out


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.replace(tzinfo=None).isoformat() if hasattr(value, "tzinfo") and value.tzinfo else value.isoformat()
    return value
