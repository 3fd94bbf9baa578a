"""Every function and state transition of GaolingCrowdfund, the legal ones with their events and
balances, the illegal ones with their errors."""

from __future__ import annotations

import ape
import pytest

from gaoling.crowdfund import TierSpec
from gaoling.crowdfund import chain as cf
from tests.crowdfund.helpers import (
    CANCELLED, DAY, DIGITAL_PRICE, ETHER, FAILED, FUNDING, GOAL, NONE, PHYSICAL_PRICE, SUCCEEDED, build_world, fee,
)


def _succeed(world, campaign, alice, bob):
    world.pledge(campaign, alice, 1, 2)   # 0.1 ether, two physical pieces
    world.pledge(campaign, bob, 0, 10)    # 0.1 ether, ten digital pieces
    world.end(campaign)
    world.crowdfund.finalize(campaign, sender=bob)


def _fail(world, campaign, alice, bob):
    world.pledge(campaign, alice, 1, 1)
    world.pledge(campaign, bob, 0, 3)
    world.end(campaign)
    world.crowdfund.finalize(campaign, sender=bob)


# ---------------------------------------------------------------- creation


def test_create_records_campaign_tiers_payees_and_reservation(world, crowdfund):
    receipt = crowdfund.createCampaign(world.spec().as_tuple(), sender=world.admin)
    created = crowdfund.CampaignCreated.from_receipt(receipt)[0]
    assert created.campaignId == 1 and created.edition == world.edition.address and created.goal == GOAL
    tiers = crowdfund.TierAdded.from_receipt(receipt)
    assert [(t.index, t.price, t.cap, t.physical) for t in tiers] == [
        (0, DIGITAL_PRICE, 100, False), (1, PHYSICAL_PRICE, 20, True)]
    assert [(p.payee, p.bps) for p in crowdfund.PayeeAdded.from_receipt(receipt)] == [
        (world.studio.address, 7000), (world.artist.address, 3000)]
    c = crowdfund.campaign(1)
    assert (c.status, c.raised, c.pieces, c.walletLimit, c.tierCount) == (FUNDING, 0, 0, 10, 2)
    assert crowdfund.reservedPieces(world.edition.address) == 120
    assert crowdfund.campaignCount() == 1
    assert list(crowdfund.owed(1)) == [0, 0, 0]


def test_create_without_payees_copies_the_editions_split(world, crowdfund):
    cid = world.create(payees=())
    accounts, shares, released = crowdfund.payees(cid)
    assert list(accounts) == [world.admin.address] and list(shares) == [10_000] and list(released) == [False]


def test_create_needs_the_issuer_role(world, crowdfund, stranger):
    with ape.reverts(crowdfund.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=crowdfund.ISSUER_ROLE()):
        crowdfund.createCampaign(world.spec().as_tuple(), sender=stranger)


def test_create_needs_the_minter_role_on_the_edition(world, crowdfund):
    world.edition.revokeRole(world.edition.MINTER_ROLE(), crowdfund.address, sender=world.admin)
    with ape.reverts(crowdfund.GaolingCrowdfundNotMinter, edition=world.edition.address):
        crowdfund.createCampaign(world.spec().as_tuple(), sender=world.admin)


def test_create_rejects_an_edition_that_is_not_a_contract(world, crowdfund, stranger):
    with ape.reverts(crowdfund.GaolingCrowdfundInvalidEdition, edition=stranger.address):
        crowdfund.createCampaign(world.spec(edition=stranger.address).as_tuple(), sender=world.admin)


@pytest.mark.parametrize("offset", [0, -1, 90 * DAY + 2])
def test_create_rejects_a_deadline_outside_the_window(world, crowdfund, chain, offset):
    deadline = int(chain.pending_timestamp) + offset
    with ape.reverts(crowdfund.GaolingCrowdfundInvalidDeadline):
        crowdfund.createCampaign(world.spec(deadline=deadline).as_tuple(), sender=world.admin)


@pytest.mark.parametrize("count", [0, 9])
def test_create_rejects_tier_counts(world, crowdfund, count):
    tiers = tuple(TierSpec(DIGITAL_PRICE, 1) for _ in range(count))
    with ape.reverts(crowdfund.GaolingCrowdfundInvalidTierCount, count=count):
        crowdfund.createCampaign(world.spec(tiers=tiers, goal=1).as_tuple(), sender=world.admin)


