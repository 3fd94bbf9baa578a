"""Public sale, fiat orders, cap and per-wallet limits, pause."""

import ape
import pytest

from tests.edition.conftest import CAP, DAY, PRICE, PUBLIC


def test_public_mint_mints_charges_and_emits(edition, alice):
    tx = edition.mintPublic(3, value=3 * PRICE, sender=alice)

    assert edition.balanceOf(alice) == 3
    assert [edition.ownerOf(i) for i in (1, 2, 3)] == [alice] * 3
    assert edition.balance == 3 * PRICE
    assert edition.purchasedBy(alice) == (0, 3)
    purchased = tx.decode_logs(edition.Purchased)
    assert len(purchased) == 1
    assert purchased[0].buyer == alice and purchased[0].firstTokenId == 1
    assert purchased[0].quantity == 3 and purchased[0].paid == 3 * PRICE
    transfers = tx.decode_logs(edition.Transfer)
    assert [t.tokenId for t in transfers] == [1, 2, 3]


@pytest.mark.parametrize("paid", [0, PRICE, 2 * PRICE + 1, 3 * PRICE])
def test_public_mint_requires_exact_payment(edition, alice, paid):
    with ape.reverts(edition.EditionWrongPayment, expected=2 * PRICE, sent=paid):
        edition.mintPublic(2, value=paid, sender=alice)
    assert edition.totalMinted() == 0


def test_public_mint_outside_window_reverts(edition, admin, alice, chain):
    now = chain.pending_timestamp
    edition.setPhase(PUBLIC, (PRICE, now + 100, now + 200, 5), sender=admin)
    with ape.reverts(edition.EditionPhaseNotActive):
        edition.mintPublic(1, value=PRICE, sender=alice)
    chain.pending_timestamp = now + 100
    edition.mintPublic(1, value=PRICE, sender=alice)  # the start second is inside
    chain.pending_timestamp = now + 200
    with ape.reverts(edition.EditionPhaseNotActive):  # the end second is outside
        edition.mintPublic(1, value=PRICE, sender=alice)


def test_unconfigured_phase_is_closed(deploy_edition, alice):
    edition = deploy_edition(open_public=False)
    assert not edition.phaseActive(PUBLIC)
    with ape.reverts(edition.EditionPhaseNotActive):
        edition.mintPublic(1, value=PRICE, sender=alice)


def test_wallet_limit(edition, alice, bob):
    edition.mintPublic(4, value=4 * PRICE, sender=alice)
    with ape.reverts(edition.EditionWalletLimitExceeded, wallet=alice, requested=2, remaining=1):
        edition.mintPublic(2, value=2 * PRICE, sender=alice)
    edition.mintPublic(1, value=PRICE, sender=alice)
    edition.mintPublic(5, value=5 * PRICE, sender=bob)  # limits are per wallet
    assert edition.purchasedBy(alice) == (0, 5)


def test_zero_quantity_reverts(edition, alice):
    with ape.reverts(edition.EditionZeroQuantity):
        edition.mintPublic(0, value=0, sender=alice)


def test_cap_cannot_be_exceeded(deploy_edition, admin, accounts, chain):
    edition = deploy_edition(cap=7, open_public=False)
    now = chain.pending_timestamp
    edition.setPhase(PUBLIC, (PRICE, now - 1, now + DAY, 0), sender=admin)  # no wallet limit
    edition.mintPublic(6, value=6 * PRICE, sender=accounts[1])
    with ape.reverts(edition.EditionCapExceeded, requested=2, remaining=1):
        edition.mintPublic(2, value=2 * PRICE, sender=accounts[2])
    edition.mintPublic(1, value=PRICE, sender=accounts[2])
    with ape.reverts(edition.EditionCapExceeded, requested=1, remaining=0):
        edition.mintPublic(1, value=PRICE, sender=accounts[3])
    assert edition.totalMinted() == 7 == edition.cap()


