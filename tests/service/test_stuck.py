"""Stuck and doomed transactions, on the real anvil with automine turned off (so a sent batch waits in
the node's pool, as it does on a busy chain): replacement at the same nonce with a higher fee, the
fee ceiling, a batch mined after CST midnight, and a stuck batch that can no longer succeed."""

from __future__ import annotations

import json
import logging
import time

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient
from web3.exceptions import TransactionNotFound

from gaoling.fan.checkin import day_start, sign_check_in
from gaoling.service import create_app
from gaoling.service.models import messages, relay_batches, relay_txs
from gaoling.service.relayer import Relayer

from tests.service.conftest import make_service

GWEI = 10**9


@pytest.fixture
def manual_mining(chain):
    """Blocks are mined only when the test says so; automine comes back even if the test fails."""
    provider = chain.provider
    provider.make_request("evm_setAutomine", [False])
    yield lambda **kw: provider.make_request("evm_mine", [kw["timestamp"]] if kw else [])
    provider.make_request("evm_mine", [])  # nothing of this test stays in the pool
    provider.make_request("evm_setAutomine", [True])


def accept(svc, members) -> list[str]:
    ledger = svc.platform.get("points")
    ids = []
    with TestClient(create_app(svc, include_web=False)) as c:
        for m in members:
            r = c.post("/api/v1/checkins", json=json.loads(sign_check_in(m, ledger).to_json()))
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
    time.sleep(svc.config.batch_seconds + 0.01)
    return ids


def rows(svc, ids: list[str]) -> list[dict]:
    with svc.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(messages).where(messages.c.id.in_(ids))).mappings()]


def txs_of(svc, batch_id: int) -> list[dict]:
    with svc.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(relay_txs).where(relay_txs.c.batch_id == batch_id)
                                              .order_by(relay_txs.c.created_at)).mappings()]


def batch_status(svc, batch_id: int) -> str:
    with svc.engine.connect() as conn:
        return conn.execute(sa.select(relay_batches.c.status).where(relay_batches.c.id == batch_id)).scalar()


def nonce_of(svc, batch_id: int) -> int:
    with svc.engine.connect() as conn:
        return int(conn.execute(sa.select(relay_batches.c.nonce).where(relay_batches.c.id == batch_id)).scalar())


def mined(w3, tx_hash: str) -> bool:
    try:
        return w3.eth.get_transaction_receipt(tx_hash) is not None
    except TransactionNotFound:
        return False


def test_stuck_batch_is_replaced_with_a_higher_fee_and_credited_once(project, chain, deployment, database_url,
                                                                      members, manual_mining):
    svc = make_service(project, chain, deployment, database_url, stuck_seconds=0.2)
    w3 = chain.provider.web3
    ledger = svc.platform.get("points")
    ids = accept(svc, members[:3])
    start = chain.blocks.head.number
    assert svc.relayer.step()                                  # signs, records, broadcasts into the pool
    sent = rows(svc, ids)
    assert {r["status"] for r in sent} == {"sent"}
    batch_id = sent[0]["batch_id"]
    (first,) = txs_of(svc, batch_id)
    assert not svc.relayer.step()                              # not stuck yet: nothing to do
    time.sleep(0.25)
    assert svc.relayer.step()                                  # stuck: replaced at the same nonce
    original, replacement = txs_of(svc, batch_id)
    assert original["tx_hash"] == first["tx_hash"]
    assert int(replacement["max_fee"]) >= int(original["max_fee"]) * 5 // 4
    assert int(replacement["priority_fee"]) >= int(original["priority_fee"]) * 5 // 4
    assert w3.eth.get_transaction(replacement["tx_hash"])["nonce"] == nonce_of(svc, batch_id)
    assert {r["tx_hash"] for r in rows(svc, ids)} == {replacement["tx_hash"]}
    manual_mining()
    svc.relayer.step()                                         # reconciles: the replacement's receipt
    assert mined(w3, replacement["tx_hash"]) and not mined(w3, original["tx_hash"])
    block = w3.eth.get_block(start + 1, full_transactions=True)
    ours = [tx for tx in block["transactions"] if tx["from"] == svc.relayer.sender]
    assert ["0x" + bytes(tx["hash"]).hex() for tx in ours] == [replacement["tx_hash"]]
    assert int(ours[0]["maxFeePerGas"]) == int(replacement["max_fee"])
    done = rows(svc, ids)
    assert {r["status"] for r in done} == {"confirmed"}
    assert {r["tx_hash"] for r in done} == {replacement["tx_hash"]}
    assert batch_status(svc, batch_id) == "confirmed"
    credited = [str(e.member) for e in ledger.CheckedIn.range(start, chain.blocks.head.number + 1)]
    assert sorted(credited) == sorted(m.address for m in members[:3])
    assert all(ledger.pointsOf(m.address) == 10 for m in members[:3])
    svc.engine.dispose()


