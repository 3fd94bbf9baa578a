"""Edge cases at the deadline and around the goal, and the documented decision on a cancel after the
goal was reached (allowed: every pledger is refunded in full)."""

from __future__ import annotations

import ape

from gaoling.crowdfund import TierSpec
from tests.crowdfund.helpers import CANCELLED, DIGITAL_PRICE, FAILED, SUCCEEDED, fee


def test_goal_reached_by_the_last_wei_in_the_deadline_block_succeeds(world, crowdfund, chain, alice, bob):
    # Prices 3 and 7 wei: the goal 20 wei is met only by the last, exact pledge.
    cid = world.create(tiers=(TierSpec(3, 100), TierSpec(7, 100)), goal=20)
    world.pledge(cid, alice, 0, 2)     # 6
    world.pledge(cid, alice, 1, 1)     # 13
    chain.pending_timestamp = world.deadline(cid)
    receipt = world.pledge(cid, bob, 1, 1)  # 13 -> 20 wei in the deadline's own second
    assert chain.blocks[receipt.block_number].timestamp == world.deadline(cid)
    assert crowdfund.campaign(cid).raised == 20
    world.end(cid)
    crowdfund.finalize(cid, sender=bob)
    assert crowdfund.campaign(cid).status == SUCCEEDED


def test_one_wei_short_at_the_deadline_fails(world, crowdfund, chain, alice, bob):
    cid = world.create(tiers=(TierSpec(3, 100), TierSpec(7, 100)), goal=20)
    world.pledge(cid, alice, 0, 4)     # 12
    chain.pending_timestamp = world.deadline(cid)
    world.pledge(cid, bob, 1, 1)       # 19 at the deadline: one wei short
    world.end(cid)
    crowdfund.finalize(cid, sender=bob)
    assert crowdfund.campaign(cid).status == FAILED


def test_the_last_piece_pledged_at_the_deadline_block(world, crowdfund, chain, alice, bob, carol):
    cid = world.create(tiers=(TierSpec(DIGITAL_PRICE, 5),), goal=5 * DIGITAL_PRICE, wallet_limit=0)
    world.pledge(cid, alice, 0, 4)
    with ape.reverts(crowdfund.GaolingCrowdfundTierSoldOut, campaignId=cid, tier=0, remaining=1):
        world.pledge(cid, carol, 0, 2)
    chain.pending_timestamp = world.deadline(cid)
    world.pledge(cid, bob, 0, 1)       # the last piece, in the deadline block
    assert crowdfund.tiers(cid)[0].pledged == 5
    world.end(cid)
    crowdfund.finalize(cid, sender=carol)
    assert crowdfund.campaign(cid).status == SUCCEEDED


def test_a_pledge_in_the_deadline_block_counts_and_the_next_second_does_not(world, crowdfund, chain, campaign, alice):
    chain.pending_timestamp = world.deadline(campaign)
    world.pledge(campaign, alice)
    assert crowdfund.campaign(campaign).pieces == 1
    # A second later it is too late, and finalize is allowed.
    chain.pending_timestamp = world.deadline(campaign) + 1
    with ape.reverts(crowdfund.GaolingCrowdfundNotFunding):
        world.pledge(campaign, alice)
    crowdfund.finalize(campaign, sender=alice)


def test_a_withdrawal_can_take_the_campaign_back_below_the_goal(world, crowdfund, chain, alice, bob):
    cid = world.create(tiers=(TierSpec(DIGITAL_PRICE, 100),), goal=10 * DIGITAL_PRICE)
    world.pledge(cid, alice, 0, 6)
    world.pledge(cid, bob, 0, 4)
    assert crowdfund.campaign(cid).raised == crowdfund.campaign(cid).goal
    chain.pending_timestamp = world.deadline(cid)   # even in the last second
    crowdfund.withdraw(cid, sender=bob)
    world.end(cid)
    crowdfund.finalize(cid, sender=bob)
    assert crowdfund.campaign(cid).status == FAILED
    before = alice.balance
    receipt = crowdfund.refund(cid, sender=alice)
    assert alice.balance == before + 6 * DIGITAL_PRICE - fee(receipt)
    world.assert_conserved()


def test_cancel_after_the_goal_before_the_deadline_refunds_everybody(world, crowdfund, alice, bob):
    cid = world.create(tiers=(TierSpec(DIGITAL_PRICE, 100),), goal=5 * DIGITAL_PRICE)
    world.pledge(cid, alice, 0, 3)
    world.pledge(cid, bob, 0, 4)
    assert crowdfund.campaign(cid).raised > crowdfund.campaign(cid).goal
    crowdfund.cancel(cid, sender=world.admin)
    assert crowdfund.campaign(cid).status == CANCELLED
    # Nothing succeeded: no tokens, no releases, refunds in full.
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded, status=CANCELLED):
        crowdfund.claim(cid, sender=alice)
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded):
        crowdfund.release(cid, world.studio.address, sender=world.studio)
    for who, pieces in ((alice, 3), (bob, 4)):
        before = who.balance
        receipt = crowdfund.refund(cid, sender=who)
        assert who.balance == before + pieces * DIGITAL_PRICE - fee(receipt)
    assert world.balance() == 0


def test_reservations_follow_the_campaigns(world, crowdfund, alice, bob):
    edition = world.edition.address
    a = world.create(tiers=(TierSpec(DIGITAL_PRICE, 300),), goal=DIGITAL_PRICE)
    b = world.create(tiers=(TierSpec(DIGITAL_PRICE, 200),), goal=100 * DIGITAL_PRICE)
    assert crowdfund.reservedPieces(edition) == 500
    world.pledge(a, alice, 0, 2)
    world.end(b)
    crowdfund.finalize(a, sender=bob)
    crowdfund.finalize(b, sender=bob)
    assert crowdfund.reservedPieces(edition) == 2
    crowdfund.claim(a, sender=alice)
    assert crowdfund.reservedPieces(edition) == 0


def test_a_pledge_larger_than_the_editions_batch_bound_is_claimed_whole(world, crowdfund, alice, bob):
    # The edition mints at most maxMintQuantity tokens per batch (security finding F-07); a pledger's
    # order above it must still be claimable in one claim.
    batch = int(world.edition.maxMintQuantity())
    cid = world.create(tiers=(TierSpec(DIGITAL_PRICE, 100),), goal=DIGITAL_PRICE, wallet_limit=0)
    world.pledge(cid, alice, 0, batch + 5)
    world.end(cid)
    crowdfund.finalize(cid, sender=bob)
    receipt = crowdfund.claim(cid, sender=alice)
    assert crowdfund.Claimed.from_receipt(receipt)[0].quantity == batch + 5
    assert world.edition.balanceOf(alice.address) == batch + 5
