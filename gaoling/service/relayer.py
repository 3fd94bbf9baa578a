"""The relayer: takes queued messages from the database and sends them on chain, at most once.

One loop, `Relayer.step()`:
1. **Reconcile** every batch still in flight: ask the chain for each of its recorded transactions. A
   receipt settles the batch (events say which check-ins were credited or skipped). The newest one,
   once older than `stuck_seconds`, is replaced at the same nonce with fees raised by 25% (or to what
   a new transaction would bid), never above the fee ceiling; if the ceiling leaves no room for the 10%
   raise nodes require, the relayer waits and says so. A call that would now revert (its CST day is
   over) is not bid up: the replacement is a zero-value self-transfer that cancels it, and once that is
   mined its messages are settled from the chain and queued again, where the simulation rejects each
   with its reason. A transaction the node does not know (and not yet stuck) is broadcast again from
   its recorded raw bytes (same hash, same nonce). If the nonce was used by a transaction we never
   recorded, the batch is void and each message is settled from the on-chain state (credited
   already, or queued again).
2. **Fill nonce gaps**: a recorded batch whose nonce is above the chain's next nonce, with nothing of
   ours below it, would wait forever; a zero-value self-transfer fills each gap.
3. **Take** a new batch when it is full (`batch_size`) or its oldest message waited `batch_seconds`:
   rows are claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL) or under the single-writer lease
   (SQLite). The batch is **simulated** first: entries the contract would skip (already checked in,
   day over) are rejected with their reason before they cost gas, the rest are checked with an
   `eth_call` of the real function. The transaction is signed, and its hash, raw bytes and nonce are
   committed together with the messages' `sent` state BEFORE it is broadcast.

Because every transaction of a batch shares one nonce, at most one of them can ever be mined, and a
restarted relayer finds each of them by hash: a message answered with 202 is relayed at most once and
never lost. The contract adds its own guard (one check-in per member per day; single-use exchange
nonces).

Fault injection for tests: GAOLING_RELAYER_FAULT=after-broadcast kills the process with SIGKILL right
after the first broadcast, once the chain has mined it but before the receipt is recorded;
`before-broadcast` right before the broadcast; `pause-before-broadcast` waits 3 s there, once (a test
takes the node away in that window). `raise:before-broadcast` / `raise:after-broadcast` raise
InjectedCrash at the same points, for in-process property tests that then drop the relayer object.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Connection, Engine
from web3.exceptions import TransactionNotFound

from gaoling.fan.checkin import SKIP_REASONS, SignedCheckIn, day_label
from gaoling.service import database
from gaoling.service.config import ServiceConfig
from gaoling.service.messages import CONFIRMED, QUEUED, REJECTED, SENT
from gaoling.service.models import messages, relay_batches, relay_txs, senders

log = logging.getLogger("gaoling.service.relayer")
FAULT_ENV = "GAOLING_RELAYER_FAULT"
LEASE = "relayer"
GWEI = 10**9
KINDS = ("checkin", "exchange", "certificate")
ZERO = "0x" + "00" * 20


class InjectedCrash(RuntimeError):
    """Raised by the `raise:` fault modes: an in-process stand-in for a crash (the object is dropped)."""


@dataclass
class RelayerState:
    """What /readyz and /metrics report about this relayer."""

    sender: str = ""
    balance_wei: int = 0
    low_balance: bool = False
    last_step_at: float = 0.0
    last_error: str | None = None
    budget_exhausted: bool = False
    holds_lease: bool = False


class Relayer:
    def __init__(self, engine: Engine, platform: Any, provider: Any, account: Any, config: ServiceConfig) -> None:
        self.engine = engine
        self.platform = platform
        self.provider = provider
        self.w3 = provider.web3
        self.account = account
        self.sender = to_checksum_address(account.address)
        self.config = config
        self.holder = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.state = RelayerState(sender=self.sender)
        self.fault = os.environ.get(FAULT_ENV, "")
        self.skip_locked = database.supports_skip_locked(engine)
        self._waiting: set[str] = set()  # stuck transactions the fee ceiling keeps from being replaced

    # ------------------------------------------------------------------ loop

    def run(self, stop: threading.Event) -> None:
        log.info("relayer %s started for sender %s (%s)", self.holder, self.sender,
                 "row locks" if self.skip_locked else "single-writer lease")
        while not stop.is_set():
            try:
                busy = self.step()
                self.state.last_error = None
            except Exception as exc:  # the loop must survive a node or database outage
                self.state.last_error = f"{type(exc).__name__}: {exc}"[:300]
                log.warning("relayer step failed: %s", self.state.last_error)
                busy = False
            stop.wait(0.05 if busy else self.config.poll_seconds)
        if not self.skip_locked:
            database.release_lease(self.engine, LEASE, self.holder)

    def step(self) -> bool:
        """One round; True if it did something (the loop then comes back at once)."""
        self.state.last_step_at = time.time()
        if not self.skip_locked:
            ttl = max(10.0, 4 * self.config.poll_seconds)
            self.state.holds_lease = database.acquire_lease(self.engine, LEASE, self.holder, ttl)
            if not self.state.holds_lease:
                return False
        self.check_balance()
        busy = self.reconcile()
        self.fill_gaps()
        for kind in KINDS:
            busy = self.take_batch(kind) or busy
        return busy

    def check_balance(self) -> None:
        self.state.balance_wei = int(self.w3.eth.get_balance(self.sender))
        low = self.state.balance_wei < int(self.config.low_balance_eth * 10**18)
        if low and not self.state.low_balance:
            log.warning("relayer %s balance is low: %.4f ETH (warning below %s ETH); top it up",
                        self.sender, self.state.balance_wei / 1e18, self.config.low_balance_eth)
        self.state.low_balance = low

    # ------------------------------------------------------------------ fees and nonces

    def fees(self) -> tuple[int, int]:
        """(maxFeePerGas, maxPriorityFeePerGas) for a new transaction, capped by the ceiling."""
        base = int(self.w3.eth.get_block("latest").get("baseFeePerGas") or 0)
        try:
            tip = int(self.w3.eth.max_priority_fee)
        except Exception:
            tip = GWEI
        ceiling = int(self.config.fee_ceiling_gwei * GWEI)
        tip = min(tip, ceiling)
        return min(2 * base + tip, ceiling), tip

    def chain_nonce(self, block: str = "latest") -> int:
        return int(self.w3.eth.get_transaction_count(self.sender, block))

    def allocate_nonce(self, conn: Connection) -> int:
        """The next nonce of this sender, under a row lock on PostgreSQL (several relayers may share
        one account), never below the chain's own count (the key may be used elsewhere)."""
        row = conn.execute(sa.select(senders.c.next_nonce).where(senders.c.address == self.sender)
                           .with_for_update()).first()
        chain_next = self.chain_nonce("pending")
        if row is None:
            nonce = chain_next
            conn.execute(senders.insert().values(address=self.sender, chain_id=self.platform.chain_id,
                                                 next_nonce=nonce + 1))
            return nonce
        nonce = max(int(row.next_nonce), self.chain_nonce("latest"))
        conn.execute(senders.update().where(senders.c.address == self.sender).values(next_nonce=nonce + 1))
        return nonce

    # ------------------------------------------------------------------ building calls

    def _target(self, kind: str) -> tuple[Any, str]:
        if kind == "checkin":
            return self.platform.get("points"), "relayCheckIns"
        if kind == "exchange":
            return self.platform.get("coupons"), "exchangeWithSignature"
        if kind == "certificate":
            return self.platform.get("certificate"), "mint"
        if kind == "noop":
            return None, ""
        raise ValueError(kind)

    @staticmethod
    def call_args(kind: str, payloads: list[dict[str, Any]]) -> list[Any]:
        if kind == "checkin":
            day = payloads[0]["day"]
            entries = []
            for p in payloads:
                signed = SignedCheckIn(p["member"], p["day"], bytes.fromhex(p["signature"][2:]), p["ledger"],
                                       p["chainId"])
                entries.append(signed.as_call_arg())
            return [day, entries]
        if kind == "exchange":
            p = payloads[0]
            return [(p["member"], p["glazeId"], p["amount"], p["maxPoints"], p["nonce"], p["deadline"]),
                    bytes.fromhex(p["signature"][2:])]
        if kind == "certificate":
            q = payloads[0]["quizPass"]
            return [(q["holder"], q["quiz_version"], q["score"], q["expiry"], q["nonce"]),
                    bytes.fromhex(payloads[0]["signature"][2:])]
        raise ValueError(kind)

    def sign(self, kind: str, args: list[Any], nonce: int, max_fee: int, tip: int, gas: int) -> Any:
        if kind == "noop":
            txn = self.provider.network.ecosystem.create_transaction(
                sender=self.sender, receiver=self.sender, value=0, nonce=nonce, gas_limit=21_000,
                max_fee=max_fee, max_priority_fee=tip, chain_id=self.platform.chain_id, type=2)
        else:
            contract, method = self._target(kind)
            txn = getattr(contract, method).as_transaction(
                *args, sender=self.account, nonce=nonce, gas_limit=gas, max_fee=max_fee, max_priority_fee=tip,
                required_confirmations=0, chain_id=self.platform.chain_id)
        signed = self.account.sign_transaction(txn)
        if signed is None:
            raise RuntimeError(f"account {self.sender} declined to sign; enable autosign (docs/service.md)")
        return signed

    def broadcast(self, raw_hex: str) -> None:
        try:
            self.w3.eth.send_raw_transaction(bytes.fromhex(raw_hex[2:]))
        except Exception as exc:  # already known / nonce too low: reconcile decides what it means
            text = str(exc).lower()
            if "already" in text or "known" in text or "nonce too low" in text:
                log.info("broadcast answered %s; the transaction is settled by reconciliation", exc)
                return
            raise

    def _record_tx(self, conn: Connection, batch_id: int, signed: Any, max_fee: int, tip: int) -> tuple[str, str]:
        tx_hash = "0x" + bytes(signed.txn_hash).hex()
        raw = "0x" + bytes(signed.serialize_transaction()).hex()
        conn.execute(relay_txs.insert().values(tx_hash=tx_hash, batch_id=batch_id, raw=raw, max_fee=max_fee,
                                               priority_fee=tip, created_at=time.time()))
        return tx_hash, raw

    # ------------------------------------------------------------------ taking a batch

    def gas_spent_today(self, conn: Connection) -> int:
        day_start = time.time() // 86_400 * 86_400
        total = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(relay_batches.c.gas_used), 0))
                             .where(relay_batches.c.sender == self.sender,
                                    relay_batches.c.created_at >= day_start)).scalar()
        return int(total or 0)

    def take_batch(self, kind: str) -> bool:
        limit = self.config.batch_size if kind == "checkin" else 1
        now = time.time()
        broadcast: str | None = None
        with self.engine.begin() as conn:
            query = (sa.select(messages).where(messages.c.kind == kind, messages.c.status == QUEUED,
                                               messages.c.chain_id == self.platform.chain_id)
                     .order_by(messages.c.created_at).limit(limit))
            if self.skip_locked:
                query = query.with_for_update(skip_locked=True)
            rows = list(conn.execute(query).mappings())
            if not rows:
                return False
            if len(rows) < limit and rows[0]["created_at"] > now - self.config.batch_seconds:
                return False  # wait until the batch is full or the oldest has waited long enough
            keep = self.simulate(conn, kind, rows)
            if not keep:
                return True
            payloads = [json.loads(r["payload"]) for r in keep]
            args = self.call_args(kind, payloads)
            contract, method = self._target(kind)
            try:
                gas = int(getattr(contract, method).estimate_gas_cost(*args, sender=self.account,
                                                                      chain_id=self.platform.chain_id))
            except Exception as exc:
                if not is_revert(exc):
                    raise  # the node or the network, not the messages: they stay queued
                reason = revert_reason(exc)
                self._settle(conn, [r["id"] for r in keep], REJECTED, reason=f"would revert: {reason}")
                log.info("batch of %d %s rejected before sending: %s", len(keep), kind, reason)
                return True
            budget = self.config.daily_gas_budget
            if budget and self.gas_spent_today(conn) + gas > budget:
                if not self.state.budget_exhausted:
                    log.warning("relayer daily gas budget of %s is spent; %d %s message(s) wait for tomorrow",
                                budget, len(keep), kind)
                self.state.budget_exhausted = True
                return False
            self.state.budget_exhausted = False
            max_fee, tip = self.fees()
            nonce = self.allocate_nonce(conn)
            batch_id = conn.execute(relay_batches.insert().values(
                kind=kind, sender=self.sender, nonce=nonce, status="signed", call=json.dumps(payloads),
                created_at=now, updated_at=now)).inserted_primary_key[0]
            signed = self.sign(kind, args, nonce, max_fee, tip, gas * 12 // 10 + 10_000)
            tx_hash, broadcast = self._record_tx(conn, batch_id, signed, max_fee, tip)
            conn.execute(messages.update().where(messages.c.id.in_([r["id"] for r in keep]))
                         .values(status=SENT, batch_id=batch_id, tx_hash=tx_hash, updated_at=now))
        # committed: the transaction is on record before anyone can see it
        log.info("batch %d: %d %s message(s), nonce %d, tx %s", batch_id, len(keep), kind, nonce, tx_hash)
        if self.fault == "raise:before-broadcast":
            raise InjectedCrash("crash injected before the broadcast")
        if self.fault == "before-broadcast":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.fault == "pause-before-broadcast":
            self.fault = ""
            time.sleep(3)  # a window for a test to take the node away mid-batch
        self.broadcast(broadcast)
        if self.fault == "raise:after-broadcast":
            self._await_receipt(tx_hash)
            raise InjectedCrash("crash injected after the broadcast")
        if self.fault == "after-broadcast":
            self._await_receipt(tx_hash)  # the chain has it, our records do not: the worst moment
            os.kill(os.getpid(), signal.SIGKILL)
        return True

    def _await_receipt(self, tx_hash: str, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if self.w3.eth.get_transaction_receipt(tx_hash) is not None:
                    return
            except TransactionNotFound:
                pass
            time.sleep(0.05)

    def simulate(self, conn: Connection, kind: str, rows: list[Any]) -> list[Any]:
        """Rejects (with the reason) the entries the contract would skip or refuse; returns the rest."""
        keep = []
        if kind == "checkin":
            ledger = self.platform.get("points")
            today = self.platform.today(self.provider, max_age=0)
            for r in rows:
                day = int(r["dedupe"])
                if day != today:
                    self._settle(conn, [r["id"]], REJECTED, reason=(
                        f"signed for {day_label(day)} (CST day {day}), but that day is over; sign today's check-in"))
                elif ledger.checkedInToday(r["member"]):
                    self._settle(conn, [r["id"]], REJECTED, reason=SKIP_REASONS[1])
                else:
                    keep.append(r)
        else:  # one signed call per transaction: simulate it with eth_call
            contract, method = self._target(kind)
            for r in rows:
                p = json.loads(r["payload"])
                args = self.call_args(kind, [p])
                try:
                    getattr(contract, method).call(*args, sender=self.account)
                except Exception as exc:
                    if not is_revert(exc):
                        raise
                    self._settle(conn, [r["id"]], REJECTED, reason=revert_reason(exc))
                    continue
                keep.append(r)
        return keep

    def _settle(self, conn: Connection, ids: list[str], status: str, *, reason: str | None = None,
                result: dict | None = None, tx_hash: str | None = None) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": time.time(), "reason": reason}
        if result is not None:
            values["result"] = json.dumps(result)
        if tx_hash is not None:
            values["tx_hash"] = tx_hash
        if status == QUEUED:
            values.update(batch_id=None, tx_hash=None)
        conn.execute(messages.update().where(messages.c.id.in_(ids)).values(**values))

    # ------------------------------------------------------------------ reconciliation

    def reconcile(self) -> bool:
        with self.engine.connect() as conn:
            batches = list(conn.execute(
                sa.select(relay_batches).where(relay_batches.c.sender == self.sender,
                                               relay_batches.c.status == "signed")
                .order_by(relay_batches.c.nonce)).mappings())
        busy = False
        for batch in batches:
            busy = self.reconcile_batch(batch) or busy
        return busy

    def reconcile_batch(self, batch: Any) -> bool:
        with self.engine.connect() as conn:
            txs = list(conn.execute(sa.select(relay_txs).where(relay_txs.c.batch_id == batch["id"])
                                    .order_by(relay_txs.c.created_at.desc())).mappings())
        # The nonce is read BEFORE the receipts: if it says the nonce is used, any transaction of ours that
        # used it was mined before the receipt lookups below, so they find it. In the other order a block
        # arriving between the two reads voided a batch that had in fact been mined.
        mined_nonce = self.chain_nonce("latest")
        for tx in txs:
            try:
                receipt = self.w3.eth.get_transaction_receipt(tx["tx_hash"])
            except TransactionNotFound:
                continue
            if receipt is not None:
                self.finish(batch, tx["tx_hash"], receipt)
                return True
        if mined_nonce > int(batch["nonce"]):
            self.void(batch)
            return True
        newest = txs[0]
        # Stuck first: a node also drops a transaction that bids less than the base fee, so "unknown to
        # the node" can mean "underpriced", and broadcasting the same bytes again would never end.
        if time.time() - float(newest["created_at"]) > self.config.stuck_seconds and self.replace(batch, newest):
            return True
        try:
            self.w3.eth.get_transaction(newest["tx_hash"])
            known = True
        except TransactionNotFound:
            known = False
        if not known:
            log.info("batch %d: tx %s is unknown to the node; broadcasting it again", batch["id"], newest["tx_hash"])
            self.broadcast(newest["raw"])
            return True
        return False

    def replacement_fees(self, old_fee: int, old_tip: int) -> tuple[int, int] | None:
        """Fees for a transaction replacing one that bid (old_fee, old_tip): 25% more, or what a new
        transaction would bid if that is more, capped at the ceiling. None if the cap leaves less than
        the 10% raise of both fees that nodes require to accept a replacement."""
        ceiling = int(self.config.fee_ceiling_gwei * GWEI)
        fresh_fee, fresh_tip = self.fees()
        fee = min(max(old_fee * 5 // 4 + 1, fresh_fee), ceiling)
        tip = min(max(old_tip * 5 // 4 + 1, fresh_tip), fee)
        if fee < old_fee * 11 // 10 + 1 or tip < old_tip * 11 // 10 + 1:
            return None
        return fee, tip

    def replace(self, batch: Any, newest: Any) -> bool:
        """Replaces a stuck transaction at the same nonce with higher fees, within the ceiling.

        The batch's call is simulated again first (at the latest block). If it would now revert (its CST
        day is over, a role was revoked), paying more for it helps nobody: the replacement is then a
        zero-value self-transfer that cancels it, and once that is mined the messages are settled from the
        chain and queued again, where the simulation rejects each with its reason (finish())."""
        old_fee, old_tip = int(newest["max_fee"]), int(newest["priority_fee"])
        fees = self.replacement_fees(old_fee, old_tip)
        if fees is None:
            if newest["tx_hash"] in self._waiting:
                return False
            self._waiting.add(newest["tx_hash"])  # said once per transaction, not on every round
            log.warning("batch %d: tx %s is stuck at %.2f gwei, and the fee ceiling of %s gwei leaves no room "
                        "for the 10%% raise a replacement needs; waiting (raise GAOLING_FEE_CEILING_GWEI to "
                        "unstick it)", batch["id"], newest["tx_hash"], old_fee / GWEI, self.config.fee_ceiling_gwei)
            return False
        max_fee, tip = fees
        kind = batch["kind"]
        payloads = json.loads(batch["call"])
        args: list[Any] = []
        gas = 21_000
        doomed: str | None = None
        if kind != "noop":
            args = self.call_args(kind, payloads)
            try:
                gas = self.estimate_latest(kind, args) * 12 // 10 + 10_000
            except Exception as exc:
                if not is_revert(exc):
                    raise
                doomed = revert_reason(exc)
        signed = self.sign("noop" if doomed else kind, args, int(batch["nonce"]), max_fee, tip, gas)
        with self.engine.begin() as conn:
            tx_hash, raw = self._record_tx(conn, batch["id"], signed, max_fee, tip)
            if not doomed:
                conn.execute(messages.update().where(messages.c.batch_id == batch["id"], messages.c.status == SENT)
                             .values(tx_hash=tx_hash, updated_at=time.time()))
        if doomed:
            log.warning("batch %d: stuck tx %s can no longer succeed (%s); cancelling it with %s at %.2f gwei",
                        batch["id"], newest["tx_hash"], doomed, tx_hash, max_fee / GWEI)
        else:
            log.info("batch %d: replaced stuck tx %s by %s at %.2f gwei", batch["id"], newest["tx_hash"], tx_hash,
                     max_fee / GWEI)
        self.broadcast(raw)
        return True

    def estimate_latest(self, kind: str, args: list[Any]) -> int:
        """eth_estimateGas of the batch's call against the latest block (not the pending one, which may
        hold the very transaction being replaced); raises the node's revert."""
        contract, method = self._target(kind)
        data = getattr(contract, method).encode_input(*args)
        return int(self.w3.eth.estimate_gas({"from": self.sender, "to": str(contract.address),
                                             "data": "0x" + bytes(data).hex()}, "latest"))

    def finish(self, batch: Any, tx_hash: str, receipt: Any) -> None:
        gas_used = int(receipt["gasUsed"])
        fee = gas_used * int(receipt.get("effectiveGasPrice") or 0)
        ok = int(receipt["status"]) == 1
        # A mined self-transfer in a batch of calls is the cancellation replace() sent.
        cancelled = batch["kind"] != "noop" and to_checksum_address(receipt["to"] or ZERO) == self.sender
        with self.engine.begin() as conn:
            ids = [r.id for r in conn.execute(sa.select(messages.c.id, messages.c.member)
                                              .where(messages.c.batch_id == batch["id"],
                                                     messages.c.status == SENT))]
            rows = {r.member: r.id for r in conn.execute(
                sa.select(messages.c.id, messages.c.member).where(messages.c.batch_id == batch["id"]))}
            if cancelled:
                self._settle_from_chain(conn, batch)
            elif batch["kind"] == "checkin" and ok:
                ledger = self.platform.get("points")
                ape_receipt = self.provider.get_receipt(tx_hash)
                for ev in ledger.CheckedIn.from_receipt(ape_receipt):
                    member = to_checksum_address(ev.member)
                    if member in rows:
                        self._settle(conn, [rows[member]], CONFIRMED, tx_hash=tx_hash,
                                     result={"points": int(ev.points), "streak": int(ev.streak)})
                for ev in ledger.CheckInSkipped.from_receipt(ape_receipt):
                    member = to_checksum_address(ev.member)
                    if member in rows:
                        self._settle(conn, [rows[member]], REJECTED, tx_hash=tx_hash,
                                     reason=SKIP_REASONS.get(int(ev.reason), str(ev.reason)))
            elif batch["kind"] in ("exchange", "certificate") and ok:
                self._settle(conn, ids, CONFIRMED, tx_hash=tx_hash)
            elif ids:
                reason = f"transaction {tx_hash} reverted on chain"
                if batch["kind"] == "checkin":
                    payloads = json.loads(batch["call"])
                    if payloads and self.platform.today(self.provider, max_age=0) != payloads[0]["day"]:
                        reason += " (the CST day ended before it was mined); sign today's check-in"
                self._settle(conn, ids, REJECTED, reason=reason, tx_hash=tx_hash)
            status = "cancelled" if cancelled else "confirmed" if ok else "failed"
            conn.execute(relay_batches.update().where(relay_batches.c.id == batch["id"]).values(
                status=status, gas_used=gas_used, fee_wei=fee, tx_hash=tx_hash, updated_at=time.time()))
        log.info("batch %d: tx %s %s, %d gas", batch["id"], tx_hash,
                 "mined (the cancellation; its messages were settled from the chain)" if cancelled
                 else "mined" if ok else "reverted", gas_used)

    def void(self, batch: Any) -> None:
        """The batch's nonce was used by a transaction we never recorded: none of ours can be mined."""
        with self.engine.begin() as conn:
            count = self._settle_from_chain(conn, batch)
            conn.execute(relay_batches.update().where(relay_batches.c.id == batch["id"])
                         .values(status="voided", updated_at=time.time()))
        log.warning("batch %d: nonce %d was used outside this relayer; %d message(s) settled from chain state",
                    batch["id"], batch["nonce"], count)

    def _settle_from_chain(self, conn: Connection, batch: Any) -> int:
        """For a batch none of whose calls was (or can any more be) mined: each message still sent is
        settled from the chain state, credited already -> confirmed, else queued again (the next
        simulation then sends it or rejects it with its reason)."""
        rows = list(conn.execute(sa.select(messages).where(messages.c.batch_id == batch["id"],
                                                          messages.c.status == SENT)).mappings())
        for r in rows:
            done = False
            if r["kind"] == "checkin":
                info = self.platform.get("points").memberOf(r["member"])
                done = int(info[1]) == int(r["dedupe"])
            elif r["kind"] == "exchange":
                p = json.loads(r["payload"])
                done = bool(self.platform.get("coupons").nonceUsed(p["member"], p["nonce"]))
            elif r["kind"] == "certificate":
                p = json.loads(r["payload"])
                done = bool(self.platform.get("certificate").nonceUsed(p["quizPass"]["nonce"]))
            if done:
                self._settle(conn, [r["id"]], CONFIRMED, reason="credited by another transaction")
            else:
                self._settle(conn, [r["id"]], QUEUED)
        return len(rows)

    def fill_gaps(self) -> None:
        """Sends a zero-value self-transfer at each nonce below our lowest pending batch that neither
        the chain nor our records account for (e.g. the database was restored from a backup)."""
        with self.engine.connect() as conn:
            pending = sorted(int(n) for (n,) in conn.execute(
                sa.select(relay_batches.c.nonce).where(relay_batches.c.sender == self.sender,
                                                       relay_batches.c.status == "signed")))
        if not pending:
            return
        # The node's pending count stops at the first missing nonce, so every nonce from there up to
        # our lowest recorded batch is a gap (none of them is ours: pending[0] is the lowest).
        for nonce in range(self.chain_nonce("pending"), pending[0]):
            max_fee, tip = self.fees()
            now = time.time()
            with self.engine.begin() as conn:
                batch_id = conn.execute(relay_batches.insert().values(
                    kind="noop", sender=self.sender, nonce=nonce, status="signed", call="[]", created_at=now,
                    updated_at=now)).inserted_primary_key[0]
                signed = self.sign("noop", [], nonce, max_fee, tip, 21_000)
                _, raw = self._record_tx(conn, batch_id, signed, max_fee, tip)
            log.warning("nonce gap at %d for %s: filled with a zero-value self-transfer", nonce, self.sender)
            self.broadcast(raw)


def is_revert(exc: Exception) -> bool:
    """True for a contract revert (the message is at fault), False for a node or network failure."""
    from ape.exceptions import ContractLogicError

    from gaoling import reverts

    return isinstance(exc, ContractLogicError) or reverts.is_revert(exc)


def revert_reason(exc: Exception) -> str:
    """The revert in words, through the platform's one decoder (gaoling.reverts): error name and
    arguments, then the English sentence."""
    from gaoling import reverts

    try:
        decoded = reverts.decode_exception(exc)
    except Exception:  # a decoder problem must not lose the reason
        decoded = None
    if decoded is not None and decoded.known:
        return f"{decoded.call()}: {decoded.sentence_en}"[:500]
    return f"{type(exc).__name__}: {getattr(exc, 'revert_message', None) or exc}"[:300]
