"""Operations on a fork of a deployed platform with live state; the upstream stays untouched."""

from __future__ import annotations

import ape
import pytest

from gaoling.deploy.plan import Role
from tests.fork.chains import connected

ETHER = 10**18


def test_settle_live_auction_on_fork(project, accounts, upstream, fork):
    house = project.GaolingAuctionHouse.at(upstream.contracts["auction"])
    artworks = project.GaolingArtworks.at(upstream.contracts["artworks"])
    end = house.auction(upstream.auction_id).endTime
    fork.make_request("evm_setNextBlockTimestamp", [int(end) + 1])
    seller, treasury = accounts[9], accounts[3]
    before_seller, before_treasury = seller.balance, treasury.balance
    tx = house.settle(upstream.auction_id, sender=accounts[5])
    winner = accounts[4]
    assert artworks.ownerOf(upstream.token_id) == winner.address
    fee = upstream.top_bid * 500 // 10_000
    royalty = upstream.top_bid * 800 // 10_000
    assert treasury.balance - before_treasury == fee
    assert seller.balance - before_seller == upstream.top_bid - fee - royalty
    settled = [e for e in tx.events if e.event_name == "AuctionSettled"]
    assert len(settled) == 1 and settled[0].auctionId == upstream.auction_id


def test_rotate_roles_by_impersonating_admin(project, accounts, upstream, fork):
    house = project.GaolingAuctionHouse.at(upstream.contracts["auction"])
    admin = accounts[upstream.admin]
    new_admin = accounts[7].address
    admin_role = Role("DEFAULT_ADMIN_ROLE").id
    fork.make_request("anvil_impersonateAccount", [upstream.admin])
    house.grantRole(admin_role, new_admin, sender=admin)
    house.renounceRole(admin_role, upstream.admin, sender=admin)
    assert house.hasRole(admin_role, new_admin) and not house.hasRole(admin_role, upstream.admin)
    assert not house.hasRole(admin_role, accounts[0].address)  # the deployer kept nothing


def test_pause_freezes_no_funds(project, accounts, upstream, fork):
    house = project.GaolingAuctionHouse.at(upstream.contracts["auction"])
    admin = accounts[upstream.admin]
    house.pause(sender=admin)
    with ape.reverts():
        house.createBid(upstream.auction_id, sender=accounts[5], value=5 * ETHER)
    end = house.auction(upstream.auction_id).endTime
    fork.make_request("evm_setNextBlockTimestamp", [int(end) + 1])
    # A pause stops the auction's clock (security review, docs/security.md): nobody can be outbid
    # while bids are refused, so it cannot be settled until the clock runs again.
    with ape.reverts(house.GaolingAuctionHouseClockPaused, auctionId=upstream.auction_id):
        house.settle(upstream.auction_id, sender=accounts[5])
    house.unpause(sender=admin)
    assert not house.paused()
    fork.make_request("evm_setNextBlockTimestamp", [int(house.effectiveEndTime(upstream.auction_id)) + 1])
    winner, treasury = accounts[4], accounts[3]
    before = treasury.balance
    house.settle(upstream.auction_id, sender=accounts[5])  # nothing was frozen: it settles and pays
    assert project.GaolingArtworks.at(upstream.contracts["artworks"]).ownerOf(upstream.token_id) == winner.address
    assert treasury.balance - before == upstream.top_bid * 500 // 10_000


def test_live_edition_sale_continues_on_fork(project, accounts, upstream, fork):
    edition = project.GaolingEdition.at(upstream.edition)
    ledger = project.PointsLedger.at(upstream.contracts["points"])
    assert upstream.edition_minted == 2 and upstream.buyer_points > 0
    price = edition.phase(1).price
    tx = edition.mintPublic(1, value=price, sender=accounts[5])
    purchased = tx.decode_logs(edition.Purchased)[0]
    assert purchased.firstTokenId == upstream.edition_minted + 1 and purchased.paid == price
    assert fork.get_balance(edition.address) == upstream.edition_balance + price
    assert ledger.pointsOf(accounts[5].address) > 0  # the live points hook still fires


