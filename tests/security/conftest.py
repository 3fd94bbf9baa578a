"""Fixtures for the regression tests of the external security review (issue 17, findings F-01..F-10).

Every fixture deploys the real contracts on anvil; attackers are real contracts from
contracts/test/security/. Ape reverts the chain to a snapshot between tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from gaoling.fan.points import Rules, deploy_ledger, grant_recorder
from gaoling.voucher.stack import VOUCHER_PRICE, build

ETHER = 10**18
DAY = 86_400
FEE_BPS = 500
ZERO = "0x0000000000000000000000000000000000000000"
CRACKLE = 4
RULES = Rules()  # purchase: 50 flat + 10 per item; referral 100


@pytest.fixture(scope="session")
def treasury(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def artist(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def attacker(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def accomplice(accounts):
    return accounts[7]


@pytest.fixture(scope="module")
def ledger(project, admin):
    return deploy_ledger(project, admin, RULES)


@pytest.fixture(scope="module")
def house(project, admin, treasury, ledger):
    """An auction house charging 5% to `treasury`, reporting settled sales to `ledger`."""
    contract = project.GaolingAuctionHouse.deploy(admin, treasury, FEE_BPS, sender=admin)
    grant_recorder(ledger, contract, admin)
    contract.setPurchaseRecorder(ledger, sender=admin)
    return contract


@pytest.fixture(scope="module")
def artworks(project, admin, house):
    contract = project.GaolingArtworks.deploy("Gaoling Artworks", "GLA", admin, "ipfs://bafycollection", sender=admin)
    contract.setAuctionHouse(house, sender=admin)
    return contract


@pytest.fixture
def registered_artworks(house, artworks, admin):
    """F-01: the platform registers its own collection, so its auction wins earn points."""
    house.setCollectionRegistered(artworks, True, sender=admin)
    return artworks


def _address(value) -> str:
    return value.address if hasattr(value, "address") else str(value)


def edition_init(admin, payees, bps, policy=0, holding=0, royalty_receiver=None, royalty_bps=500, cap=10_000):
    """The `EditionInit` tuple of GaolingEdition."""
    return ("Security Edition", "SEC", cap, "ipfs://sec/", "ipfs://sec/contract.json",
            _address(royalty_receiver or admin), royalty_bps, [_address(p) for p in payees], bps, policy, holding,
            admin.address)


def open_public(edition, admin, chain, price=10**16):
    now = chain.pending_timestamp
    edition.setPhase(1, (price, now - 1, now + 365 * DAY, 0), sender=admin)


@pytest.fixture(scope="module")
def edition(project, admin, chain, artist):
    """A free-transfer edition, public phase open at 0.01 ether, 5% royalty to `artist`."""
    contract = admin.deploy(project.GaolingEdition, edition_init(admin, [admin], [10_000], royalty_receiver=artist))
    open_public(contract, admin, chain)
    return contract


@dataclass
class VoucherWorld:
    stack: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stack, name)


@pytest.fixture(scope="module")
def voucher_world(project, chain, accounts):
    """The full voucher stack of gaoling.voucher.stack (edition, ledger, coupons, certificate, vouchers)."""
    return VoucherWorld(build(project, chain, accounts))


def buy_voucher(world, holder) -> int:
    """`holder` gets a source token, a certificate and a crackle coupon, then buys a voucher."""
    token = world.source_token(holder)
    if not world.certificate.hasCertificate(holder.address):
        world.certify(holder)
    world.coupon(holder, CRACKLE)
    receipt = world.vouchers.buy(world.edition.address, token, value=VOUCHER_PRICE, sender=holder)
    return int(world.vouchers.VoucherBought.from_receipt(receipt)[0].tokenId)


def end_auction(chain, house, auction_id) -> None:
    chain.pending_timestamp = int(house.auction(auction_id).endTime)
    chain.mine()
