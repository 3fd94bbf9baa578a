"""Refunds: money is conserved, the coupon comes back, the allowance is given back, and a holder
that misbehaves (rejects coupons, burns gas, rejects ETH, re-enters) blocks nobody but itself."""

from __future__ import annotations

import ape
import pytest

from tests.voucher.conftest import (
    DELIVERED,
    FAILED,
    REFUNDED,
    TRANSPARENT,
    VOUCHER_PRICE,
    advance_to,
    conserved,
)

ACCEPT, REJECT_COUPONS, BURN_GAS, REJECT_ETH, REENTER = range(5)


def test_refund_conserves_money_and_restores_coupon(vouchers, coupons, redeemed, collector, staff, payees, bob):
    assert coupons.balanceOf(collector, TRANSPARENT) == 1
    advance_to(vouchers, redeemed, FAILED, staff, collector)
    tx = vouchers.refund(redeemed, sender=staff)
    refunded = tx.decode_logs(vouchers.RedemptionRefunded)[0]
    assert (refunded.voucherId, refunded.holder, refunded.amount) == (redeemed, collector, VOUCHER_PRICE)
    assert tx.decode_logs(vouchers.CouponRestored)[0].glazeId == TRANSPARENT
    assert tx.decode_logs(coupons.CouponRestored)[0].holder == collector
    assert tx.decode_logs(vouchers.MetadataUpdate)
    assert coupons.balanceOf(collector, TRANSPARENT) == 2  # the spent coupon is back
    assert vouchers.statusOf(redeemed) == REFUNDED and vouchers.locked(redeemed)
    # The price moved from "reserved for pieces" to "owed to the holder": never revenue.
    assert vouchers.reservedForPieces() == 0
    assert vouchers.refundOf(collector) == VOUCHER_PRICE == vouchers.refundsOwed()
    assert all(vouchers.releasable(p) == 0 for p in payees)
    assert vouchers.balance == VOUCHER_PRICE and conserved(vouchers, payees)

    with ape.reverts(vouchers.VouchersNoRefund, holder=bob):
        vouchers.withdrawRefund(bob, sender=bob)
    before = collector.balance
    tx = vouchers.withdrawRefund(collector, sender=collector)
    withdrawn = tx.decode_logs(vouchers.RefundWithdrawn)[0]
    assert (withdrawn.holder, withdrawn.recipient, withdrawn.amount) == (collector, collector, VOUCHER_PRICE)
    assert collector.balance == before + VOUCHER_PRICE - tx.total_fees_paid
    assert vouchers.balance == 0 and vouchers.refundsOwed() == 0 and conserved(vouchers, payees)
    with ape.reverts(vouchers.VouchersNoRefund, holder=collector):
        vouchers.withdrawRefund(collector, sender=collector)


def test_refund_gives_the_allowance_back(vouchers, edition, redeemed, collector, staff):
    assert vouchers.piecesUsed(edition, 1) == 1
    advance_to(vouchers, redeemed, REFUNDED, staff, collector)
    assert vouchers.piecesUsed(edition, 1) == 0  # no piece was made: the token may yield one again
    vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    assert vouchers.voucher(2).sourceTokenId == 1


def test_refunds_and_deliveries_mix_conserving_money(vouchers, edition, collector, staff, payees, commitment):
    for token_id in (1, 2):
        vouchers.buy(edition, token_id, value=VOUCHER_PRICE, sender=collector)
        vouchers.redeem(token_id, TRANSPARENT, commitment, sender=collector)
    advance_to(vouchers, 1, DELIVERED, staff, collector)
    assert conserved(vouchers, payees)
    advance_to(vouchers, 2, REFUNDED, staff, collector)
    assert conserved(vouchers, payees)
    assert sum(vouchers.releasable(p) for p in payees) == VOUCHER_PRICE
    assert vouchers.refundsOwed() == VOUCHER_PRICE
    # Releasing revenue never touches the refund owed.
    for payee in payees:
        vouchers.release(payee, sender=payee)
    assert vouchers.balance == VOUCHER_PRICE == vouchers.refundOf(collector)
    vouchers.withdrawRefund(collector, sender=collector)
    assert vouchers.balance == 0 and conserved(vouchers, payees)


def test_fiat_voucher_refund_restores_coupon_without_eth(vouchers, edition, admin, collector, staff, coupons,
                                                         payees, commitment):
    from gaoling.voucher import make_order, sign_order

    order = make_order(collector, edition, 1, nonce=5, now=0, expiry=2**40)
    signed = sign_order(admin, vouchers, order)
    vouchers.buyWithOrder(order.as_struct(), signed.signature, sender=admin)
    vouchers.redeem(1, TRANSPARENT, commitment, sender=collector)
    advance_to(vouchers, 1, FAILED, staff, collector)
    tx = vouchers.refund(1, sender=staff)
    assert tx.decode_logs(vouchers.RedemptionRefunded)[0].amount == 0  # the fiat refund happens off chain
    assert vouchers.refundOf(collector) == 0 and coupons.balanceOf(collector, TRANSPARENT) == 2
    assert vouchers.balance == 0 and conserved(vouchers, payees)