@pytest.mark.parametrize("price,cap", [(0, 10), (DIGITAL_PRICE, 0), (DIGITAL_PRICE, 65_536)])
def test_create_rejects_bad_tiers(world, crowdfund, price, cap):
    with ape.reverts(crowdfund.GaolingCrowdfundInvalidTier, index=0, price=price, cap=cap):
        crowdfund.createCampaign(world.spec(tiers=(TierSpec(price, cap),), goal=1).as_tuple(), sender=world.admin)


def test_create_rejects_a_raise_larger_than_96_bits(world, crowdfund):
    tiers = (TierSpec(2**96 - 1, 2),)
    with ape.reverts(crowdfund.GaolingCrowdfundRaiseTooLarge, maxRaise=2 * (2**96 - 1)):
        crowdfund.createCampaign(world.spec(tiers=tiers).as_tuple(), sender=world.admin)


@pytest.mark.parametrize("goal", [0, 100 * DIGITAL_PRICE + 20 * PHYSICAL_PRICE + 1])
def test_create_rejects_a_zero_or_unreachable_goal(world, crowdfund, goal):
    with ape.reverts(crowdfund.GaolingCrowdfundInvalidGoal, goal=goal, maxRaise=100 * DIGITAL_PRICE + 20 * PHYSICAL_PRICE):
        crowdfund.createCampaign(world.spec(goal=goal).as_tuple(), sender=world.admin)


def test_create_rejects_a_wallet_limit_over_16_bits(world, crowdfund):
    with ape.reverts(crowdfund.GaolingCrowdfundInvalidWalletLimit, limit=65_536):
        crowdfund.createCampaign(world.spec(wallet_limit=65_536).as_tuple(), sender=world.admin)


@pytest.mark.parametrize("payees,error", [
    ((("studio", 7000), ("artist", 2000)), "GaolingCrowdfundSharesNotTotal"),
    ((("studio", 5000), ("studio", 5000)), "GaolingCrowdfundInvalidPayee"),
    ((("zero", 10_000),), "GaolingCrowdfundInvalidPayee"),
    ((("studio", 0), ("artist", 10_000)), "GaolingCrowdfundInvalidPayee"),
])
def test_create_rejects_bad_payees(world, crowdfund, payees, error):
    names = {"studio": world.studio.address, "artist": world.artist.address, "zero": "0x" + "00" * 20}
    spec = world.spec(payees=tuple((names[n], b) for n, b in payees))
    with ape.reverts(getattr(crowdfund, error)):
        crowdfund.createCampaign(spec.as_tuple(), sender=world.admin)


def test_create_rejects_a_physical_tier_without_the_voucher_grant(world, crowdfund):
    world.vouchers.revokeRole(world.vouchers.GRANTER_ROLE(), crowdfund.address, sender=world.admin)
    with ape.reverts(crowdfund.GaolingCrowdfundNoVoucherGrant, vouchers=world.vouchers.address):
        crowdfund.createCampaign(world.spec().as_tuple(), sender=world.admin)
    # A digital-only campaign needs no voucher grant.
    world.create(tiers=(TierSpec(DIGITAL_PRICE, 100),), goal=GOAL)


def test_a_crowdfund_without_vouchers_refuses_physical_tiers(project, world):
    bare = cf.deploy(project, world.admin)
    cf.wire(bare, world.admin, editions=(world.edition,))
    with ape.reverts(bare.GaolingCrowdfundNoVoucherGrant):
        bare.createCampaign(world.spec().as_tuple(), sender=world.admin)


def test_create_is_paused_with_the_crowdfund(world, crowdfund):
    crowdfund.pause(sender=world.admin)
    with ape.reverts(crowdfund.GaolingCrowdfundPaused):
        crowdfund.createCampaign(world.spec().as_tuple(), sender=world.admin)


# ---------------------------------------------------------------- pledging


