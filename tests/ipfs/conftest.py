"""Fixtures for the IPFS tests: the npm reference importer (the oracle), stand-in servers, and
a configuration whose retries do not sleep."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gaoling.ipfs.config import RetryPolicy, load_config

from tests.ipfs.paths import HERE, ROOT
from tests.ipfs.standins import ClusterStandIn, KuboStandIn, PinningStandIn

ORACLE_VERSION = "17.1.1"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The npm packages the oracle tests need, installed with `npm ci` when absent."""
    nm = ROOT / "node_modules"
    pkg = nm / "ipfs-unixfs-importer" / "package.json"
    if not pkg.exists():
        if shutil.which("npm") is None:
            pytest.fail("npm is needed to install the reference importer (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True)
    version = json.loads(pkg.read_text())["version"]
    assert version == ORACLE_VERSION, f"oracle is ipfs-unixfs-importer {version}, expected {ORACLE_VERSION}"
    return nm


@pytest.fixture(scope="session")
def oracle(node_modules):
    """oracle(cid_version, paths) -> list of CIDs from ipfs-unixfs-importer with Kubo's settings
    (CIDv0: rawLeaves false; CIDv1: rawLeaves true)."""

    def run(cid_version: int, paths: list[Path]) -> list[str]:
        raw = "true" if cid_version == 1 else "false"
        out = subprocess.run(["node", str(HERE / "oracle.mjs"), str(cid_version), raw, *map(str, paths)],
                             cwd=ROOT, check=True, capture_output=True, text=True)
        return out.stdout.split()

    return run


@pytest.fixture
def kubo():
    s = KuboStandIn()
    yield s
    s.close()


@pytest.fixture
def pinning():
    s = PinningStandIn(token="psa-secret-token-123")
    yield s
    s.close()


@pytest.fixture
def cluster():
    s = ClusterStandIn()
    yield s
    s.close()


class SleepLog(list):
    """Records the delays the client asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> SleepLog:
    return SleepLog()


@pytest.fixture
def fast_retry() -> RetryPolicy:
    # The client gives up on an answer after 0.3 s; the stand-ins' "timeout" fault answers
    # after 1 s, so that fault is always a client-side timeout.
    return RetryPolicy(attempts=3, backoff=0.5, max_backoff=4, timeout=0.3)


@pytest.fixture
def cfg(tmp_path, fast_retry):
    c = load_config(env={}, project_root=tmp_path)
    return c.model_copy(update={"retry": fast_retry})

