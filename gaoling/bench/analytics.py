"""`make bench`, analytics: index a synthetic history of >= 100,000 events on anvil, on SQLite and on
a real PostgreSQL, against the bare loop that only fetches and decodes the same logs with web3.py
(`eth.get_logs` + `ContractEvent.process_log`) over the same block ranges, in the same run.

The history is generated cheaply: one freely transferable edition, minted 1,000 tokens per
transaction (ERC721A emits one `Transfer` per token), so 100 transactions give 100,100 events.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from web3 import HTTPProvider, Web3

PER_TX = 1_000
TRANSACTIONS = 100
RANGE = 10  # blocks per eth_getLogs: about 10,000 logs per response


def _history(project: Any, accounts: Any, chain: Any) -> tuple[dict[str, Any], int, int]:
    admin = accounts[0]
    total = PER_TX * TRANSACTIONS
    edition = admin.deploy(project.GaolingEdition, (
        "Bench Edition", "BENCH", total, "ipfs://bench/", "ipfs://bench/contract.json", admin.address, 500,
        [admin.address], [10_000], 0, 0, admin.address))
    start = chain.blocks.head.number
    now = int(chain.pending_timestamp)
    edition.setPhase(1, (1, now - 1, now + 86_400 * 365, 0), sender=admin)
    buyers = list(accounts)[1:10]
    # A mint call is bounded (security review F-07): each PER_TX purchase goes in chunks of the limit.
    chunk = PER_TX
    if hasattr(edition, "setMaxMintQuantity"):
        chunk = min(PER_TX, int(edition.MAX_MINT_QUANTITY_LIMIT()))
        edition.setMaxMintQuantity(chunk, sender=admin)
    for i in range(TRANSACTIONS):
        for _ in range(PER_TX // chunk):
            edition.mintPublic(chunk, value=chunk, sender=buyers[i % len(buyers)])
    end = chain.blocks.head.number
    manifest = {"chain_id": int(chain.chain_id),
                "contracts": {"edition:bench": edition.address},
                "steps": {"edition:bench": {"contract": "GaolingEdition", "block": start}},
                "abis": {"GaolingEdition": [a.model_dump(by_alias=True, mode="json")
                                            for a in edition.contract_type.abi]}}
    return manifest, start, end


def _bare_loop(url: str, manifest: dict[str, Any], start: int, end: int) -> tuple[int, float]:
    w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 120}))
    address = manifest["contracts"]["edition:bench"]
    contract = w3.eth.contract(address=address, abi=manifest["abis"]["GaolingEdition"])
    events = {e.topic: e for e in contract.all_events()}
    t0 = time.perf_counter()
    count = 0
    for frm in range(start, end + 1, RANGE):
        logs = w3.eth.get_logs({"address": address, "fromBlock": frm, "toBlock": min(frm + RANGE - 1, end)})
        for log in logs:
            topic = "0x" + bytes(log["topics"][0]).hex()
            events[topic].process_log(log)
            count += 1
    return count, time.perf_counter() - t0


def _index(url: str, manifest: dict[str, Any], db_url: str) -> tuple[int, float, Any]:
    from gaoling.analytics.abis import sources_from_manifest
    from gaoling.analytics.indexer import Indexer
    from gaoling.analytics.store import open_store

    engine = open_store(db_url)
    indexer = Indexer(engine, url, sources_from_manifest(manifest, abis={}), manifest["chain_id"],
                      max_range=RANGE, initial_range=RANGE)
    t0 = time.perf_counter()
    report = indexer.sync()
    return report.logs, time.perf_counter() - t0, engine


def _postgres_launcher(root: Path) -> Any:
    """`start_postgres` from tests/support/postgres.py: the project's one PostgreSQL launcher. Loaded
    by path, since a site-packages `tests` package (shipped by a dependency) can shadow ours."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gaoling_test_postgres", root / "tests/support/postgres.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.start_postgres


def measure_throughput(project: Any, accounts: Any, chain: Any) -> dict[str, Any]:
    from gaoling.analytics.reports import all_reports
    start_postgres = _postgres_launcher(Path(project.path))

    manifest, start, end = _history(project, accounts, chain)
    url = chain.provider.uri
    bare_events, bare_s = _bare_loop(url, manifest, start, end)
    workdir = Path(tempfile.mkdtemp(prefix="gaoling-bench-analytics-"))
    server = start_postgres()
    try:
        sqlite_events, sqlite_s, engine = _index(url, manifest, f"sqlite:///{workdir / 'bench.sqlite3'}")
        t0 = time.perf_counter()
        all_reports(engine)
        reports_s = time.perf_counter() - t0
        engine.dispose()
        pg_events, pg_s, pg_engine = _index(url, manifest, server.create_database("bench"))
        pg_engine.dispose()
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    if not (bare_events == sqlite_events == pg_events):
        raise RuntimeError(f"event counts differ: bare {bare_events}, sqlite {sqlite_events}, postgres {pg_events}")
    bare = bare_events / bare_s
    return {
        "analytics.events": bare_events,
        "analytics.bare_events_per_s": round(bare, 1),
        "analytics.events_per_s_sqlite": round(sqlite_events / sqlite_s, 1),
        "analytics.events_per_s_postgres": round(pg_events / pg_s, 1),
        "analytics.ratio_sqlite": round(sqlite_events / sqlite_s / bare, 3),
        "analytics.ratio_postgres": round(pg_events / pg_s / bare, 3),
        "analytics.reports_s": round(reports_s, 3),
    }
