"""The redemption state machine: the happy path, every illegal transition, roles, locking, timeouts."""

from __future__ import annotations

import base64
import json

import ape
import pytest

from tests.voucher.conftest import (
    CID,
    CID_V0,
    DELIVERED,
    FAILED,
    FIRED,
    IN_KILN,
    ISSUED,
    REFUNDED,
    REQUESTED,
    SHIPPED,
    TIMEOUT,
    TRANSPARENT,
    VOUCHER_PRICE,
    advance_to,
    conserved,
)

ALL = [ISSUED, REQUESTED, IN_KILN, FIRED, FAILED, SHIPPED, DELIVERED, REFUNDED]
TRACK = b"\x77" * 32


def metadata(vouchers, voucher_id):
    uri = vouchers.tokenURI(voucher_id)
    prefix = "data:application/json;base64,"
    assert uri.startswith(prefix)
    return json.loads(base64.b64decode(uri[len(prefix):]))


def attribute(meta, name):
    return next(a["value"] for a in meta["attributes"] if a["trait_type"] == name)


def test_happy_path_events_metadata_and_money(vouchers, coupons, bought, collector, staff, payees, chain,
                                              commitment):
    assert vouchers.balance == VOUCHER_PRICE and vouchers.reservedForPieces() == VOUCHER_PRICE
    assert all(vouchers.releasable(p) == 0 for p in payees)  # reserved, not revenue yet
    meta = metadata(vouchers, bought)
    assert attribute(meta, "Status") == "issued" and meta["image"] == "ipfs://bafystatus/issued.png"
    assert not vouchers.locked(bought)

    tx = vouchers.redeem(bought, TRANSPARENT, commitment, sender=collector)
    requested = tx.decode_logs(vouchers.RedemptionRequested)[0]
    assert (requested.voucherId, requested.holder, requested.glazeId) == (bought, collector, TRANSPARENT)
    assert bytes(requested.shippingCommitment) == commitment
    assert [e.tokenId for e in tx.decode_logs(vouchers.Locked)] == [bought]
    assert [e._tokenId for e in tx.decode_logs(vouchers.MetadataUpdate)] == [bought]
    assert tx.decode_logs(coupons.CouponConsumed)[0].holder == collector
    assert coupons.balanceOf(collector, TRANSPARENT) == 1
    assert vouchers.locked(bought)
    assert bytes(vouchers.voucher(bought).shippingCommitment) == commitment

    tx = vouchers.startFiring(bought, 2026031401, sender=staff)
    started = tx.decode_logs(vouchers.FiringStarted)[0]
    assert (started.voucherId, started.kilnBatchId) == (bought, 2026031401)
    assert tx.decode_logs(vouchers.MetadataUpdate)[0]._tokenId == bought
    assert attribute(metadata(vouchers, bought), "Kiln batch") == "2026031401"

    tx = vouchers.markFired(bought, CID, sender=staff)
    fired = tx.decode_logs(vouchers.PieceFired)[0]
    assert fired.photoCid == CID and fired.kilnBatchId == 2026031401
    assert tx.decode_logs(vouchers.MetadataUpdate)
    meta = metadata(vouchers, bought)
    assert meta["image"] == f"ipfs://{CID}" and attribute(meta, "Status") == "fired"

    tx = vouchers.markShipped(bought, TRACK, sender=staff)
    assert bytes(tx.decode_logs(vouchers.PieceShipped)[0].trackingCommitment) == TRACK
    assert tx.decode_logs(vouchers.MetadataUpdate)
    assert vouchers.reservedForPieces() == VOUCHER_PRICE

    tx = vouchers.confirmDelivery(bought, sender=collector)
    delivered = tx.decode_logs(vouchers.PieceDelivered)[0]
    assert delivered.confirmedBy == collector and not delivered.timedOut and delivered.revenue == VOUCHER_PRICE
    assert tx.decode_logs(vouchers.MetadataUpdate)
    assert vouchers.statusOf(bought) == DELIVERED
    assert attribute(metadata(vouchers, bought), "Status") == "delivered"
    # The price is now revenue, split 60/25/15 with the rounding dust to the issuer.
    assert vouchers.reservedForPieces() == 0
    shares = [vouchers.releasable(p) for p in payees]
    assert sum(shares) == VOUCHER_PRICE
    assert shares[1] == VOUCHER_PRICE * 2500 // 10_000 and shares[2] == VOUCHER_PRICE * 1500 // 10_000
    assert conserved(vouchers, payees)
    for payee in payees:
        before = payee.balance
        receipt = vouchers.release(payee, sender=payee)
        assert payee.balance == before + shares[payees.index(payee)] - receipt.total_fees_paid
    assert vouchers.balance == 0 and conserved(vouchers, payees)