def test_pledge_escrows_the_exact_price(world, crowdfund, campaign, alice):
    receipt = world.pledge(campaign, alice, 1, 2)
    event = crowdfund.Pledged.from_receipt(receipt)[0]
    assert (event.campaignId, event.pledger, event.tier, event.quantity, event.amount) == (
        campaign, alice.address, 1, 2, 2 * PHYSICAL_PRICE)
    world.pledge(campaign, alice, 0, 3)
    amount, pieces = crowdfund.pledgeOf(campaign, alice.address)
    assert amount == 2 * PHYSICAL_PRICE + 3 * DIGITAL_PRICE and list(pieces) == [3, 2]
    c = crowdfund.campaign(campaign)
    assert c.raised == amount and c.pieces == 5
    assert [t.pledged for t in crowdfund.tiers(campaign)] == [3, 2]
    assert world.balance() == amount and list(crowdfund.owed(campaign)) == [amount, 0, 0]


def test_pledge_needs_the_exact_payment(world, crowdfund, campaign, alice):
    with ape.reverts(crowdfund.GaolingCrowdfundWrongPayment, expected=2 * DIGITAL_PRICE, sent=DIGITAL_PRICE):
        crowdfund.pledge(campaign, 0, 2, value=DIGITAL_PRICE, sender=alice)


def test_pledge_rejects_unknown_campaign_tier_and_zero_quantity(world, crowdfund, campaign, alice):
    with ape.reverts(crowdfund.GaolingCrowdfundUnknownCampaign, campaignId=99):
        crowdfund.pledge(99, 0, 1, value=DIGITAL_PRICE, sender=alice)
    with ape.reverts(crowdfund.GaolingCrowdfundUnknownTier, campaignId=campaign, tier=2):
        crowdfund.pledge(campaign, 2, 1, value=DIGITAL_PRICE, sender=alice)
    with ape.reverts(crowdfund.GaolingCrowdfundZeroQuantity):
        crowdfund.pledge(campaign, 0, 0, sender=alice)


def test_pledge_respects_the_tier_cap(world, crowdfund, alice, bob):
    cid = world.create(tiers=(TierSpec(DIGITAL_PRICE, 3),), goal=DIGITAL_PRICE)
    world.pledge(cid, alice, 0, 2)
    with ape.reverts(crowdfund.GaolingCrowdfundTierSoldOut, campaignId=cid, tier=0, remaining=1):
        world.pledge(cid, bob, 0, 2)
    world.pledge(cid, bob, 0, 1)


def test_pledge_respects_the_wallet_limit_across_tiers(world, crowdfund, campaign, alice):
    world.pledge(campaign, alice, 0, 8)
    with ape.reverts(crowdfund.GaolingCrowdfundWalletLimitExceeded, campaignId=campaign, wallet=alice.address, remaining=2):
        world.pledge(campaign, alice, 1, 3)
    world.pledge(campaign, alice, 1, 2)


def test_a_zero_wallet_limit_means_no_limit(world, crowdfund, alice):
    cid = world.create(wallet_limit=0)
    world.pledge(cid, alice, 0, 100)
    assert crowdfund.campaign(cid).pieces == 100


def test_pledge_is_paused_with_the_crowdfund(world, crowdfund, campaign, alice):
    crowdfund.pause(sender=world.admin)
    with ape.reverts(crowdfund.GaolingCrowdfundPaused):
        world.pledge(campaign, alice)
    crowdfund.unpause(sender=world.admin)
    world.pledge(campaign, alice)


def test_pledge_after_the_deadline_is_refused(world, crowdfund, campaign, alice):
    world.end(campaign)
    with ape.reverts(crowdfund.GaolingCrowdfundNotFunding, campaignId=campaign, status=FUNDING,
                     deadline=world.deadline(campaign)):
        world.pledge(campaign, alice)


# ---------------------------------------------------------------- withdrawing


def test_withdraw_returns_the_whole_pledge(world, crowdfund, campaign, alice, bob, chain):
    world.pledge(campaign, alice, 1, 2)
    world.pledge(campaign, alice, 0, 1)
    world.pledge(campaign, bob, 0, 1)
    before = alice.balance
    receipt = crowdfund.withdraw(campaign, sender=alice)
    paid = 2 * PHYSICAL_PRICE + DIGITAL_PRICE
    assert alice.balance == before + paid - fee(receipt)
    event = crowdfund.Withdrawn.from_receipt(receipt)[0]
    assert (event.pledger, event.to, event.amount) == (alice.address, alice.address, paid)
    c = crowdfund.campaign(campaign)
    assert c.raised == DIGITAL_PRICE and c.pieces == 1
    assert [t.pledged for t in crowdfund.tiers(campaign)] == [1, 0]
    assert crowdfund.pledgeOf(campaign, alice.address)[0] == 0
    world.assert_conserved()
    with ape.reverts(crowdfund.GaolingCrowdfundNothingPledged, campaignId=campaign, pledger=alice.address):
        crowdfund.withdraw(campaign, sender=alice)


