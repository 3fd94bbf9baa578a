"""The redemption state machine: the happy path, every illegal transition, roles, redeeming twice,
coupons, locking, token URIs, delivery timeout."""

from __future__ import annotations

import ape
import pytest

from tests.voucher.helpers import (COLOUR, CRACKLE, DAY, DELIVERED, FAILED, FIRED, IN_KILN, ISSUED, REFUNDED,
                                   REQUESTED, SHIPPED, TRANSPARENT, VOUCHER_PRICE)

CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"


@pytest.fixture
def bought(world, alice):
    token = world.collector(alice)
    return world.buy(alice, token)


def _drive(world, vid, holder, status):
    """Moves voucher `vid` (Issued, held by `holder`) to `status` along legal edges."""
    if status == ISSUED:
        return
    world.redeem(holder, vid)
    if status == REQUESTED:
        return
    world.vouchers.putInKiln(vid, 3, sender=world.fulfil)
    if status == IN_KILN:
        return
    if status in (FAILED, REFUNDED):
        world.vouchers.markFailed(vid, "cracked in cooling", sender=world.fulfil)
        if status == REFUNDED:
            world.vouchers.refund(vid, sender=world.fulfil)
        return
    world.vouchers.markFired(vid, CID, sender=world.fulfil)
    if status == FIRED:
        return
    world.vouchers.markShipped(vid, b"\x01" * 32, sender=world.fulfil)
    if status == SHIPPED:
        return
    world.vouchers.confirmDelivery(vid, sender=holder)


def test_full_lifecycle_events_uri_and_lock(world, vouchers, alice, bob, bought):
    vid = bought
    assert vouchers.ownerOf(vid) == alice.address
    assert vouchers.statusOf(vid) == ISSUED
    assert vouchers.tokenURI(vid) == "ipfs://vouchers/issued.json"  # one JSON per status
    assert vouchers.locked(vid) is False
    v = vouchers.voucher(vid)
    assert v.collection == world.edition.address and v.price == VOUCHER_PRICE

    tx = world.redeem(alice, vid, CRACKLE, b"\x33" * 32)
    assert world.coupons.balanceOf(alice.address, CRACKLE) == 0
    ev = vouchers.RedemptionRequested.from_receipt(tx)[0]
    assert (ev.tokenId, ev.holder, ev.glazeId, ev.shippingCommitment) == (vid, alice.address, CRACKLE, b"\x33" * 32)
    assert [e.tokenId for e in vouchers.Locked.from_receipt(tx)] == [vid]
    assert vouchers.locked(vid) is True
    with ape.reverts(vouchers.VoucherLocked, tokenId=vid):
        vouchers.transferFrom(alice.address, bob.address, vid, sender=alice)

    steps = [
        (vouchers.putInKiln, (vid, 42), IN_KILN, "in-kiln"),
        (vouchers.markFired, (vid, CID), FIRED, "fired"),
        (vouchers.markShipped, (vid, b"\x44" * 32), SHIPPED, "shipped"),
    ]
    for fn, args, status, name in steps:
        tx = fn(*args, sender=world.fulfil)
        assert [e._tokenId for e in vouchers.MetadataUpdate.from_receipt(tx)] == [vid]
        changed = vouchers.StatusChanged.from_receipt(tx)[0]
        assert changed.to == status
        assert vouchers.tokenURI(vid) == f"ipfs://vouchers/{name}.json"
    assert vouchers.voucher(vid).kilnBatchId == 42

    tx = vouchers.confirmDelivery(vid, sender=alice)
    assert vouchers.PieceDelivered.from_receipt(tx)[0].by == alice.address
    assert vouchers.statusOf(vid) == DELIVERED
    assert vouchers.tokenURI(vid).endswith("/delivered.json")
    assert vouchers.reserved() == (0, 0)
    world.assert_conserved(delivered_wei=VOUCHER_PRICE)


# Every (status, action) pair that is not a legal edge must revert with VoucherIllegalTransition.
ACTIONS = {
    "redeem": REQUESTED,
    "kiln": IN_KILN,
    "fired": FIRED,
    "failed": FAILED,
    "ship": SHIPPED,
    "deliver": DELIVERED,
    "refund": REFUNDED,
}
LEGAL = {(ISSUED, "redeem"), (REQUESTED, "kiln"), (FAILED, "kiln"), (IN_KILN, "fired"), (IN_KILN, "failed"),
         (FIRED, "ship"), (SHIPPED, "deliver"), (FAILED, "refund")}
ILLEGAL = [(s, a) for s in range(8) for a in ACTIONS if (s, a) not in LEGAL]


def _act(world, action, vid, holder):
    v, f = world.vouchers, world.fulfil
    if action == "redeem":
        world.give_coupon(holder)
        return world.redeem(holder, vid)
    if action == "kiln":
        return v.putInKiln(vid, 9, sender=f)
    if action == "fired":
        return v.markFired(vid, CID, sender=f)
    if action == "failed":
        return v.markFailed(vid, "bloated", sender=f)
    if action == "ship":
        return v.markShipped(vid, b"\x05" * 32, sender=f)
    if action == "deliver":
        return v.confirmDelivery(vid, sender=holder)
    return v.refund(vid, sender=f)


@pytest.mark.parametrize("status,action", ILLEGAL)
def test_every_illegal_transition_reverts(world, vouchers, alice, bought, status, action):
    _drive(world, bought, alice, status)
    assert vouchers.statusOf(bought) == status
    with ape.reverts(vouchers.VoucherIllegalTransition, tokenId=bought, **{"from": status}, to=ACTIONS[action]):
        _act(world, action, bought, alice)