# (status, action) pairs that are legal; every other pair must revert naming from and to.
LEGAL = {(ISSUED, "redeem"), (REQUESTED, "kiln"), (FAILED, "kiln"), (IN_KILN, "fired"), (IN_KILN, "failed"),
         (FIRED, "ship"), (SHIPPED, "confirm"), (FAILED, "refund")}
TARGET = {"redeem": REQUESTED, "kiln": IN_KILN, "fired": FIRED, "failed": FAILED, "ship": SHIPPED,
          "confirm": DELIVERED, "refund": REFUNDED}


def _act(vouchers, action, voucher_id, staff, holder, commitment):
    if action == "redeem":
        return vouchers.redeem(voucher_id, TRANSPARENT, commitment, sender=holder)
    if action == "kiln":
        return vouchers.startFiring(voucher_id, 9, sender=staff)
    if action == "fired":
        return vouchers.markFired(voucher_id, CID, sender=staff)
    if action == "failed":
        return vouchers.markFailed(voucher_id, "warped rim", sender=staff)
    if action == "ship":
        return vouchers.markShipped(voucher_id, TRACK, sender=staff)
    if action == "confirm":
        return vouchers.confirmDelivery(voucher_id, sender=holder)
    return vouchers.refund(voucher_id, sender=staff)


@pytest.mark.parametrize("status", ALL)
def test_every_illegal_transition_reverts_naming_states(vouchers, bought, collector, staff, commitment, status):
    if status != ISSUED:
        vouchers.redeem(bought, TRANSPARENT, commitment, sender=collector)
        advance_to(vouchers, bought, status, staff, collector)
    for action, target in TARGET.items():
        if (status, action) in LEGAL:
            continue
        with ape.reverts(vouchers.VouchersIllegalTransition, voucherId=bought, **{"from": status, "to": target}):
            _act(vouchers, action, bought, staff, collector, commitment)
    assert vouchers.statusOf(bought) == status


def test_redeeming_twice_reverts(vouchers, redeemed, collector, commitment, coupons):
    assert coupons.balanceOf(collector, TRANSPARENT) == 1  # a second coupon is there to spend
    with ape.reverts(vouchers.VouchersIllegalTransition, voucherId=redeemed, **{"from": REQUESTED, "to": REQUESTED}):
        vouchers.redeem(redeemed, TRANSPARENT, commitment, sender=collector)
    assert coupons.balanceOf(collector, TRANSPARENT) == 1


def test_redeem_checks(vouchers, bought, collector, bob, commitment, coupons, staff):
    with ape.reverts(vouchers.VouchersNotHolder, voucherId=bought, account=bob):
        vouchers.redeem(bought, TRANSPARENT, commitment, sender=bob)
    with ape.reverts(vouchers.VouchersEmptyCommitment, argument="shippingCommitment"):
        vouchers.redeem(bought, TRANSPARENT, b"\x00" * 32, sender=collector)
    with ape.reverts(vouchers.VouchersUnknownGlaze, glazeId=99):
        vouchers.redeem(bought, 99, commitment, sender=collector)
    # No crackle coupon: the coupon contract's own error comes through and nothing changes.
    with ape.reverts(coupons.ERC1155InsufficientBalance):
        vouchers.redeem(bought, 4, commitment, sender=collector)
    assert vouchers.statusOf(bought) == ISSUED and not vouchers.locked(bought)
    with ape.reverts(vouchers.VouchersNonexistentVoucher, voucherId=42):
        vouchers.startFiring(42, 1, sender=staff)


