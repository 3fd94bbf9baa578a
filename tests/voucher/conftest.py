"""Fixtures for the voucher tests: one world per module; Ape reverts to its snapshot between tests."""

import pytest

from tests.voucher.helpers import build_world


@pytest.fixture(scope="module")
def world(project, chain, accounts):
    return build_world(project, chain, accounts)


@pytest.fixture(scope="module")
def vouchers(world):
    return world.vouchers
