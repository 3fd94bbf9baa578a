"""Money: prices stay reserved until delivery, refunds conserve money and restore the coupon,
pausing freezes no funds, a coupon the holder cannot receive never blocks a refund."""

from __future__ import annotations

import ape

from tests.voucher.helpers import CRACKLE, DELIVERED, REFUNDED, VOUCHER_PRICE, ZERO


def _redeemed(world, who):
    token = world.collector(who)
    vid = world.buy(who, token)
    world.redeem(who, vid)
    return vid


def test_price_is_reserved_until_delivered(world, vouchers, alice):
    vid = _redeemed(world, alice)
    assert vouchers.reserved() == (VOUCHER_PRICE, 0)
    assert vouchers.releasable(world.issuer.address) == 0
    with ape.reverts(vouchers.RevenueSplitNothingDue):
        vouchers.release(world.issuer.address, sender=world.issuer)
    world.to_shipped(vid)
    assert vouchers.releasable(world.issuer.address) == 0
    vouchers.confirmDelivery(vid, sender=alice)
    assert vouchers.releasable(world.issuer.address) == VOUCHER_PRICE * 7 // 10
    assert vouchers.releasable(world.museum.address) == VOUCHER_PRICE * 3 // 10
    before = world.issuer.balance
    tx = vouchers.release(world.issuer.address, sender=world.museum)
    assert world.issuer.balance == before + VOUCHER_PRICE * 7 // 10
    world.assert_conserved(delivered_wei=VOUCHER_PRICE, released_wei=VOUCHER_PRICE * 7 // 10)
    del tx


def test_refund_conserves_money_and_restores_the_coupon(world, vouchers, alice, bob):
    delivered = _redeemed(world, bob)
    world.to_shipped(delivered)
    vouchers.confirmDelivery(delivered, sender=bob)
    vid = _redeemed(world, alice)
    assert world.coupons.balanceOf(alice.address, CRACKLE) == 0
    world.to_failed(vid)
    tx = vouchers.refund(vid, sender=world.fulfil)
    ev = vouchers.VoucherRefunded.from_receipt(tx)[0]
    assert (ev.tokenId, ev.holder, ev.amount) == (vid, alice.address, VOUCHER_PRICE)
    assert vouchers.CouponReturned.from_receipt(tx)[0].to == alice.address
    assert world.coupons.balanceOf(alice.address, CRACKLE) == 1
    assert vouchers.statusOf(vid) == REFUNDED
    assert vouchers.refundOf(alice.address) == VOUCHER_PRICE
    assert vouchers.reserved() == (0, VOUCHER_PRICE)
    world.assert_conserved(delivered_wei=VOUCHER_PRICE)
    # The refund is not revenue: the payees can take only the delivered price.
    assert sum(vouchers.releasable(p) for p in vouchers.payees()[0]) == VOUCHER_PRICE

    before = alice.balance
    tx = vouchers.claimRefund(sender=alice)
    gas = tx.gas_used * tx.gas_price
    assert alice.balance == before + VOUCHER_PRICE - gas
    assert vouchers.RefundClaimed.from_receipt(tx)[0].amount == VOUCHER_PRICE
    assert vouchers.reserved() == (0, 0)
    with ape.reverts(vouchers.VoucherNothingToClaim, account=alice.address):
        vouchers.claimRefund(sender=alice)
    world.assert_conserved(delivered_wei=VOUCHER_PRICE)
    assert world.balance() == VOUCHER_PRICE


def test_fiat_refund_moves_no_eth_but_returns_the_coupon(world, vouchers, alice):
    token = world.collector(alice)
    order = world.order(alice, token)
    tx = vouchers.buyWithOrder(order.as_tuple(), order.signature, sender=alice)
    vid = vouchers.VoucherBought.from_receipt(tx)[0].tokenId
    world.redeem(alice, vid)
    world.to_failed(vid)
    tx = vouchers.refund(vid, sender=world.fulfil)
    assert vouchers.VoucherRefunded.from_receipt(tx)[0].amount == 0
    assert world.coupons.balanceOf(alice.address, CRACKLE) == 1
    assert vouchers.refundOf(alice.address) == 0


def test_pause_stops_buying_and_redeeming_only(world, vouchers, alice, bob, admin):
    shipped = _redeemed(world, bob)
    world.to_shipped(shipped)
    failed = _redeemed(world, alice)
    world.to_failed(failed)
    token = world.collector(alice)
    unredeemed = world.buy(alice, token)
    spare = world.collector(alice)

    vouchers.pause(sender=admin)
    with ape.reverts(vouchers.EnforcedPause):
        world.buy(alice, spare)
    order = world.order(alice, spare)
    with ape.reverts(vouchers.EnforcedPause):
        vouchers.buyWithOrder(order.as_tuple(), order.signature, sender=alice)
    with ape.reverts(vouchers.EnforcedPause):
        world.redeem(alice, unredeemed)
    # Lifecycle, delivery, refunds and withdrawals all continue.
    vouchers.confirmDelivery(shipped, sender=bob)
    vouchers.refund(failed, sender=world.fulfil)
    vouchers.claimRefund(sender=alice)
    vouchers.release(world.issuer.address, sender=world.issuer)
    vouchers.release(world.museum.address, sender=world.museum)
    assert vouchers.statusOf(shipped) == DELIVERED
    # Only the unredeemed voucher's price is still held.
    assert world.balance() == VOUCHER_PRICE == vouchers.reserved()[0]
    vouchers.unpause(sender=admin)
    world.redeem(alice, unredeemed)


def test_holder_contract_rejecting_the_coupon_cannot_block_its_refund(world, vouchers, project, alice, admin):
    """A voucher held by a contract whose ERC-1155 hook reverts: the refund still goes through and
    the coupon is parked until the holder reclaims it to an address that accepts it."""
    holder = alice.deploy(project.VoucherHolderProbe, vouchers.address)
    world.certify(holder)  # redeeming needs a certificate too (security review F-02)
    token = world.collector(alice, coupons=0)
    vid = world.buy(alice, token)
    vouchers.transferFrom(alice.address, holder.address, vid, sender=alice)
    world.give_coupon(alice)
    world.coupons.safeTransferFrom(alice.address, holder.address, CRACKLE, 1, b"", sender=alice)
    holder.setAcceptCoupons(False, sender=alice)
    holder.redeem(vid, CRACKLE, b"\x07" * 32, sender=alice)
    world.to_failed(vid)
    tx = vouchers.refund(vid, sender=world.fulfil)
    assert vouchers.CouponRestoreFailed.from_receipt(tx)[0].holder == holder.address
    assert vouchers.voucher(vid).couponPending
    assert vouchers.refundOf(holder.address) == VOUCHER_PRICE
    with ape.reverts(vouchers.VoucherNotHolder):
        vouchers.reclaimCoupon(vid, alice.address, sender=alice)
    holder.reclaimCoupon(vid, alice.address, sender=alice)
    assert world.coupons.balanceOf(alice.address, CRACKLE) == 1
    with ape.reverts(vouchers.VoucherNoCouponPending, tokenId=vid):
        holder.reclaimCoupon(vid, alice.address, sender=alice)
    # Its refund claim re-enters claimRefund from receive(): the guard stops the second payout.
    holder.setReenter(True, sender=alice)
    with ape.reverts():
        holder.claimRefund(sender=alice)
    holder.setReenter(False, sender=alice)
    holder.claimRefund(sender=alice)
    assert holder.balance == VOUCHER_PRICE
    assert world.balance() == 0


def test_holder_contract_rejecting_eth_claims_its_refund_to_another_address(world, vouchers, project, alice,
                                                                           carol):
    """A holder contract that cannot receive ETH is not stuck: it names a recipient."""
    holder = alice.deploy(project.VoucherHolderProbe, vouchers.address)
    world.certify(holder)  # redeeming needs a certificate too (security review F-02)
    token = world.collector(alice)
    vid = world.buy(alice, token)
    vouchers.transferFrom(alice.address, holder.address, vid, sender=alice)
    world.coupons.safeTransferFrom(alice.address, holder.address, CRACKLE, 1, b"", sender=alice)
    holder.redeem(vid, CRACKLE, b"\x07" * 32, sender=alice)
    world.to_failed(vid)
    vouchers.refund(vid, sender=world.fulfil)
    holder.setRejectEth(True, sender=alice)
    with ape.reverts():
        holder.claimRefund(sender=alice)
    assert vouchers.refundOf(holder.address) == VOUCHER_PRICE
    with ape.reverts(vouchers.VoucherInvalidRecipient, recipient=ZERO):
        holder.claimRefundTo(ZERO, sender=alice)
    before = carol.balance
    tx = holder.claimRefundTo(carol.address, sender=alice)
    assert carol.balance == before + VOUCHER_PRICE
    paid = vouchers.RefundPaidTo.from_receipt(tx)[0]
    assert (paid.account, paid.to, paid.amount) == (holder.address, carol.address, VOUCHER_PRICE)
    assert vouchers.RefundClaimed.from_receipt(tx)[0].amount == VOUCHER_PRICE
    assert vouchers.refundOf(holder.address) == 0 and vouchers.reserved() == (0, 0)
    with ape.reverts(vouchers.VoucherNothingToClaim, account=holder.address):
        holder.claimRefundTo(carol.address, sender=alice)
    world.assert_conserved(delivered_wei=0)
