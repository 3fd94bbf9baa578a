"""Property: for any interleaving of submissions (valid, duplicate, signed by someone else, wrong day),
relayer rounds and crashes with restarts, the points credited on chain equal exactly the accepted,
valid, non-duplicate check-ins (10 points each), and every accepted message ends confirmed."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from eth_account import Account
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from gaoling.fan.checkin import sign_check_in
from gaoling.service import create_app
from gaoling.service.database import open_engine, release_lease
from gaoling.service.models import messages
from gaoling.service.relayer import LEASE, InjectedCrash, Relayer

from tests.service.conftest import make_service

MEMBERS = 4
op = st.one_of(
    st.tuples(st.just("submit"), st.integers(0, MEMBERS - 1), st.sampled_from(["valid", "valid", "badsig", "wrongday"])),
    st.tuples(st.just("step")),
    st.tuples(st.just("crash"), st.sampled_from(["raise:before-broadcast", "raise:after-broadcast"])),
)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=st.lists(op, min_size=3, max_size=14))
def test_points_equal_accepted_valid_distinct_checkins(project, chain, deployment, tmp_path_factory, ops):
    url = f"sqlite:///{tmp_path_factory.mktemp('prop') / (uuid.uuid4().hex + '.sqlite3')}"
    svc = make_service(project, chain, deployment, url, batch_size=2, batch_seconds=0.0001)
    ledger = svc.platform.get("points")
    members = [Account.create() for _ in range(MEMBERS)]
    accepted: set[str] = set()
    relayer = svc.relayer
    with TestClient(create_app(svc, include_web=False)) as client:
        for o in ops:
            if o[0] == "submit":
                _, i, variant = o
                day = None if variant != "wrongday" else int(ledger.today()) - 1
                signed = json.loads(sign_check_in(members[i], ledger, day).to_json())
                if variant == "badsig":
                    signed["member"] = members[(i + 1) % MEMBERS].address
                r = client.post("/api/v1/checkins", json=signed)
                if variant == "valid":
                    assert r.status_code == 202
                    accepted.add(members[i].address)
                else:
                    assert r.status_code == 422
            elif o[0] == "step":
                relayer.step()
            else:
                relayer.fault = o[1]
                try:
                    relayer.step()
                except InjectedCrash:
                    pass
                # Restart: a new relayer object with nothing but the database. On SQLite the dead one's
                # lease would expire after its ttl (10 s) and only then let the new one work; the test
                # ends that wait instead of sleeping through it.
                release_lease(svc.engine, LEASE, relayer.holder)
                relayer = Relayer(svc.engine, svc.platform, svc.provider, svc.relayer.account, svc.config)
        relayer.fault = ""
        for _ in range(40):
            relayer.step()
            with svc.engine.connect() as conn:
                open_ = conn.execute(sa.select(sa.func.count()).select_from(messages)
                                     .where(messages.c.status.in_(("queued", "sent")))).scalar()
            if not open_:
                break
    for m in members:
        assert ledger.pointsOf(m.address) == (10 if m.address in accepted else 0)
    with open_engine(url).connect() as conn:
        assert {r.status for r in conn.execute(sa.select(messages.c.status))} <= {"confirmed"}
    svc.engine.dispose()
