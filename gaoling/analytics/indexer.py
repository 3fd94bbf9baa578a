"""The indexer: every log of every manifest contract, from any JSON-RPC node, into the analytics tables.

How a sync works:
1. The node's chain id must be the manifest's (and the database's, for contracts already indexed).
2. Each contract has a cursor (`an_contracts.next_block`). Contracts whose cursors are equal are read
   together, one `eth_getLogs` per block range over all their addresses.
3. Work stops `confirmations` blocks behind the head. Every batch records the hash of its last block
   and of every block that had logs; before each batch the newest recorded hash is compared with the
   chain. On a mismatch the indexer walks back to the newest block whose hash still matches (the
   common ancestor), deletes every row above it, moves the cursors back and reads again.
4. A batch is one database transaction: rows, block hashes and cursors commit together or not at
   all, so a sync killed at any moment restarts where it stopped, with nothing missing or twice.
5. The range size adapts: halved when the node refuses (too many results, response too large,
   timeout), doubled again after successes, up to `max_range`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import requests
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from web3 import HTTPProvider, Web3

from gaoling.analytics import schema
from gaoling.analytics.abis import Source, checksum
from gaoling.analytics.errors import AnalyticsInputError, ChainMismatchError, RpcError
from gaoling.analytics.mappings import mappers_for
from gaoling.analytics.store import delete_after, insert_ignore

log = logging.getLogger(__name__)

CST = timezone(timedelta(hours=8))
# Messages by which common nodes refuse a range as too large (geth, erigon, Alchemy, Infura, QuickNode,
# Ankr, anvil's own --max-logs style limits, generic gateways).
TOO_LARGE = re.compile(
    r"too many|more than \d+ results|limit exceeded|response size|query returned more|block range|"
    r"range (is )?too (large|wide)|exceed|timeout|timed out|payload too large|413|try with this block range",
    re.IGNORECASE)


@dataclass
class SyncReport:
    chain_id: int
    from_block: int | None = None
    to_block: int | None = None
    batches: int = 0
    logs: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    reorgs: list[tuple[int, int]] = field(default_factory=list)  # (stale tip, common ancestor)
    range_shrinks: int = 0
    seconds: float = 0.0

    @property
    def events_per_s(self) -> float:
        return self.logs / self.seconds if self.seconds else 0.0


class Rpc:
    """A thin JSON-RPC client on web3.py's HTTP provider, returning raw results (no formatting)."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        if not re.match(r"^https?://", url or ""):
            raise AnalyticsInputError(f"--rpc: {url!r} is not an http(s) URL; give the node's JSON-RPC URL, "
                                      "e.g. http://127.0.0.1:8545")
        self.url = url
        self.w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": timeout}))

    def call(self, method: str, params: list[Any]) -> Any:
        try:
            response = self.w3.provider.make_request(method, params)
        except (requests.ConnectionError, ConnectionError) as exc:
            raise RpcError(f"--rpc: cannot reach {self.url} ({type(exc).__name__}); is the node running "
                           "and the URL right?") from None
        except requests.Timeout:
            raise _Refused(f"{method} timed out") from None
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "?"
            if status in (413, 504, 503, 502, 429):
                raise _Refused(f"HTTP {status}") from None
            raise RpcError(f"{self.url} answered {method} with HTTP {status}") from None
        except ValueError as exc:  # web3 raises ValueError for JSON-RPC error objects in some versions
            raise _node_error(method, exc.args[0] if exc.args else exc) from None
        if "error" in response:
            raise _node_error(method, response["error"])
        return response["result"]

    def batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        if not calls:
            return []
        try:
            responses = self.w3.provider.make_batch_request(calls)
        except (requests.ConnectionError, ConnectionError) as exc:
            raise RpcError(f"--rpc: cannot reach {self.url} ({type(exc).__name__})") from None
        except Exception:  # nodes without batch support: one by one
            return [self.call(m, p) for m, p in calls]
        if isinstance(responses, dict):  # a single error object for the whole batch
            return [self.call(m, p) for m, p in calls]
        by_id = {r.get("id"): r for r in responses}
        ordered = responses if len(by_id) != len(responses) else sorted(responses, key=lambda r: r.get("id") or 0)
        out = []
        for (method, _), r in zip(calls, ordered):
            if "error" in r:
                raise _node_error(method, r["error"])
            out.append(r["result"])
        return out

    def chain_id(self) -> int:
        return int(self.call("eth_chainId", []), 16)

    def head(self) -> int:
        return int(self.call("eth_blockNumber", []), 16)

    def headers(self, numbers: Iterable[int], chunk: int = 100) -> dict[int, dict[str, Any]]:
        """Block headers by number, in JSON-RPC batches of `chunk` (providers cap batch sizes)."""
        numbers = sorted(set(numbers))
        out = {}
        for i in range(0, len(numbers), chunk):
            part = numbers[i:i + chunk]
            for n, block in zip(part, self.batch([("eth_getBlockByNumber", [hex(n), False]) for n in part])):
                if block is None:
                    raise _Missing(n)
                out[n] = block
        return out


