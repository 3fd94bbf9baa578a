"""The holding period as practised in China: policy `HoldingPeriodEveryTransfer` (3) applies the
holding period after every acquisition, not only after mint. `locked` / `unlocksAt` report it, and
every transfer re-announces the lock with ERC-5192 `Locked`."""

from __future__ import annotations

import ape
import pytest

from tests.security.conftest import DAY, edition_init, open_public

PRICE = 10**16
HOLD = 30 * DAY
EVERY_TRANSFER = 3


@pytest.fixture
def per_transfer(project, admin, chain):
    edition = admin.deploy(project.GaolingEdition,
                           edition_init(admin, [admin], [10_000], policy=EVERY_TRANSFER, holding=HOLD))
    open_public(edition, admin, chain, PRICE)
    return edition


def _wait(chain, seconds):
    chain.pending_timestamp = chain.pending_timestamp + seconds
    chain.mine()


def test_every_acquisition_starts_a_new_holding_period(chain, per_transfer, alice, bob, carol):
    assert per_transfer.transferPolicy() == EVERY_TRANSFER
    per_transfer.mintPublic(1, value=PRICE, sender=alice)
    minted_at = chain.blocks.head.timestamp
    assert per_transfer.locked(1)
    assert per_transfer.unlocksAt(1) == minted_at + HOLD
    with ape.reverts(per_transfer.EditionTokenLocked, tokenId=1, unlocksAt=minted_at + HOLD):
        per_transfer.transferFrom(alice, bob, 1, sender=alice)

    _wait(chain, HOLD)
    assert not per_transfer.locked(1)
    receipt = per_transfer.transferFrom(alice, bob, 1, sender=alice)
    moved_at = chain.blocks.head.timestamp
    assert per_transfer.Locked.from_receipt(receipt)[0].tokenId == 1
    assert per_transfer.locked(1)
    assert per_transfer.unlocksAt(1) == moved_at + HOLD
    with ape.reverts(per_transfer.EditionTokenLocked, tokenId=1, unlocksAt=moved_at + HOLD):
        per_transfer.transferFrom(bob, carol, 1, sender=bob)  # no flip the moment the first period ends

    _wait(chain, HOLD)
    per_transfer.transferFrom(bob, carol, 1, sender=bob)
    assert per_transfer.ownerOf(1) == carol.address


def test_mint_only_policy_is_unchanged(project, admin, chain, alice, bob, carol):
    held = admin.deploy(project.GaolingEdition, edition_init(admin, [admin], [10_000], policy=1, holding=HOLD))
    open_public(held, admin, chain, PRICE)
    held.mintPublic(1, value=PRICE, sender=alice)
    _wait(chain, HOLD)
    held.transferFrom(alice, bob, 1, sender=alice)
    assert not held.locked(1)
    assert held.unlocksAt(1) == 0
    held.transferFrom(bob, carol, 1, sender=bob)  # free for good after the first period


def test_every_transfer_policy_needs_a_holding_period(project, admin):
    with ape.reverts(project.GaolingEdition.EditionInvalidHoldingPeriod, holdingPeriod=0):
        admin.deploy(project.GaolingEdition, edition_init(admin, [admin], [10_000], policy=EVERY_TRANSFER))
