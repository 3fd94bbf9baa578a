"""The packed storage layout written in GaolingAuctionHouse's comments is the real one."""

from tests.auction.auction_helpers import DAY, ETHER
from eth_utils import keccak


def word(chain, contract, slot: int) -> int:
    return int.from_bytes(bytes(chain.provider.get_storage(contract.address, slot)), "big")


def field(value: int, offset_bytes: int, size_bytes: int) -> int:
    return (value >> (8 * offset_bytes)) & ((1 << (8 * size_bytes)) - 1)


def test_config_slot_packs_pause_and_parameters(house, admin, treasury, chain):
    house.pause(sender=admin)
    slot1 = word(chain, house, 1)
    assert field(slot1, 0, 1) == 1  # Pausable._paused
    assert field(slot1, 1, 20) == int(treasury.address, 16)
    assert field(slot1, 21, 2) == 500  # feeBps
    assert field(slot1, 23, 2) == 500  # minIncrementBps
    assert field(slot1, 25, 4) == 15 * 60  # timeBuffer


def test_auction_record_is_six_packed_slots(house, artworks, listed, alice, bob, artist, treasury, chain):
    house.createBid(listed, value=2 * ETHER, sender=bob)
    a = house.auction(listed)
    base = int.from_bytes(keccak(listed.to_bytes(32, "big") + (5).to_bytes(32, "big")), "big")
    s0, s1, s2, s3, s4, s5 = (word(chain, house, base + i) for i in range(6))
    assert field(s0, 0, 20) == int(artworks.address, 16)
    assert (field(s0, 20, 5), field(s0, 25, 4), field(s0, 29, 1)) == (a.endTime, DAY, 1)
    assert s1 == 1
    assert (field(s2, 0, 20), field(s2, 20, 12)) == (int(bob.address, 16), 2 * ETHER)
    assert (field(s3, 0, 20), field(s3, 20, 2), field(s3, 22, 10)) == (int(alice.address, 16), 500, ETHER)
    # Snapshots taken at listing (security review F-03/F-04): royalty receiver and rate, fee recipient.
    assert (field(s4, 0, 20), field(s4, 20, 2)) == (int(artist.address, 16), 1_000)
    assert s5 == int(treasury.address, 16)
    slot2 = word(chain, house, 2)
    assert field(slot2, 20, 8) == house.auctionCount() == 1


def test_pause_window_and_recording_minimum_share_slot_6(house, admin, chain):
    house.setMinRecordedPrice(12_345, sender=admin)
    house.pause(sender=admin)
    slot6 = word(chain, house, 6)
    assert field(slot6, 0, 5) == house.pausedAt() > 0
    assert field(slot6, 5, 5) == house.resumedAt() == 0
    assert field(slot6, 10, 12) == 12_345
