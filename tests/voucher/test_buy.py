"""Customizable ranges, buying with ETH and with signed fiat orders, allowances, the points hook."""

from __future__ import annotations

import ape
import pytest

from gaoling import signing
from gaoling.voucher import VOUCHER_ORDER_TYPES
from gaoling.voucher.client import UINT256_MAX
from tests.voucher.conftest import EDITION_PRICE, VOUCHER_PRICE, conserved


@pytest.fixture
def sign_voucher_order(chain):
    def sign_for(vouchers, signer, buyer, collection, token_id, nonce, expiry=None, chain_id=None):
        domain = signing.Domain.of(vouchers)
        if chain_id is not None:
            domain = signing.Domain(domain.name, domain.version, chain_id, domain.verifying_contract)
        expiry = chain.pending_timestamp + 3600 if expiry is None else expiry
        message = {"buyer": str(buyer), "collection": str(collection), "tokenId": token_id, "nonce": nonce,
                   "expiry": expiry}
        signature = signing.sign(signer, domain, "VoucherOrder", VOUCHER_ORDER_TYPES, message)
        return (str(buyer), str(collection), token_id, nonce, expiry), signature

    return sign_for


def test_buy_mints_voucher_records_source_and_reserves_price(vouchers, edition, collector, payees):
    tx = vouchers.buy(edition, 2, value=VOUCHER_PRICE, sender=collector)
    event = tx.decode_logs(vouchers.VoucherPurchased)[0]
    assert (event.voucherId, event.buyer, event.collection, event.tokenId, event.paid) == (
        1, collector, edition, 2, VOUCHER_PRICE)
    assert vouchers.ownerOf(1) == collector and vouchers.totalVouchers() == 1
    info = vouchers.voucher(1)
    assert (info.collection, info.sourceTokenId, info.status, info.paid) == (edition, 2, 0, VOUCHER_PRICE)
    assert vouchers.piecesUsed(edition, 2) == 1
    assert vouchers.reservedForPieces() == VOUCHER_PRICE
    assert all(vouchers.releasable(p) == 0 for p in payees)
    assert conserved(vouchers, payees)


@pytest.mark.parametrize("paid", [0, VOUCHER_PRICE - 1, VOUCHER_PRICE + 1])
def test_buy_requires_exact_payment(vouchers, edition, collector, paid):
    with ape.reverts(vouchers.VouchersWrongPayment, expected=VOUCHER_PRICE, sent=paid):
        vouchers.buy(edition, 1, value=paid, sender=collector)


def test_buyer_must_own_the_token(vouchers, edition, collector, bob, certify):
    certify(bob)
    with ape.reverts(vouchers.VouchersNotTokenOwner, collection=edition, tokenId=1, account=bob):
        vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=bob)
    # A token that does not exist (ownerOf reverts) gets the same clear error.
    with ape.reverts(vouchers.VouchersNotTokenOwner, collection=edition, tokenId=40, account=collector):
        vouchers.buy(edition, 40, value=VOUCHER_PRICE, sender=collector)


def test_buyer_must_hold_a_certificate(vouchers, edition, collector, bob, certificate, admin):
    edition.transferFrom(collector, bob, 1, sender=collector)
    with ape.reverts(vouchers.VouchersNoCertificate, account=bob):
        vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=bob)
    certificate.revoke(collector, "test", sender=admin)  # a revoked certificate no longer counts
    with ape.reverts(vouchers.VouchersNoCertificate, account=collector):
        vouchers.buy(edition, 2, value=VOUCHER_PRICE, sender=collector)


def test_allowance_is_enforced_across_transfers(vouchers, edition, collector, bob, certify, admin):
    vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    with ape.reverts(vouchers.VouchersAllowanceUsed, collection=edition, tokenId=1, allowance=1):
        vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    # The digital token changes hands; its physical piece is still used.
    edition.transferFrom(collector, bob, 1, sender=collector)
    certify(bob)
    with ape.reverts(vouchers.VouchersAllowanceUsed, collection=edition, tokenId=1, allowance=1):
        vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=bob)
    # And back again: still used. The other token is unaffected.
    edition.transferFrom(bob, collector, 1, sender=bob)
    with ape.reverts(vouchers.VouchersAllowanceUsed):
        vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    vouchers.buy(edition, 2, value=VOUCHER_PRICE, sender=collector)


