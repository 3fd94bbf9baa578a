"""FiringCertificate on anvil: attested mints, every rejection (custom error, nothing changes),
soulbound transfers, revocation, nonce invalidation, version retirement, metadata."""

import random

import ape
import pytest
from eth_utils import to_checksum_address

from gaoling import signing
from gaoling.quiz import QUIZ_PASS_TYPES, Attester, Grader, QuizPass
from gaoling.quiz.certificate import CertificateError, deploy, preflight, submit

ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def make_pass(chain, signer):
    """Signs a QuizPass (by the attester unless another signer is given)."""

    def make(holder, *, score=90, version=1, expiry=None, nonce=None, by=None):
        qp = QuizPass(holder=holder.address if hasattr(holder, "address") else holder, quiz_version=version,
                      score=score, expiry=expiry if expiry is not None else chain.pending_timestamp + 3600,
                      nonce=nonce if nonce is not None else random.getrandbits(256))
        return (by or signer).sign_pass(qp)

    return make


def mint(certificate, signed, sender):
    return certificate.mint(signed.quiz_pass.as_tuple(), signed.signature_bytes(), sender=sender)


def snapshot(certificate, holder, signed):
    return (certificate.totalSupply(), certificate.balanceOf(holder), certificate.hasCertificate(holder),
            certificate.nonceUsed(signed.quiz_pass.nonce))


def test_digest_matches_the_python_signer(certificate, domain, make_pass, alice):
    signed = make_pass(alice)
    expected = signing.digest(domain, "QuizPass", QUIZ_PASS_TYPES, signed.quiz_pass.message())
    assert bytes(certificate.hashQuizPass(signed.quiz_pass.as_tuple())) == expected
    assert (domain.chain_id, domain.verifying_contract) == (ape.chain.chain_manager.chain_id, certificate.address)


def test_third_party_relays_and_the_holder_gets_the_badge(certificate, make_pass, alice, stranger):
    signed = make_pass(alice, score=90)
    tx = mint(certificate, signed, stranger)
    assert certificate.ownerOf(1) == alice.address
    assert certificate.balanceOf(stranger) == 0
    assert certificate.hasCertificate(alice) and not certificate.hasCertificate(stranger)
    token_id, version, score, minted_at, barred = certificate.certificateOf(alice)
    assert (token_id, version, score, barred) == (1, 1, 90, False)
    assert minted_at == ape.chain.blocks.head.timestamp
    assert certificate.locked(1) is True
    assert certificate.totalSupply() == 1
    assert certificate.nonceUsed(signed.quiz_pass.nonce)

    names = [log.event_name for log in tx.events]
    assert names == ["Transfer", "Locked", "CertificateMinted"]
    transfer, locked, minted = tx.events
    assert (transfer["from"], transfer["to"], transfer["tokenId"]) == (ZERO, alice.address, 1)
    assert locked["tokenId"] == 1
    assert (minted.holder, minted.tokenId, minted.quizVersion, minted.score, minted.nonce) == (
        alice.address, 1, 1, 90, signed.quiz_pass.nonce)


def test_holder_may_submit_their_own(certificate, make_pass, alice):
    mint(certificate, make_pass(alice), alice)
    assert certificate.hasCertificate(alice)


def test_expired_attestation(certificate, make_pass, alice, stranger, chain):
    signed = make_pass(alice, expiry=chain.pending_timestamp + 100)
    before = snapshot(certificate, alice, signed)
    chain.pending_timestamp += 101
    with ape.reverts(certificate.FiringCertificateExpired):
        mint(certificate, signed, stranger)
    assert snapshot(certificate, alice, signed) == before == (0, 0, False, False)


def test_expiry_is_inclusive(certificate, make_pass, alice, stranger, chain):
    expiry = chain.pending_timestamp + 100
    signed = make_pass(alice, expiry=expiry)
    chain.pending_timestamp = expiry
    mint(certificate, signed, stranger)
    assert certificate.hasCertificate(alice)


def test_signer_without_role(certificate, domain, make_pass, alice, stranger):
    forged = make_pass(alice, by=Attester(stranger, domain))
    before = snapshot(certificate, alice, forged)
    with ape.reverts(certificate.FiringCertificateInvalidSigner, signer=stranger.address):
        mint(certificate, forged, stranger)
    assert snapshot(certificate, alice, forged) == before


