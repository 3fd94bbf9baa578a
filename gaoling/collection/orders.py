"""Fiat mint orders: EIP-712 `MintOrder`s that the issuer signs for buyers who paid off chain.

A buyer pays in RMB through a payment app; the issuer's order signer (an account holding the
contract's ORDER_SIGNER_ROLE) signs a `MintOrder` naming the buyer's wallet; anyone (the buyer,
or the platform's relayer paying gas) submits it, and the contract mints to the named recipient.

What makes an order safe to hand around:
- the EIP-712 domain carries the chain id and the edition's address, so the signature is worthless
  on any other chain or collection;
- `recipient` is signed, so whoever submits the order cannot redirect the tokens;
- `nonce` is single-use: the contract keeps a nonce bitmap (256 nonces per storage word), so random
  256-bit nonces cost no coordination between signers and never collide in practice;
- `expiry` bounds how long an unused order stays valid.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from gaoling import display
from gaoling.collection.config import MAX_CAP
from gaoling.inputs import UINT256_MAX, parse_address
from gaoling.signing import Domain, digest, sign, signable

DOMAIN_NAME = "GaolingEdition"
DOMAIN_VERSION = "1"
PRIMARY_TYPE = "MintOrder"
MINT_ORDER_TYPES = {
    PRIMARY_TYPE: [
        {"name": "recipient", "type": "address"},
        {"name": "quantity", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "expiry", "type": "uint256"},
    ]
}
MINT_ORDER_TYPE = "MintOrder(address recipient,uint256 quantity,uint256 nonce,uint256 expiry)"
MINT_ORDER_TYPEHASH = keccak(text=MINT_ORDER_TYPE)
# The role name the contract is expected to use for order signers (keccak256("ORDER_SIGNER_ROLE")).
ORDER_SIGNER_ROLE = keccak(text="ORDER_SIGNER_ROLE")


class MintOrderError(ValueError):
    """An order argument or a signed-order document that is not acceptable; names the argument."""


def new_nonce() -> int:
    """A fresh random 256-bit nonce (the contract's bitmap accepts any uint256 once)."""
    return secrets.randbits(256)


def edition_domain(chain_id: int, verifying_contract: str) -> Domain:
    """The domain of a GaolingEdition, for signing without reading it from the chain."""
    return Domain(DOMAIN_NAME, DOMAIN_VERSION, int(chain_id), parse_address(verifying_contract))


def _check_domain(domain: Any) -> Domain:
    if not isinstance(domain, Domain):
        raise MintOrderError(f"domain: expected a gaoling.signing.Domain, got {type(domain).__name__}")
    if domain.name != DOMAIN_NAME or domain.version != DOMAIN_VERSION:
        raise MintOrderError(
            f"domain: {domain.verifying_contract} reports EIP-712 domain {domain.name!r} version "
            f"{domain.version!r}, not {DOMAIN_NAME!r} version {DOMAIN_VERSION!r}; is it a GaolingEdition?"
        )
    if domain.chain_id <= 0:
        raise MintOrderError(f"domain: chain id {domain.chain_id} is not a chain")
    return domain


def _uint(name: str, value: Any, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MintOrderError(f"{name}: expected a whole number, got {value!r}")
    if not minimum <= value <= maximum:
        raise MintOrderError(f"{name}: {value} is out of range {minimum}..{maximum}")
    return value


@dataclass(frozen=True)
class MintOrder:
    recipient: str
    quantity: int
    nonce: int
    expiry: int

    def message(self) -> dict[str, Any]:
        return {"recipient": self.recipient, "quantity": self.quantity, "nonce": self.nonce,
                "expiry": self.expiry}

    def as_struct(self) -> tuple[str, int, int, int]:
        """The Solidity `MintOrder` struct, for the contract call."""
        return (self.recipient, self.quantity, self.nonce, self.expiry)

    def struct_hash(self) -> bytes:
        return keccak(abi_encode(["bytes32", "address", "uint256", "uint256", "uint256"],
                                 [MINT_ORDER_TYPEHASH, *self.as_struct()]))


def make_mint_order(recipient: str, quantity: int, nonce: int | None, expiry: int,
                    now: int | None = None) -> MintOrder:
    """Validates the order fields; each error names its argument."""
    try:
        recipient = parse_address(recipient)
    except ValueError as exc:
        raise MintOrderError(f"recipient: {exc}") from None
    quantity = _uint("quantity", quantity, 1, MAX_CAP)
    nonce = new_nonce() if nonce is None else _uint("nonce", nonce, 0, UINT256_MAX)
    expiry = _uint("expiry", expiry, 0, UINT256_MAX)
    current = int(time.time()) if now is None else now
    if expiry <= current:
        raise MintOrderError(f"expiry: {display.when(expiry)} is not in the future (now is {display.when(current)}); "
                             "the contract would reject the order as expired")
    return MintOrder(recipient, quantity, nonce, expiry)


@dataclass(frozen=True)
class SignedOrder:
    """An order with its signature, ready to hand to a relayer as JSON."""

    domain: Domain
    order: MintOrder
    signer: str
    signature: bytes

    @property
    def digest(self) -> bytes:
        return digest(self.domain, PRIMARY_TYPE, MINT_ORDER_TYPES, self.order.message())

    def recover(self) -> str:
        """The address that signed (recovered from the signature, not taken from `signer`)."""
        msg = signable(self.domain, PRIMARY_TYPE, MINT_ORDER_TYPES, self.order.message())
        return to_checksum_address(Account.recover_message(msg, signature=self.signature))

    def as_dict(self) -> dict[str, Any]:
        # uint256 values travel as decimal strings: JSON numbers lose precision above 2^53 in JS.
        return {
            "primaryType": PRIMARY_TYPE,
            "domain": self.domain.as_dict(),
            "order": {
                "recipient": self.order.recipient,
                "quantity": str(self.order.quantity),
                "nonce": str(self.order.nonce),
                "expiry": str(self.order.expiry),
            },
            "signer": self.signer,
            "signature": "0x" + self.signature.hex(),
            "digest": "0x" + self.digest.hex(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SignedOrder":
        """Reads a signed order back and checks the signature really is the named signer's."""
        try:
            d, o = data["domain"], data["order"]
            domain = _check_domain(Domain(d["name"], d["version"], int(d["chainId"]),
                                          parse_address(d["verifyingContract"])))
            order = MintOrder(parse_address(o["recipient"]), int(o["quantity"]), int(o["nonce"]),
                              int(o["expiry"]))
            signer = parse_address(data["signer"])
            signature = bytes.fromhex(str(data["signature"]).removeprefix("0x"))
        except KeyError as exc:
            raise MintOrderError(f"signed order: missing field {exc}") from None
        except (TypeError, ValueError) as exc:
            if isinstance(exc, MintOrderError):
                raise
            raise MintOrderError(f"signed order: {exc}") from None
        if len(signature) != 65:
            raise MintOrderError(f"signature: expected 65 bytes, got {len(signature)}")
        signed = cls(domain, order, signer, signature)
        if signed.recover() != signer:
            raise MintOrderError(f"signature: it was not made by {signer} for this order and domain")
        return signed

    @classmethod
    def from_json(cls, text: str) -> "SignedOrder":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MintOrderError(f"signed order: not JSON ({exc})") from None
        return cls.from_dict(data)


def check_honourable(edition: Any, quantity: int) -> int:
    """Refuses an order the edition could not mint now: more than is left of the cap, more than
    one transaction may mint, or a paused sale. Returns what is left. Other signed orders not yet
    relayed also draw on what is left, so sign the quantity that was paid for, and relay promptly."""
    remaining = int(edition.cap()) - int(edition.totalMinted())
    if quantity > remaining:
        raise MintOrderError(f"quantity: {quantity} tokens asked for, but only {remaining} are left of the cap of "
                             f"{int(edition.cap()):,}; sign an order for at most {remaining}, and refund the rest")
    per_mint = int(edition.maxMintQuantity())
    if quantity > per_mint:
        raise MintOrderError(f"quantity: {quantity} tokens in one order, but the edition mints at most {per_mint} "
                             f"per transaction; sign several orders of at most {per_mint}")
    if edition.paused():
        raise MintOrderError("the edition is paused, so the order could not be minted now; unpause it first")
    return remaining


def sign_mint_order(account: Any, domain: Domain, recipient: str, quantity: int,
                    nonce: int | None = None, expiry: int = 0, *, now: int | None = None) -> SignedOrder:
    """Signs a `MintOrder` with any Ape account (keyfile, hardware wallet, test account).

    `nonce=None` draws a random one. The signature is checked by recovery before it is returned,
    so a misconfigured signer (wrong hardware-wallet path, wrong account) fails here, not on chain.
    """
    domain = _check_domain(domain)
    address = getattr(account, "address", None)
    if address is None or not callable(getattr(account, "sign_message", None)):
        raise MintOrderError(f"account: expected an Ape account that can sign, got {type(account).__name__}")
    order = make_mint_order(recipient, quantity, nonce, expiry, now=now)
    signature = sign(account, domain, PRIMARY_TYPE, MINT_ORDER_TYPES, order.message())
    signed = SignedOrder(domain, order, to_checksum_address(str(address)), signature)
    if signed.recover() != signed.signer:
        raise MintOrderError(f"account: {signed.signer} produced a signature that recovers to "
                             f"{signed.recover()}; check the signer set-up")
    return signed
