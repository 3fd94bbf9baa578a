"""Fixtures for the fan economy: a ledger with small, distinct award rules, the coupon shop, a
recorder account standing in for the sale contracts, and gasless members (keys with no ETH)."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_utils import keccak

from gaoling.fan import Rules, deploy_coupons, deploy_ledger, grant_recorder
from gaoling.fan.checkin import CST_OFFSET, DAY

RULES = Rules(check_in=10, streak_bonus=2, streak_max_days=3, referral=100, referral_daily_cap=2,
              purchase_flat=50, purchase_per_item=10)


@pytest.fixture
def rules():
    return RULES


@pytest.fixture
def ledger(project, admin):
    contract = deploy_ledger(project, admin, RULES)
    # These tests fund members with many purchase points a day; the daily cap (security review
    # F-01) has its own tests in tests/security.
    contract.setPurchaseDailyCap(2**30 - 1, sender=admin)
    return contract


@pytest.fixture
def coupons(project, admin, ledger):
    return deploy_coupons(project, admin, ledger, base_uri="ipfs://bafyglazes/")


@pytest.fixture
def recorder(accounts, ledger, admin):
    """Stands in for the edition / auction house: holds PURCHASE_RECORDER_ROLE."""
    account = accounts[4]
    grant_recorder(ledger, account, admin)
    return account


@pytest.fixture
def relayer(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def members():
    """Twelve gasless collectors: private keys only, never funded."""
    return [Account.from_key(keccak(text=f"gaoling fan test member {i}")) for i in range(12)]


def cst_midnight_after(timestamp: int, days: int = 1) -> int:
    """00:00:00 CST at the start of the `days`-th CST day after the one containing `timestamp`."""
    day = (timestamp + CST_OFFSET) // DAY
    return (day + days) * DAY - CST_OFFSET


@pytest.fixture
def travel(chain):
    """`travel(ts)`: the next transaction is mined at exactly `ts` (anvil evm_setNextBlockTimestamp)."""

    def go(timestamp: int) -> int:
        chain.pending_timestamp = timestamp
        return timestamp

    return go


@pytest.fixture
def next_midnight(chain):
    """00:00:00 CST of a future day, `days` CST days after the current one."""

    def at(days: int = 1) -> int:
        return cst_midnight_after(chain.pending_timestamp, days)

    return at
