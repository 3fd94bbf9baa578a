"""Attacker contracts against the auction house: none of them can block a higher bid, a
settlement or anybody else's payment, and whatever they refuse stays claimable."""

import ape
import pytest
from tests.auction.auction_helpers import DAY, ETHER, end_auction, list_token

# Modes of TestHostileRoyaltyCollection
HONEST, REVERTS, EXCESSIVE, BURNS_GAS, SHORT, DIRTY, HUGE_REVERT = range(7)
FAILED = 4
# An outbid whose refund push fails: the normal outbid target, the whole 30k push cap, and two
# fresh storage writes (the payee's pending balance and the running total), plus the event.
DEFERRED_OUTBID_BOUND = 65_000 + 30_000 + 2 * 22_100 + 3_000


@pytest.fixture
def reverting(project, house, admin):
    return project.TestRevertingReceiver.deploy(house, sender=admin)


def _outbid_attacker(house, listed, attacker, carol, admin):
    attacker.bid(listed, value=ETHER, sender=admin)
    return house.createBid(listed, value=2 * ETHER, sender=carol)


# ------------------------------------------------------------------ refunds


def test_reverting_bidder_cannot_block_outbid(house, listed, reverting, admin, carol, stranger):
    tx = _outbid_attacker(house, listed, reverting, carol, admin)
    assert tx.events.filter(house.PaymentDeferred) == [house.PaymentDeferred(payee=reverting, amount=ETHER)]
    assert house.auction(listed).bidder == carol
    assert house.pendingWithdrawals(reverting) == ETHER == house.totalPending()
    assert house.balance == 3 * ETHER
    # It cannot take the money itself, but can send it elsewhere.
    with ape.reverts(house.GaolingAuctionHouseWithdrawalFailed, to=reverting, amount=ETHER):
        reverting.withdraw(sender=admin)
    before = stranger.balance
    tx = reverting.withdrawTo(stranger, sender=admin)
    assert tx.events.filter(house.Withdrawal) == [house.Withdrawal(payee=reverting, to=stranger, amount=ETHER)]
    assert stranger.balance - before == ETHER
    assert house.totalPending() == 0 and house.balance == 2 * ETHER


def test_gas_burner_costs_the_next_bidder_at_most_the_cap(project, house, listed, admin, carol):
    burner = project.TestGasBurner.deploy(house, sender=admin)
    tx = _outbid_attacker(house, listed, burner, carol, admin)
    assert tx.events.filter(house.PaymentDeferred) == [house.PaymentDeferred(payee=burner, amount=ETHER)]
    assert tx.gas_used < DEFERRED_OUTBID_BOUND


@pytest.mark.parametrize("revert_instead", [False, True])
def test_return_bomb_is_not_copied(project, house, listed, admin, carol, revert_instead):
    bomb = project.TestReturnBomb.deploy(house, sender=admin)
    bomb.setRevertInstead(revert_instead, sender=admin)
    before = bomb.balance
    tx = _outbid_attacker(house, listed, bomb, carol, admin)
    deferred = tx.events.filter(house.PaymentDeferred)
    if revert_instead:
        assert deferred == [house.PaymentDeferred(payee=bomb, amount=ETHER)]
    else:
        assert deferred == [] and bomb.balance - before == ETHER
    # Copying 90 KB of return data would cost the caller far more than the callee's 30k.
    assert tx.gas_used < DEFERRED_OUTBID_BOUND


@pytest.mark.parametrize("target", [0, 1, 2])  # bid again, settle, withdraw
def test_reentrant_bidder_is_refused(project, house, listed, admin, carol, target):
    attacker = project.TestReentrantBidder.deploy(house, sender=admin)
    attacker.arm(target, listed, value=5 * ETHER, sender=admin)
    attacker.bid(listed, value=ETHER, sender=admin)
    tx = house.createBid(listed, value=2 * ETHER, sender=carol)
    assert tx.events.filter(attacker.ReentryAttempt) == [attacker.ReentryAttempt(succeeded=False)]
    a = house.auction(listed)
    assert (a.bidder, a.amount) == (carol.address, 2 * ETHER)
    assert house.balance == 2 * ETHER
    assert attacker.balance == 6 * ETHER  # its refund arrived, its nested bid did not happen


@pytest.mark.parametrize("mode", [0, 1, 2])  # settle again, cancel, withdraw
def test_reentrant_seller_is_refused(project, house, foreign, admin, bob, stranger, chain, mode):
    seller = project.TestReentrantSeller.deploy(house, sender=admin)
    seller.setMode(mode, sender=admin)
    foreign.mint(seller, 1, sender=admin)
    seller.list(foreign, 1, ETHER, DAY, sender=admin)
    house.createBid(1, value=3 * ETHER, sender=bob)
    end_auction(chain, house, 1)
    tx = house.settle(1, sender=stranger)
    assert tx.events.filter(seller.ReentryAttempt) == [seller.ReentryAttempt(succeeded=False)]
    settled = tx.events.filter(house.AuctionSettled)[0]
    assert seller.balance == settled.sellerProceeds
    assert foreign.ownerOf(1) == bob
    assert house.balance == 0


def test_reverting_seller_is_credited(house, foreign, reverting, admin, bob, treasury, stranger, chain):
    foreign.mint(reverting, 1, sender=admin)
    reverting.list(foreign, 1, ETHER, DAY, sender=admin)
    house.createBid(1, value=4 * ETHER, sender=bob)
    end_auction(chain, house, 1)
    before_treasury = treasury.balance
    tx = house.settle(1, sender=stranger)
    proceeds = 4 * ETHER - 4 * ETHER * 500 // 10_000
    assert tx.events.filter(house.PaymentDeferred) == [house.PaymentDeferred(payee=reverting, amount=proceeds)]
    assert treasury.balance - before_treasury == 4 * ETHER - proceeds
    assert foreign.ownerOf(1) == bob
    before = stranger.balance
    reverting.withdrawTo(stranger, sender=admin)
    assert stranger.balance - before == proceeds
    assert house.balance == house.totalPending() == 0


