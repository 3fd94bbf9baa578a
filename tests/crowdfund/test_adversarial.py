"""Attackers as real contracts (contracts/test/crowdfund/CrowdfundAttackers.sol): pledgers that
revert or burn gas on receiving ETH or tokens, reentrancy through the ERC-721 receiver hook at
claim, an issuer who tries to take escrowed money early, and an edition too small for the tiers."""

from __future__ import annotations

import ape
import pytest
from eth_utils import keccak

from gaoling.crowdfund import TierSpec
from tests.crowdfund.helpers import DIGITAL_PRICE, FAILED, fee

REENTRANCY = keccak(text="ReentrancyGuardReentrantCall()")[:4]
CLAIM, REFUND, WITHDRAW, PLEDGE, RELEASE = range(5)


@pytest.fixture
def reverting(project, world):
    return project.TestRevertingPledger.deploy(world.crowdfund.address, sender=world.admin)


@pytest.fixture
def burner(project, world):
    return project.TestGasBurningPledger.deploy(world.crowdfund.address, sender=world.admin)


@pytest.fixture
def reentrant(project, world):
    return project.TestReentrantClaimer.deploy(world.crowdfund.address, sender=world.admin)


def _digital(world, goal_pieces=3):
    return world.create(tiers=(TierSpec(DIGITAL_PRICE, 100),), goal=goal_pieces * DIGITAL_PRICE, wallet_limit=0)


def test_reverting_and_gas_burning_pledgers_block_nobody(world, crowdfund, reverting, burner, alice, bob, carol):
    cid = _digital(world, goal_pieces=50)
    reverting.pledge(cid, 0, 2, value=2 * DIGITAL_PRICE, sender=carol)
    burner.pledge(cid, 0, 3, value=3 * DIGITAL_PRICE, sender=carol)
    world.pledge(cid, alice, 0, 1)
    world.pledge(cid, bob, 0, 1)
    # Withdrawals are pulls: the hostile contracts fail only their own.
    with ape.reverts():
        reverting.withdraw(cid, sender=carol)
    crowdfund.withdraw(cid, sender=bob)
    world.end(cid)
    crowdfund.finalize(cid, sender=alice)
    assert crowdfund.campaign(cid).status == FAILED
    with ape.reverts():
        burner.refund(cid, sender=carol)
    before = alice.balance
    receipt = crowdfund.refund(cid, sender=alice)
    assert alice.balance == before + DIGITAL_PRICE - fee(receipt)
    # Each hostile pledger can still take its money out, to an address of its choosing.
    for attacker, pieces in ((reverting, 2), (burner, 3)):
        before = carol.balance
        attacker.refundTo(cid, carol.address, sender=bob)
        assert carol.balance == before + pieces * DIGITAL_PRICE
    assert world.balance() == 0
    world.assert_conserved()


def test_hostile_receivers_cannot_block_the_issuers_batch_delivery(world, crowdfund, reverting, burner, alice, carol):
    cid = _digital(world)
    reverting.pledge(cid, 0, 2, value=2 * DIGITAL_PRICE, sender=carol)
    burner.pledge(cid, 0, 1, value=DIGITAL_PRICE, sender=carol)
    world.pledge(cid, alice, 0, 1)
    world.end(cid)
    crowdfund.finalize(cid, sender=alice)
    # Their own claims run the receiver hook and fail (only for themselves)...
    with ape.reverts():
        reverting.claim(cid, sender=carol)
    with ape.reverts():
        burner.claim(cid, sender=carol)
    # ...but the batch mints without the hook, so they get their pieces and nobody is held up.
    receipt = crowdfund.deliver(cid, [reverting.address, burner.address, alice.address], sender=world.admin)
    assert len(crowdfund.Claimed.from_receipt(receipt)) == 3
    assert world.edition.balanceOf(reverting.address) == 2 and world.edition.balanceOf(burner.address) == 1


