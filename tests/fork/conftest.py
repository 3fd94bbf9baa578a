"""Fork fixtures: an upstream chain deployed as production, with live state, and a fork of it."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from gaoling.deploy import deploy_platform
from tests.deploy.helpers import PLATFORM
from tests.fork.chains import connected, start_anvil, stop

ETHER = 10**18
EDITION = "edition:jingdezhen-blue-and-white"


@dataclass
class Upstream:
    url: str
    block: int
    contracts: dict[str, str]
    admin: str
    auction_id: int
    token_id: int
    top_bid: int
    house_balance: int
    edition: str = ""
    edition_minted: int = 0
    edition_balance: int = 0
    buyer: str = ""
    buyer_points: int = 0


@pytest.fixture(scope="session")
def upstream(project, accounts, tmp_path_factory):
    if os.environ.get("GAOLING_FORK_URL"):
        pytest.skip("GAOLING_FORK_URL is set: the real-network cases use that deployment instead")
    from gaoling.artwork import ArtworkSpec, mint_to_auction
    from gaoling import auction as auc

    proc, url = start_anvil()
    try:
        out = tmp_path_factory.mktemp("deployments")
        os.environ["GAOLING_IPFS_STORE"] = str(out / "ipfs")
        deployer, admin, bidder_a, bidder_b, seller = (accounts[i] for i in (0, 1, 2, 4, 9))
        with connected(url) as provider:
            outcome = deploy_platform(PLATFORM, project=project, provider=provider, deployer=deployer,
                                      out_dir=out, admin=admin.address, export_verify=False)
            c = outcome.manifest.contracts
            # Live state 1: the edition's public sale is open and has sold, and buyers hold points.
            edition = project.GaolingEdition.at(c[EDITION])
            ledger = project.PointsLedger.at(c["points"])
            public = edition.phase(1)
            provider.make_request("evm_setNextBlockTimestamp", [int(public.start)])
            buyer = accounts[2]
            edition.mintPublic(2, value=2 * public.price, sender=buyer)
            # Live state 2: a unique work in a running auction with two bids.
            artworks = project.GaolingArtworks.at(c["artworks"])
            house = project.GaolingAuctionHouse.at(c["auction"])
            spec = ArtworkSpec.build(artist=accounts[6].address, royalty_bps=800, content_hash=b"\x11" * 32,
                                     cid="bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
            minted = mint_to_auction(artworks, house, spec, seller.address, ETHER, 3600, admin)
            now = provider.get_block("latest").timestamp + 1
            auc.bid(house, minted.auction_id, ETHER, bidder_a, now)
            auc.bid(house, minted.auction_id, 2 * ETHER, bidder_b, now + 1)
            block = provider.get_block("latest").number
            yield Upstream(url, block, dict(c), admin.address, minted.auction_id, minted.token_id, 2 * ETHER,
                           provider.get_balance(house.address), edition=c[EDITION],
                           edition_minted=int(edition.totalMinted()),
                           edition_balance=provider.get_balance(edition.address), buyer=buyer.address,
                           buyer_points=int(ledger.pointsOf(buyer.address)))
    finally:
        stop(proc)


@pytest.fixture
def fork(upstream):
    """A fresh fork of the upstream at the recorded block, with Ape connected to it."""
    proc, url = start_anvil("--fork-url", upstream.url, "--fork-block-number", str(upstream.block))
    try:
        with connected(url) as provider:
            yield provider
    finally:
        stop(proc)