def test_replacement_bids_up_to_the_fee_ceiling_then_waits(project, chain, deployment, sqlite_url, members,
                                                           manual_mining, caplog):
    svc = make_service(project, chain, deployment, sqlite_url, stuck_seconds=0.2)
    first_fee, _ = svc.relayer.fees()             # what a new transaction bids now, below the default ceiling
    # The studio's ceiling leaves room for one raise of 10-25%, not for two.
    svc.config = svc.config.model_copy(update={"fee_ceiling_gwei": first_fee * 115 / 100 / GWEI})
    svc.relayer = Relayer(svc.engine, svc.platform, svc.provider, svc.relayer.account, svc.config)
    ceiling = int(svc.config.fee_ceiling_gwei * GWEI)
    w3 = chain.provider.web3
    ids = accept(svc, members[:2])
    assert svc.relayer.step()
    batch_id = rows(svc, ids)[0]["batch_id"]
    time.sleep(0.25)
    assert svc.relayer.step()                      # +25% would pass the ceiling: bids the ceiling itself
    original, replacement = txs_of(svc, batch_id)
    assert int(replacement["max_fee"]) == ceiling > int(original["max_fee"]) * 11 // 10
    time.sleep(0.25)
    with caplog.at_level(logging.WARNING, logger="gaoling.service.relayer"):
        assert not svc.relayer.step()              # stuck at the ceiling: no room for another raise
    assert "fee ceiling" in caplog.text and "waiting" in caplog.text
    assert len(txs_of(svc, batch_id)) == 2
    manual_mining()
    svc.relayer.step()
    assert mined(w3, replacement["tx_hash"]) and not mined(w3, original["tx_hash"])
    assert {(r["status"], r["tx_hash"]) for r in rows(svc, ids)} == {("confirmed", replacement["tx_hash"])}
    svc.engine.dispose()


def test_at_a_low_fee_ceiling_a_stuck_batch_waits_and_is_not_replaced(project, chain, deployment, sqlite_url,
                                                                      members, manual_mining, caplog):
    svc = make_service(project, chain, deployment, sqlite_url, stuck_seconds=0.2)
    first_fee, _ = svc.relayer.fees()
    # The ceiling is what the batch bids in the first place: no replacement can raise it by 10%.
    svc.config = svc.config.model_copy(update={"fee_ceiling_gwei": first_fee / GWEI})
    svc.relayer = Relayer(svc.engine, svc.platform, svc.provider, svc.relayer.account, svc.config)
    w3 = chain.provider.web3
    ids = accept(svc, members[:2])
    assert svc.relayer.step()
    batch_id = rows(svc, ids)[0]["batch_id"]
    (only,) = txs_of(svc, batch_id)
    time.sleep(0.25)
    with caplog.at_level(logging.WARNING, logger="gaoling.service.relayer"):
        assert not svc.relayer.step()
        assert not svc.relayer.step()
    assert caplog.text.count("leaves no room") == 1   # said once, not on every round
    assert len(txs_of(svc, batch_id)) == 1 and {r["status"] for r in rows(svc, ids)} == {"sent"}
    manual_mining()
    svc.relayer.step()
    assert mined(w3, only["tx_hash"])
    assert {(r["status"], r["tx_hash"]) for r in rows(svc, ids)} == {("confirmed", only["tx_hash"])}
    svc.engine.dispose()