def test_foreign_chain_signature(certificate, domain, attester, make_pass, alice, stranger):
    other_chain = signing.Domain(domain.name, domain.version, 1, domain.verifying_contract)
    signed = make_pass(alice, by=Attester(attester, other_chain))
    before = snapshot(certificate, alice, signed)
    with ape.reverts(certificate.FiringCertificateInvalidSigner):
        mint(certificate, signed, stranger)
    assert snapshot(certificate, alice, signed) == before
    with pytest.raises(CertificateError, match="on chain 1"):
        preflight(certificate, signed)


def test_foreign_contract_signature(project, certificate, admin, attester, make_pass, alice, stranger):
    other = deploy(project, admin, attester.address)
    signed = make_pass(alice, by=Attester(attester, signing.Domain.of(other)))
    with ape.reverts(certificate.FiringCertificateInvalidSigner):
        mint(certificate, signed, stranger)
    assert certificate.totalSupply() == 0
    mint(other, signed, stranger)  # valid where it was meant to be used
    assert other.hasCertificate(alice) and not certificate.hasCertificate(alice)


def test_tampered_fields(certificate, make_pass, alice, bob, stranger):
    signed = make_pass(alice, score=80)
    for field, value in (("score", 100), ("holder", bob.address), ("quiz_version", 2),
                         ("expiry", signed.quiz_pass.expiry + 1)):
        tampered = signed.model_copy(update={"quiz_pass": signed.quiz_pass.model_copy(update={field: value})})
        with ape.reverts(certificate.FiringCertificateInvalidSigner):
            mint(certificate, tampered, stranger)
    assert certificate.totalSupply() == 0


@pytest.mark.parametrize("signature", [b"", b"\x01" * 64, b"\x01" * 66, b"\x11" * 32 + b"\xff" * 32 + b"\x1b"])
def test_malformed_signature(certificate, make_pass, alice, stranger, signature):
    signed = make_pass(alice)
    with ape.reverts(certificate.FiringCertificateInvalidSignature):
        certificate.mint(signed.quiz_pass.as_tuple(), signature, sender=stranger)
    assert certificate.totalSupply() == 0


def test_zero_holder_and_oversized_values(certificate, make_pass, stranger, alice):
    with ape.reverts(certificate.FiringCertificateInvalidHolder):
        mint(certificate, make_pass(ZERO), stranger)
    big = make_pass(alice, version=2**64)
    with ape.reverts(certificate.FiringCertificateValueTooLarge):
        mint(certificate, big, stranger)
    assert certificate.totalSupply() == 0


def test_replay_is_rejected(certificate, make_pass, alice, admin, stranger):
    signed = make_pass(alice)
    mint(certificate, signed, stranger)
    # Even after a revocation and reinstatement, the used attestation cannot mint again.
    certificate.revoke(alice, "test", sender=admin)
    certificate.reinstate(alice, sender=admin)
    with ape.reverts(certificate.FiringCertificateNonceUsed, nonce=signed.quiz_pass.nonce):
        mint(certificate, signed, stranger)
    assert not certificate.hasCertificate(alice)


def test_same_nonce_for_another_holder_is_rejected(certificate, make_pass, alice, bob, stranger):
    mint(certificate, make_pass(alice, nonce=42), stranger)
    with ape.reverts(certificate.FiringCertificateNonceUsed):
        mint(certificate, make_pass(bob, nonce=42), stranger)


def test_second_certificate_rejected(certificate, make_pass, alice, stranger):
    mint(certificate, make_pass(alice), stranger)
    second = make_pass(alice, score=100)
    with ape.reverts(certificate.FiringCertificateAlreadyCertified, holder=alice.address, tokenId=1):
        mint(certificate, second, stranger)
    assert certificate.balanceOf(alice) == 1 and not certificate.nonceUsed(second.quiz_pass.nonce)


