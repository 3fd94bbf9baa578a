"""The `QuizPass` EIP-712 attestation: what the grader signs and FiringCertificate verifies.

    QuizPass(address holder,uint256 quizVersion,uint256 score,uint256 expiry,uint256 nonce)

`score` is the percentage of correct answers (0-100, rounded down); `quizVersion` is the bank's
`version`; `nonce` is a random 256-bit number, so graders on several hosts never collide.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any, Callable

from eth_account import Account
from eth_utils import is_address, to_checksum_address
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gaoling import signing

UINT256_MAX = 2**256 - 1
QUIZ_PASS_TYPES = {
    "QuizPass": [
        {"name": "holder", "type": "address"},
        {"name": "quizVersion", "type": "uint256"},
        {"name": "score", "type": "uint256"},
        {"name": "expiry", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
    ]
}
DEFAULT_TTL_SECONDS = 7 * 24 * 3600


def checksum(address: str, field: str = "holder") -> str:
    if not isinstance(address, str) or not is_address(address):
        raise ValueError(f"{field}: {address!r} is not an Ethereum address (0x followed by 40 hex digits)")
    return to_checksum_address(address)


class QuizPass(BaseModel):
    model_config = ConfigDict(frozen=True)

    holder: str
    quiz_version: int = Field(ge=0, le=UINT256_MAX)
    score: int = Field(ge=0, le=100)
    expiry: int = Field(ge=0, le=UINT256_MAX)
    nonce: int = Field(ge=0, le=UINT256_MAX)

    @field_validator("holder")
    @classmethod
    def _holder(cls, value: str) -> str:
        return checksum(value)

    def message(self) -> dict[str, Any]:
        return {"holder": self.holder, "quizVersion": self.quiz_version, "score": self.score,
                "expiry": self.expiry, "nonce": self.nonce}

    def as_tuple(self) -> tuple:
        """The struct as FiringCertificate.mint takes it."""
        return (self.holder, self.quiz_version, self.score, self.expiry, self.nonce)


class SignedQuizPass(BaseModel):
    """An attestation plus the domain it was signed for; what a web backend hands the collector."""

    model_config = ConfigDict(frozen=True)

    quiz_pass: QuizPass
    signature: str
    chain_id: int
    verifying_contract: str
    domain_name: str
    domain_version: str

    @property
    def domain(self) -> signing.Domain:
        return signing.Domain(self.domain_name, self.domain_version, self.chain_id, self.verifying_contract)

    def signature_bytes(self) -> bytes:
        return bytes.fromhex(self.signature.removeprefix("0x"))

    def signer(self) -> str:
        """The address that signed (recovered off-chain, for a self-check before relaying)."""
        msg = signing.signable(self.domain, "QuizPass", QUIZ_PASS_TYPES, self.quiz_pass.message())
        return to_checksum_address(Account.recover_message(msg, signature=self.signature_bytes()))

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str) -> "SignedQuizPass":
        path = Path(path)
        try:
            return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ValueError(f"{path}: no such attestation file; `ape run quiz take --out {path}` writes one") from None
        except (json.JSONDecodeError, ValueError) as exc:
            raise ValueError(f"{path}: not a valid quiz-pass attestation: {exc}") from None


class Attester:
    """Signs QuizPass attestations with an Ape account that holds ATTESTER_ROLE on the certificate.

    `clock` and `nonce_source` are injectable for tests; in production the nonce comes from
    `secrets`, so it cannot be predicted or collide across graders.
    """

    def __init__(self, account: Any, domain: signing.Domain, *, ttl_seconds: int = DEFAULT_TTL_SECONDS,
                 nonce_source: Callable[[], int] | None = None) -> None:
        if ttl_seconds <= 0:
            raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds}")
        self.account = account
        self.domain = domain
        self.ttl_seconds = ttl_seconds
        self._nonce = nonce_source or (lambda: secrets.randbits(256))

    def sign(self, holder: str, quiz_version: int, score: int, now: int) -> SignedQuizPass:
        qp = QuizPass(holder=holder, quiz_version=quiz_version, score=score,
                      expiry=now + self.ttl_seconds, nonce=self._nonce())
        return self.sign_pass(qp)

    def sign_pass(self, qp: QuizPass) -> SignedQuizPass:
        sig = signing.sign(self.account, self.domain, "QuizPass", QUIZ_PASS_TYPES, qp.message())
        return SignedQuizPass(quiz_pass=qp, signature="0x" + sig.hex(), chain_id=self.domain.chain_id,
                              verifying_contract=to_checksum_address(self.domain.verifying_contract),
                              domain_name=self.domain.name, domain_version=self.domain.version)