def test_open_new_drop_on_existing_platform(project, accounts, upstream, fork):
    from gaoling.collection import load_collection_config
    from tests.deploy.helpers import PLATFORM

    admin = accounts[upstream.admin]
    ledger = project.PointsLedger.at(upstream.contracts["points"])
    config = load_collection_config(PLATFORM.parent / "collections" / "jingdezhen-blue-and-white.yaml")
    init = list(config.edition_init(upstream.admin))
    init[0], init[1] = "Jingdezhen Famille Rose", "JDZFR"
    drop = admin.deploy(project.GaolingEdition, tuple(init))
    ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), drop, sender=admin)
    drop.setPointsLedger(ledger, sender=admin)
    now = fork.get_block("latest").timestamp
    drop.setPhase(1, (ETHER // 50, now, now + 86_400, 3), sender=admin)
    buyer = accounts[6]
    before = ledger.pointsOf(buyer.address)
    tx = drop.mintPublic(3, value=3 * ETHER // 50, sender=buyer)
    assert drop.balanceOf(buyer) == 3 and drop.symbol() == "JDZFR"
    assert ledger.pointsOf(buyer.address) > before
    assert len(tx.decode_logs(drop.Purchased)) == 1
    with ape.reverts(drop.EditionWalletLimitExceeded):
        drop.mintPublic(1, value=ETHER // 50, sender=buyer)


def test_advance_live_voucher_to_delivered(project, accounts, upstream, fork):
    vouchers = project.GaolingVouchers.at(upstream.contracts["vouchers"])
    admin, buyer = accounts[upstream.admin], accounts[upstream.buyer]
    assert vouchers.statusName(vouchers.statusOf(upstream.voucher_id)) == "in-kiln"
    assert vouchers.reserved().prices == upstream.voucher_price  # the price waits until delivery
    fired = vouchers.markFired(upstream.voucher_id, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
                               sender=admin)
    assert len(fired.decode_logs(vouchers.PieceFired)) == 1
    vouchers.markShipped(upstream.voucher_id, b"\x42" * 32, sender=admin)
    delivered = vouchers.confirmDelivery(upstream.voucher_id, sender=buyer)
    assert delivered.decode_logs(vouchers.PieceDelivered)[0].tokenId == upstream.voucher_id
    assert vouchers.statusName(vouchers.statusOf(upstream.voucher_id)) == "delivered"
    assert vouchers.reserved().prices == 0
    studio = accounts[4]  # the voucher payee in metadata/platform.yaml
    assert vouchers.releasable(studio) == upstream.voucher_price
    before = studio.balance
    vouchers.release(studio, sender=buyer)
    assert studio.balance - before == upstream.voucher_price
    assert fork.get_balance(vouchers.address) == upstream.vouchers_balance - upstream.voucher_price


def test_upstream_left_untouched(project, accounts, upstream):
    with connected(upstream.url) as provider:
        assert provider.get_block("latest").number == upstream.block
        house = project.GaolingAuctionHouse.at(upstream.contracts["auction"])
        assert provider.get_balance(house.address) == upstream.house_balance
        assert house.auction(upstream.auction_id).amount == upstream.top_bid
        assert not house.paused()
        edition = project.GaolingEdition.at(upstream.edition)
        assert edition.totalMinted() == upstream.edition_minted
        assert provider.get_balance(edition.address) == upstream.edition_balance
        ledger = project.PointsLedger.at(upstream.contracts["points"])
        assert ledger.pointsOf(upstream.buyer) == upstream.buyer_points
        vouchers = project.GaolingVouchers.at(upstream.contracts["vouchers"])
        assert vouchers.statusName(vouchers.statusOf(upstream.voucher_id)) == "in-kiln"
        assert provider.get_balance(vouchers.address) == upstream.vouchers_balance