def test_transfers_and_approvals_revert(certificate, make_pass, alice, bob):
    mint(certificate, make_pass(alice), alice)
    with ape.reverts(certificate.FiringCertificateSoulbound):
        certificate.transferFrom(alice, bob, 1, sender=alice)
    with ape.reverts(certificate.FiringCertificateSoulbound):
        certificate.safeTransferFrom(alice, bob, 1, sender=alice)
    with ape.reverts(certificate.FiringCertificateSoulbound):
        certificate.safeTransferFrom(alice, bob, 1, b"gift", sender=alice)
    with ape.reverts(certificate.FiringCertificateSoulbound):
        certificate.approve(bob, 1, sender=alice)
    with ape.reverts(certificate.FiringCertificateSoulbound):
        certificate.setApprovalForAll(bob, True, sender=alice)
    assert certificate.ownerOf(1) == alice.address and certificate.balanceOf(bob) == 0
    assert certificate.getApproved(1) == ZERO and not certificate.isApprovedForAll(alice, bob)


def test_revocation_burns_and_bars_until_reinstated(certificate, make_pass, alice, admin, stranger):
    mint(certificate, make_pass(alice), stranger)
    with ape.reverts(certificate.AccessControlUnauthorizedAccount):
        certificate.revoke(alice, "cheating", sender=stranger)

    tx = certificate.revoke(alice, "answers shared", sender=admin)
    revoked = certificate.CertificateRevoked.from_receipt(tx)[0]
    assert (revoked.holder, revoked.tokenId, revoked.reason) == (alice.address, 1, "answers shared")
    assert [log.event_name for log in tx.events] == ["Transfer", "CertificateRevoked"]
    assert not certificate.hasCertificate(alice)
    assert certificate.balanceOf(alice) == 0 and certificate.totalSupply() == 0
    assert certificate.certificateOf(alice) == (0, 0, 0, 0, True)
    with ape.reverts(certificate.ERC721NonexistentToken):
        certificate.locked(1)
    with ape.reverts(certificate.FiringCertificateNotCertified):
        certificate.revoke(alice, "again", sender=admin)

    fresh = make_pass(alice)
    with ape.reverts(certificate.FiringCertificateHolderBarred, holder=alice.address):
        mint(certificate, fresh, stranger)
    with pytest.raises(CertificateError, match="revoked"):
        preflight(certificate, fresh)

    with ape.reverts(certificate.AccessControlUnauthorizedAccount):
        certificate.reinstate(alice, sender=stranger)
    tx = certificate.reinstate(alice, sender=admin)
    assert certificate.HolderReinstated.from_receipt(tx)[0].holder == alice.address
    with ape.reverts(certificate.FiringCertificateNotBarred):
        certificate.reinstate(alice, sender=admin)
    mint(certificate, fresh, stranger)
    assert certificate.ownerOf(2) == alice.address and certificate.certificateOf(alice)[0] == 2


def test_invalidate_nonce(certificate, make_pass, alice, attester, admin, stranger):
    signed = make_pass(alice)
    with ape.reverts(certificate.AccessControlUnauthorizedAccount):
        certificate.invalidateNonce(signed.quiz_pass.nonce, sender=admin)  # admin is not an attester
    tx = certificate.invalidateNonce(signed.quiz_pass.nonce, sender=attester)
    assert certificate.NonceInvalidated.from_receipt(tx)[0].nonce == signed.quiz_pass.nonce
    with ape.reverts(certificate.FiringCertificateNonceUsed):
        mint(certificate, signed, stranger)
    with ape.reverts(certificate.FiringCertificateNonceUsed):
        certificate.invalidateNonce(signed.quiz_pass.nonce, sender=attester)


def test_min_quiz_version_retires_old_attestations(certificate, make_pass, alice, bob, admin, stranger):
    mint(certificate, make_pass(alice, version=1), stranger)
    old = make_pass(bob, version=1)
    with ape.reverts(certificate.AccessControlUnauthorizedAccount):
        certificate.setMinQuizVersion(2, sender=stranger)
    tx = certificate.setMinQuizVersion(2, sender=admin)
    assert certificate.MinQuizVersionSet.from_receipt(tx)[0].minQuizVersion == 2
    with ape.reverts(certificate.FiringCertificateQuizVersionRetired, quizVersion=1, minQuizVersion=2):
        mint(certificate, old, stranger)
    assert certificate.hasCertificate(alice)  # certificates already issued stay valid
    mint(certificate, make_pass(bob, version=2), stranger)
    assert certificate.certificateOf(bob)[1] == 2


