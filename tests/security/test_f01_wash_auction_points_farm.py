"""F-01 (medium): points and coupons could be farmed through the auction house.

The house holds the purchase-recorder role. Before the fix, a contract could list junk NFTs with a
1 wei reserve, bid on its own listings, settle, and earn 60 points per auction (plus a sybil
referral on the first), getting every wei back. Now a settled sale is recorded only for a
collection the platform registered, only when the winner is not the seller, and only at or above
`minRecordedPrice`; and the ledger caps purchase points per member per CST day.
"""

from __future__ import annotations

import ape
import pytest

from tests.security.conftest import ETHER, RULES, end_auction

AUCTIONS = 20
PURCHASE_POINTS = RULES.purchase_flat + RULES.purchase_per_item  # 60 per recorded auction win


@pytest.fixture
def farmer(project, attacker, house, ledger):
    return project.WashTradeFarmer.deploy(house, ledger, sender=attacker)


@pytest.fixture
def referrer(ledger, admin, accomplice):
    """An accomplice who made one genuine purchase, so it can be named as a referrer."""
    ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), admin, sender=admin)
    ledger.recordPurchase(accomplice, 0, 1, sender=admin)
    return accomplice


def _settle_all(chain, house, farmer, attacker):
    ids = list(farmer.listed())
    end_auction(chain, house, ids[-1])
    return farmer.settleAll(sender=attacker)


def test_f01_self_bid_wash_auctions_of_junk_earn_no_points(chain, house, ledger, farmer, referrer, attacker):
    referral_before = ledger.pointsOf(referrer)
    farmer.nameReferrer(referrer, sender=attacker)
    farmer.list(AUCTIONS, True, value=AUCTIONS, sender=attacker)
    before = farmer.balance
    receipt = _settle_all(chain, house, farmer, attacker)

    assert ledger.pointsOf(farmer) == 0, "wash auctions must not mint points"
    assert ledger.pointsOf(referrer) == referral_before, "a wash 'first purchase' must not pay the referral"
    assert not ledger.PurchaseRewarded.from_receipt(receipt)
    skipped = house.PurchaseRecordSkipped.from_receipt(receipt)
    assert len(skipped) == AUCTIONS
    # The attacker still gets every wei back (1 wei at 5% rounds the fee to 0): the fix is about
    # points, not about forbidding self-bids.
    assert farmer.balance == before + AUCTIONS


def test_f01_unregistered_collection_is_not_recorded_even_between_two_parties(
        project, chain, house, ledger, farmer, attacker):
    accomplice_farmer = project.WashTradeFarmer.deploy(house, ledger, sender=attacker)
    farmer.list(3, False, sender=attacker)
    ids = list(farmer.listed())
    accomplice_farmer.bid(ids, value=3, sender=attacker)
    receipt = _settle_all(chain, house, farmer, attacker)
    assert ledger.pointsOf(accomplice_farmer) == 0
    assert [e.reason for e in house.PurchaseRecordSkipped.from_receipt(receipt)] == [1, 1, 1]  # UnregisteredCollection


def test_f01_registered_collection_self_bid_is_not_recorded(chain, house, ledger, farmer, admin, attacker):
    house.setCollectionRegistered(farmer.junk(), True, sender=admin)
    farmer.list(1, True, value=1, sender=attacker)
    house.setMinRecordedPrice(1, sender=admin)
    receipt = _settle_all(chain, house, farmer, attacker)
    assert ledger.pointsOf(farmer) == 0
    assert house.PurchaseRecordSkipped.from_receipt(receipt)[0].reason == 2  # SelfPurchase


def test_f01_price_below_the_minimum_is_not_recorded(
        chain, house, ledger, registered_artworks, admin, alice, bob, artist):
    artworks = registered_artworks
    from tests.auction.auction_helpers import list_token, work

    assert house.minRecordedPrice() > 1, "a sensible nonzero default"
    house.setMinRecordedPrice(ETHER // 100, sender=admin)
    artworks.mint(alice, work(artist), sender=admin)
    cheap = list_token(house, artworks, 1, alice, reserve=ETHER // 100 - 1, duration=15 * 60)
    house.createBid(cheap, value=ETHER // 100 - 1, sender=bob)
    end_auction(chain, house, cheap)
    receipt = house.settle(cheap, sender=bob)
    assert ledger.pointsOf(bob) == 0
    assert house.PurchaseRecordSkipped.from_receipt(receipt)[0].reason == 3  # BelowMinimumPrice

    # The genuine sale, same registered collection, at the minimum: recorded as before.
    artworks.mint(alice, work(artist), sender=admin)
    fair = list_token(house, artworks, 2, alice, reserve=ETHER // 100, duration=15 * 60)
    house.createBid(fair, value=ETHER // 100, sender=bob)
    end_auction(chain, house, fair)
    receipt = house.settle(fair, sender=bob)
    assert ledger.pointsOf(bob) == PURCHASE_POINTS
    assert ledger.PurchaseRewarded.from_receipt(receipt)[0].buyer == bob.address


def test_f01_registration_is_admin_only_and_announced(house, admin, stranger, registered_artworks):
    artworks = registered_artworks
    assert house.registeredCollection(artworks)
    with ape.reverts(house.AccessControlUnauthorizedAccount):
        house.setCollectionRegistered(stranger, True, sender=stranger)
    with ape.reverts(house.AccessControlUnauthorizedAccount):
        house.setMinRecordedPrice(0, sender=stranger)
    receipt = house.setCollectionRegistered(artworks, False, sender=admin)
    event = house.CollectionRegistered.from_receipt(receipt)[0]
    assert (event.nft, bool(event.registered)) == (artworks.address, False)
    assert not house.registeredCollection(artworks)


def test_f01_purchase_points_are_capped_per_member_per_cst_day(chain, ledger, admin, bob):
    ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), admin, sender=admin)
    cap = ledger.purchaseDailyCap()
    assert 0 < cap < 10 * PURCHASE_POINTS, "a sensible default cap"
    ledger.setPurchaseDailyCap(150, sender=admin)
    awarded = [ledger.PurchaseRewarded.from_receipt(ledger.recordPurchase(bob, 0, 1, sender=admin))[0].points
               for _ in range(4)]
    assert awarded == [60, 60, 30, 0]
    assert ledger.pointsOf(bob) == 150
    assert ledger.totalIssued() == 150
    # A new CST day resets the allowance.
    chain.pending_timestamp = ((chain.pending_timestamp + 8 * 3600) // 86_400 + 1) * 86_400 - 8 * 3600 + 60
    ledger.recordPurchase(bob, 0, 1, sender=admin)
    assert ledger.pointsOf(bob) == 210
    with ape.reverts(ledger.AccessControlUnauthorizedAccount):
        ledger.setPurchaseDailyCap(1, sender=bob)
