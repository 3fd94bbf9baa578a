"""Shared fixtures. Every test runs on a real anvil (ape-foundry), with contracts compiled by
the real solc (npm `solc`, through tools/solc-adapter.cjs). Ape reverts the chain to a snapshot
between tests, so each test starts from the state its fixtures built."""

import pytest


@pytest.fixture(scope="session")
def admin(accounts):
    """Deploys contracts and holds every admin role unless a test hands them over."""
    return accounts[0]


@pytest.fixture(scope="session")
def alice(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def bob(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def carol(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def stranger(accounts):
    """Holds no role anywhere."""
    return accounts[9]
