"""Fixtures for the crowdfund tests: one world per module; Ape reverts to its snapshot between tests."""

import pytest

from tests.crowdfund.helpers import build_world


@pytest.fixture(scope="module")
def world(project, chain, accounts):
    return build_world(project, chain, accounts)


@pytest.fixture(scope="module")
def crowdfund(world):
    return world.crowdfund


@pytest.fixture
def campaign(world):
    """Campaign 1: 0.01 ether digital (100) and 0.05 ether physical (20), goal 0.2 ether, 7 days, 10 per wallet."""
    return world.create()
