"""Buying vouchers: eligibility (ownership, certificate, range), allowance across transfers of the
digital token, fiat orders (replay, expiry, wrong signer, foreign contract), points hook."""

from __future__ import annotations

import ape
import pytest

from gaoling import signing
from tests.voucher.helpers import CRACKLE, FAILED, RANGE_TO, VOUCHER_PRICE, ZERO


def test_buy_requires_token_ownership(world, vouchers, alice, bob):
    token = world.collector(alice)
    world.certify(bob)
    with ape.reverts(vouchers.VoucherNotTokenOwner, collection=world.edition.address, tokenId=token,
                     account=bob.address):
        world.buy(bob, token)
    # A token that does not exist yet reads as "not the owner", not as a raw revert.
    with ape.reverts(vouchers.VoucherNotTokenOwner, tokenId=RANGE_TO):
        world.buy(alice, RANGE_TO)


def test_buy_requires_certificate(world, vouchers, bob):
    token = world.mint_source(bob)[0]
    with ape.reverts(vouchers.VoucherNoCertificate, account=bob.address):
        world.buy(bob, token)
    world.certify(bob)
    assert world.buy(bob, token) == 1


def test_buy_requires_exact_price(world, vouchers, alice):
    token = world.collector(alice)
    for wrong in (0, VOUCHER_PRICE - 1, VOUCHER_PRICE + 1):
        with ape.reverts(vouchers.VoucherWrongPayment, expected=VOUCHER_PRICE, sent=wrong):
            world.buy(alice, token, value=wrong)


def test_only_customizable_ranges(world, vouchers, alice, admin):
    tokens = world.mint_source(alice, RANGE_TO + 1)
    world.certify(alice)
    outside = tokens[-1]
    with ape.reverts(vouchers.VoucherNotCustomizable, collection=world.edition.address, tokenId=outside):
        world.buy(alice, outside)
    with ape.reverts(vouchers.VoucherRangeOverlap, index=0):
        vouchers.setRange(world.edition.address, 1, RANGE_TO, RANGE_TO + 5, 1, 0, sender=admin)
    tx = vouchers.setRange(world.edition.address, 1, RANGE_TO + 1, RANGE_TO + 5, 5, 0, sender=admin)
    assert vouchers.RangeSet.from_receipt(tx)[0].piecesPerToken == 1  # 0 means the default, 1
    world.buy(alice, outside, value=5)
    vouchers.closeRange(world.edition.address, 0, sender=admin)
    with ape.reverts(vouchers.VoucherNotCustomizable, tokenId=tokens[0]):
        world.buy(alice, tokens[0])
    with ape.reverts(vouchers.VoucherInvalidCollection, collection=alice.address):
        vouchers.setRange(alice.address, 0, 1, 2, 1, 1, sender=admin)
    with ape.reverts(vouchers.VoucherInvalidRange, fromTokenId=5, toTokenId=4):
        vouchers.setRange(world.edition.address, 2, 5, 4, 1, 1, sender=admin)
    with ape.reverts(vouchers.VoucherUnknownRange, index=7):
        vouchers.setRange(world.edition.address, 7, 100, 200, 1, 1, sender=admin)


def test_allowance_is_enforced_across_transfers_of_the_digital_token(world, vouchers, alice, bob):
    token = world.collector(alice)
    world.buy(alice, token)
    assert vouchers.allowanceOf(world.edition.address, token) == (1, 1)
    with ape.reverts(vouchers.VoucherAllowanceUsed, tokenId=token, allowance=1):
        world.buy(alice, token)
    world.edition.transferFrom(alice.address, bob.address, token, sender=alice)
    world.certify(bob)
    with ape.reverts(vouchers.VoucherAllowanceUsed, tokenId=token, allowance=1):
        world.buy(bob, token)
    # ... and back again: the allowance belongs to the token, not to a wallet.
    world.edition.transferFrom(bob.address, alice.address, token, sender=bob)
    with ape.reverts(vouchers.VoucherAllowanceUsed, tokenId=token):
        world.buy(alice, token)


def test_larger_allowance_and_refund_gives_a_piece_back(world, vouchers, alice, bob, admin):
    vouchers.setRange(world.edition.address, 0, 1, 20, VOUCHER_PRICE, 2, sender=admin)
    token = world.collector(alice)
    first = world.buy(alice, token)
    world.edition.transferFrom(alice.address, bob.address, token, sender=alice)
    world.certify(bob)
    world.buy(bob, token)
    with ape.reverts(vouchers.VoucherAllowanceUsed, allowance=2):
        world.buy(bob, token)
    # A refunded redemption made no piece: the token may yield one again.
    world.redeem(alice, first)
    world.to_failed(first)
    vouchers.refund(first, sender=world.fulfil)
    assert vouchers.allowanceOf(world.edition.address, token) == (1, 2)
    world.buy(bob, token)


def _fill(world, order, sender):
    return world.vouchers.buyWithOrder(order.as_tuple(), order.signature, sender=sender)


