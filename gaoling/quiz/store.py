"""Where the grader keeps attempts: who started what when (for the cooldown) and the server-side
choice order of each attempt (never sent to the quiz taker).

A store is anything with the three methods of `AttemptStore`. Two come with the package: an
in-memory store (one process, tests, the terminal quiz) and an embedded SQLite store (a web
backend on one host, or several workers sharing one database file). Both start an attempt and
check the cooldown in one atomic step, so two concurrent requests cannot both slip through.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable


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


class SQLiteAttemptStore:
    """Attempts in an SQLite file (or ":memory:"). Safe across threads and processes: the
    cooldown check and the insert run inside one IMMEDIATE transaction."""

    _SCHEMA = """
    CREATE TABLE IF NOT EXISTS quiz_attempts (
        attempt_id  TEXT PRIMARY KEY,
        holder      TEXT NOT NULL,
        started_at  INTEGER NOT NULL,
        payload     TEXT NOT NULL,
        finished_at INTEGER,
        outcome     TEXT
    );
    CREATE INDEX IF NOT EXISTS quiz_attempts_holder ON quiz_attempts (holder, started_at);
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        self._db.executescript(self._SCHEMA)

    def try_begin(self, holder: str, attempt_id: str, started_at: int, cooldown: int, payload: str) -> int | None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT MAX(started_at) FROM quiz_attempts WHERE holder = ?", (holder,)).fetchone()
                last = row[0]
                if last is not None and started_at < last + cooldown:
                    self._db.execute("ROLLBACK")
                    return int(last) + cooldown
                self._db.execute(
                    "INSERT INTO quiz_attempts (attempt_id, holder, started_at, payload) VALUES (?, ?, ?, ?)",
                    (attempt_id, holder, started_at, payload))
                self._db.execute("COMMIT")
                return None
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def load(self, attempt_id: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT payload FROM quiz_attempts WHERE attempt_id = ?", (attempt_id,)).fetchone()
        return row[0] if row else None

    def finish(self, attempt_id: str, finished_at: int, outcome: str) -> bool:
        with self._lock:
            cur = self._db.execute(
                "UPDATE quiz_attempts SET finished_at = ?, outcome = ? "
                "WHERE attempt_id = ? AND finished_at IS NULL", (finished_at, outcome, attempt_id))
        return cur.rowcount == 1

    def history(self, holder: str) -> list[dict]:
        """Every attempt by `holder`, oldest first (for support staff)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT attempt_id, started_at, finished_at, outcome FROM quiz_attempts "
                "WHERE holder = ? ORDER BY started_at", (holder,)).fetchall()
        return [{"attempt_id": a, "started_at": s, "finished_at": f,
                 "outcome": json.loads(o) if o else None} for a, s, f, o in rows]

    def close(self) -> None:
        self._db.close()
