"""The untested guard: the voucher refund returns the coupon with a gas cap (`RESTORE_GAS`).

A holder contract whose ERC-1155 hook burns every unit of gas must not make the refund fail or
cost the studio the whole transaction gas: the refund succeeds, the coupon is parked for
`reclaimCoupon`, and the gas used stays bounded. Removing the cap makes this test fail (the hook
then eats 63/64 of the 2M gas limit).
"""

from __future__ import annotations

from tests.security.conftest import CRACKLE, buy_voucher
from gaoling.voucher.stack import VOUCHER_PRICE

GAS_LIMIT = 2_000_000


def test_restore_gas_cap_bounds_a_gas_burning_coupon_hook(project, voucher_world, alice):
    w = voucher_world
    burner = project.CouponGasBurner.deploy(w.vouchers, sender=alice)
    vid = buy_voucher(w, alice)
    w.vouchers.transferFrom(alice, burner, vid, sender=alice)
    w.coupons.safeTransferFrom(alice, burner, CRACKLE, 1, b"", sender=alice)
    w.certify(burner)
    burner.redeem(vid, CRACKLE, b"\x44" * 32, sender=alice)
    w.vouchers.putInKiln(vid, 1, sender=w.admin)
    w.vouchers.markFailed(vid, "crawling glaze", sender=w.admin)
    burner.arm(True, sender=alice)

    receipt = w.vouchers.refund(vid, sender=w.admin, gas=GAS_LIMIT)
    assert receipt.gas_used < 400_000, receipt.gas_used
    assert w.vouchers.CouponRestoreFailed.from_receipt(receipt)[0].holder == burner.address
    assert w.vouchers.voucher(vid).couponPending
    assert w.vouchers.refundOf(burner) == VOUCHER_PRICE

    burner.arm(False, sender=alice)
    burner.reclaimCoupon(vid, burner, sender=alice)
    assert w.coupons.balanceOf(burner, CRACKLE) == 1
