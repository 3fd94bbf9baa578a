"""Demo: a unique work sold at auction, then resold, paying its artist both times.

`run(ctx)` expects `ctx.project`, `ctx.accounts` (funded test accounts) and `ctx.chain` on a
running local chain (it moves the chain's clock). It deploys a fresh auction house and artworks
collection, and returns (what happened, details) rows:

1. the curator registers a master file's sha256 and mints the work straight into an auction
   for the studio (artist royalty 8%, platform fee 5%);
2. collector A bids the reserve, collector B outbids (A is refunded at once);
3. in the last minute A bids again, which pushes the end out (anti-sniping);
4. anyone settles: A gets the work, the artist, the platform and the studio are paid;
5. A resells in a secondary auction; C wins; the artist is paid a royalty again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from gaoling import auction as auc
from gaoling.artwork import ArtworkSpec, mint_to_auction

ETHER = 10**18
HOUR = 3600
MASTER = b"Gaoling demo: celadon moon vase, master scan v1"
METADATA_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"


def run(ctx: Any) -> list[tuple[str, str]]:
    """Runs the story; returns summary rows."""
    project, accounts, chain = ctx.project, ctx.accounts, ctx.chain
    curator, studio, collector_a, collector_b, treasury, artist, collector_c = (accounts[i] for i in range(7))
    rows: list[tuple[str, str]] = []

    house, artworks = getattr(ctx, "auction_house", None), getattr(ctx, "artworks", None)
    if house is None or artworks is None:  # without the deploy part, deploy and wire them here
        house = project.GaolingAuctionHouse.deploy(curator, treasury, 500, sender=curator)
        artworks = project.GaolingArtworks.deploy("Gaoling Artworks", "GLA", curator, "ipfs://" + METADATA_CID,
                                                  sender=curator)
        artworks.setAuctionHouse(house, sender=curator)
        ledger = getattr(ctx, "ledger", None)
        if ledger is not None:  # winners earn purchase points, reported by the house at settlement
            ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), house, sender=accounts[0])
            house.setPurchaseRecorder(ledger, sender=curator)
    ctx.auction_house, ctx.artworks = house, artworks

    # The catalogue's first 1/1 work, as the deploy published it (its own section: never an edition token).
    work_cid = getattr(ctx, "work_cid", METADATA_CID)
    spec = ArtworkSpec.build(
        artist=artist.address, royalty_bps=800, content_hash=hashlib.sha256(MASTER).digest(), cid=work_cid
    )
    minted = mint_to_auction(artworks, house, spec, studio.address, ETHER, 24 * HOUR, curator)
    first = minted.auction_id
    rows.append(("work registered", f"token #{minted.token_id}, sha256 0x{minted.content_hash.hex()[:16]}..."))
    if hasattr(ctx, "work_cid"):
        from gaoling.demo.deploy import _read

        uri = artworks.tokenURI(minted.token_id)
        rows.append(("1/1 work's metadata resolves", f"{uri} -> {_read(uri)['name']}"))
    rows.append(("primary auction", f"#{first} for the studio, reserve 1 ETH, 24 h from the first bid"))

    now = lambda: chain.pending_timestamp  # noqa: E731
    auc.bid(house, first, ETHER, collector_a, now())
    before_a = collector_a.balance
    auc.bid(house, first, 2 * ETHER, collector_b, now())
    rows.append(("outbid", f"B bids 2 ETH; A refunded {auc.format_wei(collector_a.balance - before_a)} at once"))

    end = house.auction(first).endTime
    chain.pending_timestamp = end - 60
    auc.bid(house, first, 3 * ETHER, collector_a, now())
    new_end = house.auction(first).endTime
    rows.append(("late bid", f"A bids 3 ETH 60 s before the end; the end moves out by {new_end - end} s"))

    chain.pending_timestamp = new_end
    result = auc.settle(house, first, collector_c, now())
    rows += [(f"primary: {k}", v) for k, v in result.rows()]
    _record_payments(ctx, "primary auction", result)

    second = auc.create(house, artworks, minted.token_id, 2 * ETHER, HOUR, collector_a, approve=True)
    auc.bid(house, second, 5 * ETHER, collector_c, now())
    chain.pending_timestamp = house.auction(second).endTime
    before_artist = artist.balance
    resale = auc.settle(house, second, studio, now())
    rows += [(f"resale: {k}", v) for k, v in resale.rows()]
    _record_payments(ctx, "resale auction", resale)
    rows.append(("artist paid again", f"{auc.format_wei(artist.balance - before_artist)} on the resale"))
    return rows


def _record_payments(ctx: Any, what: str, settlement: Any) -> None:
    if not hasattr(ctx, "paid") or not settlement.delivered:
        return
    ctx.paid(f"artist {settlement.royalty_receiver[:10]}…", f"{what}: royalty", settlement.royalty)
    ctx.paid(f"platform {settlement.fee_recipient[:10]}…", f"{what}: service fee", settlement.fee)
    ctx.paid(f"seller {settlement.seller[:10]}…", f"{what}: proceeds", settlement.seller_proceeds)
