"""gaoling.auction and gaoling.artwork: every bad input is refused before a transaction, with
an error naming the argument; the happy paths drive the real contracts."""

import hashlib

import pytest
from tests.auction.auction_helpers import DAY, ETHER, end_auction, work

from gaoling import artwork as art
from gaoling import auction as auc

CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"


def argument_of(call) -> str:
    with pytest.raises((auc.AuctionInputError, art.ArtworkInputError)) as info:
        call()
    return info.value.argument


# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    "text, wei",
    [("1", ETHER), ("1.5 ether", 3 * ETHER // 2), ("2 gwei", 2 * 10**9), ("7 wei", 7), ("0.05 ETH", 5 * 10**16)],
)
def test_parse_amount(text, wei):
    assert auc.parse_amount(text) == wei


@pytest.mark.parametrize("text", ["", "one", "1.5 wei", "3 dogecoin", "-1"])
def test_parse_amount_rejects(text):
    assert argument_of(lambda: auc.parse_amount(text, "reserve")) == "reserve"


def test_parse_duration():
    assert [auc.parse_duration(t) for t in ("900", "90m", "36h", "7d")] == [900, 5400, 129600, 604800]
    assert argument_of(lambda: auc.parse_duration("soon")) == "duration"


def test_format_wei():
    assert auc.format_wei(3 * ETHER // 2) == "1.5 ETH"
    assert auc.format_wei(ETHER) == "1 ETH"


def test_sha256_file(tmp_path):
    master = tmp_path / "master.tif"
    master.write_bytes(b"kaolin" * 500_000)
    assert art.sha256_file(master) == hashlib.sha256(b"kaolin" * 500_000).digest()
    assert argument_of(lambda: art.sha256_file(tmp_path / "missing.tif")) == "master"


def test_artwork_spec_names_bad_field(artist):
    good = dict(artist=artist.address, royalty_bps=500, content_hash="0x" + "ab" * 32, cid=f"ipfs://{CID}")
    spec = art.ArtworkSpec.build(**good)
    assert spec.cid == CID and spec.content_hash == bytes.fromhex("ab" * 32)
    for field, bad in [
        ("artist", "0x1234"),
        ("royalty_bps", 1_001),
        ("royalty_bps", 249),
        ("content_hash", "0x1234"),
        ("content_hash", "0x" + "00" * 32),
        ("cid", "not-a-cid"),
        ("cid", ""),
    ]:
        assert argument_of(lambda: art.ArtworkSpec.build(**{**good, field: bad})) == field, (field, bad)


# ------------------------------------------------------------------ checks against the chain


def test_mint_duplicate_master_is_refused_before_sending(artworks, admin, alice, artist, tmp_path):
    master = tmp_path / "vase.png"
    master.write_bytes(b"blue and white")
    spec = art.ArtworkSpec.build(artist=artist.address, royalty_bps=800, content_hash=art.sha256_file(master), cid=CID)
    result = art.mint(artworks, spec, alice.address, admin)
    assert result.token_id == 1 and artworks.ownerOf(1) == alice
    nonce = admin.nonce
    assert argument_of(lambda: art.mint(artworks, spec, alice.address, admin)) == "master"
    assert argument_of(lambda: art.mint(artworks, spec, alice.address, alice)) == "account"
    assert admin.nonce == nonce  # nothing was sent


def test_mint_to_auction_via_python(artworks, house, admin, alice, artist):
    spec = art.ArtworkSpec.build(artist=artist.address, royalty_bps=600, content_hash=b"\x01" * 32, cid=CID)
    assert argument_of(lambda: art.mint_to_auction(artworks, house, spec, alice.address, 0, DAY, admin)) == "reserve"
    result = art.mint_to_auction(artworks, house, spec, alice.address, ETHER, DAY, admin)
    assert (result.token_id, result.auction_id) == (1, 1)
    assert house.auction(1).seller == alice


def test_check_create_names_arguments(house, artworks, admin, alice, bob, artist):
    artworks.mint(alice, work(artist), sender=admin)
    nonce = alice.nonce
    assert argument_of(lambda: auc.check_create(house, artworks, 1, alice, 0, DAY)) == "reserve"
    assert argument_of(lambda: auc.check_create(house, artworks, 1, alice, ETHER, 60)) == "duration"
    assert argument_of(lambda: auc.check_create(house, artworks, 99, alice, ETHER, DAY)) == "token_id"
    assert argument_of(lambda: auc.check_create(house, artworks, 1, bob, ETHER, DAY)) == "token_id"
    assert argument_of(lambda: auc.check_create(house, artworks, 1, alice, ETHER, DAY)) == "approve"
    assert argument_of(lambda: auc.create(house, artworks, 1, ETHER, DAY, alice)) == "approve"
    assert alice.nonce == nonce
    assert auc.create(house, artworks, 1, ETHER, DAY, alice, approve=True) == 1
    assert argument_of(lambda: auc.check_create(house, artworks, 1, alice, ETHER, DAY)) == "token_id"


def test_bid_settle_withdraw_flow(house, artworks, listed, alice, bob, carol, stranger, chain, artist, treasury):
    now = lambda: chain.pending_timestamp  # noqa: E731
    assert argument_of(lambda: auc.bid(house, 99, ETHER, bob, now())) == "auction_id"
    assert argument_of(lambda: auc.bid(house, listed, ETHER - 1, bob, now())) == "amount"
    assert argument_of(lambda: auc.settle(house, listed, stranger, now())) == "auction_id"  # no bid yet
    auc.bid(house, listed, ETHER, bob, now())
    assert argument_of(lambda: auc.bid(house, listed, ETHER, carol, now())) == "amount"
    assert argument_of(lambda: auc.settle(house, listed, stranger, now())) == "auction_id"  # not ended
    state = auc.status(house, listed, now())
    assert state.highest_bidder == bob.address and state.minimum_bid == ETHER * 105 // 100
    assert "running" in state.phase
    assert dict(state.rows())["highest bid"] == "1 ETH"
    end_auction(chain, house, listed)
    assert argument_of(lambda: auc.bid(house, listed, 2 * ETHER, carol, now())) == "auction_id"  # ended
    assert auc.status(house, listed, now()).phase == "ended, ready to settle"
    result = auc.settle(house, listed, stranger, now())
    assert result.delivered and result.winner == bob.address
    assert (result.royalty_receiver, result.royalty) == (artist.address, ETHER // 10)
    assert (result.fee_recipient, result.fee) == (treasury.address, ETHER // 20)
    assert result.seller_proceeds == ETHER - ETHER // 10 - ETHER // 20
    assert dict(result.rows())["seller proceeds"] == f"{alice.address}: 0.85 ETH"
    assert auc.status(house, listed, now()).phase == "settled"
    assert argument_of(lambda: auc.settle(house, listed, stranger, now())) == "auction_id"
    assert argument_of(lambda: auc.withdraw(house, stranger)) == "account"
    assert argument_of(lambda: auc.status(house, 42, now())) == "auction_id"


def test_bid_on_cancelled_auction_is_refused(house, listed, alice, bob, chain):
    house.cancel(listed, sender=alice)
    assert argument_of(lambda: auc.bid(house, listed, ETHER, bob, chain.pending_timestamp)) == "auction_id"
