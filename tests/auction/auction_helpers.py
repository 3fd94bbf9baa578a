"""Helpers shared by the auction tests (imported by name; the test directory is on sys.path)."""

from __future__ import annotations

import hashlib
import itertools

FEE_BPS = 500
ROYALTY_BPS = 1_000
DAY = 24 * 3600
ETHER = 10**18

_hash_counter = itertools.count(1)


def content_hash(label: str | None = None) -> bytes:
    """A fresh sha256 digest, as the registry expects for a master file."""
    return hashlib.sha256((label or f"master-{next(_hash_counter)}").encode()).digest()


def work(artist, royalty_bps: int = ROYALTY_BPS, digest: bytes | None = None, cid: str = "bafywork") -> tuple:
    """An `Artwork` struct argument."""
    return (artist.address if hasattr(artist, "address") else artist, royalty_bps, digest or content_hash(), cid)


def list_token(house, nft, token_id, seller, reserve=ETHER, duration=DAY) -> int:
    """Approves and lists; returns the auction id."""
    nft.approve(house, token_id, sender=seller)
    tx = house.createAuction(nft, token_id, reserve, duration, sender=seller)
    return tx.events.filter(house.AuctionCreated)[0].auctionId


def end_auction(chain, house, auction_id) -> None:
    """Moves the chain to the auction's end."""
    chain.pending_timestamp = house.auction(auction_id).endTime
    chain.mine()