def test_batch_mined_after_cst_midnight_is_rejected_with_the_reason(project, chain, deployment, sqlite_url,
                                                                    members, manual_mining):
    svc = make_service(project, chain, deployment, sqlite_url)
    ledger = svc.platform.get("points")
    ids = accept(svc, members[:2])
    today = int(ledger.today())
    assert svc.relayer.step()
    batch_id = rows(svc, ids)[0]["batch_id"]
    manual_mining(timestamp=day_start(today + 1) + 5)     # the block that takes it is tomorrow's
    svc.relayer.step()
    done = rows(svc, ids)
    assert {r["status"] for r in done} == {"rejected"}
    assert all("reverted on chain (the CST day ended before it was mined); sign today's check-in" in r["reason"]
               for r in done)
    assert batch_status(svc, batch_id) == "failed"
    assert all(ledger.pointsOf(m.address) == 0 for m in members[:2])
    svc.engine.dispose()


def test_stuck_batch_that_can_no_longer_succeed_is_cancelled_and_its_messages_rejected(
        project, chain, deployment, sqlite_url, members, manual_mining):
    svc = make_service(project, chain, deployment, sqlite_url, stuck_seconds=0.2)
    w3 = chain.provider.web3
    ledger = svc.platform.get("points")
    ids = accept(svc, members[:2])
    today = int(ledger.today())
    assert svc.relayer.step()
    batch_id = rows(svc, ids)[0]["batch_id"]
    (stuck,) = txs_of(svc, batch_id)
    # The base fee jumps above what the batch bid, so the next block leaves it in the pool; that block
    # is tomorrow's: the batch's day is over before it could ever be mined.
    chain.provider.make_request("anvil_setNextBlockBaseFeePerGas", [hex(int(stuck["max_fee"]) + 1)])
    manual_mining(timestamp=day_start(today + 1) + 5)
    assert not mined(w3, stuck["tx_hash"])
    time.sleep(0.25)
    nonce = w3.eth.get_transaction_count(svc.relayer.sender)
    assert svc.relayer.step()                          # stuck and doomed: a cancellation at the same nonce
    _, cancel = txs_of(svc, batch_id)
    on_node = w3.eth.get_transaction(cancel["tx_hash"])
    assert on_node["to"] == svc.relayer.sender and on_node["value"] == 0 and on_node["nonce"] == nonce
    assert {r["tx_hash"] for r in rows(svc, ids)} == {stuck["tx_hash"]}   # still the batch's own call
    manual_mining()
    svc.relayer.step()                                 # cancellation mined -> queued -> rejected by simulation
    assert mined(w3, cancel["tx_hash"]) and not mined(w3, stuck["tx_hash"])
    assert w3.eth.get_transaction_count(svc.relayer.sender) == nonce + 1
    assert batch_status(svc, batch_id) == "cancelled"
    done = rows(svc, ids)
    assert {r["status"] for r in done} == {"rejected"}
    assert all("that day is over; sign today's check-in" in r["reason"] for r in done)
    assert all(ledger.pointsOf(m.address) == 0 for m in members[:2])
    svc.engine.dispose()


def test_block_arriving_mid_reconciliation_does_not_void_a_mined_batch(project, chain, deployment, sqlite_url,
                                                                       members, manual_mining):
    svc = make_service(project, chain, deployment, sqlite_url)
    relayer = svc.relayer
    ids = accept(svc, members[:2])
    assert relayer.step()
    batch_id = rows(svc, ids)[0]["batch_id"]
    (tx,) = txs_of(svc, batch_id)
    real, armed = relayer.chain_nonce, [True]

    def chain_nonce(block: str = "latest") -> int:
        if armed[0] and block == "latest":   # the block carrying the batch arrives in the middle of reconcile
            armed[0] = False
            manual_mining()
        return real(block)

    relayer.chain_nonce = chain_nonce
    relayer.reconcile()
    assert batch_status(svc, batch_id) == "confirmed"
    done = rows(svc, ids)
    assert {(r["status"], r["tx_hash"]) for r in done} == {("confirmed", tx["tx_hash"])}
    assert all(json.loads(r["result"])["points"] == 10 for r in done)
    svc.engine.dispose()
