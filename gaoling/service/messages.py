"""Intake of signed messages (check-ins, coupon exchanges): verify, persist, answer with a tracking id.

A message is written to the database (committed) before the API answers 202, so an accepted message
survives any crash after the answer. The tracking id is derived from what makes the message unique
(kind, chain, contract, member, day or nonce), and a unique constraint backs it, so a repeated POST
(or two API workers racing on the same message) lands on the same row and the same id.

Check-ins arrive many at a time, so their intake commits in groups (`Intake`): one writer thread per
database takes every message waiting and stores them in one transaction, then answers each request.
Nothing is answered before its commit, a group is only as large as what was waiting (no added
delay), and one commit per group instead of per message is what lets SQLite's single writer keep up.
"""

from __future__ import annotations

import asyncio
import json
import queue
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from eth_utils import keccak
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from gaoling.service.models import messages

QUEUED, SENT, CONFIRMED, REJECTED = "queued", "sent", "confirmed", "rejected"


def tracking_id(kind: str, chain_id: int, contract: str, member: str, dedupe: str) -> str:
    return keccak(f"{kind}|{chain_id}|{contract.lower()}|{member.lower()}|{dedupe}".encode()).hex()[:32]


@dataclass(frozen=True)
class Accepted:
    id: str
    created: bool  # False for a repeated POST of the same message
    status: str


def _row(kind: str, chain_id: int, contract: str, member: str, dedupe: str, payload: dict[str, Any],
         status: str, reason: str | None) -> dict[str, Any]:
    now = time.time()
    return dict(id=tracking_id(kind, chain_id, contract, member, dedupe), kind=kind, chain_id=chain_id,
                contract=contract, member=member, dedupe=dedupe, payload=json.dumps(payload), status=status,
                reason=reason, created_at=now, updated_at=now)


# Built once per dialect: the statement's parameters change, not its shape (SQLAlchemy's cache hits).
# RETURNING says whether the row was new (psycopg reports no rowcount for ON CONFLICT DO NOTHING).
_INSERT = {"postgresql": postgresql.insert(messages).on_conflict_do_nothing().returning(messages.c.id),
           "sqlite": sqlite.insert(messages).on_conflict_do_nothing().returning(messages.c.id)}
_STATUS = sa.select(messages.c.status).where(messages.c.id == sa.bindparam("mid"))


def _store(conn: Connection, row: dict[str, Any]) -> Accepted:
    """Inserts the row unless its id (or its unique key) is taken; a repeat answers the stored row's status."""
    if conn.execute(_INSERT[conn.dialect.name], row).first() is not None:
        return Accepted(row["id"], True, row["status"])
    status = conn.execute(_STATUS, {"mid": row["id"]}).scalar()
    return Accepted(row["id"], False, status or row["status"])


def enqueue(engine: Engine, kind: str, chain_id: int, contract: str, member: str, dedupe: str,
            payload: dict[str, Any], status: str = QUEUED, reason: str | None = None) -> Accepted:
    """Stores the message once, in its own transaction; a repeat returns the existing row's id and status."""
    with engine.begin() as conn:
        return _store(conn, _row(kind, chain_id, contract, member, dedupe, payload, status, reason))


class Intake:
    """Group commit for the hot intake path: `await intake.submit(...)` returns once the message is
    committed, with the same answer `enqueue` gives."""

    MAX_GROUP = 500
    IDLE_SECONDS = 5.0  # the writer thread ends when idle this long, and starts again on demand

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    async def submit(self, kind: str, chain_id: int, contract: str, member: str, dedupe: str,
                     payload: dict[str, Any], status: str = QUEUED, reason: str | None = None) -> Accepted:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        item = (_row(kind, chain_id, contract, member, dedupe, payload, status, reason), loop, future)
        with self._lock:
            self._queue.put(item)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gaoling-intake", daemon=True)
                self._thread.start()
        return await future

    def _run(self) -> None:
        while True:
            try:
                group = [self._queue.get(timeout=self.IDLE_SECONDS)]
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            while len(group) < self.MAX_GROUP:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(group)

    def _write(self, group: list) -> None:
        try:
            with self.engine.begin() as conn:
                results: list[Any] = [_store(conn, row) for row, _, _ in group]
        except Exception:
            if len(group) == 1:
                results = [sys.exc_info()[1]]
            else:  # one bad message must not fail the others: store each on its own
                results = []
                for row, _, _ in group:
                    try:
                        with self.engine.begin() as conn:
                            results.append(_store(conn, row))
                    except Exception as exc:
                        results.append(exc)
        for (_, loop, future), result in zip(group, results):
            try:
                loop.call_soon_threadsafe(_resolve, future, result)
            except RuntimeError:  # that request's event loop is closed: nobody waits for the answer
                pass


def _resolve(future: asyncio.Future, result: Any) -> None:
    if future.done():  # the client went away; its message is stored all the same
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


def lookup(engine: Engine, mid: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(messages).where(messages.c.id == mid)).mappings().first()
    return None if row is None else view(row)


def view(row: Any) -> dict[str, Any]:
    out = {
        "id": row["id"], "kind": row["kind"], "status": row["status"], "member": row["member"],
        "contract": row["contract"], "chainId": int(row["chain_id"]), "txHash": row["tx_hash"],
        "reason": row["reason"], "createdAt": row["created_at"], "updatedAt": row["updated_at"],
    }
    if row["result"]:
        out["result"] = json.loads(row["result"])
    if row["kind"] == "checkin":
        out["day"] = int(row["dedupe"])
    return out
