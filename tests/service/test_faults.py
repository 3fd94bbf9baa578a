"""The relayer's guarantees under real faults, on SQLite and on PostgreSQL.

The relayer runs as `ape run serve --role relayer` in its own process; the API runs in this process
and shares the database with it, as in production. Faults are real: SIGKILL of the relayer at the
worst moment (its transaction mined, its receipt not recorded), its node going away mid-batch (a TCP
proxy in front of the test chain is closed: the stand-in for stopping anvil, whose chain the rest of
the session needs), and two relayers against one PostgreSQL.
"""

from __future__ import annotations

import json
import signal
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gaoling.fan.checkin import sign_check_in
from gaoling.service import create_app
from gaoling.service.database import open_engine
from gaoling.service.models import messages, relay_txs

from tests.service.conftest import make_service
from tests.service.relayer_proc import Proxy, all_final, start_relayer, statuses, stop, wait_for

pytestmark = pytest.mark.slow


def submit(project, chain, deployment, database_url, members) -> list[str]:
    api = make_service(project, chain, deployment, database_url, role="api", relayer_account=None)
    ledger = api.platform.get("points")
    with TestClient(create_app(api, include_web=False)) as c:
        ids = []
        for m in members:
            r = c.post("/api/v1/checkins", json=json.loads(sign_check_in(m, ledger).to_json()))
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
    api.engine.dispose()
    return ids


def credited_events(ledger, start_block: int) -> tuple[dict, list]:
    from ape import chain

    head = chain.blocks.head.number
    credited: dict[str, int] = {}
    for log in ledger.CheckedIn.range(start_block, head + 1):
        credited[str(log.member)] = credited.get(str(log.member), 0) + 1
    skipped = list(ledger.CheckInSkipped.range(start_block, head + 1))
    return credited, skipped


def test_sigkill_after_broadcast_then_restart_credits_each_once(project, chain, deployment, database_url,
                                                                members, tmp_path):
    ledger = project.PointsLedger.at(json.loads(deployment.read_text())["contracts"]["points"])
    start = chain.blocks.head.number
    ids = submit(project, chain, deployment, database_url, members[:8])
    log = tmp_path / "relayer.log"
    proc = start_relayer(chain.provider.uri, deployment, database_url, "TEST::6", log, fault="after-broadcast")
    try:
        assert proc.wait(timeout=90) == -signal.SIGKILL, log.read_text()[-2000:]
    finally:
        stop(proc)
    engine = open_engine(database_url)
    st = statuses(engine, ids)
    assert list(st.values()).count("sent") == 5  # the batch is on chain, not yet recorded as confirmed
    credited, _ = credited_events(ledger, start)
    assert len(credited) == 5
    proc = start_relayer(chain.provider.uri, deployment, database_url, "TEST::6", log)
    try:
        wait_for(lambda: all_final(engine, ids), "every check-in confirmed after the restart", log=log)
    finally:
        stop(proc)
    assert set(statuses(engine, ids).values()) == {"confirmed"}
    credited, skipped = credited_events(ledger, start)
    assert credited == {m.address: 1 for m in members[:8]} and skipped == []
    assert all(ledger.pointsOf(m.address) == 10 for m in members[:8])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(relay_txs)).scalar() == 2  # 5 + 3, no resend
    engine.dispose()


def test_node_down_mid_batch_then_back(project, chain, deployment, database_url, members, tmp_path):
    ledger = project.PointsLedger.at(json.loads(deployment.read_text())["contracts"]["points"])
    start = chain.blocks.head.number
    ids = submit(project, chain, deployment, database_url, members[:5])
    proxy = Proxy(urlparse(chain.provider.uri).port)
    log = tmp_path / "relayer.log"
    engine = open_engine(database_url)
    proc = start_relayer(proxy.url, deployment, database_url, "TEST::6", log, fault="pause-before-broadcast")
    try:
        wait_for(lambda: set(statuses(engine, ids).values()) == {"sent"}, "the batch recorded as sent", log=log)
        proxy.down()  # the node goes away between recording the batch and broadcasting it
        wait_for(lambda: "relayer step failed" in log.read_text(), "the relayer to notice the outage", log=log)
        assert credited_events(ledger, start)[0] == {}
        proxy.up()
        wait_for(lambda: all_final(engine, ids), "the batch confirmed once the node is back", log=log)
    finally:
        stop(proc)
        proxy.down()
    credited, skipped = credited_events(ledger, start)
    assert credited == {m.address: 1 for m in members[:5]} and skipped == []
    engine.dispose()


def test_two_relayers_on_one_postgres_never_send_a_message_twice(project, chain, deployment, postgres_url,
                                                                 tmp_path):
    from eth_account import Account

    members = [Account.create() for _ in range(30)]
    ledger = project.PointsLedger.at(json.loads(deployment.read_text())["contracts"]["points"])
    start = chain.blocks.head.number
    ids = submit(project, chain, deployment, postgres_url, members)
    engine = open_engine(postgres_url)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start_relayer(chain.provider.uri, deployment, postgres_url, acct, log, batch_size=3)
             for acct, log in zip(("TEST::6", "TEST::7"), logs)]
    try:
        wait_for(lambda: all_final(engine, ids), "all 30 check-ins confirmed", log=logs[0])
    finally:
        for p in procs:
            stop(p)
    credited, skipped = credited_events(ledger, start)
    assert credited == {m.address: 1 for m in members}
    assert skipped == []  # a message sent twice would show up as "already checked in"
    with engine.connect() as conn:
        senders = {r.sender for r in conn.execute(sa.text("SELECT sender FROM service_relay_batches"))}
        per_message = conn.execute(sa.select(messages.c.batch_id).where(messages.c.id.in_(ids))).all()
    assert len(senders) == 2, "both relayers took work"
    assert len({b for (b,) in per_message}) == 10
    engine.dispose()
