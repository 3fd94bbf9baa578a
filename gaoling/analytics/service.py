"""Entry points shared by `ape run analytics` and the platform service: build an indexer from an RPC
URL and a manifest, and run it as a background task."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy.engine import Engine

from gaoling.analytics.abis import load_manifest, sources_from_manifest
from gaoling.analytics.errors import AnalyticsInputError
from gaoling.analytics.indexer import Indexer, Rpc
from gaoling.analytics.store import open_store

log = logging.getLogger(__name__)


def build_indexer(*, rpc: str, manifest: str | Path | None = None, database: str | None = None,
                  engine: Engine | None = None, confirmations: int = 0, max_range: int = 5000,
                  deployments: str | Path = "deployments") -> tuple[Indexer, Engine]:
    """The indexer for `manifest` (default: deployments/<chain id served by rpc>.json)."""
    client = Rpc(rpc)
    if manifest is None:
        chain_id = client.chain_id()
        manifest = Path(deployments) / f"{chain_id}.json"
        if not manifest.exists():
            raise AnalyticsInputError(f"--manifest: no {manifest} for chain {chain_id} served by {rpc}; "
                                      "deploy there first or pass --manifest")
    data = load_manifest(manifest)
    engine = engine or open_store(database)
    indexer = Indexer(engine, client, sources_from_manifest(data), int(data["chain_id"]),
                      confirmations=confirmations, max_range=max_range)
    indexer.check_chain()
    return indexer, engine


def start_background_sync(indexer: Indexer, *, poll_s: float = 5.0) -> tuple[threading.Thread, threading.Event]:
    """Runs `indexer.follow` in a daemon thread (the service starts it at startup and sets the event
    at shutdown). Errors are logged and retried on the next poll, never raised into the service."""
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                indexer.follow(stop, poll_s=poll_s)
            except Exception as exc:  # keep the service up; the next poll retries from the cursor
                log.warning("analytics sync failed (%s); retrying in %s s", exc, poll_s)
                stop.wait(poll_s)

    thread = threading.Thread(target=run, name="gaoling-analytics-sync", daemon=True)
    thread.start()
    return thread, stop