def test_pause_stops_minting_only(edition, admin, alice, bob, issuer):
    edition.mintPublic(1, value=PRICE, sender=alice)
    tx = edition.pause(sender=admin)
    assert tx.decode_logs(edition.Paused)
    with ape.reverts(edition.EnforcedPause):
        edition.mintPublic(1, value=PRICE, sender=alice)
    edition.transferFrom(alice, bob, 1, sender=alice)  # transfers continue
    edition.release(issuer, sender=issuer)  # and so do withdrawals
    edition.unpause(sender=admin)
    edition.mintPublic(1, value=PRICE, sender=alice)


def test_only_roles_configure(edition, stranger, chain):
    now = chain.pending_timestamp
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.setPhase(PUBLIC, (PRICE, now, now + 10, 1), sender=stranger)
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.setAllowlistRoot(b"\x01" * 32, sender=stranger)
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.pause(sender=stranger)
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.setPointsLedger(stranger, sender=stranger)


def test_phase_window_must_be_ordered(edition, admin, chain):
    now = chain.pending_timestamp
    with ape.reverts(edition.EditionInvalidPhaseWindow):
        edition.setPhase(PUBLIC, (PRICE, now + 10, now + 10, 1), sender=admin)
    tx = edition.setPhase(PUBLIC, (0, 0, 0, 0), sender=admin)  # closing is allowed
    assert tx.decode_logs(edition.PhaseConfigured)[0].end == 0


# ------------------------------------------------------------------ fiat orders


def test_order_mints_to_recipient_relayed_by_anyone(edition, admin, alice, stranger, sign_order):
    order, signature = sign_order(edition, admin, alice, 2, nonce=7)
    tx = edition.mintWithOrder(order, signature, sender=stranger)
    assert edition.balanceOf(alice) == 2 and edition.balanceOf(stranger) == 0
    filled = tx.decode_logs(edition.OrderFilled)[0]
    assert filled.nonce == 7 and filled.recipient == alice and filled.quantity == 2
    assert edition.nonceUsed(7)
    assert edition.balance == 0  # fiat orders bring no ETH


def test_order_signed_by_granted_signer(edition, admin, signer, alice, sign_order):
    order, signature = sign_order(edition, signer, alice, 1, nonce=1)
    with ape.reverts(edition.EditionInvalidOrderSignature, nonce=1):
        edition.mintWithOrder(order, signature, sender=alice)
    edition.grantRole(edition.ORDER_SIGNER_ROLE(), signer, sender=admin)
    edition.mintWithOrder(order, signature, sender=alice)
    assert edition.balanceOf(alice) == 1


def test_order_replay_is_rejected(edition, admin, alice, sign_order):
    order, signature = sign_order(edition, admin, alice, 1, nonce=42)
    edition.mintWithOrder(order, signature, sender=alice)
    with ape.reverts(edition.NonceAlreadyUsed, nonce=42):
        edition.mintWithOrder(order, signature, sender=alice)
    # the same nonce under a different order is spent too
    other, other_sig = sign_order(edition, admin, alice, 2, nonce=42)
    with ape.reverts(edition.NonceAlreadyUsed, nonce=42):
        edition.mintWithOrder(other, other_sig, sender=alice)
    assert edition.balanceOf(alice) == 1


def test_order_for_another_contract_is_rejected(edition, deploy_edition, admin, alice, sign_order):
    other_edition = deploy_edition()
    order, signature = sign_order(other_edition, admin, alice, 1, nonce=1)
    with ape.reverts(edition.EditionInvalidOrderSignature):
        edition.mintWithOrder(order, signature, sender=alice)


def test_order_for_another_chain_is_rejected(edition, admin, alice, sign_order, chain):
    order, signature = sign_order(edition, admin, alice, 1, nonce=1, chain_id=chain.chain_id + 1)
    with ape.reverts(edition.EditionInvalidOrderSignature):
        edition.mintWithOrder(order, signature, sender=alice)