def test_withdraw_to_another_address(world, crowdfund, campaign, alice, carol):
    world.pledge(campaign, alice, 0, 2)
    before = carol.balance
    crowdfund.withdrawTo(campaign, carol.address, sender=alice)
    assert carol.balance == before + 2 * DIGITAL_PRICE
    with ape.reverts(crowdfund.GaolingCrowdfundInvalidRecipient):
        crowdfund.withdrawTo(campaign, "0x" + "00" * 20, sender=alice)


def test_withdraw_works_while_paused(world, crowdfund, campaign, alice):
    world.pledge(campaign, alice)
    crowdfund.pause(sender=world.admin)
    crowdfund.withdraw(campaign, sender=alice)
    assert world.balance() == 0


def test_withdraw_after_the_deadline_is_refused(world, crowdfund, campaign, alice):
    world.pledge(campaign, alice)
    world.end(campaign)
    with ape.reverts(crowdfund.GaolingCrowdfundNotFunding):
        crowdfund.withdraw(campaign, sender=alice)


# ---------------------------------------------------------------- cancel


def test_cancel_opens_full_refunds_and_pays_nobody_else(world, crowdfund, campaign, alice, bob):
    world.pledge(campaign, alice, 1, 1)
    world.pledge(campaign, bob, 0, 2)
    studio_before = world.studio.balance
    receipt = crowdfund.cancel(campaign, sender=world.admin)
    event = crowdfund.CampaignCancelled.from_receipt(receipt)[0]
    assert (event.by, event.raised) == (world.admin.address, PHYSICAL_PRICE + 2 * DIGITAL_PRICE)
    assert crowdfund.campaign(campaign).status == CANCELLED
    assert crowdfund.reservedPieces(world.edition.address) == 0
    assert list(crowdfund.owed(campaign)) == [0, 0, PHYSICAL_PRICE + 2 * DIGITAL_PRICE]
    before = bob.balance
    r = crowdfund.refund(campaign, sender=bob)
    assert bob.balance == before + 2 * DIGITAL_PRICE - fee(r)
    assert world.studio.balance == studio_before
    with ape.reverts(crowdfund.GaolingCrowdfundNotFunding, status=CANCELLED):
        crowdfund.cancel(campaign, sender=world.admin)
    with ape.reverts(crowdfund.GaolingCrowdfundNotFunding):
        world.pledge(campaign, alice)


def test_cancel_needs_the_issuer_role(world, crowdfund, campaign, stranger):
    with ape.reverts(crowdfund.AccessControlUnauthorizedAccount):
        crowdfund.cancel(campaign, sender=stranger)


def test_cancel_after_the_deadline_is_refused(world, crowdfund, campaign, alice):
    world.pledge(campaign, alice)
    world.end(campaign)
    with ape.reverts(crowdfund.GaolingCrowdfundNotFunding):
        crowdfund.cancel(campaign, sender=world.admin)


def test_cancel_works_while_paused(world, crowdfund, campaign):
    crowdfund.pause(sender=world.admin)
    crowdfund.cancel(campaign, sender=world.admin)
    assert crowdfund.campaign(campaign).status == CANCELLED


# ---------------------------------------------------------------- finalize


def test_finalize_before_the_end_is_refused(world, crowdfund, campaign, chain, stranger):
    with ape.reverts(crowdfund.GaolingCrowdfundNotEnded, campaignId=campaign, deadline=world.deadline(campaign)):
        crowdfund.finalize(campaign, sender=stranger)
    chain.pending_timestamp = world.deadline(campaign)
    with ape.reverts(crowdfund.GaolingCrowdfundNotEnded):
        crowdfund.finalize(campaign, sender=stranger)


