"""Where Gaoling keeps its off-chain state, and how to connect to it.

One database holds everything the platform keeps off chain (the service's queues and records, the
shipping store, quiz attempts, analytics tables). By default it is an embedded SQLite file in the data
directory; `GAOLING_DATABASE_URL=postgresql://user@host/db` moves it to PostgreSQL, which is how several
API workers, relayers and indexers share one state.

| variable | meaning | default |
|---|---|---|
| GAOLING_DATA_DIR | the project's data directory | `.gaoling` (relative to the working directory) |
| GAOLING_DATABASE_URL | SQLAlchemy URL; `postgresql://` means psycopg 3 | `sqlite:///<data dir>/gaoling.sqlite3` |

Each part owns its tables and migrations (Alembic); this module only resolves the URL and builds engines.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

DATA_DIR_ENV = "GAOLING_DATA_DIR"
DATABASE_URL_ENV = "GAOLING_DATABASE_URL"


class DatabaseConfigError(ValueError):
    """A database URL that Gaoling cannot use; the message says what to write instead."""


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or ".gaoling")


def database_url(url: str | None = None) -> str:
    """The SQLAlchemy URL to use: the argument, else GAOLING_DATABASE_URL, else SQLite in the data dir.

    `postgresql://` and `postgres://` are taken to mean the psycopg 3 driver (the one installed)."""
    raw = url or os.environ.get(DATABASE_URL_ENV)
    if not raw:
        return f"sqlite:///{(data_dir() / 'gaoling.sqlite3').as_posix()}"
    try:
        parsed = make_url(raw)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse text
        raise DatabaseConfigError(
            f"{DATABASE_URL_ENV}={raw!r} is not a database URL; write e.g. "
            "postgresql://gaoling@127.0.0.1:5432/gaoling or sqlite:///.gaoling/gaoling.sqlite3") from exc
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseConfigError(
            f"{DATABASE_URL_ENV} uses {parsed.get_backend_name()!r}; Gaoling supports sqlite and postgresql")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for `database_url(url)`. SQLite gets WAL, a busy timeout and foreign keys, so that an
    API worker and a relayer in two processes can share the file; its directory is created."""
    resolved = database_url(url)
    if is_sqlite(resolved):
        db = make_url(resolved).database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(resolved, connect_args={"timeout": 30}, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every SQLite test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(resolved, **kwargs)
