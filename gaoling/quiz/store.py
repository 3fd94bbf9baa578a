"""Where the grader keeps attempts: who started what when (for the cooldown) and the server-side
choice order of each attempt (never sent to the quiz taker).

A store is anything with the three methods of `AttemptStore`. Two come with the package: an
in-memory store (one process, tests, the terminal quiz) and the database store on the platform's
database (`DatabaseAttemptStore`: SQLite by default, PostgreSQL for several API workers and hosts;
`SQLiteAttemptStore(path)` is the same on a given file). Both start an attempt and check the
cooldown in one atomic step, so two concurrent requests cannot both slip through.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class AttemptStore(Protocol):
    def try_begin(self, holder: str, attempt_id: str, started_at: int, cooldown: int, payload: str) -> int | None:
        """Records a new attempt unless `holder` started one less than `cooldown` seconds before
        `started_at`. Returns None when recorded, else the timestamp at which a new attempt is allowed."""

    def load(self, attempt_id: str) -> str | None:
        """The payload saved by `try_begin`, or None for an unknown attempt."""

    def finish(self, attempt_id: str, finished_at: int, outcome: str) -> bool:
        """Marks the attempt graded. True only for the first call, so an attempt is graded once."""


class MemoryAttemptStore:
    """Attempts in a dict, guarded by a lock. Lost when the process exits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, int] = {}
        self._payloads: dict[str, str] = {}
        self._finished: dict[str, tuple[int, str]] = {}

    def try_begin(self, holder: str, attempt_id: str, started_at: int, cooldown: int, payload: str) -> int | None:
        with self._lock:
            last = self._last.get(holder)
            if last is not None and started_at < last + cooldown:
                return last + cooldown
            if attempt_id in self._payloads:
                raise ValueError(f"attempt id {attempt_id!r} already exists")
            self._last[holder] = started_at
            self._payloads[attempt_id] = payload
            return None

    def load(self, attempt_id: str) -> str | None:
        with self._lock:
            return self._payloads.get(attempt_id)

    def finish(self, attempt_id: str, finished_at: int, outcome: str) -> bool:
        with self._lock:
            if attempt_id not in self._payloads or attempt_id in self._finished:
                return False
            self._finished[attempt_id] = (finished_at, outcome)
            return True


class DatabaseAttemptStore:
    """Attempts and per-holder cooldowns in the platform's database (gaoling.db: SQLite by default,
    PostgreSQL through GAOLING_DATABASE_URL), in the tables `quiz_attempts` and `quiz_cooldowns` that
    the service's migrations create. Safe across API workers and hosts: the cooldown is claimed with a
    single compare-and-set UPDATE (or the first INSERT, which the primary key serialises), in the same
    transaction as the attempt, so two concurrent starts by one holder cannot both succeed."""

    def __init__(self, engine_or_url: Any = None) -> None:
        import sqlalchemy as sa

        from gaoling.service.database import open_engine, upgrade

        if isinstance(engine_or_url, sa.engine.Engine):
            self.engine = engine_or_url
            upgrade(self.engine)
        else:
            self.engine = open_engine(engine_or_url)

    def try_begin(self, holder: str, attempt_id: str, started_at: int, cooldown: int, payload: str) -> int | None:
        import sqlalchemy as sa

        from gaoling.service.models import quiz_attempts, quiz_cooldowns

        c = quiz_cooldowns.c
        try:
            with self.engine.begin() as conn:
                claimed = conn.execute(quiz_cooldowns.update().where(
                    c.holder == holder, c.last_started_at <= started_at - cooldown).values(
                    last_started_at=started_at)).rowcount
                if not claimed:
                    last = conn.execute(sa.select(c.last_started_at).where(c.holder == holder)).scalar()
                    if last is not None:
                        return int(last) + cooldown
                    conn.execute(quiz_cooldowns.insert().values(holder=holder, last_started_at=started_at))
                conn.execute(quiz_attempts.insert().values(attempt_id=attempt_id, holder=holder,
                                                           started_at=started_at, payload=payload))
        except sa.exc.IntegrityError:
            # another start by the same holder won the race for the first row
            return started_at + cooldown
        return None

    def load(self, attempt_id: str) -> str | None:
        import sqlalchemy as sa

        from gaoling.service.models import quiz_attempts

        with self.engine.connect() as conn:
            return conn.execute(sa.select(quiz_attempts.c.payload)
                                .where(quiz_attempts.c.attempt_id == attempt_id)).scalar()

    def finish(self, attempt_id: str, finished_at: int, outcome: str) -> bool:
        from gaoling.service.models import quiz_attempts

        a = quiz_attempts.c
        with self.engine.begin() as conn:
            done = conn.execute(quiz_attempts.update().where(a.attempt_id == attempt_id, a.finished_at.is_(None))
                                .values(finished_at=finished_at, outcome=outcome)).rowcount
        return done == 1

    def history(self, holder: str) -> list[dict]:
        """Every attempt by `holder`, oldest first (for support staff)."""
        import sqlalchemy as sa

        from gaoling.service.models import quiz_attempts

        a = quiz_attempts.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(a.attempt_id, a.started_at, a.finished_at, a.outcome)
                                .where(a.holder == holder).order_by(a.started_at)).all()
        return [{"attempt_id": r[0], "started_at": r[1], "finished_at": r[2],
                 "outcome": json.loads(r[3]) if r[3] else None} for r in rows]

    def close(self) -> None:
        self.engine.dispose()


class SQLiteAttemptStore(DatabaseAttemptStore):
    """The database store on an SQLite file (`ape run quiz take --store PATH`)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        super().__init__(f"sqlite:///{Path(self.path).as_posix()}" if self.path != ":memory:" else "sqlite://")