def test_allowance_of_two_spans_owners(vouchers, edition, collector, bob, certify, admin):
    vouchers.updateRange(edition, 0, VOUCHER_PRICE, 2, True, sender=admin)
    vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    edition.transferFrom(collector, bob, 1, sender=collector)
    certify(bob)
    vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=bob)
    assert vouchers.piecesUsed(edition, 1) == 2
    edition.transferFrom(bob, collector, 1, sender=bob)
    with ape.reverts(vouchers.VouchersAllowanceUsed, collection=edition, tokenId=1, allowance=2):
        vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    # Lowering the allowance never un-issues vouchers, it only stops further ones.
    assert [vouchers.voucher(i).sourceTokenId for i in (1, 2)] == [1, 1]


def test_ranges(vouchers, project, edition, admin, collector, stranger):
    fresh = admin.deploy(project.GaolingVouchers, (
        "V", "V", vouchers.coupons(), vouchers.certificate(), [admin.address], [10_000], 86_400, "", admin.address))
    tx = fresh.addRange(edition, 1, 1, 5, 1, sender=admin)
    assert tx.decode_logs(fresh.RangeAdded)[0].index == 0
    fresh.addRange(edition, 3, 10, 7, 3, sender=admin)
    assert fresh.termsOf(edition, 1) == (True, 5, 1, 0)
    assert fresh.termsOf(edition, 2) == (False, 0, 0, 0)  # a gap between ranges
    assert fresh.termsOf(edition, 10) == (True, 7, 3, 0)
    with ape.reverts(fresh.VouchersRangeOverlap, collection=edition, existingIndex=1):
        fresh.addRange(edition, 10, 12, 1, 1, sender=admin)
    with ape.reverts(fresh.VouchersInvalidRange, fromId=5, toId=4):
        fresh.addRange(edition, 5, 4, 1, 1, sender=admin)
    with ape.reverts(fresh.VouchersInvalidAllowance, allowance=0):
        fresh.addRange(edition, 20, 21, 1, 0, sender=admin)
    with ape.reverts(fresh.VouchersInvalidContract, argument="collection", value=stranger):
        fresh.addRange(stranger, 0, 1, 1, 1, sender=admin)
    with ape.reverts(fresh.AccessControlUnauthorizedAccount):
        fresh.addRange(edition, 20, 21, 1, 1, sender=stranger)
    # Closing a range stops purchases for it.
    tx = fresh.updateRange(edition, 1, 7, 3, False, sender=admin)
    assert not tx.decode_logs(fresh.RangeUpdated)[0].active
    assert not fresh.termsOf(edition, 4)[0]
    with ape.reverts(fresh.VouchersNoSuchRange, collection=edition, index=2):
        fresh.updateRange(edition, 2, 1, 1, True, sender=admin)
    # Remove: the last range moves into the hole.
    tx = fresh.removeRange(edition, 0, sender=admin)
    assert tx.decode_logs(fresh.RangeRemoved)[0].fromId == 1
    ranges = fresh.customizableRanges(edition)
    assert len(ranges) == 1 and (ranges[0].fromId, ranges[0].toId) == (3, 10)
    for i in range(7):
        fresh.addRange(edition, 100 + i, 100 + i, 1, 1, sender=admin)
    with ape.reverts(fresh.VouchersTooManyRanges, collection=edition):
        fresh.addRange(edition, 200, 200, 1, 1, sender=admin)


def test_not_customizable(vouchers, project, edition, admin, collector, alice):
    with ape.reverts(vouchers.VouchersNotCustomizable, collection=vouchers, tokenId=1):
        vouchers.buy(vouchers, 1, value=0, sender=collector)
    vouchers.updateRange(edition, 0, VOUCHER_PRICE, 1, False, sender=admin)
    with ape.reverts(vouchers.VouchersNotCustomizable, collection=edition, tokenId=1):
        vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)


def test_free_range(vouchers, edition, admin, collector, payees):
    vouchers.updateRange(edition, 0, 0, 1, True, sender=admin)
    tx = vouchers.buy(edition, 1, value=0, sender=collector)
    assert tx.decode_logs(vouchers.VoucherPurchased)[0].paid == 0
    assert vouchers.balance == 0 and conserved(vouchers, payees)


# ------------------------------------------------------------------ fiat orders


def test_fiat_order_relayed_by_anyone(vouchers, edition, admin, collector, stranger, sign_voucher_order, payees):
    order, signature = sign_voucher_order(vouchers, admin, collector, edition, 1, nonce=77)
    tx = vouchers.buyWithOrder(order, signature, sender=stranger)
    filled = tx.decode_logs(vouchers.OrderFilled)[0]
    assert (filled.nonce, filled.voucherId, filled.buyer) == (77, 1, collector)
    assert tx.decode_logs(vouchers.VoucherPurchased)[0].paid == 0
    assert vouchers.ownerOf(1) == collector and vouchers.balanceOf(stranger) == 0
    assert vouchers.nonceUsed(77) and vouchers.balance == 0 and conserved(vouchers, payees)
    assert vouchers.piecesUsed(edition, 1) == 1