def test_new_holder_redeems_after_transfer(vouchers, bought, collector, bob, commitment, give_coupons):
    vouchers.transferFrom(collector, bob, bought, sender=collector)  # unredeemed vouchers move freely
    give_coupons(bob, TRANSPARENT, 1)
    tx = vouchers.redeem(bought, TRANSPARENT, commitment, sender=bob)
    assert tx.decode_logs(vouchers.RedemptionRequested)[0].holder == bob


def test_redeemed_voucher_is_locked_for_good(vouchers, redeemed, collector, bob, staff):
    for status in (REQUESTED, DELIVERED):
        if status == DELIVERED:
            advance_to(vouchers, redeemed, DELIVERED, staff, collector)
        assert vouchers.locked(redeemed)
        with ape.reverts(vouchers.VouchersLocked, voucherId=redeemed):
            vouchers.transferFrom(collector, bob, redeemed, sender=collector)
        with ape.reverts(vouchers.VouchersLocked, voucherId=redeemed):
            vouchers.safeTransferFrom(collector, bob, redeemed, sender=collector)
        vouchers.approve(bob, redeemed, sender=collector)
        with ape.reverts(vouchers.VouchersLocked, voucherId=redeemed):
            vouchers.transferFrom(collector, bob, redeemed, sender=bob)
    assert vouchers.ownerOf(redeemed) == collector


def test_fulfilment_steps_need_the_role(vouchers, redeemed, collector, stranger, staff):
    role = vouchers.FULFILMENT_ROLE()
    calls = [lambda who: vouchers.startFiring(redeemed, 1, sender=who)]
    for call in calls:
        for who in (stranger, collector):
            with ape.reverts(vouchers.AccessControlUnauthorizedAccount, account=who, neededRole=role):
                call(who)
    vouchers.startFiring(redeemed, 1, sender=staff)
    for call in (lambda who: vouchers.markFired(redeemed, CID, sender=who),
                 lambda who: vouchers.markFailed(redeemed, "cracked", sender=who)):
        with ape.reverts(vouchers.AccessControlUnauthorizedAccount, account=stranger, neededRole=role):
            call(stranger)
    vouchers.markFailed(redeemed, "cracked", sender=staff)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount, account=stranger, neededRole=role):
        vouchers.refund(redeemed, sender=stranger)
    vouchers.startFiring(redeemed, 2, sender=staff)
    vouchers.markFired(redeemed, CID, sender=staff)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount, account=stranger, neededRole=role):
        vouchers.markShipped(redeemed, TRACK, sender=stranger)


def test_refire_after_failure(vouchers, redeemed, collector, staff):
    vouchers.startFiring(redeemed, 11, sender=staff)
    tx = vouchers.markFailed(redeemed, "glaze crawled on the rim", sender=staff)
    failed = tx.decode_logs(vouchers.FiringFailed)[0]
    assert (failed.kilnBatchId, failed.reason) == (11, "glaze crawled on the rim")
    assert tx.decode_logs(vouchers.MetadataUpdate)
    assert metadata(vouchers, redeemed)["image"] == "ipfs://bafystatus/failed.png"
    vouchers.startFiring(redeemed, 12, sender=staff)  # re-fire in another batch
    assert vouchers.voucher(redeemed).kilnBatchId == 12
    tx = vouchers.markFired(redeemed, CID_V0, sender=staff)
    assert tx.decode_logs(vouchers.PieceFired)[0].kilnBatchId == 12
    assert vouchers.statusOf(redeemed) == FIRED


