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
    winner, treasury = accounts[4], accounts[3]
    before = treasury.balance
    house.settle(upstream.auction_id, sender=accounts[5])  # settlement works while paused
    assert project.GaolingArtworks.at(upstream.contracts["artworks"]).ownerOf(upstream.token_id) == winner.address
    assert treasury.balance - before == upstream.top_bid * 500 // 10_000
    house.unpause(sender=admin)
    assert not house.paused()


def test_upstream_left_untouched(project, accounts, upstream):
    with connected(upstream.url) as provider:
        assert provider.get_block("latest").number == upstream.block
        house = project.GaolingAuctionHouse.at(upstream.contracts["auction"])
        assert provider.get_balance(house.address) == upstream.house_balance
        assert house.auction(upstream.auction_id).amount == upstream.top_bid
        assert not house.paused()


def test_real_network_deployment(project):
    import os

    if not (os.environ.get("GAOLING_FORK_URL") and os.environ.get("GAOLING_DEPLOYMENT")):
        pytest.skip("set GAOLING_FORK_URL (an RPC URL) and GAOLING_DEPLOYMENT (a deployments/<chainId>.json) "
                    "to run these checks against a real network's deployment")