def test_finalize_goal_met_succeeds(world, crowdfund, campaign, alice, bob, stranger):
    world.pledge(campaign, alice, 1, 2)
    world.pledge(campaign, bob, 0, 10)
    world.end(campaign)
    receipt = crowdfund.finalize(campaign, sender=stranger)
    event = crowdfund.CampaignFinalized.from_receipt(receipt)[0]
    assert (event.status, event.raised, event.pieces) == (SUCCEEDED, GOAL, 12)
    # Only the pledged pieces stay reserved.
    assert crowdfund.reservedPieces(world.edition.address) == 12
    assert list(crowdfund.owed(campaign)) == [0, GOAL, 0]
    with ape.reverts(crowdfund.GaolingCrowdfundNotFunding, status=SUCCEEDED):
        crowdfund.finalize(campaign, sender=stranger)


def test_finalize_goal_missed_fails(world, crowdfund, campaign, alice, stranger):
    world.pledge(campaign, alice, 1, 1)
    world.end(campaign)
    receipt = crowdfund.finalize(campaign, sender=stranger)
    assert crowdfund.CampaignFinalized.from_receipt(receipt)[0].status == FAILED
    assert crowdfund.reservedPieces(world.edition.address) == 0
    assert list(crowdfund.owed(campaign)) == [0, 0, PHYSICAL_PRICE]


def test_finalize_works_while_paused_and_for_an_empty_campaign(world, crowdfund, campaign, stranger):
    crowdfund.pause(sender=world.admin)
    world.end(campaign)
    crowdfund.finalize(campaign, sender=stranger)
    assert crowdfund.campaign(campaign).status == FAILED


def test_finalize_unknown_campaign(world, crowdfund, stranger):
    with ape.reverts(crowdfund.GaolingCrowdfundNotFunding, campaignId=5, status=NONE):
        crowdfund.finalize(5, sender=stranger)


# ---------------------------------------------------------------- claim and deliver


def test_claim_mints_pieces_grants_vouchers_and_records_points(world, crowdfund, campaign, alice, bob):
    points_before = world.ledger.pointsOf(alice.address)
    world.pledge(campaign, alice, 0, 1)
    world.pledge(campaign, alice, 1, 2)
    world.pledge(campaign, bob, 0, 10)
    assert world.ledger.pointsOf(alice.address) == points_before  # nothing before success
    world.end(campaign)
    crowdfund.finalize(campaign, sender=bob)
    first = int(world.edition.totalMinted()) + 1
    receipt = crowdfund.claim(campaign, sender=alice)
    event = crowdfund.Claimed.from_receipt(receipt)[0]
    assert (event.pledger, event.by, event.firstTokenId, event.quantity) == (alice.address, alice.address, first, 3)
    assert [world.edition.ownerOf(t) for t in range(first, first + 3)] == [alice.address] * 3
    # Tier order: token `first` is the digital piece, the next two carry vouchers.
    granted = world.vouchers.VoucherGranted.from_receipt(receipt)
    assert len(granted) == 2 and all(g.granter == crowdfund.address for g in granted)
    for g, source in zip(granted, (first + 1, first + 2)):
        v = world.vouchers.voucher(g.tokenId)
        assert world.vouchers.ownerOf(g.tokenId) == alice.address
        assert (v.collection, v.sourceTokenId, v.price) == (world.edition.address, source, 0)
    assert world.ledger.pointsOf(alice.address) > points_before
    assert crowdfund.reservedPieces(world.edition.address) == 10
    assert crowdfund.pledgeOf(campaign, alice.address)[0] == 0
    with ape.reverts(crowdfund.GaolingCrowdfundNothingPledged, campaignId=campaign, pledger=alice.address):
        crowdfund.claim(campaign, sender=alice)
    # Claims move no money: everything raised stays releasable to the payees.
    raised = DIGITAL_PRICE * 11 + PHYSICAL_PRICE * 2
    assert list(crowdfund.owed(campaign)) == [0, raised, 0]
    world.assert_conserved()


def test_claim_is_refused_unless_succeeded(world, crowdfund, campaign, alice, bob):
    world.pledge(campaign, alice)
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded, campaignId=campaign, status=FUNDING):
        crowdfund.claim(campaign, sender=alice)
    world.end(campaign)
    crowdfund.finalize(campaign, sender=bob)
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded, campaignId=campaign, status=FAILED):
        crowdfund.claim(campaign, sender=alice)
    with ape.reverts(crowdfund.GaolingCrowdfundUnknownCampaign, campaignId=77):
        crowdfund.claim(77, sender=alice)


