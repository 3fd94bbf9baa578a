"""Fixtures for the platform service: the whole platform deployed by the deploy engine on the test
anvil, the real FastAPI app over httpx (Starlette's TestClient is an httpx.Client), state on SQLite
and on a real PostgreSQL (tests/support/postgres.py), and gasless members (fresh keys, no ETH)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from eth_account import Account
from starlette.testclient import TestClient

from tests.deploy.helpers import PLATFORM, deploy
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)

RELAYER = "TEST::5"


@pytest.fixture(scope="session")
def ipfs_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("ipfs")
    os.environ["GAOLING_IPFS_STORE"] = str(store)
    return store


@pytest.fixture(scope="session")
def deployment(project, chain, accounts, ipfs_store, tmp_path_factory) -> Path:
    """deployments/<chainId>.json of a full platform deploy (metadata/platform.yaml)."""
    out = tmp_path_factory.mktemp("deployments")
    outcome = deploy(project, chain, accounts[0], out)
    return outcome.manifest.path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gaoling.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'gaoling.sqlite3'}"


def make_service(project, chain, deployment, database_url, **overrides):
    from gaoling.service import ServiceConfig, build_context

    values = dict(deployment=deployment, database_url=database_url, relayer_account=RELAYER, batch_size=10,
                  batch_seconds=0.05, poll_seconds=0.05, rate_per_address=50, rate_per_ip=10_000)
    values.update(overrides)
    config = ServiceConfig(**values)
    return build_context(config, project, chain.provider, platform_config=PLATFORM)


@pytest.fixture
def svc(project, chain, deployment, sqlite_url):
    service = make_service(project, chain, deployment, sqlite_url)
    yield service
    service.engine.dispose()


@pytest.fixture
def client(svc):
    from gaoling.service import create_app

    with TestClient(create_app(svc, include_web=False), raise_server_exceptions=False) as c:
        yield c


# Inside the collection's allowlist window (metadata/collections/jingdezhen-blue-and-white.yaml).
ALLOWLIST_OPEN = 1922414400  # 2030-12-02T12:00:00+08:00


@pytest.fixture
def sale_open(chain):
    """Moves the chain's clock into the allowlist phase (the test's snapshot is reverted after it)."""
    if chain.blocks.head.timestamp < ALLOWLIST_OPEN:
        chain.mine(timestamp=ALLOWLIST_OPEN)
    return chain.blocks.head.timestamp


@pytest.fixture
def members():
    """Fresh keys that hold no ETH: collectors who only sign."""
    return [Account.create() for _ in range(12)]
