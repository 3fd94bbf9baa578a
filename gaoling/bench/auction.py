"""Gas of the auction house's hot paths, as total transaction gas (receipt.gas_used) on anvil.

Scenario: a 1/1 artwork by an artist with a 10% royalty, owned by a collector who lists it;
the house charges a 5% fee. `auction.outbid` includes the gas-capped refund push to the
previous bidder; `auction.settle` includes the royalty lookup, royalty, fee and seller
payments and the token transfer to a winner who held no token of the collection before.
"""

from __future__ import annotations

import hashlib
from typing import Any

ETHER = 10**18
DAY = 24 * 3600


def measure(ctx: Any) -> dict[str, int]:
    """Deploys fresh contracts and returns {key: gas_used} for auction.create, auction.first_bid,
    auction.outbid and auction.settle."""
    project, accounts, chain = ctx.project, ctx.accounts, ctx.chain
    admin, seller, bidder1, bidder2, treasury, artist = (accounts[i] for i in range(6))

    house = project.GaolingAuctionHouse.deploy(admin, treasury, 500, sender=admin)
    artworks = project.GaolingArtworks.deploy("Gaoling Artworks", "GLA", admin, "ipfs://bench", sender=admin)
    digest = hashlib.sha256(b"gaoling bench master file").digest()
    tx = artworks.mint(seller, (artist.address, 1_000, digest, "bafybench"), sender=admin)
    token_id = tx.events.filter(artworks.ArtworkRegistered)[0].tokenId
    artworks.approve(house, token_id, sender=seller)

    create = house.createAuction(artworks, token_id, ETHER, DAY, sender=seller)
    auction_id = create.events.filter(house.AuctionCreated)[0].auctionId
    first_bid = house.createBid(auction_id, value=ETHER, sender=bidder1)
    outbid = house.createBid(auction_id, value=2 * ETHER, sender=bidder2)

    chain.pending_timestamp = house.auction(auction_id).endTime
    chain.mine()
    settle = house.settle(auction_id, sender=seller)

    gas = {
        "auction.create": create.gas_used,
        "auction.first_bid": first_bid.gas_used,
        "auction.outbid": outbid.gas_used,
        "auction.settle": settle.gas_used,
    }
    gas["auction.settle_with_points"] = _settle_with_points(ctx, house, artworks, artist)
    return gas


def _settle_with_points(ctx: Any, house: Any, artworks: Any, artist: Any) -> int:
    """Settle of the same sale with the points ledger wired in (and, from the security review on,
    the artworks collection registered), so the sale is recorded: the cost of the F-01 checks."""
    from gaoling.fan.points import deploy_ledger, grant_recorder

    admin, seller, bidder, chain = ctx.accounts[0], ctx.accounts[1], ctx.accounts[3], ctx.chain
    ledger = deploy_ledger(ctx.project, admin)
    grant_recorder(ledger, house, admin)
    house.setPurchaseRecorder(ledger, sender=admin)
    if hasattr(house, "setCollectionRegistered"):
        house.setCollectionRegistered(artworks, True, sender=admin)
    digest = hashlib.sha256(b"gaoling bench master file 2").digest()
    tx = artworks.mint(seller, (artist.address, 1_000, digest, "bafybench2"), sender=admin)
    token_id = tx.events.filter(artworks.ArtworkRegistered)[0].tokenId
    artworks.approve(house, token_id, sender=seller)
    auction_id = house.createAuction(artworks, token_id, ETHER, DAY, sender=seller).events.filter(
        house.AuctionCreated)[0].auctionId
    house.createBid(auction_id, value=ETHER, sender=bidder)
    chain.pending_timestamp = house.auction(auction_id).endTime
    chain.mine()
    receipt = house.settle(auction_id, sender=seller)
    assert ledger.PurchaseRewarded.from_receipt(receipt), "the bench sale must be recorded"
    return receipt.gas_used