def test_claim_is_paused_and_waits_for_unpause(world, crowdfund, campaign, alice, bob):
    _succeed(world, campaign, alice, bob)
    crowdfund.pause(sender=world.admin)
    with ape.reverts(crowdfund.GaolingCrowdfundPaused):
        crowdfund.claim(campaign, sender=alice)
    crowdfund.unpause(sender=world.admin)
    crowdfund.claim(campaign, sender=alice)


def test_claim_without_a_points_ledger_still_mints(world, crowdfund, campaign, alice, bob):
    crowdfund.setPointsLedger("0x" + "00" * 20, sender=world.admin)
    _succeed(world, campaign, alice, bob)
    before = world.ledger.pointsOf(bob.address)
    crowdfund.claim(campaign, sender=bob)
    assert world.ledger.pointsOf(bob.address) == before


def test_a_ledger_that_rejects_the_record_never_blocks_a_claim(world, crowdfund, campaign, alice, bob):
    world.ledger.revokeRole(world.ledger.PURCHASE_RECORDER_ROLE(), crowdfund.address, sender=world.admin)
    _succeed(world, campaign, alice, bob)
    receipt = crowdfund.claim(campaign, sender=bob)
    failed = crowdfund.PurchaseHookFailed.from_receipt(receipt)[0]
    assert (failed.ledger, failed.buyer) == (world.ledger.address, bob.address)
    assert world.edition.balanceOf(bob.address) == 10


def test_deliver_mints_to_everyone_in_a_batch_and_skips_the_claimed(world, crowdfund, campaign, alice, bob, carol):
    world.pledge(campaign, alice, 1, 2)
    world.pledge(campaign, bob, 0, 5)
    world.pledge(campaign, carol, 0, 5)
    world.end(campaign)
    crowdfund.finalize(campaign, sender=bob)
    crowdfund.claim(campaign, sender=bob)
    receipt = crowdfund.deliver(campaign, [alice.address, bob.address, carol.address, world.studio.address],
                                sender=world.admin)
    claimed = crowdfund.Claimed.from_receipt(receipt)
    assert [(c.pledger, c.by, c.quantity) for c in claimed] == [
        (alice.address, world.admin.address, 2), (carol.address, world.admin.address, 5)]
    assert world.edition.balanceOf(alice.address) == 2 and world.edition.balanceOf(carol.address) == 5
    assert world.vouchers.balanceOf(alice.address) == 2
    assert crowdfund.reservedPieces(world.edition.address) == 0


def test_deliver_is_bounded_and_role_guarded(world, crowdfund, campaign, alice, bob, stranger):
    _succeed(world, campaign, alice, bob)
    with ape.reverts(crowdfund.GaolingCrowdfundBatchTooLarge, size=51, max=50):
        crowdfund.deliver(campaign, [alice.address] * 51, sender=world.admin)
    with ape.reverts(crowdfund.AccessControlUnauthorizedAccount):
        crowdfund.deliver(campaign, [alice.address], sender=stranger)


def test_deliver_before_success_is_refused(world, crowdfund, campaign, alice):
    world.pledge(campaign, alice)
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded):
        crowdfund.deliver(campaign, [alice.address], sender=world.admin)


# ---------------------------------------------------------------- refunds


def test_refund_of_a_failed_campaign_is_full_and_once(world, crowdfund, campaign, alice, bob, carol):
    _fail(world, campaign, alice, bob)
    before = alice.balance
    receipt = crowdfund.refund(campaign, sender=alice)
    assert alice.balance == before + PHYSICAL_PRICE - fee(receipt)
    event = crowdfund.Refunded.from_receipt(receipt)[0]
    assert (event.pledger, event.to, event.amount) == (alice.address, alice.address, PHYSICAL_PRICE)
    with ape.reverts(crowdfund.GaolingCrowdfundNothingPledged, campaignId=campaign, pledger=alice.address):
        crowdfund.refund(campaign, sender=alice)
    with ape.reverts(crowdfund.GaolingCrowdfundNothingPledged):
        crowdfund.refund(campaign, sender=carol)
    crowdfund.refundTo(campaign, carol.address, sender=bob)
    assert world.balance() == 0 and list(crowdfund.owed(campaign)) == [0, 0, 0]