@pytest.fixture
def wallet(project, admin, edition, collector, certify, ledger, coupons, vouchers, commitment):
    """A contract wallet that owns edition token 1, holds a certificate and a coupon, and redeemed voucher 1."""
    wallet = admin.deploy(project.VoucherTestHolder)
    edition.transferFrom(collector, wallet, 1, sender=collector)
    certify(wallet)
    ledger.recordPurchase(wallet, 0, 100, sender=admin)
    wallet.exec(coupons, coupons.exchange.encode_input(TRANSPARENT, 1), sender=admin)
    wallet.exec(vouchers, vouchers.buy.encode_input(edition, 1), value=VOUCHER_PRICE, sender=admin)
    wallet.exec(vouchers, vouchers.redeem.encode_input(1, TRANSPARENT, commitment), sender=admin)
    assert vouchers.ownerOf(1) == wallet and vouchers.statusOf(1) == 1
    return wallet


@pytest.mark.parametrize("mode", [REJECT_COUPONS, BURN_GAS])
def test_holder_rejecting_coupon_cannot_block_its_refund(vouchers, coupons, wallet, staff, collector, payees, mode,
                                                         stranger):
    advance_to(vouchers, 1, FAILED, staff, collector)
    wallet.setMode(mode, vouchers, sender=stranger)
    tx = vouchers.refund(1, sender=staff)
    deferred = tx.decode_logs(vouchers.CouponRestoreDeferred)
    assert len(deferred) == 1 and deferred[0].holder == wallet and deferred[0].glazeId == TRANSPARENT
    assert vouchers.statusOf(1) == REFUNDED and vouchers.refundOf(wallet) == VOUCHER_PRICE
    assert vouchers.voucher(1).couponOwed
    assert coupons.balanceOf(wallet, TRANSPARENT) == 0
    assert conserved(vouchers, payees)
    if mode == REJECT_COUPONS:
        # Still refusing: the retry fails as a whole and the coupon stays owed.
        with ape.reverts():
            vouchers.retryCouponRestore(1, sender=stranger)
        assert vouchers.voucher(1).couponOwed
    # Fixed: anyone retries, the coupon goes to the holder, once.
    wallet.setMode(ACCEPT, vouchers, sender=stranger)
    tx = vouchers.retryCouponRestore(1, sender=stranger)
    assert tx.decode_logs(vouchers.CouponRestored)[0].holder == wallet
    assert coupons.balanceOf(wallet, TRANSPARENT) == 1 and not vouchers.voucher(1).couponOwed
    with ape.reverts(vouchers.VouchersNoCouponOwed, voucherId=1):
        vouchers.retryCouponRestore(1, sender=stranger)


def test_refund_demands_enough_gas_for_the_restore(vouchers, wallet, staff, collector):
    advance_to(vouchers, 1, FAILED, staff, collector)
    with ape.reverts(vouchers.VouchersInsufficientGasForHook):
        vouchers.refund(1, sender=staff, gas=150_000)
    assert vouchers.statusOf(1) == FAILED


def test_holder_rejecting_eth_withdraws_elsewhere(vouchers, wallet, staff, collector, carol, payees, stranger):
    advance_to(vouchers, 1, FAILED, staff, collector)
    vouchers.refund(1, sender=staff)
    wallet.setMode(REJECT_ETH, vouchers, sender=stranger)
    with ape.reverts():
        wallet.exec(vouchers, vouchers.withdrawRefund.encode_input(wallet), sender=stranger)
    assert vouchers.refundOf(wallet) == VOUCHER_PRICE
    before = carol.balance
    wallet.exec(vouchers, vouchers.withdrawRefund.encode_input(carol), sender=stranger)
    assert carol.balance == before + VOUCHER_PRICE
    assert vouchers.refundOf(wallet) == 0 and conserved(vouchers, payees)
    with ape.reverts(vouchers.VouchersInvalidRecipient):
        vouchers.withdrawRefund("0x" + "00" * 20, sender=collector)


def test_reentrant_withdraw_is_refused(vouchers, wallet, staff, collector, payees, stranger):
    advance_to(vouchers, 1, FAILED, staff, collector)
    vouchers.refund(1, sender=staff)
    wallet.setMode(REENTER, vouchers, sender=stranger)
    with ape.reverts(vouchers.ReentrancyGuardReentrantCall):
        wallet.exec(vouchers, vouchers.withdrawRefund.encode_input(wallet), sender=stranger)
    assert vouchers.refundOf(wallet) == VOUCHER_PRICE and vouchers.balance == VOUCHER_PRICE
    assert conserved(vouchers, payees)
