"""Allowlist phase: Merkle proofs in the StandardMerkleTree format, allowances and wallet limits."""

import ape
import pytest

from tests.edition.conftest import ALLOWLIST, DAY, PRICE
from gaoling.merkle import StandardMerkleTree


@pytest.fixture
def allowlist(accounts):
    entries = [[accounts[1].address, 3], [accounts[2].address, 1], [accounts[3].address, 10]]
    return StandardMerkleTree.of(entries, ["address", "uint256"])


@pytest.fixture
def sale(edition, admin, allowlist, chain):
    now = chain.pending_timestamp
    edition.setPhase(ALLOWLIST, (PRICE // 2, now - 1, now + DAY, 5), sender=admin)
    tx = edition.setAllowlistRoot(allowlist.root_bytes, sender=admin)
    assert tx.decode_logs(edition.AllowlistRootUpdated)[0].root == allowlist.root_bytes
    return edition


def proof_for(tree, account, allowance):
    return tree.get_proof([account.address, allowance])


def test_allowlisted_wallet_mints_up_to_its_allowance(sale, allowlist, alice):
    proof = proof_for(allowlist, alice, 3)
    tx = sale.mintAllowlist(2, 3, proof, value=PRICE, sender=alice)
    assert tx.decode_logs(sale.Purchased)[0].phase == ALLOWLIST
    sale.mintAllowlist(1, 3, proof, value=PRICE // 2, sender=alice)
    assert sale.purchasedBy(alice) == (3, 0)
    with ape.reverts(sale.EditionWalletLimitExceeded, wallet=alice, requested=1, remaining=0):
        sale.mintAllowlist(1, 3, proof, value=PRICE // 2, sender=alice)


def test_phase_limit_caps_a_large_allowance(sale, allowlist, carol):
    proof = proof_for(allowlist, carol, 10)  # allowance 10, phase limit 5
    with ape.reverts(sale.EditionWalletLimitExceeded, wallet=carol, requested=6, remaining=5):
        sale.mintAllowlist(6, 10, proof, value=6 * PRICE // 2, sender=carol)
    sale.mintAllowlist(5, 10, proof, value=5 * PRICE // 2, sender=carol)


def test_claiming_a_larger_allowance_fails_the_proof(sale, allowlist, bob):
    proof = proof_for(allowlist, bob, 1)
    with ape.reverts(sale.EditionInvalidProof, wallet=bob, allowance=5):
        sale.mintAllowlist(2, 5, proof, value=PRICE, sender=bob)


def test_someone_elses_proof_is_useless(sale, allowlist, alice, stranger):
    proof = proof_for(allowlist, alice, 3)
    with ape.reverts(sale.EditionInvalidProof, wallet=stranger, allowance=3):
        sale.mintAllowlist(1, 3, proof, value=PRICE // 2, sender=stranger)


def test_allowlist_and_public_counts_are_separate(sale, allowlist, alice):
    sale.mintAllowlist(3, 3, proof_for(allowlist, alice, 3), value=3 * PRICE // 2, sender=alice)
    sale.mintPublic(5, value=5 * PRICE, sender=alice)
    assert sale.purchasedBy(alice) == (3, 5)
    assert sale.numberMinted(alice) == 8


def test_allowlist_phase_closed(edition, admin, allowlist, alice):
    edition.setAllowlistRoot(allowlist.root_bytes, sender=admin)
    with ape.reverts(edition.EditionPhaseNotActive):
        edition.mintAllowlist(1, 3, proof_for(allowlist, alice, 3), value=PRICE // 2, sender=alice)
