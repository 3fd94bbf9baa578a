"""The service's state on SQLite and on a real PostgreSQL: migrations, the relayer lease, the quiz
cooldown under concurrent starts, and the shipping store's pending / confirmed / history semantics."""

from __future__ import annotations

import asyncio
import threading

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from gaoling.quiz.store import DatabaseAttemptStore
from gaoling.service.database import acquire_lease, open_engine, release_lease, upgrade
from gaoling.service.messages import Intake, enqueue, tracking_id
from gaoling.service.models import messages
from gaoling.voucher.shipping import ShippingStore, commit

DETAILS = {"name": "李华", "phone": "+86 139 0000 0000", "address": "珠山路 8 号", "city": "景德镇"}


def test_migrations_create_the_schema_once(database_url):
    engine = open_engine(database_url)
    upgrade(engine)  # again: a no-op
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version_num FROM service_alembic_version")).scalar()
        tables = set(sa.inspect(conn).get_table_names())
    assert version == "0002"
    assert {"service_messages", "service_relay_batches", "service_relay_txs", "quiz_attempts",
            "shipping_records", "service_siwe_nonces"} <= tables
    engine.dispose()


def test_lease_has_one_holder_until_it_expires(database_url):
    engine = open_engine(database_url)
    assert acquire_lease(engine, "relayer", "a", ttl=30)
    assert not acquire_lease(engine, "relayer", "b", ttl=30)
    assert acquire_lease(engine, "relayer", "a", ttl=30)      # renewal
    assert acquire_lease(engine, "relayer", "x", ttl=-1) is False
    release_lease(engine, "relayer", "a")
    assert acquire_lease(engine, "relayer", "b", ttl=-1)      # taken, and already expired
    assert acquire_lease(engine, "relayer", "c", ttl=30)      # so the next one may take it
    engine.dispose()


def test_quiz_cooldown_holds_under_concurrent_starts(database_url):
    store = DatabaseAttemptStore(database_url)
    results: list[int | None] = []
    barrier = threading.Barrier(8)

    def start(i: int) -> None:
        barrier.wait()
        results.append(store.try_begin("0x" + "11" * 20, f"attempt{i}", 1000, 3600, "{}"))

    threads = [threading.Thread(target=start, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(None) == 1 and all(r == 4600 for r in results if r is not None)
    assert store.try_begin("0x" + "11" * 20, "later", 4600, 3600, "{}") is None
    assert store.finish("later", 4700, "{}") and not store.finish("later", 4800, "{}")
    store.close()


def test_shipping_store_keeps_history_and_confirms_only_the_chain_commitment(database_url):
    store = ShippingStore(database_url, Fernet.generate_key())
    first, _ = store.save(7, {**DETAILS, "city": "南昌"})
    second, salt = store.save(7, DETAILS)
    assert [h["state"] for h in store.history(7)] == ["pending", "pending"]
    assert store.confirm(7, second)
    details, salt2, commitment = store.confirmed(7)
    assert details.city == "景德镇" and salt2 == salt and commitment == second == commit(details, salt)
    assert [h["state"] for h in store.history(7)] == ["superseded", "confirmed"]
    assert not store.confirm(7, b"\x01" * 32)
    with store.engine.connect() as conn:
        sealed = b"".join(bytes(r[0]) for r in conn.execute(sa.text("SELECT sealed FROM shipping_records")))
    assert "景德镇".encode() not in sealed and b"139" not in sealed
    store.close()


LEDGER = "0x" + "ab" * 20


def test_intake_group_commit_stores_each_message_once(database_url):
    """200 concurrent submissions of 50 distinct messages (each sent 4 times): one row each, every
    repeat answered with the same id, exactly one submission per message reported as new."""
    engine = open_engine(database_url)
    intake = Intake(engine)
    members = [f"0x{i:040x}" for i in range(50)]

    async def flood():
        return await asyncio.gather(*(intake.submit("checkin", 1, LEDGER, members[i % 50], "7", {"i": i})
                                      for i in range(200)))

    results = asyncio.run(flood())
    assert {r.id for r in results} == {tracking_id("checkin", 1, LEDGER, m, "7") for m in members}
    assert sum(r.created for r in results) == 50 and {r.status for r in results} == {"queued"}
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar() == 50
    again = enqueue(engine, "checkin", 1, LEDGER, members[0], "7", {})   # the one-off path agrees
    assert again.id == results[0].id and not again.created
    engine.dispose()


def test_intake_one_bad_message_fails_alone(database_url):
    engine = open_engine(database_url)
    intake = Intake(engine)

    async def mixed():
        good = [intake.submit("checkin", 1, LEDGER, f"0x{i:040x}", "8", {}) for i in range(10)]
        bad = intake.submit(None, 1, LEDGER, "0x" + "ee" * 20, "8", {})  # kind is NOT NULL
        return await asyncio.gather(*good, bad, return_exceptions=True)

    *good, bad = asyncio.run(mixed())
    assert isinstance(bad, sa.exc.IntegrityError)
    assert all(r.created for r in good)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar() == 10
    engine.dispose()