def test_reverting_royalty_receiver_is_credited(project, house, reverting, admin, alice, bob, treasury, stranger, chain):
    collection = project.TestHostileRoyaltyCollection.deploy(reverting, 500, sender=admin)
    collection.mint(alice, 1, sender=admin)
    auction_id = list_token(house, collection, 1, alice)
    house.createBid(auction_id, value=10 * ETHER, sender=bob)
    end_auction(chain, house, auction_id)
    before_alice, before_treasury = alice.balance, treasury.balance
    tx = house.settle(auction_id, sender=stranger)
    assert tx.events.filter(house.PaymentDeferred) == [house.PaymentDeferred(payee=reverting, amount=ETHER // 2)]
    assert alice.balance - before_alice == 10 * ETHER - ETHER // 2 - ETHER // 2
    assert treasury.balance - before_treasury == ETHER // 2
    assert house.balance == house.totalPending() == ETHER // 2


def test_winner_contract_without_receiver_hook_still_gets_token(house, listed, reverting, artworks, admin, stranger, chain):
    reverting.bid(listed, value=ETHER, sender=admin)
    end_auction(chain, house, listed)
    house.settle(listed, sender=stranger)
    assert artworks.ownerOf(1) == reverting


# ------------------------------------------------------------------ hostile royaltyInfo


@pytest.mark.parametrize("mode", [REVERTS, BURNS_GAS, SHORT, DIRTY, HUGE_REVERT])
def test_broken_royalty_info_pays_no_royalty(house, hostile, alice, bob, artist, stranger, chain, mode):
    hostile.setMode(mode, sender=alice)
    hostile.mint(alice, 1, sender=alice)
    auction_id = list_token(house, hostile, 1, alice)
    house.createBid(auction_id, value=10 * ETHER, sender=bob)
    end_auction(chain, house, auction_id)
    before_alice, before_artist = alice.balance, artist.balance
    tx = house.settle(auction_id, sender=stranger)
    settled = tx.events.filter(house.AuctionSettled)[0]
    assert (settled.royaltyReceiver, settled.royalty) == (ape.utils.ZERO_ADDRESS, 0)
    assert artist.balance == before_artist
    assert alice.balance - before_alice == 10 * ETHER - settled.fee
    assert hostile.ownerOf(1) == bob
    if mode == BURNS_GAS:
        assert tx.gas_used < 130_000 + 50_000  # the burner gets its 50k cap, no more


def test_honest_foreign_royalty_is_paid(house, hostile, alice, bob, artist, stranger, chain):
    hostile.mint(alice, 1, sender=alice)
    auction_id = list_token(house, hostile, 1, alice)
    house.createBid(auction_id, value=10 * ETHER, sender=bob)
    end_auction(chain, house, auction_id)
    before = artist.balance
    house.settle(auction_id, sender=stranger)
    assert artist.balance - before == ETHER // 2


def test_excessive_royalty_is_clamped(house, hostile, admin, treasury, alice, bob, artist, stranger, chain):
    house.setFee(treasury, 2_000, sender=admin)  # the highest fee the house allows
    hostile.setMode(EXCESSIVE, sender=alice)
    hostile.mint(alice, 1, sender=alice)
    auction_id = list_token(house, hostile, 1, alice)
    house.createBid(auction_id, value=10 * ETHER, sender=bob)
    end_auction(chain, house, auction_id)
    balances = {p: p.balance for p in (alice, artist, treasury)}
    tx = house.settle(auction_id, sender=stranger)
    settled = tx.events.filter(house.AuctionSettled)[0]
    assert settled.royalty == ETHER  # asked 20 ether, clamped to 10% of the price
    assert settled.fee == 2 * ETHER
    assert settled.royalty + settled.fee + settled.sellerProceeds == settled.price
    assert artist.balance - balances[artist] == ETHER
    assert treasury.balance - balances[treasury] == 2 * ETHER
    assert alice.balance - balances[alice] == 7 * ETHER
    assert house.balance == 0


# ------------------------------------------------------------------ undeliverable token


def test_undeliverable_token_refunds_winner(house, hostile, alice, bob, stranger, chain):
    hostile.mint(alice, 1, sender=alice)
    auction_id = list_token(house, hostile, 1, alice)
    house.createBid(auction_id, value=3 * ETHER, sender=bob)
    end_auction(chain, house, auction_id)
    hostile.setBlockTransfers(True, sender=alice)
    before_bob, before_alice = bob.balance, alice.balance
    tx = house.settle(auction_id, sender=stranger)
    assert tx.events.filter(house.AuctionFailed) == [house.AuctionFailed(auctionId=auction_id, winner=bob, refund=3 * ETHER)]
    assert tx.events.filter(house.AuctionSettled) == []
    assert bob.balance - before_bob == 3 * ETHER
    assert alice.balance == before_alice
    assert house.auction(auction_id).status == FAILED
    assert house.balance == 0
    # The seller takes the token back once the collection lets it move.
    with ape.reverts():
        house.cancel(auction_id, sender=alice)
    hostile.setBlockTransfers(False, sender=alice)
    house.cancel(auction_id, sender=alice)
    assert hostile.ownerOf(1) == alice