def test_fiat_order_digest_matches_offchain(vouchers, edition, collector):
    from gaoling.signing import digest

    message = {"buyer": collector.address, "collection": edition.address, "tokenId": 3, "nonce": 5, "expiry": 99}
    expected = digest(signing.Domain.of(vouchers), "VoucherOrder", VOUCHER_ORDER_TYPES, message)
    assert bytes(vouchers.hashVoucherOrder(tuple(message.values()))) == expected


def test_fiat_order_rules(vouchers, edition, admin, collector, bob, stranger, sign_voucher_order, chain, certify,
                          accounts):
    signer = accounts[8]
    order, signature = sign_voucher_order(vouchers, signer, collector, edition, 1, nonce=1)
    with ape.reverts(vouchers.VouchersInvalidOrderSignature, nonce=1):  # signer lacks the role
        vouchers.buyWithOrder(order, signature, sender=stranger)
    vouchers.grantRole(vouchers.ORDER_SIGNER_ROLE(), signer, sender=admin)
    # Tampering with any field breaks the signature (the buyer cannot be redirected).
    buyer, collection, token_id, nonce, expiry = order
    for tampered in [(str(bob), collection, token_id, nonce, expiry), (buyer, collection, 2, nonce, expiry),
                     (buyer, collection, token_id, nonce, expiry + 1)]:
        with ape.reverts(vouchers.VouchersInvalidOrderSignature):
            vouchers.buyWithOrder(tampered, signature, sender=stranger)
    with ape.reverts(vouchers.VouchersInvalidOrderSignature):
        vouchers.buyWithOrder(order, b"\x00" * 65, sender=stranger)
    other_chain, other_sig = sign_voucher_order(vouchers, signer, collector, edition, 1, nonce=1,
                                                chain_id=chain.chain_id + 1)
    with ape.reverts(vouchers.VouchersInvalidOrderSignature):
        vouchers.buyWithOrder(other_chain, other_sig, sender=stranger)
    vouchers.buyWithOrder(order, signature, sender=stranger)
    with ape.reverts(vouchers.NonceAlreadyUsed, nonce=1):
        vouchers.buyWithOrder(order, signature, sender=stranger)

    expiry = chain.pending_timestamp + 60
    late, late_sig = sign_voucher_order(vouchers, signer, collector, edition, 2, nonce=2, expiry=expiry)
    chain.pending_timestamp = expiry + 1
    with ape.reverts(vouchers.VouchersOrderExpired, nonce=2, expiry=expiry):
        vouchers.buyWithOrder(late, late_sig, sender=stranger)


def test_fiat_order_buyer_must_still_own_and_be_certified(vouchers, edition, admin, collector, bob, stranger,
                                                          sign_voucher_order, certify):
    order, signature = sign_voucher_order(vouchers, admin, collector, edition, 1, nonce=3)
    edition.transferFrom(collector, bob, 1, sender=collector)  # sold the token after paying
    with ape.reverts(vouchers.VouchersNotTokenOwner, collection=edition, tokenId=1, account=collector):
        vouchers.buyWithOrder(order, signature, sender=stranger)
    order, signature = sign_voucher_order(vouchers, admin, bob, edition, 1, nonce=4)
    with ape.reverts(vouchers.VouchersNoCertificate, account=bob):
        vouchers.buyWithOrder(order, signature, sender=stranger)
    certify(bob)
    vouchers.buyWithOrder(order, signature, sender=stranger)
    assert vouchers.ownerOf(1) == bob


def test_fiat_order_cancel_and_pause(vouchers, edition, admin, collector, stranger, sign_voucher_order):
    order, signature = sign_voucher_order(vouchers, admin, collector, edition, 1, nonce=9)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount):
        vouchers.cancelOrder(9, sender=stranger)
    tx = vouchers.cancelOrder(9, sender=admin)
    assert tx.decode_logs(vouchers.OrderCancelled)[0].nonce == 9
    with ape.reverts(vouchers.NonceAlreadyUsed, nonce=9):
        vouchers.buyWithOrder(order, signature, sender=stranger)
    order, signature = sign_voucher_order(vouchers, admin, collector, edition, 1, nonce=10)
    vouchers.pause(sender=admin)
    with ape.reverts(vouchers.EnforcedPause):
        vouchers.buyWithOrder(order, signature, sender=stranger)
    order, signature = sign_voucher_order(vouchers, admin, "0x" + "00" * 20, edition, 1, nonce=11)
    vouchers.unpause(sender=admin)
    with ape.reverts(vouchers.VouchersInvalidBuyer):
        vouchers.buyWithOrder(order, signature, sender=stranger)


