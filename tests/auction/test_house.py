"""Unit tests of GaolingAuctionHouse: every function, its custom errors, events and balances."""

import ape
import pytest
from tests.auction.auction_helpers import DAY, ETHER, FEE_BPS, ROYALTY_BPS, end_auction, list_token

LIVE, SETTLED, CANCELLED, FAILED = 1, 2, 3, 4


# ------------------------------------------------------------------ deployment and admin


def test_constructor_defaults(house, admin, treasury):
    assert house.feeRecipient() == treasury
    assert house.feeBps() == FEE_BPS
    assert house.minIncrementBps() == 500
    assert house.timeBuffer() == 15 * 60
    assert house.hasRole(house.DEFAULT_ADMIN_ROLE(), admin)
    assert house.hasRole(house.PAUSER_ROLE(), admin)
    assert house.auctionCount() == 0


def test_constructor_rejects_bad_config(project, admin, treasury, stranger):
    # Deployed by `stranger`: a deploy address that no other test used, so Ape cannot mistake
    # the failed deployment for a contract it saw at that address before a chain revert.
    house = project.GaolingAuctionHouse
    with ape.reverts(house.GaolingAuctionHouseFeeOutOfBounds, bps=2_001, max=2_000):
        house.deploy(admin, treasury, 2_001, sender=stranger)
    with ape.reverts(house.GaolingAuctionHouseZeroFeeRecipient):
        house.deploy(admin, ape.utils.ZERO_ADDRESS, 100, sender=stranger)
    with ape.reverts(house.GaolingAuctionHouseZeroAdmin):
        house.deploy(ape.utils.ZERO_ADDRESS, treasury, 100, sender=stranger)


def test_admin_setters_emit_and_bound(house, admin, carol):
    tx = house.setFee(carol, 2_000, sender=admin)
    assert tx.events == [house.FeeUpdated(recipient=carol, bps=2_000)]
    with ape.reverts(house.GaolingAuctionHouseFeeOutOfBounds):
        house.setFee(carol, 2_001, sender=admin)
    with ape.reverts(house.GaolingAuctionHouseZeroFeeRecipient):
        house.setFee(ape.utils.ZERO_ADDRESS, 1, sender=admin)
    house.setFee(ape.utils.ZERO_ADDRESS, 0, sender=admin)  # no fee at all is allowed

    tx = house.setMinIncrementBps(1_000, sender=admin)
    assert tx.events == [house.MinIncrementUpdated(bps=1_000)]
    for bad in (99, 2_501):
        with ape.reverts(house.GaolingAuctionHouseIncrementOutOfBounds, bps=bad, min=100, max=2_500):
            house.setMinIncrementBps(bad, sender=admin)

    tx = house.setTimeBuffer(600, sender=admin)
    assert tx.events == [house.TimeBufferUpdated(secondsBuffer=600)]
    for bad in (59, DAY + 1):
        with ape.reverts(house.GaolingAuctionHouseTimeBufferOutOfBounds, secondsBuffer=bad):
            house.setTimeBuffer(bad, sender=admin)

    tx = house.setPurchaseRecorder(carol, sender=admin)
    assert tx.events == [house.PurchaseRecorderUpdated(recorder=carol)]
    assert house.purchaseRecorder() == carol


def test_admin_functions_need_roles(house, stranger):
    for call in (
        lambda: house.setFee(stranger, 1, sender=stranger),
        lambda: house.setMinIncrementBps(600, sender=stranger),
        lambda: house.setTimeBuffer(600, sender=stranger),
        lambda: house.setPurchaseRecorder(stranger, sender=stranger),
        lambda: house.pause(sender=stranger),
        lambda: house.unpause(sender=stranger),
    ):
        with ape.reverts(house.AccessControlUnauthorizedAccount):
            call()


# ------------------------------------------------------------------ listing


