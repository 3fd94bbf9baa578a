"""The anti-sniping extension at exact boundary seconds (anvil sets each block's timestamp)."""

import ape
import pytest
from tests.auction.auction_helpers import DAY, ETHER

BUFFER = 15 * 60


def bid_at(chain, house, auction_id, timestamp, value, sender):
    chain.pending_timestamp = timestamp
    tx = house.createBid(auction_id, value=value, sender=sender)
    assert chain.blocks.head.timestamp == timestamp
    return tx


@pytest.fixture
def started(house, listed, bob, chain):
    """Auction `listed` with a first bid by bob; returns its end time."""
    start = chain.pending_timestamp + 10
    bid_at(chain, house, listed, start, ETHER, bob)
    assert house.auction(listed).endTime == start + DAY
    return start + DAY


def test_bid_exactly_buffer_before_end_does_not_extend(house, listed, started, carol, chain):
    tx = bid_at(chain, house, listed, started - BUFFER, 2 * ETHER, carol)
    assert tx.events.filter(house.AuctionBid)[0].endTime == started
    assert house.auction(listed).endTime == started


def test_bid_one_second_inside_buffer_extends_by_one(house, listed, started, carol, chain):
    tx = bid_at(chain, house, listed, started - BUFFER + 1, 2 * ETHER, carol)
    assert tx.events.filter(house.AuctionBid)[0].endTime == started + 1
    assert house.auction(listed).endTime == started + 1


def test_bid_in_last_second_leaves_full_buffer(house, listed, started, carol, bob, chain):
    bid_at(chain, house, listed, started - 1, 2 * ETHER, carol)
    new_end = started - 1 + BUFFER
    assert house.auction(listed).endTime == new_end
    # And again in the new last second.
    bid_at(chain, house, listed, new_end - 1, 3 * ETHER, bob)
    assert house.auction(listed).endTime == new_end - 1 + BUFFER


def test_bid_at_end_second_is_refused(house, listed, started, carol, chain):
    chain.pending_timestamp = started
    with ape.reverts(house.GaolingAuctionHouseAuctionEnded, auctionId=listed, endTime=started):
        house.createBid(listed, value=2 * ETHER, sender=carol)


def test_settle_boundary(house, listed, started, stranger, chain):
    chain.pending_timestamp = started - 1
    with ape.reverts(house.GaolingAuctionHouseAuctionNotEnded, auctionId=listed, endTime=started):
        house.settle(listed, sender=stranger)
    chain.pending_timestamp = started
    house.settle(listed, sender=stranger)
    assert chain.blocks.head.timestamp == started


def test_changed_buffer_applies_to_later_bids(house, listed, started, admin, carol, chain):
    house.setTimeBuffer(3600, sender=admin)
    bid_at(chain, house, listed, started - 3600 + 1, 2 * ETHER, carol)
    assert house.auction(listed).endTime == started + 1
