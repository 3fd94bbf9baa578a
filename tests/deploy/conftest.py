"""Fixtures of the deploy tests."""

import pytest


@pytest.fixture(scope="session")
def shared_ipfs_store(tmp_path_factory):
    """One local IPFS store for the session: the sample catalogue (10,000 token files) is built
    once, and every later deploy finds that build recorded in the store instead of redoing it."""
    return tmp_path_factory.mktemp("ipfs")
