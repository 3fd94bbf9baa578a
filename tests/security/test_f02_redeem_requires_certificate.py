"""F-02 (low): a voucher could be redeemed without a certificate.

The certificate was checked at `buy` only; an unredeemed voucher is transferable, so an account
that never passed the quiz (or whose certificate was revoked) could receive one and redeem it.
`redeem` now checks the redeemer's certificate too.
"""

from __future__ import annotations

import ape

from tests.security.conftest import CRACKLE, buy_voucher

COMMITMENT = b"\x11" * 32


def test_f02_voucher_given_to_an_uncertified_account_cannot_be_redeemed(voucher_world, alice, bob):
    w = voucher_world
    vid = buy_voucher(w, alice)
    w.vouchers.transferFrom(alice, bob, vid, sender=alice)
    w.coupon(bob, CRACKLE)
    assert not w.certificate.hasCertificate(bob)
    with ape.reverts(w.vouchers.VoucherNoCertificate, account=bob.address):
        w.vouchers.redeem(vid, CRACKLE, COMMITMENT, sender=bob)
    assert w.vouchers.statusOf(vid) == 0  # still Issued, coupon untouched
    assert w.coupons.balanceOf(bob, CRACKLE) == 1


def test_f02_revoked_holder_cannot_redeem(voucher_world, alice):
    w = voucher_world
    vid = buy_voucher(w, alice)
    w.certificate.revoke(alice, "shared quiz answers", sender=w.admin)
    with ape.reverts(w.vouchers.VoucherNoCertificate, account=alice.address):
        w.vouchers.redeem(vid, CRACKLE, COMMITMENT, sender=alice)


def test_f02_certified_holder_still_redeems(voucher_world, alice):
    w = voucher_world
    vid = buy_voucher(w, alice)
    receipt = w.vouchers.redeem(vid, CRACKLE, COMMITMENT, sender=alice)
    assert w.vouchers.RedemptionRequested.from_receipt(receipt)[0].holder == alice.address