def test_create_escrows_and_records(house, artworks, artwork_token, alice):
    tx = house.createAuction(artworks, artwork_token, ETHER, DAY, sender=alice)
    assert tx.events.filter(house.AuctionCreated) == [
        house.AuctionCreated(auctionId=1, nft=artworks, tokenId=1, seller=alice, reserve=ETHER, duration=DAY)
    ]
    assert artworks.ownerOf(1) == house
    a = house.auction(1)
    assert (a.nft, a.tokenId, a.seller, a.reserve, a.duration) == (artworks.address, 1, alice.address, ETHER, DAY)
    assert (a.status, a.endTime, a.bidder, a.amount, a.feeBps) == (LIVE, 0, ape.utils.ZERO_ADDRESS, ETHER, FEE_BPS)
    assert house.minimumBid(1) == ETHER
    assert house.auctionCount() == 1


@pytest.mark.parametrize("reserve", [0, 2**80])
def test_create_rejects_reserve_out_of_bounds(house, artworks, artwork_token, alice, reserve):
    with ape.reverts(house.GaolingAuctionHouseReserveOutOfBounds, reserve=reserve, min=1, max=2**80 - 1):
        house.createAuction(artworks, artwork_token, reserve, DAY, sender=alice)


@pytest.mark.parametrize("duration", [15 * 60 - 1, 30 * DAY + 1])
def test_create_rejects_duration_out_of_bounds(house, artworks, artwork_token, alice, duration):
    with ape.reverts(house.GaolingAuctionHouseDurationOutOfBounds, duration=duration, min=900, max=30 * DAY):
        house.createAuction(artworks, artwork_token, ETHER, duration, sender=alice)


def test_create_accepts_duration_bounds(house, foreign, alice):
    for token_id, duration in ((1, 15 * 60), (2, 30 * DAY)):
        foreign.mint(alice, token_id, sender=alice)
        list_token(house, foreign, token_id, alice, duration=duration)


def test_create_rejects_unowned_token(house, artworks, artwork_token, bob):
    with ape.reverts(house.GaolingAuctionHouseNotTokenOwner, nft=artworks, tokenId=1, caller=bob):
        house.createAuction(artworks, artwork_token, ETHER, DAY, sender=bob)


def test_create_rejects_unapproved_house(house, artworks, artist, admin, alice):
    from tests.auction.auction_helpers import work

    artworks.mint(alice, work(artist), sender=admin)
    with ape.reverts(house.GaolingAuctionHouseNotApproved, nft=artworks, tokenId=1):
        house.createAuction(artworks, 1, ETHER, DAY, sender=alice)


def test_create_by_operator_pays_owner(house, foreign, alice, bob):
    foreign.mint(alice, 7, sender=alice)
    foreign.setApprovalForAll(bob, True, sender=alice)
    foreign.setApprovalForAll(house, True, sender=alice)
    house.createAuction(foreign, 7, ETHER, DAY, sender=bob)
    assert house.auction(1).seller == alice


def test_create_rejects_token_already_escrowed(house, foreign, alice):
    foreign.mint(alice, 1, sender=alice)
    list_token(house, foreign, 1, alice)
    with ape.reverts(house.GaolingAuctionHouseNotTokenOwner):
        house.createAuction(foreign, 1, ETHER, DAY, sender=alice)


def test_direct_safe_transfer_to_house_is_refused(house, foreign, alice):
    foreign.mint(alice, 1, sender=alice)
    with ape.reverts():
        foreign.safeTransferFrom(alice, house, 1, sender=alice)


# ------------------------------------------------------------------ cancel


def test_cancel_before_first_bid_returns_token(house, artworks, listed, alice):
    tx = house.cancel(listed, sender=alice)
    assert tx.events.filter(house.AuctionCancelled) == [house.AuctionCancelled(auctionId=listed)]
    assert artworks.ownerOf(1) == alice
    assert house.auction(listed).status == CANCELLED


def test_cancel_errors(house, listed, alice, bob):
    with ape.reverts(house.GaolingAuctionHouseNotSeller, auctionId=listed, caller=bob):
        house.cancel(listed, sender=bob)
    house.createBid(listed, value=ETHER, sender=bob)
    with ape.reverts(house.GaolingAuctionHouseHasBids, auctionId=listed):
        house.cancel(listed, sender=alice)
    with ape.reverts(house.GaolingAuctionHouseNotLive, auctionId=99, status=0):
        house.cancel(99, sender=alice)


# ------------------------------------------------------------------ bidding