# ------------------------------------------------------------------ points hook


def test_purchases_earn_points(vouchers, ledger, edition, admin, collector, sign_voucher_order):
    ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), vouchers, sender=admin)
    tx = vouchers.setPointsLedger(ledger, sender=admin)
    assert tx.decode_logs(vouchers.PointsLedgerUpdated)[0].ledger == ledger
    before = ledger.pointsOf(collector)
    tx = vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    rewarded = tx.decode_logs(ledger.PurchaseRewarded)[0]
    assert (rewarded.buyer, rewarded.recorder, rewarded.value, rewarded.quantity) == (
        collector, vouchers, VOUCHER_PRICE, 1)
    assert ledger.pointsOf(collector) == before + rewarded.points
    order, signature = sign_voucher_order(vouchers, admin, collector, edition, 2, nonce=1)
    tx = vouchers.buyWithOrder(order, signature, sender=admin)
    assert tx.decode_logs(ledger.PurchaseRewarded)[0].value == 0


@pytest.mark.parametrize("recorder_name", ["RevertingRecorder", "GasBurningRecorder"])
def test_broken_points_hook_never_blocks_a_purchase(vouchers, project, edition, admin, collector, recorder_name):
    recorder = admin.deploy(getattr(project, recorder_name))
    vouchers.setPointsLedger(recorder, sender=admin)
    tx = vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector, gas=600_000)
    assert vouchers.ownerOf(1) == collector
    failed = tx.decode_logs(vouchers.PurchaseHookFailed)
    assert len(failed) == 1 and failed[0].ledger == recorder and failed[0].buyer == collector


def test_configuration_roles_and_bounds(vouchers, admin, stranger):
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount):
        vouchers.setPointsLedger(stranger, sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount):
        vouchers.setDeliveryTimeout(86_400, sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount):
        vouchers.setImageBaseURI("ipfs://x/", sender=stranger)
    with ape.reverts(vouchers.AccessControlUnauthorizedAccount):
        vouchers.pause(sender=stranger)
    for bad in (86_399, 365 * 86_400 + 1):
        with ape.reverts(vouchers.VouchersInvalidDeliveryTimeout, deliveryTimeout=bad):
            vouchers.setDeliveryTimeout(bad, sender=admin)
    tx = vouchers.setDeliveryTimeout(3 * 86_400, sender=admin)
    assert tx.decode_logs(vouchers.DeliveryTimeoutUpdated)[0].deliveryTimeout == 3 * 86_400
    tx = vouchers.setImageBaseURI("ipfs://bafynew/", sender=admin)
    assert tx.decode_logs(vouchers.BatchMetadataUpdate)[0]._toTokenId == UINT256_MAX


def test_constructor_checks(project, admin, coupons, certificate, stranger):
    base = ["V", "V", coupons.address, certificate.address, [admin.address], [10_000], 86_400, "", admin.address]
    for index, value, error in [(2, stranger.address, "VouchersInvalidContract"),
                                (3, stranger.address, "VouchersInvalidContract"),
                                (8, "0x" + "00" * 20, "VouchersInvalidAdmin"),
                                (6, 60, "VouchersInvalidDeliveryTimeout")]:
        init = list(base)
        init[index] = value
        # Deployed by `stranger`, whose deploy addresses no other test used (Ape caches contracts by address).
        with ape.reverts(getattr(project.GaolingVouchers, error)):
            project.GaolingVouchers.deploy(tuple(init), sender=stranger)


def test_edition_holder_buys_token_minted_in_same_session(vouchers, edition, collector):
    # Tokens from a multi-token ERC721A batch resolve their owner correctly.
    edition.mintPublic(3, value=3 * EDITION_PRICE, sender=collector)  # tokens 3..5
    vouchers.buy(edition, 5, value=VOUCHER_PRICE, sender=collector)
    assert vouchers.voucher(1).sourceTokenId == 5
    assert vouchers.piecesUsed(edition, 5) == 1 and vouchers.piecesUsed(edition, 4) == 0
