"""F-10 (info): a voucher's price could stay reserved forever.

An unredeemed voucher, or a redemption the studio never processed, kept its price reserved, and
only the fulfilment role could start a refund. After `refundAfter` (default 180 days) without a
status change, the holder of a voucher that is Issued, Requested, InKiln or Failed can now take the
refund themselves: the price is credited (claim with `claimRefund`), the source token gets its
allowance back and a spent coupon is restored.
"""

from __future__ import annotations

import ape

from tests.security.conftest import CRACKLE, DAY, buy_voucher
from gaoling.voucher.stack import VOUCHER_PRICE

COMMITMENT = b"\x22" * 32


def _wait(chain, seconds):
    chain.pending_timestamp = chain.pending_timestamp + seconds
    chain.mine()


def test_f10_unredeemed_voucher_refunds_itself_after_expiry(chain, voucher_world, alice, bob):
    w = voucher_world
    vid = buy_voucher(w, alice)
    expiry = w.vouchers.refundAfter()
    assert expiry == 180 * DAY
    updated = w.vouchers.voucher(vid).updatedAt
    with ape.reverts(w.vouchers.VoucherRefundNotDue, tokenId=vid, dueAt=updated + expiry):
        w.vouchers.refundExpired(vid, sender=alice)
    _wait(chain, expiry)
    with ape.reverts(w.vouchers.VoucherNotHolder):
        w.vouchers.refundExpired(vid, sender=bob)
    receipt = w.vouchers.refundExpired(vid, sender=alice)
    assert w.vouchers.statusOf(vid) == 7  # Refunded
    assert w.vouchers.refundOf(alice) == VOUCHER_PRICE
    assert w.vouchers.VoucherRefunded.from_receipt(receipt)[0].amount == VOUCHER_PRICE
    assert w.vouchers.Locked.from_receipt(receipt), "a refunded voucher is locked for good"
    assert w.vouchers.reserved() == (0, VOUCHER_PRICE)
    before = alice.balance
    claim = w.vouchers.claimRefund(sender=alice)
    assert alice.balance == before + VOUCHER_PRICE - claim.total_fees_paid


def test_f10_unprocessed_redemption_refunds_and_restores_the_coupon(chain, voucher_world, alice):
    w = voucher_world
    vid = buy_voucher(w, alice)
    w.vouchers.redeem(vid, CRACKLE, COMMITMENT, sender=alice)
    assert w.coupons.balanceOf(alice, CRACKLE) == 0
    _wait(chain, w.vouchers.refundAfter())
    receipt = w.vouchers.refundExpired(vid, sender=alice)
    assert w.coupons.balanceOf(alice, CRACKLE) == 1
    assert w.vouchers.CouponReturned.from_receipt(receipt)[0].glazeId == CRACKLE
    used, allowance = w.vouchers.allowanceOf(w.edition, w.vouchers.voucher(vid).sourceTokenId)
    assert (used, allowance) == (0, 1)


def test_f10_shipped_piece_is_not_refundable_by_expiry(chain, voucher_world, alice):
    w = voucher_world
    vid = buy_voucher(w, alice)
    w.vouchers.redeem(vid, CRACKLE, COMMITMENT, sender=alice)
    w.vouchers.putInKiln(vid, 1, sender=w.admin)
    w.vouchers.markFired(vid, "bafyphoto", sender=w.admin)
    w.vouchers.markShipped(vid, b"\x33" * 32, sender=w.admin)
    _wait(chain, w.vouchers.refundAfter())
    with ape.reverts(w.vouchers.VoucherIllegalTransition):
        w.vouchers.refundExpired(vid, sender=alice)


def test_f10_expiry_is_configurable_within_bounds(voucher_world, stranger):
    w = voucher_world
    with ape.reverts(w.vouchers.AccessControlUnauthorizedAccount):
        w.vouchers.setRefundAfter(30 * DAY, sender=stranger)
    with ape.reverts(w.vouchers.VoucherInvalidRefundAfter, refundAfter=DAY):
        w.vouchers.setRefundAfter(DAY, sender=w.admin)
    receipt = w.vouchers.setRefundAfter(30 * DAY, sender=w.admin)
    assert w.vouchers.RefundAfterSet.from_receipt(receipt)[0].refundAfter == 30 * DAY