class _Refused(Exception):
    """The node refused a range as too large; the caller shrinks it."""


class _Missing(Exception):
    """A block the indexer asked for is not (or no longer) on the node's chain."""


def _node_error(method: str, error: Any) -> Exception:
    message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
    if method == "eth_getLogs" and TOO_LARGE.search(message):
        return _Refused(message)
    return RpcError(f"the node answered {method} with an error: {message}")


class Indexer:
    """Indexes `sources` from `rpc` into `engine`. `progress(done_block, target_block)` is called per batch."""

    def __init__(self, engine: Engine, rpc: Rpc | str, sources: list[Source], chain_id: int, *,
                 confirmations: int = 0, max_range: int = 5_000, initial_range: int = 2_000,
                 retries: int = 5, progress: Callable[[int, int], None] | None = None) -> None:
        if confirmations < 0:
            raise AnalyticsInputError("--confirmations: must be 0 or more")
        self.engine = engine
        self.rpc = Rpc(rpc) if isinstance(rpc, str) else rpc
        self.sources = {s.address: s for s in sources}
        self.chain_id = chain_id
        self.confirmations = confirmations
        self.max_range = max_range
        self.range = min(initial_range, max_range)
        self.retries = retries
        self.progress = progress
        self._timestamps: dict[int, int] = {}

    # ------------------------------------------------------------ setup
    def check_chain(self) -> None:
        actual = self.rpc.chain_id()
        if actual != self.chain_id:
            raise ChainMismatchError(
                f"--manifest is for chain {self.chain_id} but --rpc {self.rpc.url} serves chain {actual}; "
                f"use deployments/{actual}.json or the RPC of chain {self.chain_id}")

    def register(self) -> None:
        with self.engine.begin() as conn:
            known = {r.address: r for r in conn.execute(
                sa.select(schema.contracts).where(schema.contracts.c.chain_id == self.chain_id))}
            for src in self.sources.values():
                row = known.get(src.address)
                if row is None:
                    conn.execute(sa.insert(schema.contracts).values(
                        chain_id=self.chain_id, address=src.address, name=src.name, label=src.label,
                        start_block=src.start_block, next_block=src.start_block))
                elif row.name != src.name:
                    raise ChainMismatchError(
                        f"the database records {src.address} on chain {self.chain_id} as {row.name}, the manifest "
                        f"as {src.name}; is the manifest from another deployment? (use another database)")

    def cursors(self, conn: Connection) -> dict[str, int]:
        rows = conn.execute(sa.select(schema.contracts.c.address, schema.contracts.c.next_block)
                            .where(schema.contracts.c.chain_id == self.chain_id))
        return {a: n for a, n in rows if a in self.sources}

    def cursors_all(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return self.cursors(conn)

    # ------------------------------------------------------------ reorgs
    def check_reorg(self) -> tuple[int, int] | None:
        """Compares recorded hashes with the chain, newest first; rolls back to the common ancestor.
        Returns (stale tip, ancestor) when it rolled back."""
        with self.engine.connect() as conn:
            tip = conn.execute(sa.select(schema.blocks.c.number, schema.blocks.c.hash)
                               .where(schema.blocks.c.chain_id == self.chain_id)
                               .order_by(schema.blocks.c.number.desc()).limit(1)).first()
        if tip is None or self._matches({tip.number: tip.hash}) == [tip.number]:
            return None
        ancestor = self._common_ancestor(tip.number)
        with self.engine.begin() as conn:
            delete_after(conn, self.chain_id, ancestor)
        self._timestamps.clear()
        log.warning("reorg: block %s changed; rolled back to the common ancestor %s", tip.number, ancestor)
        return tip.number, ancestor

    def _matches(self, recorded: dict[int, str]) -> list[int]:
        head = self.rpc.head()
        wanted = [n for n in recorded if n <= head]
        try:
            headers = self.rpc.headers(wanted)
        except _Missing:
            headers = {}
            for n in wanted:
                try:
                    headers.update(self.rpc.headers([n]))
                except _Missing:
                    pass
        return [n for n in recorded if n in headers and headers[n]["hash"] == recorded[n]]

    def _common_ancestor(self, below: int) -> int:
        page = 64
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(sa.select(schema.blocks.c.number, schema.blocks.c.hash)
                                    .where(schema.blocks.c.chain_id == self.chain_id, schema.blocks.c.number < below)
                                    .order_by(schema.blocks.c.number.desc()).limit(page)).all()
            if not rows:
                with self.engine.connect() as conn:
                    start = conn.execute(sa.select(sa.func.min(schema.contracts.c.start_block))
                                         .where(schema.contracts.c.chain_id == self.chain_id)).scalar()
                return (start or 0) - 1
            matching = self._matches({r.number: r.hash for r in rows})
            if matching:
                return max(matching)
            below = rows[-1].number

    # ------------------------------------------------------------ sync
    def target(self) -> int:
        return self.rpc.head() - self.confirmations

    def sync(self, *, until: int | None = None, max_batches: int | None = None) -> SyncReport:
        """Indexes up to `until` (default: head - confirmations). Safe to call again at any time."""
        started = time.monotonic()
        self.check_chain()
        self.register()
        report = SyncReport(chain_id=self.chain_id)
        reorg = self.check_reorg()
        if reorg:
            report.reorgs.append(reorg)
        target = self.target() if until is None else min(until, self.target())
        while max_batches is None or report.batches < max_batches:
            with self.engine.connect() as conn:
                cursors = self.cursors(conn)
            if not cursors:
                break
            frm = min(cursors.values())
            if frm > target:
                break
            group = [a for a, n in cursors.items() if n == frm]
            ahead = [n for n in cursors.values() if n > frm]
            to = min(frm + self.range - 1, target, (min(ahead) - 1) if ahead else target)
            report.from_block = frm if report.from_block is None else report.from_block
            count, to = self._batch(group, frm, to, report)
            report.logs += count
            report.batches += 1
            report.to_block = to
            if self.progress:
                self.progress(to, target)
            reorg = self.check_reorg()
            if reorg:
                report.reorgs.append(reorg)
        report.seconds = time.monotonic() - started
        return report

    def _batch(self, group: list[str], frm: int, to: int, report: SyncReport) -> tuple[int, int]:
        """Reads [frm, to] (shrinking `to` while the node refuses) and commits it. Returns (logs, to)."""
        failures = 0
        while True:
            try:
                logs = self.rpc.call("eth_getLogs", [{"address": group, "fromBlock": hex(frm), "toBlock": hex(to)}])
                headers = self._headers(logs, to)
            except _Refused as exc:
                if to > frm:
                    to = frm + (to - frm) // 2
                    self.range = max(1, (to - frm + 1))
                    report.range_shrinks += 1
                    log.info("node refused the range (%s); trying %s blocks", exc, self.range)
                    continue
                failures += 1
                if failures > self.retries:
                    raise RpcError(f"the node refuses eth_getLogs even for the single block {frm}: {exc}") from None
                time.sleep(min(2 ** failures * 0.1, 5))
                continue
            except _Missing:
                failures += 1  # the head moved back under us (a reorg in progress); read again
                if failures > self.retries:
                    raise RpcError(f"block {to} keeps disappearing from the node; is it reorganising deeply?") from None
                time.sleep(0.2)
                continue
            # A reorg between the two calls would show as logs whose block hash is not the header's.
            if any(headers[int(l["blockNumber"], 16)]["hash"] != l["blockHash"] for l in logs) or \
                    any(l.get("removed") for l in logs):
                failures += 1
                if failures > self.retries:
                    raise RpcError("the node keeps returning logs of replaced blocks; try again later")
                continue
            break
        rows_by_table, count = self.decode(logs, headers)
        with self.engine.begin() as conn:
            for table, rows in rows_by_table.items():
                insert_ignore(conn, table, rows)
                report.rows[table.name] = report.rows.get(table.name, 0) + len(rows)
            insert_ignore(conn, schema.blocks, [
                {"chain_id": self.chain_id, "number": n, "hash": h["hash"], "timestamp": int(h["timestamp"], 16)}
                for n, h in headers.items()])
            conn.execute(sa.update(schema.contracts)
                         .where(schema.contracts.c.chain_id == self.chain_id, schema.contracts.c.address.in_(group),
                                schema.contracts.c.next_block == frm)
                         .values(next_block=to + 1))
        if self.range < self.max_range and to - frm + 1 >= self.range:
            self.range = min(self.max_range, self.range * 2)
        return count, to

    def _headers(self, logs: list[dict[str, Any]], to: int) -> dict[int, dict[str, Any]]:
        """Hash and timestamp of `to` and of every block with logs. Nodes that put `blockTimestamp` in
        logs (recent geth, reth, anvil) spare a header request per block: then only `to` and the newest
        block with logs are fetched, which is enough to see a reorg since getLogs (a replaced block
        replaces every later one, so the newest log block's hash changes with it)."""
        known: dict[int, dict[str, Any]] = {}
        missing: set[int] = {to} | ({max(int(e["blockNumber"], 16) for e in logs)} if logs else set())
        for entry in logs:
            n = int(entry["blockNumber"], 16)
            if entry.get("blockTimestamp"):
                known.setdefault(n, {"hash": entry["blockHash"], "timestamp": entry["blockTimestamp"]})
            else:
                missing.add(n)
        fetched = self.rpc.headers(missing)
        return {**known, **fetched}

    def decode(self, logs: list[dict[str, Any]], headers: dict[int, dict[str, Any]]
               ) -> tuple[dict[sa.Table, list[dict[str, Any]]], int]:
        out: dict[sa.Table, list[dict[str, Any]]] = {}
        times: dict[int, tuple[datetime, Any]] = {}
        for entry in logs:
            address = checksum(entry["address"])
            src = self.sources.get(address)
            if src is None:
                continue
            number = int(entry["blockNumber"], 16)
            if number not in times:
                ts = datetime.fromtimestamp(int(headers[number]["timestamp"], 16), tz=timezone.utc)
                times[number] = (ts, ts.astimezone(CST).date())
            block_time, cst_day = times[number]
            base = {"chain_id": self.chain_id, "contract": address, "block_number": number, "block_time": block_time,
                    "cst_day": cst_day, "tx_hash": entry["transactionHash"], "log_index": int(entry["logIndex"], 16)}
            topics = entry["topics"]
            decoder = src.events.get(topics[0]) if topics else None
            if decoder is None:
                out.setdefault(schema.other_events, []).append(
                    {**base, "contract_name": src.name, "event": "(unknown)",
                     "args": {"topics": topics, "data": entry["data"]}})
                continue
            args = decoder.decode(topics, entry["data"])
            mapped = mappers_for(src.name, decoder.name, args)
            if mapped is None:
                out.setdefault(schema.other_events, []).append(
                    {**base, "contract_name": src.name, "event": decoder.name, "args": _jsonable(args)})
                continue
            for table, build in mapped:
                out.setdefault(table, []).append({**base, **build(args)})
        return out, len(logs)

    # ------------------------------------------------------------ live
    def follow(self, stop: threading.Event | None = None, *, poll_s: float = 2.0,
               on_report: Callable[[SyncReport], None] | None = None) -> None:
        """Keeps syncing as blocks arrive until `stop` is set. The service runs this in a background
        thread (see `gaoling.analytics.api.start_background_sync`)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            report = self.sync()
            if on_report and (report.logs or report.reorgs):
                on_report(report)
            stop.wait(poll_s)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