def test_first_bid_starts_timer(house, listed, bob, chain):
    chain.pending_timestamp = chain.pending_timestamp + 100
    start = chain.pending_timestamp
    tx = house.createBid(listed, value=ETHER, sender=bob)
    assert tx.events == [house.AuctionBid(auctionId=listed, bidder=bob, amount=ETHER, endTime=start + DAY)]
    a = house.auction(listed)
    assert (a.bidder, a.amount, a.endTime) == (bob.address, ETHER, start + DAY)
    assert house.balance == ETHER
    assert house.minimumBid(listed) == ETHER * 105 // 100


def test_first_bid_below_reserve(house, listed, bob):
    with ape.reverts(house.GaolingAuctionHouseBidTooLow, auctionId=listed, bid=ETHER - 1, minimum=ETHER):
        house.createBid(listed, value=ETHER - 1, sender=bob)


def test_outbid_refunds_previous_bidder(house, listed, bob, carol):
    house.createBid(listed, value=ETHER, sender=bob)
    before = bob.balance
    minimum = ETHER * 105 // 100
    with ape.reverts(house.GaolingAuctionHouseBidTooLow, auctionId=listed, bid=minimum - 1, minimum=minimum):
        house.createBid(listed, value=minimum - 1, sender=carol)
    house.createBid(listed, value=minimum, sender=carol)
    assert bob.balance == before + ETHER
    assert house.balance == minimum
    assert house.pendingWithdrawals(bob) == 0


def test_tiny_bids_still_strictly_increase(house, foreign, alice, bob, carol):
    foreign.mint(alice, 1, sender=alice)
    auction_id = list_token(house, foreign, 1, alice, reserve=1)
    house.createBid(auction_id, value=1, sender=bob)
    assert house.minimumBid(auction_id) == 2
    with ape.reverts(house.GaolingAuctionHouseBidTooLow, minimum=2):
        house.createBid(auction_id, value=1, sender=carol)
    house.createBid(auction_id, value=2, sender=carol)


def test_bid_on_unknown_cancelled_or_ended_auction(house, listed, alice, bob, carol, chain):
    with ape.reverts(house.GaolingAuctionHouseNotLive, auctionId=42, status=0):
        house.createBid(42, value=ETHER, sender=bob)
    house.createBid(listed, value=ETHER, sender=bob)
    end_auction(chain, house, listed)
    end = house.auction(listed).endTime
    with ape.reverts(house.GaolingAuctionHouseAuctionEnded, auctionId=listed, endTime=end):
        house.createBid(listed, value=2 * ETHER, sender=carol)


def test_bid_on_cancelled_auction(house, listed, alice, bob):
    house.cancel(listed, sender=alice)
    with ape.reverts(house.GaolingAuctionHouseNotLive, auctionId=listed, status=CANCELLED):
        house.createBid(listed, value=ETHER, sender=bob)


def test_bidder_may_raise_own_bid(house, listed, bob):
    house.createBid(listed, value=ETHER, sender=bob)
    house.createBid(listed, value=2 * ETHER, sender=bob)
    assert house.balance == 2 * ETHER
    assert house.auction(listed).amount == 2 * ETHER


# ------------------------------------------------------------------ settlement


def _settle_case(house, artworks, listed, bob, stranger, chain):
    house.createBid(listed, value=10 * ETHER, sender=bob)
    end_auction(chain, house, listed)
    return house.settle(listed, sender=stranger)


def test_settle_pays_royalty_fee_and_seller(house, artworks, listed, alice, bob, artist, treasury, stranger, chain):
    balances = {p: p.balance for p in (alice, artist, treasury)}
    tx = _settle_case(house, artworks, listed, bob, stranger, chain)
    price = 10 * ETHER
    royalty, fee = price * ROYALTY_BPS // 10_000, price * FEE_BPS // 10_000
    proceeds = price - royalty - fee
    assert tx.events.filter(house.AuctionSettled) == [
        house.AuctionSettled(
            auctionId=listed, winner=bob, seller=alice, price=price, royaltyReceiver=artist,
            royalty=royalty, fee=fee, sellerProceeds=proceeds,
        )
    ]
    assert artworks.ownerOf(1) == bob
    assert artist.balance - balances[artist] == royalty
    assert treasury.balance - balances[treasury] == fee
    assert alice.balance - balances[alice] == proceeds
    assert house.balance == 0
    assert house.auction(listed).status == SETTLED