def test_redeeming_twice_reverts(world, vouchers, alice, bought):
    world.give_coupon(alice, CRACKLE, 1)  # a second coupon, so only the state can stop it
    world.redeem(alice, bought)
    with ape.reverts(vouchers.VoucherIllegalTransition, tokenId=bought, to=REQUESTED):
        world.redeem(alice, bought)
    assert world.coupons.balanceOf(alice.address, CRACKLE) == 1


def test_lifecycle_steps_need_the_fulfilment_role(world, vouchers, alice, stranger, bought):
    world.redeem(alice, bought)
    role = vouchers.FULFILMENT_ROLE()
    for call in (lambda s: vouchers.putInKiln(bought, 1, sender=s),
                 lambda s: vouchers.markFired(bought, CID, sender=s),
                 lambda s: vouchers.markFailed(bought, "x", sender=s),
                 lambda s: vouchers.markShipped(bought, b"\x01" * 32, sender=s),
                 lambda s: vouchers.refund(bought, sender=s)):
        for who in (stranger, alice):
            with ape.reverts(vouchers.AccessControlUnauthorizedAccount, account=who.address, neededRole=role):
                call(who)


def test_admin_functions_need_their_roles(world, vouchers, stranger):
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount, neededRole=vouchers.ISSUER_ROLE()):
        vouchers.setRange(world.edition.address, 1, 30, 40, 1, 1, sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount, neededRole=vouchers.ISSUER_ROLE()):
        vouchers.closeRange(world.edition.address, 0, sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount, neededRole=vouchers.PAUSER_ROLE()):
        vouchers.pause(sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount, neededRole=vouchers.ORDER_SIGNER_ROLE()):
        vouchers.cancelOrder(1, sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount, neededRole=vouchers.DEFAULT_ADMIN_ROLE()):
        vouchers.setDeliveryTimeout(2 * DAY, sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount, neededRole=vouchers.DEFAULT_ADMIN_ROLE()):
        vouchers.setPointsLedger(world.ledger.address, sender=stranger)


def test_only_the_holder_redeems(world, vouchers, alice, bob, bought):
    world.give_coupon(bob)
    with ape.reverts(vouchers.VoucherNotHolder, tokenId=bought, account=bob.address):
        world.redeem(bob, bought)
    with ape.reverts(vouchers.VoucherNotHolder, tokenId=999, account=bob.address):
        world.redeem(bob, 999)


def test_wrong_glaze_or_no_coupon(world, vouchers, alice, bought):
    with ape.reverts(vouchers.VoucherNoCoupon, holder=alice.address, glazeId=COLOUR):
        world.redeem(alice, bought, COLOUR)
    with ape.reverts(vouchers.VoucherUnknownGlaze, glazeId=77):
        world.redeem(alice, bought, 77)
    with ape.reverts(vouchers.VoucherEmptyCommitment):
        world.redeem(alice, bought, CRACKLE, b"\x00" * 32)
    world.redeem(alice, bought, CRACKLE)  # the coupon it holds works
    assert vouchers.voucher(bought).glazeId == CRACKLE


def test_voucher_transfers_until_redeemed_then_new_holder_redeems(world, vouchers, alice, bob, bought):
    vouchers.transferFrom(alice.address, bob.address, bought, sender=alice)
    world.give_coupon(bob, TRANSPARENT)
    world.certify(bob)  # not needed to redeem, only to buy; the holder just needs a coupon
    world.redeem(bob, bought, TRANSPARENT)
    assert vouchers.ownerOf(bought) == bob.address


def test_delivery_timeout(world, vouchers, chain, alice, stranger, bought):
    _drive(world, bought, alice, SHIPPED)
    shipped_at = int(vouchers.voucher(bought).updatedAt)
    due = shipped_at + int(vouchers.deliveryTimeout())
    with ape.reverts(vouchers.VoucherDeliveryNotDue, tokenId=bought, dueAt=due):
        vouchers.confirmDelivery(bought, sender=stranger)
    chain.pending_timestamp = due
    tx = vouchers.confirmDelivery(bought, sender=stranger)
    assert vouchers.PieceDelivered.from_receipt(tx)[0].by == stranger.address
    assert vouchers.statusOf(bought) == DELIVERED


def test_refire_after_failure_then_deliver(world, vouchers, alice, bought):
    _drive(world, bought, alice, FAILED)
    tx = vouchers.putInKiln(bought, 8, sender=world.fulfil)
    assert vouchers.PutInKiln.from_receipt(tx)[0].kilnBatchId == 8
    vouchers.markFired(bought, CID, sender=world.fulfil)
    vouchers.markShipped(bought, b"\x02" * 32, sender=world.fulfil)
    vouchers.confirmDelivery(bought, sender=alice)
    assert vouchers.statusOf(bought) == DELIVERED


def test_bad_inputs_name_the_problem(world, vouchers, alice, bought):
    _drive(world, bought, alice, IN_KILN)
    with ape.reverts(vouchers.VoucherEmptyPhotoCid):
        vouchers.markFired(bought, "", sender=world.fulfil)
    vouchers.markFired(bought, CID, sender=world.fulfil)
    with ape.reverts(vouchers.VoucherEmptyCommitment):
        vouchers.markShipped(bought, b"\x00" * 32, sender=world.fulfil)
    with ape.reverts(vouchers.VoucherNonexistent, tokenId=12345):
        vouchers.putInKiln(12345, 1, sender=world.fulfil)
    with ape.reverts(vouchers.VoucherInvalidDeliveryTimeout):
        vouchers.setDeliveryTimeout(60, sender=world.admin)


def test_interfaces(vouchers):
    assert vouchers.supportsInterface("0x49064906")
    assert vouchers.supportsInterface("0xb45a3c0e")
    assert vouchers.supportsInterface("0x80ac58cd")
    assert not vouchers.supportsInterface("0xffffffff")