def test_revoked_attester_signatures_stop_working(certificate, make_pass, alice, attester, admin, stranger):
    signed = make_pass(alice)
    certificate.revokeRole(certificate.ATTESTER_ROLE(), attester, sender=admin)
    with ape.reverts(certificate.FiringCertificateInvalidSigner, signer=attester.address):
        mint(certificate, signed, stranger)


def test_metadata_and_interfaces(certificate, make_pass, alice, admin, stranger):
    assert certificate.contractURI() == "ipfs://cert/contract.json"
    mint(certificate, make_pass(alice), stranger)
    assert certificate.tokenURI(1) == "ipfs://cert/"  # one JSON shared by every certificate
    tx = certificate.setTokenURI("ar://new", sender=admin)
    assert [log.event_name for log in tx.events] == ["TokenURISet", "BatchMetadataUpdate"]
    assert certificate.tokenURI(1) == "ar://new"
    with ape.reverts(certificate.ERC721NonexistentToken, tokenId=2):
        certificate.tokenURI(2)
    tx = certificate.setContractURI("ipfs://c2", sender=admin)
    assert [log.event_name for log in tx.events] == ["ContractURIUpdated"]
    assert certificate.contractURI() == "ipfs://c2"
    with ape.reverts(certificate.AccessControlUnauthorizedAccount):
        certificate.setTokenURI("x", sender=stranger)
    for iface in ("0xb45a3c0e", "0x80ac58cd", "0x5b5e139f", "0x49064906", "0x7965db0b", "0x01ffc9a7"):
        assert certificate.supportsInterface(iface), iface
    assert not certificate.supportsInterface("0xffffffff")
    assert (certificate.name(), certificate.symbol()) == ("Gaoling Firing Certificate", "GLFIRE")


def test_grader_to_certificate_end_to_end(bank, clock, chain, certificate, signer, alice, stranger):
    clock.now = chain.pending_timestamp
    grader = Grader(bank, rng=random.Random(11), clock=clock, attester=signer)
    attempt = grader.start(alice.address)
    answers = [order.index(bank.by_id(q.id).answer) for q, order in zip(attempt.questions, attempt.order)]
    answers[0] = (answers[0] + 1) % len(attempt.questions[0].choices)  # one wrong: 90%
    result = grader.grade(attempt.attempt_id, answers)
    assert result.passed and result.score == 90
    tx = submit(certificate, result.attestation, stranger)
    minted = certificate.CertificateMinted.from_receipt(tx)[0]
    assert (minted.holder, minted.score, minted.quizVersion) == (alice.address, 90, bank.version)
    with pytest.raises(CertificateError, match="nonce .* already used"):
        submit(certificate, result.attestation, stranger)


def test_preflight_names_the_problem(certificate, make_pass, alice, chain):
    signed = make_pass(alice, expiry=chain.pending_timestamp + 10)
    with pytest.raises(CertificateError, match="expired"):
        preflight(certificate, signed, now=chain.pending_timestamp + 11)
    assert to_checksum_address(signed.verifying_contract) == certificate.address


def test_contract_relayer_and_contract_holder(project, certificate, make_pass, alice, stranger):
    probe = stranger.deploy(project.CertificateRelayProbe)
    # A contract without onERC721Received can hold the badge (mint uses no receiver callback).
    own = make_pass(probe.address)
    probe.relay(certificate, own.quiz_pass.as_tuple(), own.signature_bytes(), sender=stranger)
    assert certificate.ownerOf(1) == probe.address

    # Replaying within one transaction: the second mint reverts and takes the first with it.
    signed = make_pass(alice)
    with ape.reverts(certificate.FiringCertificateNonceUsed):
        probe.relayTwice(certificate, signed.quiz_pass.as_tuple(), signed.signature_bytes(), sender=stranger)
    assert not certificate.hasCertificate(alice) and not certificate.nonceUsed(signed.quiz_pass.nonce)
    probe.relay(certificate, signed.quiz_pass.as_tuple(), signed.signature_bytes(), sender=stranger)
    assert certificate.ownerOf(2) == alice.address
