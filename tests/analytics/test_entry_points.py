"""The real entry points: `ape run analytics sync/report` as subprocesses, and the background sync the
service runs (the dashboard's HTTP API is in test_dashboard_api.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gaoling.analytics.store import dump

ROOT = Path(__file__).resolve().parents[2]


def _ape(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "ape"), "run", "analytics", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


def test_cli_sync_then_report(sample, rpc_url, db_url, engine, tmp_path):
    out = tmp_path / "reports"
    synced = _ape("sync", "--rpc", rpc_url, "--manifest", str(sample.manifest_path), "--confirmations", "0",
                  env={"GAOLING_DATABASE_URL": db_url})
    assert synced.returncode == 0, synced.stderr
    assert f"contracts of chain {sample.chain_id}" in synced.stdout and "events in" in synced.stdout
    assert "Traceback" not in synced.stdout + synced.stderr
    assert sum(map(len, dump(engine).values())) > 300
    reported = _ape("report", "--database", db_url, "--out", str(out), "--quiet")
    assert reported.returncode == 0, reported.stderr
    assert "6 reports written" in reported.stdout
    for name in ("sales", "royalties", "holders", "network", "fans", "kiln"):
        assert (out / f"{name}.png").stat().st_size > 5_000
        data = json.loads((out / f"{name}.json").read_text())
        assert data["name"] == name and data["charts"][0]["data"]["datasets"]
    assert len(list(out.glob("*.csv"))) >= 15


def test_cli_bad_input_is_one_clear_line(sample, rpc_url, db_url, tmp_path):
    """The same click command in-process (an `ape run` subprocess costs ~20 s on a busy machine)."""
    from click.testing import CliRunner

    from scripts.analytics import cli

    runner = CliRunner()
    bad = runner.invoke(cli, ["sync", "--rpc", "http://127.0.0.1:9", "--manifest", str(sample.manifest_path),
                              "--database", db_url])
    assert bad.exit_code == 2 and "cannot reach http://127.0.0.1:9" in bad.output
    foreign = tmp_path / "5.json"
    foreign.write_text(json.dumps({**json.loads(sample.manifest_path.read_text()), "chain_id": 5}))
    wrong = runner.invoke(cli, ["sync", "--rpc", rpc_url, "--manifest", str(foreign), "--database", db_url])
    assert wrong.exit_code == 2 and "--manifest is for chain 5 but --rpc" in wrong.output, wrong.output
    missing = runner.invoke(cli, ["report", "--database", "mysql://nope", "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "supports sqlite and postgresql" in missing.output


def test_background_follow_keeps_up_with_new_blocks(sample, make_indexer, engine, accounts):
    """What the service runs: `start_background_sync` follows the chain until told to stop."""
    import time

    import sqlalchemy as sa

    from gaoling.analytics import schema
    from gaoling.analytics.service import start_background_sync

    thread, stop = start_background_sync(make_indexer(), poll_s=0.2)
    try:
        celadon = sample.contracts["edition:celadon"]
        celadon.mintPublic(2, value=2 * celadon.phase(1).price, sender=accounts[5])
        deadline = time.monotonic() + 60
        query = sa.select(sa.func.count()).select_from(schema.sales).where(schema.sales.c.buyer == accounts[5].address)
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(query).scalar():
                    break
            time.sleep(0.2)
        with engine.connect() as conn:
            assert conn.execute(query).scalar() == 1
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