def test_step_arguments_are_checked(vouchers, redeemed, staff):
    with ape.reverts(vouchers.VouchersInvalidKilnBatch, kilnBatchId=0):
        vouchers.startFiring(redeemed, 0, sender=staff)
    with ape.reverts(vouchers.VouchersInvalidKilnBatch, kilnBatchId=2**32):
        vouchers.startFiring(redeemed, 2**32, sender=staff)
    vouchers.startFiring(redeemed, 1, sender=staff)
    for bad in ["", "short", CID + '","image":"x', "ipfs://" + CID, CID[:-1] + "/"]:
        with ape.reverts(vouchers.VouchersInvalidPhotoCid):
            vouchers.markFired(redeemed, bad, sender=staff)
    with ape.reverts(vouchers.VouchersInvalidReason, length=0):
        vouchers.markFailed(redeemed, "", sender=staff)
    with ape.reverts(vouchers.VouchersInvalidReason, length=129):
        vouchers.markFailed(redeemed, "x" * 129, sender=staff)
    vouchers.markFired(redeemed, CID, sender=staff)
    with ape.reverts(vouchers.VouchersEmptyCommitment, argument="trackingCommitment"):
        vouchers.markShipped(redeemed, b"\x00" * 32, sender=staff)


def test_delivery_timeout(vouchers, redeemed, collector, staff, stranger, chain, payees):
    advance_to(vouchers, redeemed, SHIPPED, staff, collector)
    shipped_at = vouchers.voucher(redeemed).statusSince
    due = shipped_at + TIMEOUT
    chain.pending_timestamp = due - 1
    with ape.reverts(vouchers.VouchersDeliveryNotDue, voucherId=redeemed, dueAt=due):
        vouchers.confirmDelivery(redeemed, sender=stranger)
    chain.pending_timestamp = due
    tx = vouchers.confirmDelivery(redeemed, sender=stranger)
    delivered = tx.decode_logs(vouchers.PieceDelivered)[0]
    assert delivered.confirmedBy == stranger and delivered.timedOut
    assert vouchers.statusOf(redeemed) == DELIVERED and conserved(vouchers, payees)


def test_holder_confirms_before_timeout(vouchers, redeemed, collector, staff):
    advance_to(vouchers, redeemed, SHIPPED, staff, collector)
    vouchers.confirmDelivery(redeemed, sender=collector)
    assert vouchers.statusOf(redeemed) == DELIVERED


def test_pause_stops_buying_and_redeeming_only(vouchers, admin, edition, collector, staff, bought, commitment,
                                               chain, stranger):
    vouchers.pause(sender=admin)
    with ape.reverts(vouchers.EnforcedPause):
        vouchers.buy(edition, 2, value=VOUCHER_PRICE, sender=collector)
    with ape.reverts(vouchers.EnforcedPause):
        vouchers.redeem(bought, TRANSPARENT, commitment, sender=collector)
    vouchers.unpause(sender=admin)
    vouchers.buy(edition, 2, value=VOUCHER_PRICE, sender=collector)
    vouchers.redeem(bought, TRANSPARENT, commitment, sender=collector)
    vouchers.redeem(2, TRANSPARENT, commitment, sender=collector)
    vouchers.pause(sender=admin)
    # Under pause the studio keeps working, delivery and refunds complete, money can be withdrawn.
    advance_to(vouchers, bought, DELIVERED, staff, collector)
    advance_to(vouchers, 2, REFUNDED, staff, collector)
    vouchers.withdrawRefund(collector, sender=collector)
    issuer = vouchers.payees()[0][0]
    vouchers.release(issuer, sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount):
        vouchers.unpause(sender=stranger)
    with ape.reverts(vouchers.EnforcedPause):
        vouchers.pause(sender=admin)
    vouchers.unpause(sender=admin)
    with ape.reverts(vouchers.ExpectedPause):
        vouchers.unpause(sender=admin)


def test_views_for_nonexistent_voucher(vouchers):
    for call in (vouchers.locked, vouchers.statusOf, vouchers.tokenURI, vouchers.voucher):
        with ape.reverts(vouchers.VouchersNonexistentVoucher, voucherId=5):
            call(5)


def test_interfaces(vouchers):
    for interface_id in ("0x80ac58cd", "0x5b5e139f", "0x49064906", "0xb45a3c0e", "0x7965db0b", "0x01ffc9a7"):
        assert vouchers.supportsInterface(interface_id), interface_id
    assert not vouchers.supportsInterface("0xffffffff")