def test_settle_errors(house, listed, bob, stranger, chain):
    with ape.reverts(house.GaolingAuctionHouseNoBids, auctionId=listed):
        house.settle(listed, sender=stranger)
    house.createBid(listed, value=ETHER, sender=bob)
    end = house.auction(listed).endTime
    with ape.reverts(house.GaolingAuctionHouseAuctionNotEnded, auctionId=listed, endTime=end):
        house.settle(listed, sender=stranger)
    end_auction(chain, house, listed)
    house.settle(listed, sender=stranger)
    with ape.reverts(house.GaolingAuctionHouseNotLive, auctionId=listed, status=SETTLED):
        house.settle(listed, sender=stranger)


def test_fee_snapshot_at_listing(house, artworks, listed, admin, alice, bob, treasury, stranger, chain):
    house.setFee(treasury, 2_000, sender=admin)  # after listing: does not apply to auction 1
    before = treasury.balance
    _settle_case(house, artworks, listed, bob, stranger, chain)
    assert treasury.balance - before == 10 * ETHER * FEE_BPS // 10_000


def test_zero_fee_pays_no_fee(house, artworks, artwork_token, admin, alice, bob, treasury, stranger, chain):
    house.setFee(ape.utils.ZERO_ADDRESS, 0, sender=admin)
    house.createAuction(artworks, artwork_token, ETHER, DAY, sender=alice)
    tx = _settle_case(house, artworks, 1, bob, stranger, chain)
    assert tx.events.filter(house.AuctionSettled)[0].fee == 0


def test_primary_sale_by_artist_folds_royalty(house, artworks, admin, artist, bob, stranger, chain):
    from tests.auction.auction_helpers import work

    artworks.mint(artist, work(artist), sender=admin)
    auction_id = list_token(house, artworks, 1, artist)
    before = artist.balance
    tx = _settle_case(house, artworks, auction_id, bob, stranger, chain)
    event = tx.events.filter(house.AuctionSettled)[0]
    assert event.royalty == 0 and event.royaltyReceiver == artist
    assert artist.balance - before == 10 * ETHER - event.fee == event.sellerProceeds


def test_foreign_collection_without_royalty(house, foreign, alice, bob, treasury, stranger, chain):
    foreign.mint(alice, 3, sender=alice)
    auction_id = list_token(house, foreign, 3, alice)
    before = alice.balance
    tx = _settle_case(house, foreign, auction_id, bob, stranger, chain)
    event = tx.events.filter(house.AuctionSettled)[0]
    assert (event.royaltyReceiver, event.royalty) == (ape.utils.ZERO_ADDRESS, 0)
    assert alice.balance - before == event.sellerProceeds == 10 * ETHER - event.fee
    assert foreign.ownerOf(3) == bob


def test_resale_pays_artist_again(house, artworks, listed, alice, bob, carol, artist, stranger, chain):
    _settle_case(house, artworks, listed, bob, stranger, chain)
    auction_id = list_token(house, artworks, 1, bob, reserve=2 * ETHER)
    house.createBid(auction_id, value=20 * ETHER, sender=carol)
    end_auction(chain, house, auction_id)
    before_artist, before_bob = artist.balance, bob.balance
    tx = house.settle(auction_id, sender=stranger)
    event = tx.events.filter(house.AuctionSettled)[0]
    assert event.seller == bob and event.royaltyReceiver == artist
    assert artist.balance - before_artist == 2 * ETHER  # 10% of 20
    assert bob.balance - before_bob == 20 * ETHER - 2 * ETHER - 1 * ETHER
    assert artworks.ownerOf(1) == carol


def test_purchase_recorder_is_called(project, house, artworks, listed, admin, bob, stranger, chain):
    recorder = project.TestPurchaseRecorder.deploy(sender=admin)
    house.setPurchaseRecorder(recorder, sender=admin)
    house.setCollectionRegistered(artworks, True, sender=admin)  # only registered collections earn points
    _settle_case(house, artworks, listed, bob, stranger, chain)
    assert recorder.calls() == 1
    assert (recorder.lastBuyer(), recorder.lastValue(), recorder.lastQuantity()) == (bob, 10 * ETHER, 1)