def test_tampered_order_is_rejected(edition, admin, alice, bob, sign_order):
    (recipient, quantity, nonce, expiry), signature = sign_order(edition, admin, alice, 1, nonce=1)
    for tampered in [(str(bob), quantity, nonce, expiry), (recipient, 5, nonce, expiry),
                     (recipient, quantity, nonce, expiry + 1)]:
        with ape.reverts(edition.EditionInvalidOrderSignature):
            edition.mintWithOrder(tampered, signature, sender=bob)
    with ape.reverts(edition.EditionInvalidOrderSignature):
        edition.mintWithOrder((recipient, quantity, nonce, expiry), b"\x00" * 65, sender=bob)


def test_expired_order_is_rejected(edition, admin, alice, sign_order, chain):
    expiry = chain.pending_timestamp + 60
    order, signature = sign_order(edition, admin, alice, 1, nonce=3, expiry=expiry)
    chain.pending_timestamp = expiry + 1
    with ape.reverts(edition.EditionOrderExpired, nonce=3, expiry=expiry):
        edition.mintWithOrder(order, signature, sender=alice)


def test_cancelled_order_cannot_be_filled(edition, admin, alice, stranger, sign_order):
    order, signature = sign_order(edition, admin, alice, 1, nonce=9)
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.cancelOrder(9, sender=stranger)
    tx = edition.cancelOrder(9, sender=admin)
    assert tx.decode_logs(edition.OrderCancelled)[0].nonce == 9
    with ape.reverts(edition.NonceAlreadyUsed):
        edition.mintWithOrder(order, signature, sender=alice)


def test_order_respects_cap_and_pause(deploy_edition, admin, alice, sign_order):
    edition = deploy_edition(cap=2)
    order, signature = sign_order(edition, admin, alice, 3, nonce=1)
    with ape.reverts(edition.EditionCapExceeded):
        edition.mintWithOrder(order, signature, sender=alice)
    edition.pause(sender=admin)
    order, signature = sign_order(edition, admin, alice, 1, nonce=2)
    with ape.reverts(edition.EnforcedPause):
        edition.mintWithOrder(order, signature, sender=alice)


def test_order_digest_matches_offchain(edition, alice, chain):
    from eth_utils import keccak  # noqa: F401

    from tests.edition.conftest import MINT_ORDER_TYPES
    from gaoling.signing import Domain, digest

    order = {"recipient": alice.address, "quantity": 2, "nonce": 5, "expiry": 10**10}
    expected = digest(Domain.of(edition), "MintOrder", MINT_ORDER_TYPES, order)
    assert bytes(edition.hashMintOrder(tuple(order.values()))) == expected


# ------------------------------------------------------------------ points hook


def test_points_hook_records_purchases(edition, project, admin, alice):
    recorder = admin.deploy(project.CountingRecorder)
    tx = edition.setPointsLedger(recorder, sender=admin)
    assert tx.decode_logs(edition.PointsLedgerUpdated)[0].ledger == recorder
    edition.mintPublic(2, value=2 * PRICE, sender=alice)
    assert recorder.calls() == 1
    assert (recorder.lastBuyer(), recorder.lastValue(), recorder.lastQuantity()) == (alice, 2 * PRICE, 2)


@pytest.mark.parametrize("recorder_name", ["RevertingRecorder", "GasBurningRecorder"])
def test_broken_points_hook_never_blocks_a_sale(edition, project, admin, alice, recorder_name):
    recorder = admin.deploy(getattr(project, recorder_name))
    edition.setPointsLedger(recorder, sender=admin)
    tx = edition.mintPublic(1, value=PRICE, sender=alice, gas=500_000)
    assert edition.ownerOf(1) == alice
    failed = tx.decode_logs(edition.PurchaseHookFailed)
    assert len(failed) == 1 and failed[0].ledger == recorder and failed[0].buyer == alice


def test_points_hook_demands_enough_gas(edition, project, admin, alice):
    recorder = admin.deploy(project.GasBurningRecorder)
    edition.setPointsLedger(recorder, sender=admin)
    # Too little gas for the capped call: the whole mint reverts instead of silently losing points.
    with ape.reverts(edition.EditionInsufficientGasForHook):
        edition.mintPublic(1, value=PRICE, sender=alice, gas=150_000)
