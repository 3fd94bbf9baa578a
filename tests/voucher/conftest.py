"""Fixtures for the voucher tests: a real edition as the source collection, the real points ledger,
glaze coupons and firing certificate, and the voucher contract wired to them."""

from __future__ import annotations

import itertools

import pytest

from gaoling import signing
from gaoling.fan import deploy_coupons, deploy_ledger, grant_recorder
from gaoling.quiz import Attester
from gaoling.quiz.certificate import deploy as deploy_certificate
from gaoling.voucher import ShippingDetails, ShippingStore, TrackingDetails, generate_key
from gaoling.voucher.client import UINT256_MAX, deploy_vouchers
from gaoling.voucher.store import parse_key

ETHER = 10**18
EDITION_PRICE = ETHER // 100
VOUCHER_PRICE = 3 * ETHER // 100 + 7  # odd on purpose: exercises rounding in the split
DAY = 86_400
TIMEOUT = 14 * DAY
TRANSPARENT, OPALESCENT, COLOUR, CRACKLE = 1, 2, 3, 4
CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
CID_V0 = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"

# Status numbers, as in GaolingVouchers.Status.
ISSUED, REQUESTED, IN_KILN, FIRED, FAILED, SHIPPED, DELIVERED, REFUNDED = range(8)

SHIPPING = ShippingDetails(recipient="王小明", phone="+86 138-0013-8000", country="CN", region="江西省",
                           city="景德镇市", district="珠山区", street="莲社北路 88 号 3 栋 201 室",
                           postal_code="333000")
TRACKING = TrackingDetails(carrier="SF Express", tracking_number="SF1234567890123")


@pytest.fixture(scope="session")
def issuer(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def museum(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def artist(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def staff(accounts):
    """Studio fulfilment staff: FULFILMENT_ROLE only."""
    return accounts[7]


@pytest.fixture(scope="session")
def payees(issuer, museum, artist):
    return [issuer, museum, artist]


@pytest.fixture
def edition(project, admin, artist, issuer, museum, chain):
    init = ("Jingdezhen Plates", "JDZP", 50, "ipfs://bafyplates/", "ipfs://bafyplates/contract.json",
            artist.address, 500, [issuer.address, museum.address, artist.address], [6000, 2500, 1500],
            0, 0, admin.address)
    edition = admin.deploy(project.GaolingEdition, init)
    now = chain.pending_timestamp
    edition.setPhase(1, (EDITION_PRICE, now - 1, now + 365 * DAY, 0), sender=admin)
    return edition


@pytest.fixture
def ledger(project, admin):
    ledger = deploy_ledger(project, admin)
    grant_recorder(ledger, admin, admin)  # lets tests award points directly
    return ledger


@pytest.fixture
def coupons(project, admin, ledger):
    return deploy_coupons(project, admin, ledger, base_uri="ipfs://bafyglazes/")


@pytest.fixture
def certificate(project, admin):
    return deploy_certificate(project, admin, admin.address, base_uri="ipfs://cert/")


@pytest.fixture
def certify(certificate, admin, chain):
    nonces = itertools.count(1)
    attester = Attester(admin, signing.Domain.of(certificate), nonce_source=lambda: next(nonces))

    def give(account):
        signed = attester.sign(account.address, 1, 100, chain.pending_timestamp)
        certificate.mint(signed.quiz_pass.as_tuple(), signed.signature_bytes(), sender=admin)

    return give


@pytest.fixture
def give_coupons(ledger, coupons, admin):
    def give(account, glaze_id=TRANSPARENT, amount=1):
        # Purchase points from the ledger's default rules (50 + 10 per item), then exchange.
        ledger.recordPurchase(account.address, 0, 100, sender=admin)
        coupons.exchange(glaze_id, amount, sender=account)

    return give


@pytest.fixture
def vouchers(project, admin, coupons, certificate, payees, edition, staff):
    vouchers = deploy_vouchers(project, admin, coupons=coupons, certificate=certificate, payees=payees,
                               payee_bps=[6000, 2500, 1500], delivery_timeout=TIMEOUT,
                               image_base="ipfs://bafystatus/")
    vouchers.grantRole(vouchers.FULFILMENT_ROLE(), staff, sender=admin)
    vouchers.addRange(edition, 0, UINT256_MAX, VOUCHER_PRICE, 1, sender=admin)
    return vouchers


@pytest.fixture
def collector(alice, edition, certify, give_coupons):
    """Alice: owns edition tokens 1 and 2, holds a certificate and two transparent-glaze coupons."""
    edition.mintPublic(2, value=2 * EDITION_PRICE, sender=alice)
    certify(alice)
    give_coupons(alice, TRANSPARENT, 2)
    return alice


@pytest.fixture
def bought(vouchers, collector, edition):
    """Voucher 1, bought by alice for edition token 1."""
    vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    return 1


@pytest.fixture
def commitment():
    return b"\x5a" * 32


@pytest.fixture
def redeemed(vouchers, bought, collector, commitment):
    vouchers.redeem(bought, TRANSPARENT, commitment, sender=collector)
    return bought


@pytest.fixture
def store(tmp_path):
    with ShippingStore(tmp_path / "shipping.sqlite3", key=parse_key(generate_key())) as s:
        yield s


def advance_to(vouchers, voucher_id, status, staff, holder, chain=None):
    """Moves a Requested voucher forward along the happy path (or to Failed/Refunded)."""
    path = {
        IN_KILN: [lambda: vouchers.startFiring(voucher_id, 7, sender=staff)],
        FIRED: [lambda: vouchers.startFiring(voucher_id, 7, sender=staff),
                lambda: vouchers.markFired(voucher_id, CID, sender=staff)],
        FAILED: [lambda: vouchers.startFiring(voucher_id, 7, sender=staff),
                 lambda: vouchers.markFailed(voucher_id, "crack in the foot ring", sender=staff)],
        SHIPPED: [lambda: vouchers.startFiring(voucher_id, 7, sender=staff),
                  lambda: vouchers.markFired(voucher_id, CID, sender=staff),
                  lambda: vouchers.markShipped(voucher_id, b"\x77" * 32, sender=staff)],
        DELIVERED: [lambda: vouchers.startFiring(voucher_id, 7, sender=staff),
                    lambda: vouchers.markFired(voucher_id, CID, sender=staff),
                    lambda: vouchers.markShipped(voucher_id, b"\x77" * 32, sender=staff),
                    lambda: vouchers.confirmDelivery(voucher_id, sender=holder)],
        REFUNDED: [lambda: vouchers.startFiring(voucher_id, 7, sender=staff),
                   lambda: vouchers.markFailed(voucher_id, "crack in the foot ring", sender=staff),
                   lambda: vouchers.refund(voucher_id, sender=staff)],
    }
    for step in path.get(status, []):
        step()
    assert vouchers.statusOf(voucher_id) == status


def conserved(vouchers, payees):
    """What the contract owes equals what it holds, exactly."""
    owed = vouchers.reservedForPieces() + vouchers.refundsOwed() + sum(vouchers.releasable(p) for p in payees)
    return vouchers.balance == owed
