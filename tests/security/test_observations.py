"""The observations of the external review that were fixed (the others are documented in
docs/security.md with the behaviour pinned here)."""

from __future__ import annotations

import ape
import pytest

from tests.auction.auction_helpers import list_token, work
from tests.security.conftest import ETHER, edition_init, end_auction, open_public

PRICE = 10**16


# ---------------------------------------------------------------- soulbound approvals

@pytest.fixture
def soulbound(project, admin, chain):
    edition = admin.deploy(project.GaolingEdition, edition_init(admin, [admin], [10_000], policy=2))
    open_public(edition, admin, chain, PRICE)
    return edition


def test_soulbound_edition_refuses_approvals_like_the_certificate(soulbound, alice, bob):
    soulbound.mintPublic(1, value=PRICE, sender=alice)
    with ape.reverts(soulbound.EditionSoulbound, tokenId=1):
        soulbound.approve(bob, 1, sender=alice)
    with ape.reverts(soulbound.EditionSoulbound, tokenId=0):
        soulbound.setApprovalForAll(bob, True, sender=alice)


def test_holding_period_edition_still_accepts_approvals(project, admin, chain, alice, bob):
    held = admin.deploy(project.GaolingEdition, edition_init(admin, [admin], [10_000], policy=1, holding=86_400))
    open_public(held, admin, chain, PRICE)
    held.mintPublic(1, value=PRICE, sender=alice)
    held.approve(bob, 1, sender=alice)  # the token unlocks later; approving ahead is legitimate
    assert held.getApproved(1) == bob.address


# ---------------------------------------------------------------- auction timer and pause

def _bid_auction(house, artworks, admin, alice, bob, artist):
    artworks.mint(alice, work(artist), sender=admin)
    auction_id = list_token(house, artworks, 1, alice)
    house.createBid(auction_id, value=ETHER, sender=bob)
    return auction_id


def test_pause_stops_the_clock_of_an_auction_ending_during_the_pause(
        chain, house, artworks, admin, alice, bob, carol, artist):
    auction_id = _bid_auction(house, artworks, admin, alice, bob, artist)
    end = house.auction(auction_id).endTime
    chain.pending_timestamp = end - 60
    house.pause(sender=admin)
    chain.pending_timestamp = end + 3_600
    chain.mine()
    paused_at = house.pausedAt()
    with ape.reverts(house.GaolingAuctionHouseClockPaused, auctionId=auction_id, pausedAt=paused_at):
        house.settle(auction_id, sender=bob)  # the pause froze the end: nobody could bid
    house.unpause(sender=admin)
    unpaused_at = chain.blocks.head.timestamp
    buffer = house.timeBuffer()
    assert house.effectiveEndTime(auction_id) == unpaused_at + buffer
    with ape.reverts(house.GaolingAuctionHouseAuctionNotEnded):
        house.settle(auction_id, sender=bob)
    # Bidders get the anti-sniping buffer back from the moment bidding resumed.
    house.createBid(auction_id, value=2 * ETHER, sender=carol)
    assert house.auction(auction_id).endTime >= unpaused_at + buffer
    end_auction(chain, house, auction_id)
    house.settle(auction_id, sender=bob)
    assert artworks.ownerOf(1) == carol.address


def test_pause_does_not_touch_an_auction_that_ended_before_it(
        chain, house, artworks, admin, alice, bob, artist):
    auction_id = _bid_auction(house, artworks, admin, alice, bob, artist)
    end_auction(chain, house, auction_id)
    chain.pending_timestamp = house.auction(auction_id).endTime + 10
    house.pause(sender=admin)
    house.settle(auction_id, sender=bob)  # settling never waits for an unpause
    assert artworks.ownerOf(1) == bob.address


# ---------------------------------------------------------------- rescue of stray tokens

def test_token_sent_to_the_house_by_plain_transfer_can_be_rescued(
        house, artworks, admin, alice, bob, artist, stranger):
    artworks.mint(alice, work(artist), sender=admin)
    artworks.transferFrom(alice, house, 1, sender=alice)  # not through createAuction: stray
    with ape.reverts(house.AccessControlUnauthorizedAccount):
        house.rescueToken(artworks, 1, alice, sender=stranger)
    receipt = house.rescueToken(artworks, 1, alice, sender=admin)
    assert artworks.ownerOf(1) == alice.address
    event = house.TokenRescued.from_receipt(receipt)[0]
    assert (event.nft, event.tokenId, event.to) == (artworks.address, 1, alice.address)


def test_escrowed_token_cannot_be_rescued(house, artworks, admin, alice, bob, artist):
    auction_id = _bid_auction(house, artworks, admin, alice, bob, artist)
    with ape.reverts(house.GaolingAuctionHouseTokenEscrowed, auctionId=auction_id):
        house.rescueToken(artworks, 1, admin, sender=admin)
