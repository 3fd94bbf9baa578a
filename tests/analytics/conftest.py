"""Fixtures for analytics: one scripted platform history on anvil (deployed by the deploy engine),
and a fresh database per test on SQLite and on a real PostgreSQL server (tests/support/postgres.py)."""

from __future__ import annotations

import pytest

from gaoling.analytics.abis import load_manifest, sources_from_manifest
from gaoling.analytics.indexer import Indexer
from gaoling.analytics.sample import play
from gaoling.analytics.store import open_store
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def sample(project, accounts, chain, tmp_path_factory):
    """The sample history, played once per session (Ape reverts each test's own changes)."""
    return play(project, accounts, chain, tmp_path_factory.mktemp("analytics-deployments"))


@pytest.fixture(scope="session")
def rpc_url(chain):
    return chain.provider.uri


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'analytics.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(db_url):
    engine = open_store(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_indexer(sample, rpc_url, engine):
    manifest = load_manifest(sample.manifest_path)

    def make(**kwargs):
        return Indexer(engine, kwargs.pop("rpc", rpc_url), sources_from_manifest(manifest), manifest["chain_id"],
                       **kwargs)
    return make