@pytest.mark.parametrize("mode", [CLAIM, REFUND, WITHDRAW, PLEDGE, RELEASE])
def test_reentrancy_through_the_receiver_hook_at_claim_is_refused(world, crowdfund, reentrant, alice, carol, mode):
    cid = _digital(world, goal_pieces=2)
    reentrant.pledge(cid, 0, 2, value=2 * DIGITAL_PRICE, sender=carol)
    world.pledge(cid, alice, 0, 1)
    world.end(cid)
    crowdfund.finalize(cid, sender=alice)
    reentrant.arm(cid, mode, sender=carol)
    reentrant.claim(cid, sender=carol)
    assert reentrant.hookCalls() == 2          # the hook ran, once per token
    assert not reentrant.reentered()
    assert bytes(reentrant.reentryError())[:4] == REENTRANCY
    # Exactly its two pieces, and the money is all still releasable.
    assert world.edition.balanceOf(reentrant.address) == 2
    assert crowdfund.pledgeOf(cid, reentrant.address)[0] == 0
    assert world.balance() == 3 * DIGITAL_PRICE
    world.assert_conserved()


def test_the_issuer_cannot_take_escrowed_money_before_success(world, crowdfund, campaign, alice, bob):
    issuer = world.admin
    world.pledge(campaign, alice, 0, 10)
    world.pledge(campaign, bob, 1, 2)
    held = world.balance()
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded):
        crowdfund.release(campaign, world.studio.address, sender=issuer)
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded):
        crowdfund.releaseTo(campaign, issuer.address, sender=world.studio)
    with ape.reverts(crowdfund.GaolingCrowdfundNothingPledged):
        crowdfund.withdraw(campaign, sender=issuer)
    with ape.reverts(crowdfund.GaolingCrowdfundNotRefundable):
        crowdfund.refundTo(campaign, issuer.address, sender=issuer)
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded):
        crowdfund.deliver(campaign, [alice.address], sender=issuer)
    # Cancelling pays nothing to the issuer either: the money now belongs to the refunds.
    before = issuer.balance
    receipt = crowdfund.cancel(campaign, sender=issuer)
    assert issuer.balance == before - fee(receipt)
    assert world.balance() == held and list(crowdfund.owed(campaign)) == [0, 0, held]
    # No function of the contract sends ETH except withdraw/refund (to the pledger's choice) and
    # release (to a payee, after success): the ABI is the whole list.
    senders = {m.name for m in crowdfund.contract_type.mutable_methods}
    assert senders == {"createCampaign", "cancel", "deliver", "pledge", "withdraw", "withdrawTo", "finalize",
                       "claim", "refund", "refundTo", "release", "releaseTo", "setPointsLedger", "pause",
                       "unpause", "grantRole", "revokeRole", "renounceRole"}


def test_an_edition_cap_smaller_than_the_tiers_is_rejected_at_creation(project, world, crowdfund):
    small = world.admin.deploy(project.GaolingEdition, (
        "Small", "SML", 10, "ipfs://small/", "", world.admin.address, 500, [world.admin.address], [10_000], 0, 0,
        world.admin.address))
    small.grantRole(small.MINTER_ROLE(), crowdfund.address, sender=world.admin)
    tiers = (TierSpec(DIGITAL_PRICE, 8), TierSpec(DIGITAL_PRICE, 3))
    with ape.reverts(crowdfund.GaolingCrowdfundEditionCapTooSmall, edition=small.address, required=11, available=10):
        crowdfund.createCampaign(world.spec(edition=small.address, tiers=tiers, goal=DIGITAL_PRICE).as_tuple(),
                                 sender=world.admin)
    # A second campaign counts what the first reserved.
    world.create(edition=small.address, tiers=(TierSpec(DIGITAL_PRICE, 8),), goal=DIGITAL_PRICE)
    with ape.reverts(crowdfund.GaolingCrowdfundEditionCapTooSmall, edition=small.address, required=3, available=2):
        crowdfund.createCampaign(world.spec(edition=small.address, tiers=(TierSpec(DIGITAL_PRICE, 3),),
                                            goal=DIGITAL_PRICE).as_tuple(), sender=world.admin)
