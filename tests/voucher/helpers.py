"""Builders shared by the voucher tests: a whole world (edition, points ledger, coupons,
certificate, vouchers) on the local chain, and small actions on it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from gaoling.fan import Rules, deploy_coupons, deploy_ledger, grant_recorder
from gaoling.quiz import Attester
from gaoling.quiz.certificate import deploy as deploy_certificate
from gaoling.quiz.certificate import submit
from gaoling import signing
from gaoling.voucher import chain as vchain

ETHER = 10**18
EDITION_PRICE = ETHER // 100
VOUCHER_PRICE = ETHER // 10
DAY = 86_400
TRANSPARENT, OPALESCENT, COLOUR, CRACKLE = 1, 2, 3, 4
RANGE_FROM, RANGE_TO = 1, 20
ZERO = "0x" + "00" * 20

# Status numbers, as the contract's enum.
ISSUED, REQUESTED, IN_KILN, FIRED, SHIPPED, DELIVERED, FAILED, REFUNDED = range(8)

_nonces = itertools.count(1)


@dataclass
class World:
    project: Any
    chain: Any
    admin: Any
    issuer: Any
    museum: Any
    fulfil: Any
    signer: Any
    attester: Any
    edition: Any
    ledger: Any
    coupons: Any
    certificate: Any
    vouchers: Any
    extra: dict = field(default_factory=dict)

    # ------------------------------------------------------------ setup actions

    def certify(self, who: Any) -> None:
        """Mints a firing certificate to `who` from a signed quiz pass, as the quiz flow does."""
        attester = Attester(self.attester, signing.Domain.of(self.certificate), nonce_source=lambda: next(_nonces))
        signed = attester.sign(str(who.address), 1, 9, int(self.chain.pending_timestamp))
        submit(self.certificate, signed, self.admin, check=False)

    def give_coupon(self, who: Any, glaze_id: int = CRACKLE, amount: int = 1) -> None:
        """Earns points through recorded purchases, then exchanges them for `amount` coupons."""
        self.ledger.recordPurchase(who.address, 0, 100, sender=self.admin)
        self.coupons.exchange(glaze_id, amount, sender=who)

    def mint_source(self, who: Any, quantity: int = 1) -> list[int]:
        """Buys `quantity` edition tokens for `who`; returns their ids."""
        first = int(self.edition.totalMinted()) + 1
        batch = int(self.edition.maxMintQuantity())  # each call is bounded (security review F-07)
        for done in range(0, quantity, batch):
            part = min(batch, quantity - done)
            self.edition.mintPublic(part, value=part * EDITION_PRICE, sender=who)
        return list(range(first, first + quantity))

    def collector(self, who: Any, coupons: int = 1, glaze_id: int = CRACKLE) -> int:
        """`who` owns a fresh edition token, holds a certificate and `coupons` coupons; returns the token id."""
        token = self.mint_source(who)[0]
        if not self.certificate.hasCertificate(who.address):
            self.certify(who)
        if coupons:
            self.give_coupon(who, glaze_id, coupons)
        return token

    # ------------------------------------------------------------ voucher actions

    def buy(self, who: Any, token_id: int, value: int = VOUCHER_PRICE) -> int:
        receipt = self.vouchers.buy(self.edition.address, token_id, value=value, sender=who)
        return int(self.vouchers.VoucherBought.from_receipt(receipt)[0].tokenId)

    def order(self, buyer: Any, token_id: int, *, signer: Any = None, expiry: int | None = None,
              nonce: int | None = None, collection: Any = None, contract: Any = None) -> vchain.SignedOrder:
        expiry = int(self.chain.pending_timestamp) + 3600 if expiry is None else expiry
        return vchain.sign_order(signer or self.signer, contract or self.vouchers, buyer,
                                 collection or self.edition, token_id, expiry=expiry,
                                 nonce=next(_nonces) if nonce is None else nonce)

    def redeem(self, who: Any, voucher_id: int, glaze_id: int = CRACKLE, commitment: bytes = b"\x11" * 32) -> Any:
        return self.vouchers.redeem(voucher_id, glaze_id, commitment, sender=who)

    def to_shipped(self, voucher_id: int, batch: int = 7) -> None:
        self.vouchers.putInKiln(voucher_id, batch, sender=self.fulfil)
        self.vouchers.markFired(voucher_id, "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
                                sender=self.fulfil)
        self.vouchers.markShipped(voucher_id, b"\x22" * 32, sender=self.fulfil)

    def to_failed(self, voucher_id: int, batch: int = 7) -> None:
        self.vouchers.putInKiln(voucher_id, batch, sender=self.fulfil)
        self.vouchers.markFailed(voucher_id, "glaze crawled", sender=self.fulfil)

    # ------------------------------------------------------------ money

    def split_pending(self) -> int:
        """Revenue visible to the split (credited or not), i.e. balance minus reserved."""
        prices, refunds = self.vouchers.reserved()
        return self.balance() - int(prices) - int(refunds)

    def balance(self) -> int:
        return int(self.chain.provider.get_balance(self.vouchers.address))

    def assert_conserved(self, delivered_wei: int, released_wei: int = 0) -> None:
        """balance == reserved prices + unclaimed refunds + (revenue not yet released)."""
        prices, refunds = (int(x) for x in self.vouchers.reserved())
        payees, _ = self.vouchers.payees()
        owed = sum(int(self.vouchers.releasable(p)) for p in payees)
        assert self.balance() == prices + refunds + owed
        assert int(self.vouchers.totalReceived()) == delivered_wei
        assert int(self.vouchers.totalReleased()) == released_wei


def build_world(project: Any, chain: Any, accounts: Any) -> World:
    admin, issuer, museum = accounts[0], accounts[4], accounts[5]
    fulfil, signer, attester = accounts[6], accounts[7], accounts[8]
    edition_init = ("Jingdezhen Plates", "JDZP", 50, "ipfs://plates/", "ipfs://plates/contract.json",
                    museum.address, 500, [issuer.address], [10_000], 0, 0, admin.address)
    edition = admin.deploy(project.GaolingEdition, edition_init)
    now = int(chain.pending_timestamp)
    edition.setPhase(1, (EDITION_PRICE, now - 1, now + 3650 * DAY, 0), sender=admin)
    ledger = deploy_ledger(project, admin, Rules(purchase_flat=1000, purchase_per_item=10))
    grant_recorder(ledger, admin, admin)
    # Tests hand out many coupons per member per day; the daily purchase-point cap (security review
    # F-01) is tested in tests/security.
    ledger.setPurchaseDailyCap(2**30 - 1, sender=admin)
    coupons = deploy_coupons(project, admin, ledger)
    certificate = deploy_certificate(project, admin, attester.address, base_uri="ipfs://cert/")
    vouchers = vchain.deploy(project, admin, certificate, coupons, payees=[issuer, museum], payee_bps=[7000, 3000])
    vouchers.grantRole(vouchers.FULFILMENT_ROLE(), fulfil.address, sender=admin)
    vouchers.grantRole(vouchers.ORDER_SIGNER_ROLE(), signer.address, sender=admin)
    vouchers.setRange(edition.address, 0, RANGE_FROM, RANGE_TO, VOUCHER_PRICE, 1, sender=admin)
    return World(project, chain, admin, issuer, museum, fulfil, signer, attester, edition, ledger, coupons,
                 certificate, vouchers)
