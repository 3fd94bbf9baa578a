"""Fixtures for the artwork registry and the auction house.

`house` charges a 5% platform fee to `treasury`; `artworks` is wired to `house` for
`mintToAuction`. `artwork_token` is a work by `artist` (10% royalty) owned by `alice`.
"""

from __future__ import annotations

import pytest
from tests.auction.auction_helpers import DAY, ETHER, FEE_BPS, work


@pytest.fixture(scope="session")
def treasury(accounts):
    """Receives the platform fee."""
    return accounts[4]


@pytest.fixture(scope="session")
def artist(accounts):
    return accounts[5]


@pytest.fixture
def house(project, admin, treasury):
    return project.GaolingAuctionHouse.deploy(admin, treasury, FEE_BPS, sender=admin)


@pytest.fixture
def artworks(project, admin, house):
    contract = project.GaolingArtworks.deploy("Gaoling Artworks", "GLA", admin, "ipfs://bafycollection", sender=admin)
    contract.setAuctionHouse(house, sender=admin)
    return contract


@pytest.fixture
def artwork_token(artworks, admin, alice, artist):
    """Token 1: by `artist` (10% royalty), owned by `alice`, house approved for it."""
    artworks.mint(alice, work(artist), sender=admin)
    artworks.approve(artworks.auctionHouse(), 1, sender=alice)
    return 1


@pytest.fixture
def foreign(project, admin):
    """A foreign collection without ERC-2981."""
    return project.TestForeignCollection.deploy(sender=admin)


@pytest.fixture
def hostile(project, admin, artist):
    """A collection whose royaltyInfo can misbehave; honest mode asks 5% for `artist`."""
    return project.TestHostileRoyaltyCollection.deploy(artist, 500, sender=admin)


@pytest.fixture
def listed(house, artworks, artwork_token, alice):
    """Auction 1: alice sells the artwork, reserve 1 ether, 1 day."""
    house.createAuction(artworks, artwork_token, ETHER, DAY, sender=alice)
    return 1