@pytest.mark.parametrize("mode", [1, 2])
def test_broken_recorder_never_blocks_settlement(project, house, artworks, listed, admin, bob, stranger, chain, mode):
    recorder = project.TestPurchaseRecorder.deploy(sender=admin)
    recorder.setMode(mode, sender=admin)
    house.setPurchaseRecorder(recorder, sender=admin)
    house.setCollectionRegistered(artworks, True, sender=admin)
    tx = _settle_case(house, artworks, listed, bob, stranger, chain)
    assert tx.events.filter(house.PurchaseRecordFailed) == [
        house.PurchaseRecordFailed(auctionId=listed, recorder=recorder)
    ]
    assert artworks.ownerOf(1) == bob


def test_settle_refuses_starved_gas(house, artworks, listed, bob, stranger, chain):
    house.createBid(listed, value=ETHER, sender=bob)
    end_auction(chain, house, listed)
    # Enough to get into settle but not to give the token transfer its whole cap.
    with ape.reverts(house.GaolingAuctionHouseInsufficientGas):
        house.settle(listed, sender=stranger, gas_limit=120_000)
    house.settle(listed, sender=stranger)


# ------------------------------------------------------------------ pause


def test_pause_stops_listing_and_bids_only(house, artworks, listed, admin, alice, bob, stranger, chain, foreign):
    house.createBid(listed, value=ETHER, sender=bob)
    foreign.mint(alice, 1, sender=alice)
    foreign.approve(house, 1, sender=alice)
    house.createAuction(foreign, 1, ETHER, DAY, sender=alice)
    tx = house.pause(sender=admin)
    assert house.paused()
    with ape.reverts(house.EnforcedPause):
        house.createBid(listed, value=2 * ETHER, sender=stranger)
    with ape.reverts(house.EnforcedPause):
        house.createAuction(foreign, 2, ETHER, DAY, sender=alice)
    house.cancel(2, sender=alice)  # sellers can still take unsold tokens back
    end_auction(chain, house, listed)
    # The pause stopped the clock of the running auction (security review): nobody could bid, so
    # it cannot be settled until bidding resumed for a whole time buffer.
    with ape.reverts(house.GaolingAuctionHouseClockPaused, auctionId=listed):
        house.settle(listed, sender=stranger)
    house.unpause(sender=admin)
    assert not house.paused()
    chain.pending_timestamp = house.effectiveEndTime(listed)
    chain.mine()
    house.settle(listed, sender=stranger)
    assert artworks.ownerOf(1) == bob


# ------------------------------------------------------------------ withdrawals


def test_withdraw_nothing(house, stranger):
    with ape.reverts(house.GaolingAuctionHouseNothingToWithdraw, payee=stranger):
        house.withdraw(sender=stranger)
    with ape.reverts(house.GaolingAuctionHouseNothingToWithdraw, payee=stranger):
        house.withdrawTo(stranger, sender=stranger)


# ------------------------------------------------------------------ artworks straight into an auction


def test_mint_to_auction(house, artworks, admin, artist, alice, bob, stranger, chain):
    from tests.auction.auction_helpers import work

    tx = artworks.mintToAuction(alice, work(artist), ETHER, DAY, sender=admin)
    assert artworks.ownerOf(1) == house
    created = tx.events.filter(house.AuctionCreated)[0]
    assert (created.seller, created.tokenId, created.nft) == (alice, 1, artworks)
    house.createBid(created.auctionId, value=2 * ETHER, sender=bob)
    end_auction(chain, house, created.auctionId)
    house.settle(created.auctionId, sender=stranger)
    assert artworks.ownerOf(1) == bob


def test_mint_to_auction_bad_listing_mints_nothing(house, artworks, admin, artist, alice):
    from tests.auction.auction_helpers import work

    with ape.reverts(house.GaolingAuctionHouseReserveOutOfBounds):
        artworks.mintToAuction(alice, work(artist), 0, DAY, sender=admin)
    assert artworks.totalMinted() == 0
