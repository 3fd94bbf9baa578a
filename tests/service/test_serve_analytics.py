"""`ape run serve --analytics`: the service process also indexes the deployment's events into its own
database, so the issuer dashboard shows what the relayer just sent (a real subprocess, as run in
production with `--role relayer --analytics`)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from eth_utils import to_checksum_address

from gaoling.analytics.schema import check_ins
from gaoling.service.database import open_engine

from tests.service.relayer_proc import all_final, start_relayer, stop, wait_for
from tests.service.test_faults import submit

pytestmark = pytest.mark.slow


def test_serve_indexes_the_check_ins_its_relayer_sent(project, chain, deployment, sqlite_url, members, tmp_path):
    ids = submit(project, chain, deployment, sqlite_url, members[:3])
    log = tmp_path / "serve.log"
    proc = start_relayer(chain.provider.uri, deployment, sqlite_url, "TEST::6", log, extra=("--analytics",))
    engine = open_engine(sqlite_url)
    wanted = {m.address for m in members[:3]}

    def indexed() -> set[str]:
        try:
            with engine.connect() as conn:
                found = {r.member for r in conn.execute(sa.select(check_ins.c.member))}
        except sa.exc.OperationalError:  # the process has not created the analytics tables yet
            return set()
        return found if wanted <= {to_checksum_address(a) for a in found} else set()

    try:
        wait_for(lambda: all_final(engine, ids), "the check-ins relayed", log=log)
        wait_for(indexed, "the relayed check-ins in the analytics tables", log=log)
    finally:
        stop(proc)
    assert "analytics: indexing the deployment's events" in log.read_text()

