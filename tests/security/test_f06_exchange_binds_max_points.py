"""F-06 (low): a signed coupon exchange did not bind the price.

A request signed while a coupon cost 100 points could be relayed after `setGlaze` raised the
price, taking 300. The signed `Exchange` message now carries `maxPoints`, and the exchange
reverts when the cost exceeds it.
"""

from __future__ import annotations

import ape
import pytest
from eth_account import Account

from gaoling.fan.coupons import deploy_coupons, sign_exchange

MEMBER_KEY = Account.from_key(b"\x17" * 32)
TRANSPARENT = 1


@pytest.fixture
def coupons(project, admin, ledger):
    contract = deploy_coupons(project, admin, ledger)
    ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), admin, sender=admin)
    ledger.recordPurchase(MEMBER_KEY.address, 0, 100, sender=admin)  # 1,050 points
    return contract


def test_f06_price_raised_after_signing_is_refused(coupons, ledger, admin, carol):
    price = coupons.glaze(TRANSPARENT).price
    signed = sign_exchange(MEMBER_KEY, coupons, TRANSPARENT, 1, nonce=5, max_points=price)
    coupons.setGlaze(TRANSPARENT, 3 * price, 100, sender=admin)
    points_before = ledger.pointsOf(MEMBER_KEY.address)
    with ape.reverts(coupons.GlazeCouponsPriceAboveMaximum, cost=3 * price, maxPoints=price):
        coupons.exchangeWithSignature(signed.request(), signed.signature, sender=carol)
    assert ledger.pointsOf(MEMBER_KEY.address) == points_before
    assert not coupons.nonceUsed(MEMBER_KEY.address, 5)


def test_f06_exchange_at_or_below_the_signed_maximum_goes_through(coupons, ledger, admin, carol):
    price = coupons.glaze(TRANSPARENT).price
    signed = sign_exchange(MEMBER_KEY, coupons, TRANSPARENT, 2, nonce=6)  # default: today's cost
    assert signed.max_points == 2 * price
    coupons.setGlaze(TRANSPARENT, price // 2, 100, sender=admin)  # a price cut is fine
    receipt = coupons.exchangeWithSignature(signed.request(), signed.signature, sender=carol)
    assert coupons.Exchanged.from_receipt(receipt)[0].points == price
    # Observation: the relayed exchange announces the nonce it consumed.
    used = coupons.ExchangeNonceUsed.from_receipt(receipt)[0]
    assert (used.member, used.nonce, used.relayer) == (MEMBER_KEY.address, 6, carol.address)
