"""Talking to a deployed FiringCertificate: deploy, check the attester, relay an attestation.

`submit` checks everything it can off-chain first (domain, expiry, nonce, existing certificate,
attester role), so a relayer learns what is wrong before paying for a reverted transaction. The
contract enforces all of it again; these checks are a courtesy, never the defence.
"""

from __future__ import annotations

import time
from typing import Any

from eth_utils import to_checksum_address

from gaoling import display, signing
from gaoling.quiz.attestation import SignedQuizPass


class CertificateError(Exception):
    """An attestation that the certificate contract would reject, with the reason."""


def deploy(project: Any, admin: Any, attester: str | None = None, *, base_uri: str = "",
           contract_uri: str = "", **tx: Any) -> Any:
    """Deploys FiringCertificate with `admin` as DEFAULT_ADMIN_ROLE and `attester` as ATTESTER_ROLE."""
    zero = "0x0000000000000000000000000000000000000000"
    return admin.deploy(project.FiringCertificate, admin.address, attester or zero, base_uri, contract_uri, **tx)


def domain_of(certificate: Any) -> signing.Domain:
    return signing.Domain.of(certificate)


def require_attester(certificate: Any, address: str) -> None:
    role = certificate.ATTESTER_ROLE()
    if not certificate.hasRole(role, address):
        raise CertificateError(
            f"{address} does not hold ATTESTER_ROLE on FiringCertificate {certificate.address}; its signatures "
            f"would be rejected. An admin grants it: ape run roles grant --contract certificate ATTESTER_ROLE {address}")


def preflight(certificate: Any, signed: SignedQuizPass, now: int | None = None) -> None:
    """Raises CertificateError naming the first reason the contract would reject `signed`."""
    domain = domain_of(certificate)
    if (signed.chain_id, to_checksum_address(signed.verifying_contract)) != (
            domain.chain_id, to_checksum_address(domain.verifying_contract)):
        raise CertificateError(
            f"attestation was signed for contract {signed.verifying_contract} on chain {signed.chain_id}, "
            f"not for {domain.verifying_contract} on chain {domain.chain_id}; take the quiz again against "
            f"this certificate")
    qp = signed.quiz_pass
    now = int(time.time()) if now is None else now
    if now > qp.expiry:
        raise CertificateError(f"attestation expired at {display.when(qp.expiry)}; take the quiz again")
    if certificate.nonceUsed(qp.nonce):
        raise CertificateError(f"attestation nonce {qp.nonce} was already used or invalidated")
    if qp.quiz_version < certificate.minQuizVersion():
        raise CertificateError(f"quiz version {qp.quiz_version} is retired (minimum "
                               f"{certificate.minQuizVersion()}); take the current quiz")
    token_id, _, _, _, barred = certificate.certificateOf(qp.holder)
    if barred:
        raise CertificateError(f"{qp.holder}'s certificate was revoked; an admin must reinstate them first")
    if token_id:
        raise CertificateError(f"{qp.holder} already holds certificate #{token_id}")
    require_attester(certificate, signed.signer())


def submit(certificate: Any, signed: SignedQuizPass, sender: Any, *, check: bool = True,
           now: int | None = None, **tx: Any) -> Any:
    """Relays `signed` to `certificate.mint` from `sender` (anyone). Returns the receipt."""
    if check:
        preflight(certificate, signed, now)
    return certificate.mint(signed.quiz_pass.as_tuple(), signed.signature_bytes(), sender=sender, **tx)