def test_fiat_order_mints_to_the_buyer_with_zero_price(world, vouchers, alice, stranger):
    token = world.collector(alice)
    order = world.order(alice, token)
    tx = _fill(world, order, stranger)  # anyone relays
    vid = vouchers.VoucherBought.from_receipt(tx)[0].tokenId
    assert vouchers.ownerOf(vid) == alice.address
    assert vouchers.voucher(vid).price == 0
    filled = vouchers.OrderFilled.from_receipt(tx)[0]
    assert (filled.nonce, filled.tokenId, filled.buyer) == (order.nonce, vid, alice.address)
    assert vouchers.nonceUsed(order.nonce)
    assert world.balance() == 0


def test_fiat_order_replay_expiry_signer_foreign_contract(world, vouchers, project, alice, bob, stranger, admin,
                                                          chain):
    token = world.collector(alice)
    # wrong signer
    bad = world.order(alice, token, signer=stranger)
    with ape.reverts(vouchers.VoucherInvalidOrderSignature, nonce=bad.nonce):
        _fill(world, bad, alice)
    # expired
    old = world.order(alice, token, expiry=int(chain.pending_timestamp) - 1)
    with ape.reverts(vouchers.VoucherOrderExpired, nonce=old.nonce):
        _fill(world, old, alice)
    # signed for another voucher contract (same signer, same chain): worthless here
    from gaoling.voucher import chain as vchain
    twin = vchain.deploy(project, admin, world.certificate, world.coupons)
    twin.grantRole(twin.ORDER_SIGNER_ROLE(), world.signer.address, sender=admin)
    foreign = world.order(alice, token, contract=twin)
    with ape.reverts(vouchers.VoucherInvalidOrderSignature, nonce=foreign.nonce):
        _fill(world, foreign, alice)
    # a different chain id in the domain
    domain = signing.Domain.of(vouchers)
    wrong_chain = vchain.sign_order(world.signer, vouchers, alice, world.edition, token,
                                    expiry=int(chain.pending_timestamp) + 99, nonce=4242,
                                    domain=signing.Domain(domain.name, domain.version, 1, domain.verifying_contract))
    with ape.reverts(vouchers.VoucherInvalidOrderSignature, nonce=4242):
        _fill(world, wrong_chain, alice)
    # the buyer is bound: a valid order re-pointed at bob fails
    good = world.order(alice, token)
    tampered = vchain.SignedOrder(bob.address, good.collection, good.token_id, good.nonce, good.expiry, good.signature)
    with ape.reverts(vouchers.VoucherInvalidOrderSignature):
        _fill(world, tampered, bob)
    # replay
    _fill(world, good, stranger)
    with ape.reverts(vouchers.NonceAlreadyUsed, nonce=good.nonce):
        _fill(world, good, stranger)


def test_fiat_order_still_checks_ownership_and_certificate(world, vouchers, alice, bob):
    token = world.collector(alice)
    with ape.reverts(vouchers.VoucherNotTokenOwner, account=bob.address):
        _fill(world, world.order(bob, token), bob)
    bob_token = world.mint_source(bob)[0]
    with ape.reverts(vouchers.VoucherNoCertificate, account=bob.address):
        _fill(world, world.order(bob, bob_token), bob)


def test_cancelled_order_cannot_be_filled(world, vouchers, alice):
    token = world.collector(alice)
    order = world.order(alice, token)
    tx = vouchers.cancelOrder(order.nonce, sender=world.signer)
    assert vouchers.OrderCancelled.from_receipt(tx)[0].nonce == order.nonce
    with ape.reverts(vouchers.NonceAlreadyUsed):
        _fill(world, order, alice)


def test_points_hook_records_purchase(world, vouchers, alice, admin):
    from gaoling.fan import grant_recorder
    grant_recorder(world.ledger, vouchers, admin)
    vouchers.setPointsLedger(world.ledger.address, sender=admin)
    token = world.collector(alice, coupons=0)
    before = int(world.ledger.pointsOf(alice.address))
    world.buy(alice, token)
    assert int(world.ledger.pointsOf(alice.address)) == before + 1000 + 10


def test_broken_points_hook_never_blocks_a_sale(world, vouchers, alice, admin):
    # The ledger without granting the recorder role: its call reverts, the sale stands.
    vouchers.setPointsLedger(world.ledger.address, sender=admin)
    token = world.collector(alice, coupons=0)
    tx = vouchers.buy(world.edition.address, token, value=VOUCHER_PRICE, sender=alice)
    assert vouchers.PurchaseHookFailed.from_receipt(tx)[0].buyer == alice.address
    assert vouchers.balanceOf(alice.address) == 1
    vouchers.setPointsLedger(ZERO, sender=admin)


def test_deploy_rejects_bad_dependencies(project, admin, world):
    init = ("V", "V", "", admin.address, admin.address, world.coupons.address, [admin.address], [10_000], 86_400)
    with ape.reverts(project.GaolingVouchers.VoucherInvalidDependency):
        admin.deploy(project.GaolingVouchers, init)
    init = ("V", "V", "", ZERO, world.certificate.address, world.coupons.address, [admin.address], [10_000], 86_400)
    with ape.reverts(project.GaolingVouchers.VoucherInvalidAdmin):
        admin.deploy(project.GaolingVouchers, init)
