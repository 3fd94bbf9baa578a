"""F-04 (low): the royalty could be raised (or its receiver moved) after bids were in.

The royalty was read at settlement; after the first bid the seller cannot cancel, but the
collection's admin could still raise the royalty or move its receiver, so seller revenue came from
mutable royalty data. The house now looks the royalty up once, at listing, snapshots receiver and
rate (clamped to MAX_ROYALTY_BPS), and pays exactly that snapshot at settlement.
"""

from __future__ import annotations

from tests.security.conftest import ETHER, FEE_BPS, end_auction


def test_f04_raising_the_royalty_after_bids_does_not_touch_the_seller(
        chain, house, edition, admin, alice, bob, artist, stranger):
    edition.mintPublic(1, value=10**16, sender=alice)
    edition.approve(house, 1, sender=alice)
    receipt = house.createAuction(edition, 1, ETHER, 86_400, sender=alice)
    auction_id = house.AuctionCreated.from_receipt(receipt)[0].auctionId
    record = house.auction(auction_id)
    assert (record.royaltyReceiver, record.royaltyBps) == (artist.address, 500)

    house.createBid(auction_id, value=ETHER, sender=bob)
    edition.setRoyalty(stranger, 1_000, sender=admin)  # the collection admin doubles it and moves it

    alice_before, artist_before, stranger_before = alice.balance, artist.balance, stranger.balance
    end_auction(chain, house, auction_id)
    receipt = house.settle(auction_id, sender=bob)
    royalty = ETHER * 500 // 10_000
    fee = ETHER * FEE_BPS // 10_000
    settled = house.AuctionSettled.from_receipt(receipt)[0]
    assert (settled.royaltyReceiver, settled.royalty) == (artist.address, royalty)
    assert artist.balance == artist_before + royalty
    assert stranger.balance == stranger_before
    assert alice.balance == alice_before + ETHER - royalty - fee


def test_f04_royalty_snapshot_is_clamped(chain, project, house, admin, alice, bob, artist):
    hostile = project.TestHostileRoyaltyCollection.deploy(artist, 500, sender=admin)
    hostile.mint(alice, 7, sender=admin)
    hostile.setMode(2, sender=admin)  # Excessive: asks twice the price
    hostile.approve(house, 7, sender=alice)
    receipt = house.createAuction(hostile, 7, ETHER, 86_400, sender=alice)
    auction_id = house.AuctionCreated.from_receipt(receipt)[0].auctionId
    assert house.auction(auction_id).royaltyBps == house.MAX_ROYALTY_BPS()
