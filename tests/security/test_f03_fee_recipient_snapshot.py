"""F-03 (low): turning fees off burnt the fee of earlier auctions; and (observation) the fee
recipient was read at settlement, so an admin could redirect the fees of live auctions.

The house now snapshots the fee recipient together with the fee rate when an auction is listed.
`setFee` only changes auctions listed afterwards; a live auction pays its fee to the recipient in
force at its listing, and never to the zero address (a zero recipient is only accepted with a
zero fee, so a zero snapshot always comes with a zero fee).
"""

from __future__ import annotations

from tests.auction.auction_helpers import list_token, work
from tests.security.conftest import ETHER, FEE_BPS, ZERO, end_auction


def _live_auction(house, artworks, admin, alice, bob, artist):
    artworks.mint(alice, work(artist), sender=admin)
    auction_id = list_token(house, artworks, 1, alice)
    house.createBid(auction_id, value=ETHER, sender=bob)
    return auction_id


def test_f03_turning_fees_off_does_not_burn_the_fee_of_a_live_auction(
        chain, house, artworks, admin, alice, bob, artist, treasury):
    auction_id = _live_auction(house, artworks, admin, alice, bob, artist)
    house.setFee(ZERO, 0, sender=admin)
    treasury_before = treasury.balance
    end_auction(chain, house, auction_id)
    receipt = house.settle(auction_id, sender=bob)

    fee = ETHER * FEE_BPS // 10_000
    assert treasury.balance == treasury_before + fee
    # Nothing is left behind for the zero address, nor owed to it: the house holds only what it owes.
    assert house.pendingWithdrawals(ZERO) == 0
    assert chain.provider.get_balance(house.address) == house.totalPending()
    assert all(e.payee != ZERO for e in house.PaymentDeferred.from_receipt(receipt))
    assert house.AuctionSettled.from_receipt(receipt)[0].fee == fee


def test_f03_admin_cannot_redirect_the_fee_of_a_live_auction(
        chain, house, artworks, admin, alice, bob, artist, treasury, stranger):
    auction_id = _live_auction(house, artworks, admin, alice, bob, artist)
    assert house.auction(auction_id).feeRecipient == treasury.address
    house.setFee(stranger, 2_000, sender=admin)
    treasury_before, stranger_before = treasury.balance, stranger.balance
    end_auction(chain, house, auction_id)
    house.settle(auction_id, sender=bob)
    assert treasury.balance == treasury_before + ETHER * FEE_BPS // 10_000
    assert stranger.balance == stranger_before


def test_f03_auction_listed_with_fees_off_pays_the_seller_everything_but_the_royalty(
        chain, house, artworks, admin, alice, bob, artist):
    house.setFee(ZERO, 0, sender=admin)
    auction_id = _live_auction(house, artworks, admin, alice, bob, artist)
    alice_before = alice.balance
    end_auction(chain, house, auction_id)
    house.settle(auction_id, sender=bob)
    assert alice.balance == alice_before + ETHER - ETHER // 10  # 10% royalty, no fee
