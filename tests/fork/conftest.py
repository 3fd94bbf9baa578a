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
    voucher_id: int = 0
    voucher_price: int = 0
    vouchers_balance: int = 0


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
            # Live state 2: a voucher in the kiln. The buyer passed the quiz, holds a crackle coupon,
            # bought the right for its token #1 and redeemed it; the studio loaded kiln batch 1.
            voucher_id, voucher_price = _voucher_in_kiln(project, accounts, c, buyer, admin, edition, ledger)
            # Live state 3: a unique work in a running auction with two bids.
            artworks = project.GaolingArtworks.at(c["artworks"])
            house = project.GaolingAuctionHouse.at(c["auction"])
            spec = ArtworkSpec.build(artist=accounts[6].address, royalty_bps=800, content_hash=b"\x11" * 32,
                                     cid="bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
            minted = mint_to_auction(artworks, house, spec, seller.address, ETHER, 3600, admin)
            now = provider.get_block("latest").timestamp + 1
            auc.bid(house, minted.auction_id, ETHER, bidder_a, now)
            auc.bid(house, minted.auction_id, 2 * ETHER, bidder_b, now + 1)
            block = provider.get_block("latest").number
            state = Upstream(url, block, dict(c), admin.address, minted.auction_id, minted.token_id, 2 * ETHER,
                             provider.get_balance(house.address), edition=c[EDITION],
                             edition_minted=int(edition.totalMinted()),
                             edition_balance=provider.get_balance(edition.address), buyer=buyer.address,
                             buyer_points=int(ledger.pointsOf(buyer.address)), voucher_id=voucher_id,
                             voucher_price=voucher_price,
                             vouchers_balance=provider.get_balance(c["vouchers"]))
        # Disconnected before yielding: a session-long provider context under every later test's own
        # connections confuses Ape's provider stack (KeyError on the next switch in another module).
        yield state
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


SHIPPING = {"name": "陈青花", "phone": "+86 138 0000 0000", "address": "珠山区莲社北路 1 号", "city": "景德镇"}
CRACKLE = 4


def _voucher_in_kiln(project, accounts, contracts, buyer, admin, edition, ledger) -> tuple[int, int]:
    from gaoling import signing
    from gaoling.quiz.attestation import Attester
    from gaoling.quiz.certificate import submit
    from gaoling.voucher.shipping import commit

    certificate = project.FiringCertificate.at(contracts["certificate"])
    coupons = project.GlazeCoupons.at(contracts["coupons"])
    vouchers = project.GaolingVouchers.at(contracts["vouchers"])
    attester = accounts[8]  # metadata/platform.yaml names test account 8 the quiz attester
    now = int(accounts[0].provider.get_block("latest").timestamp)
    signed = Attester(attester, signing.Domain.of(certificate), nonce_source=lambda: 1).sign(buyer.address, 1, 90, now)
    submit(certificate, signed, accounts[0], check=False)
    # Points for a coupon: the admin records an in-store purchase, as a studio's till would.
    ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), admin, sender=admin)
    ledger.recordPurchase(buyer.address, 0, 100, sender=admin)
    coupons.exchange(CRACKLE, 1, sender=buyer)
    price = int(vouchers.ranges(edition.address)[0].price)
    receipt = vouchers.buy(edition.address, 1, value=price, sender=buyer)
    voucher_id = int(vouchers.VoucherBought.from_receipt(receipt)[0].tokenId)
    vouchers.redeem(voucher_id, CRACKLE, commit(SHIPPING, b"\x07" * 32), sender=buyer)
    vouchers.putInKiln(voucher_id, 1, sender=admin)
    return voucher_id, price