def test_refund_has_no_deadline_and_works_while_paused(world, crowdfund, campaign, alice, bob, chain):
    _fail(world, campaign, alice, bob)
    crowdfund.pause(sender=world.admin)
    chain.pending_timestamp = int(chain.pending_timestamp) + 3650 * DAY
    crowdfund.refund(campaign, sender=alice)
    crowdfund.refund(campaign, sender=bob)
    assert world.balance() == 0


def test_refund_is_refused_while_funding_or_after_success(world, crowdfund, campaign, alice, bob, carol):
    world.pledge(campaign, alice)
    with ape.reverts(crowdfund.GaolingCrowdfundNotRefundable, campaignId=campaign, status=FUNDING):
        crowdfund.refund(campaign, sender=alice)
    world.pledge(campaign, bob, 0, 10)
    world.pledge(campaign, carol, 1, 2)
    world.end(campaign)
    crowdfund.finalize(campaign, sender=bob)
    with ape.reverts(crowdfund.GaolingCrowdfundNotRefundable, campaignId=campaign, status=SUCCEEDED):
        crowdfund.refund(campaign, sender=alice)
    with ape.reverts(crowdfund.GaolingCrowdfundUnknownCampaign):
        crowdfund.refund(42, sender=alice)
    with ape.reverts(crowdfund.GaolingCrowdfundInvalidRecipient):
        crowdfund.refundTo(campaign, "0x" + "00" * 20, sender=alice)


# ---------------------------------------------------------------- releases


