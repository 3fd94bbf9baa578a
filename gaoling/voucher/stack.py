"""Deploys a complete voucher stack on a local chain (source edition, points ledger, glaze coupons,
firing certificate, vouchers) for benchmarks and demos. Production deploys use `chain.deploy`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from gaoling import signing
from gaoling.fan import Rules, deploy_coupons, deploy_ledger, grant_recorder
from gaoling.quiz import Attester
from gaoling.quiz.certificate import deploy as deploy_certificate
from gaoling.quiz.certificate import submit
from gaoling.voucher import chain as vchain

EDITION_PRICE = 10**16
VOUCHER_PRICE = 10**17
_nonces = itertools.count(10**9)


@dataclass
class Stack:
    admin: Any
    attester: Any
    edition: Any
    ledger: Any
    coupons: Any
    certificate: Any
    vouchers: Any
    chain: Any

    def certify(self, holder: Any) -> None:
        attester = Attester(self.attester, signing.Domain.of(self.certificate), nonce_source=lambda: next(_nonces))
        signed = attester.sign(str(holder.address), 1, 9, int(self.chain.pending_timestamp))
        submit(self.certificate, signed, self.admin, check=False)

    def coupon(self, holder: Any, glaze_id: int) -> None:
        self.ledger.recordPurchase(holder.address, 0, 100, sender=self.admin)
        self.coupons.exchange(glaze_id, 1, sender=holder)

    def source_token(self, holder: Any) -> int:
        first = int(self.edition.totalMinted()) + 1
        self.edition.mintPublic(1, value=EDITION_PRICE, sender=holder)
        return first


def build(project: Any, chain: Any, accounts: Any, *, range_to: int = 100) -> Stack:
    admin, attester = accounts[0], accounts[4]
    now = int(chain.pending_timestamp)
    edition = admin.deploy(project.GaolingEdition, (
        "Jingdezhen Plates", "JDZP", 1000, "ipfs://plates/", "ipfs://plates/contract.json", admin.address, 500,
        [admin.address], [10_000], 0, 0, admin.address))
    edition.setPhase(1, (EDITION_PRICE, now - 1, now + 3650 * 86_400, 0), sender=admin)
    ledger = deploy_ledger(project, admin, Rules(purchase_flat=1000))
    grant_recorder(ledger, admin, admin)
    ledger.setPurchaseDailyCap(2**30 - 1, sender=admin)  # a bench/demo stack hands out coupons freely
    coupons = deploy_coupons(project, admin, ledger)
    certificate = deploy_certificate(project, admin, attester.address)
    vouchers = vchain.deploy(project, admin, certificate, coupons)
    vouchers.setRange(edition.address, 0, 1, range_to, VOUCHER_PRICE, 1, sender=admin)
    return Stack(admin, attester, edition, ledger, coupons, certificate, vouchers, chain)
