"""The service's database: engine, migrations on start, and the two ways relayers take work.

- PostgreSQL: several relayers run at once; each claims queued rows with
  `SELECT ... FOR UPDATE SKIP LOCKED`, so two never take the same message, and allocates nonces
  under a row lock on its sender.
- SQLite: one file, one writer at a time. Relayers hold a lease row (`service_leases`) that they
  renew while working; a second relayer waits until the lease expires (its holder died) before it
  takes over. That is the safe equivalent of row locks for an embedded database.
"""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from gaoling import db
from gaoling.service.models import leases

MIGRATIONS = Path(__file__).with_name("migrations")
_migrated: set[str] = set()


def alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Brings the schema to the newest migration (idempotent; runs on every start)."""
    key = engine.url.render_as_string(hide_password=False)
    in_memory = engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:")
    if key in _migrated and not in_memory:
        return
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several workers may start at once: one migrates, the others wait for it.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(7461201)"))
        command.upgrade(alembic_config(connection), "head")
    _migrated.add(key)


def open_engine(url: str | None = None) -> Engine:
    """The engine for `url` (else GAOLING_DATABASE_URL, else SQLite in the data dir), migrated."""
    engine = db.make_engine(url)
    upgrade(engine)
    return engine


def supports_skip_locked(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def acquire_lease(engine: Engine, name: str, holder: str, ttl: float) -> bool:
    """Takes or renews lease `name` for `holder`; False while another live holder has it.

    One compare-and-set UPDATE (or the first INSERT), so two processes racing for an expired lease
    cannot both win, on SQLite as on PostgreSQL."""
    now = time.time()
    with engine.begin() as conn:
        taken = conn.execute(
            leases.update().where(leases.c.name == name,
                                  sa.or_(leases.c.holder == holder, leases.c.expires_at < now))
            .values(holder=holder, expires_at=now + ttl)).rowcount
        if taken:
            return True
        exists = conn.execute(sa.select(leases.c.name).where(leases.c.name == name)).first()
        if exists is not None:
            return False
    try:
        with engine.begin() as conn:
            conn.execute(leases.insert().values(name=name, holder=holder, expires_at=now + ttl))
        return True
    except sa.exc.IntegrityError:
        return False


def release_lease(engine: Engine, name: str, holder: str) -> None:
    with engine.begin() as conn:
        conn.execute(leases.delete().where(leases.c.name == name, leases.c.holder == holder))