def test_release_pays_each_payee_its_share_once(world, crowdfund, campaign, alice, bob, stranger):
    _succeed(world, campaign, alice, bob)
    assert crowdfund.releasable(campaign, world.studio.address) == GOAL * 7 // 10
    before = world.studio.balance
    receipt = crowdfund.release(campaign, world.studio.address, sender=stranger)
    assert world.studio.balance == before + GOAL * 7 // 10
    event = crowdfund.Released.from_receipt(receipt)[0]
    assert (event.payee, event.to, event.amount) == (world.studio.address, world.studio.address, GOAL * 7 // 10)
    assert list(crowdfund.owed(campaign)) == [0, GOAL * 3 // 10, 0]
    with ape.reverts(crowdfund.GaolingCrowdfundAlreadyReleased, campaignId=campaign, payee=world.studio.address):
        crowdfund.release(campaign, world.studio.address, sender=stranger)
    with ape.reverts(crowdfund.GaolingCrowdfundNotPayee, campaignId=campaign, account=stranger.address):
        crowdfund.release(campaign, stranger.address, sender=stranger)
    crowdfund.pause(sender=world.admin)
    crowdfund.releaseTo(campaign, stranger.address, sender=world.artist)  # works while paused, to any address
    assert world.balance() == 0 and list(crowdfund.payees(campaign)[2]) == [True, True]


def test_the_first_payee_takes_the_rounding_dust(world, crowdfund, alice, bob, carol):
    cid = world.create(tiers=(TierSpec(7, 10),), goal=7,
                       payees=((world.studio.address, 3334), (world.artist.address, 3333), (carol.address, 3333)))
    world.pledge(cid, alice, 0, 1)
    world.end(cid)
    crowdfund.finalize(cid, sender=bob)
    shares = [crowdfund.releasable(cid, a) for a in (world.studio.address, world.artist.address, carol.address)]
    assert shares == [3, 2, 2] and sum(shares) == 7


def test_release_before_success_is_refused(world, crowdfund, campaign, alice, bob):
    world.pledge(campaign, alice)
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded):
        crowdfund.release(campaign, world.studio.address, sender=world.studio)
    world.end(campaign)
    crowdfund.finalize(campaign, sender=bob)
    with ape.reverts(crowdfund.GaolingCrowdfundNotSucceeded, status=FAILED):
        crowdfund.releaseTo(campaign, world.studio.address, sender=world.studio)
    assert crowdfund.releasable(campaign, world.studio.address) == 0


# ---------------------------------------------------------------- administration


def test_pause_and_unpause(world, crowdfund, stranger):
    receipt = crowdfund.pause(sender=world.admin)
    assert crowdfund.Paused.from_receipt(receipt)[0].account == world.admin.address and crowdfund.paused()
    with ape.reverts(crowdfund.GaolingCrowdfundPaused):
        crowdfund.pause(sender=world.admin)
    with ape.reverts(crowdfund.AccessControlUnauthorizedAccount):
        crowdfund.unpause(sender=stranger)
    crowdfund.unpause(sender=world.admin)
    with ape.reverts(crowdfund.GaolingCrowdfundNotPaused):
        crowdfund.unpause(sender=world.admin)


def test_set_points_ledger(world, crowdfund, stranger):
    receipt = crowdfund.setPointsLedger(stranger.address, sender=world.admin)
    assert crowdfund.PointsLedgerSet.from_receipt(receipt)[0].ledger == stranger.address
    assert crowdfund.pointsLedger() == stranger.address
    with ape.reverts(crowdfund.AccessControlUnauthorizedAccount):
        crowdfund.setPointsLedger(stranger.address, sender=stranger)


def test_constructor_rejects_a_zero_admin(project, world):
    with ape.reverts(project.GaolingCrowdfund.GaolingCrowdfundInvalidAdmin):
        project.GaolingCrowdfund.deploy("0x" + "00" * 20, world.vouchers.address, sender=world.admin)


# ---------------------------------------------------------------- the edition's minter path and the voucher grant


def test_edition_mint_by_minter_is_role_guarded_paused_and_capped(world, stranger, alice):
    edition = world.edition
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.mintByMinter(alice.address, 1, False, sender=stranger)
    edition.grantRole(edition.MINTER_ROLE(), stranger.address, sender=world.admin)
    receipt = edition.mintByMinter(alice.address, 2, False, sender=stranger)
    minted = edition.MinterMinted.from_receipt(receipt)[0]
    assert (minted.minter, minted.to, minted.quantity) == (stranger.address, alice.address, 2)
    with ape.reverts(edition.EditionInvalidRecipient):
        edition.mintByMinter("0x" + "00" * 20, 1, False, sender=stranger)
    # An order larger than maxMintQuantity is minted in batches of that size (F-07), all or nothing.
    batch = int(edition.maxMintQuantity())
    receipt = edition.mintByMinter(alice.address, 2 * batch + 5, False, sender=stranger)
    assert edition.MinterMinted.from_receipt(receipt)[0].quantity == 2 * batch + 5
    assert edition.balanceOf(alice.address) == 2 * batch + 7
    left = int(edition.cap()) - int(edition.totalMinted())
    with ape.reverts(edition.EditionCapExceeded):
        edition.mintByMinter(alice.address, left + 1, False, sender=stranger)
    assert int(edition.cap()) - int(edition.totalMinted()) == left
    edition.pause(sender=world.admin)
    with ape.reverts(edition.EnforcedPause):
        edition.mintByMinter(alice.address, 1, False, sender=stranger)


def test_voucher_grant_is_role_guarded_and_checks_the_owner(world, alice, bob, stranger):
    vouchers = world.vouchers
    token = world.stack.source_token(alice)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount):
        vouchers.grant(alice.address, world.edition.address, token, sender=stranger)
    vouchers.grantRole(vouchers.GRANTER_ROLE(), stranger.address, sender=world.admin)
    with ape.reverts(vouchers.VoucherNotTokenOwner, collection=world.edition.address, tokenId=token, account=bob.address):
        vouchers.grant(bob.address, world.edition.address, token, sender=stranger)
    with ape.reverts(vouchers.VoucherNotTokenOwner):
        vouchers.grant(alice.address, world.edition.address, 999, sender=stranger)
    vouchers.pause(sender=world.admin)  # a paused voucher shop still honours prepaid rights
    receipt = vouchers.grant(alice.address, world.edition.address, token, sender=stranger)
    bought = vouchers.VoucherBought.from_receipt(receipt)[0]
    granted = vouchers.VoucherGranted.from_receipt(receipt)[0]
    assert (bought.buyer, bought.price, granted.tokenId, granted.granter) == (alice.address, 0, bought.tokenId,
                                                                              stranger.address)
    used, allowance = vouchers.allowanceOf(world.edition.address, token)
    assert (used, allowance) == (1, 1)
    vouchers.unpause(sender=world.admin)
    # The token's physical piece is spent: buying another voucher for it is refused.
    world.stack.certify(alice)
    with ape.reverts(vouchers.VoucherAllowanceUsed):
        vouchers.buy(world.edition.address, token, value=10**17, sender=alice)
