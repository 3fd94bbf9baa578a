"""Fiat voucher orders: EIP-712 `VoucherOrder`s that the studio signs for buyers who paid off chain.

    VoucherOrder(address buyer,address collection,uint256 tokenId,uint256 nonce,uint256 expiry)

The domain is `GaolingVouchers` version 1 with the chain id and the voucher contract's address, so a
signature is worthless on any other chain or contract. `buyer` is signed (a relayer cannot redirect
the voucher), the source token is signed (one order is one piece of one token), the nonce is single
use and the order expires. The contract still checks, when the order is filled, that the buyer owns
the source token and holds a firing certificate.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address

from gaoling.signing import Domain, digest, sign, signable
from gaoling.voucher.errors import VoucherInputError, address_arg, uint_arg

DOMAIN_NAME = "GaolingVouchers"
DOMAIN_VERSION = "1"
PRIMARY_TYPE = "VoucherOrder"
VOUCHER_ORDER_TYPES = {
    PRIMARY_TYPE: [
        {"name": "buyer", "type": "address"},
        {"name": "collection", "type": "address"},
        {"name": "tokenId", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "expiry", "type": "uint256"},
    ]
}


@dataclass(frozen=True)
class VoucherOrder:
    buyer: str
    collection: str
    token_id: int
    nonce: int
    expiry: int

    def message(self) -> dict[str, Any]:
        return {"buyer": self.buyer, "collection": self.collection, "tokenId": self.token_id,
                "nonce": self.nonce, "expiry": self.expiry}

    def as_struct(self) -> tuple[str, str, int, int, int]:
        return (self.buyer, self.collection, self.token_id, self.nonce, self.expiry)


def make_order(buyer: Any, collection: Any, token_id: int, *, nonce: int | None = None,
               expiry: int | None = None, ttl: int = 3600, now: int | None = None) -> VoucherOrder:
    """Validates the fields (each error names its argument). `nonce=None` draws a random 256-bit one;
    `expiry=None` means `now + ttl`."""
    current = int(time.time()) if now is None else now
    if expiry is None:
        expiry = current + uint_arg(ttl, "ttl", minimum=1)
    expiry = uint_arg(expiry, "expiry")
    if expiry <= current:
        raise VoucherInputError(f"expiry: {expiry} is not in the future (now is {current}); the contract would "
                                "reject the order as expired")
    return VoucherOrder(
        buyer=address_arg(buyer, "buyer"),
        collection=address_arg(collection, "collection"),
        token_id=uint_arg(token_id, "token_id"),
        nonce=secrets.randbits(256) if nonce is None else uint_arg(nonce, "nonce"),
        expiry=expiry,
    )


@dataclass(frozen=True)
class SignedVoucherOrder:
    """An order with its domain and signature, as JSON for the relayer."""

    domain: Domain
    order: VoucherOrder
    signature: bytes

    @property
    def digest(self) -> bytes:
        return digest(self.domain, PRIMARY_TYPE, VOUCHER_ORDER_TYPES, self.order.message())

    def signer(self) -> str:
        """Recovered from the signature."""
        msg = signable(self.domain, PRIMARY_TYPE, VOUCHER_ORDER_TYPES, self.order.message())
        return to_checksum_address(Account.recover_message(msg, signature=self.signature))

    def to_json(self) -> str:
        # uint256 values travel as decimal strings (JSON numbers lose precision above 2^53 in JS).
        o = self.order
        return json.dumps({
            "primaryType": PRIMARY_TYPE,
            "domain": self.domain.as_dict(),
            "order": {"buyer": o.buyer, "collection": o.collection, "tokenId": str(o.token_id),
                      "nonce": str(o.nonce), "expiry": str(o.expiry)},
            "signature": "0x" + self.signature.hex(),
        }, indent=2)

    @classmethod
    def from_json(cls, text: str, source: str = "order") -> "SignedVoucherOrder":
        try:
            data = json.loads(text)
            d, o = data["domain"], data["order"]
            domain = Domain(d["name"], d["version"], int(d["chainId"]), address_arg(d["verifyingContract"],
                                                                                     "domain.verifyingContract"))
            order = VoucherOrder(address_arg(o["buyer"], "order.buyer"),
                                 address_arg(o["collection"], "order.collection"),
                                 int(o["tokenId"]), int(o["nonce"]), int(o["expiry"]))
            signature = bytes.fromhex(str(data["signature"]).removeprefix("0x"))
        except json.JSONDecodeError as exc:
            raise VoucherInputError(f"{source}: not JSON ({exc})") from None
        except KeyError as exc:
            raise VoucherInputError(f"{source}: missing field {exc}") from None
        except (TypeError, ValueError) as exc:
            if isinstance(exc, VoucherInputError):
                raise
            raise VoucherInputError(f"{source}: {exc}") from None
        if (domain.name, domain.version) != (DOMAIN_NAME, DOMAIN_VERSION):
            raise VoucherInputError(f"{source}: domain {domain.name!r} v{domain.version} is not a voucher order "
                                    f"domain ({DOMAIN_NAME!r} v{DOMAIN_VERSION})")
        if len(signature) != 65:
            raise VoucherInputError(f"{source}: signature must be 65 bytes, got {len(signature)}")
        return cls(domain, order, signature)


def sign_order(signer: Any, vouchers: Any, order: VoucherOrder) -> SignedVoucherOrder:
    """Signs `order` for the deployed `vouchers` contract with any Ape account holding ORDER_SIGNER_ROLE.

    Checks the role first and the signature by recovery after, so a wrong account fails here, not
    when the buyer's relayer submits the order."""
    address = address_arg(signer, "signer")
    if not vouchers.hasRole(vouchers.ORDER_SIGNER_ROLE(), address):
        raise VoucherInputError(f"signer: {address} does not hold ORDER_SIGNER_ROLE on {vouchers.address}; an "
                                "admin grants it with grantRole(ORDER_SIGNER_ROLE, <address>)")
    domain = Domain.of(vouchers)
    signed = SignedVoucherOrder(domain, order, sign(signer, domain, PRIMARY_TYPE, VOUCHER_ORDER_TYPES,
                                                    order.message()))
    if signed.signer() != address:
        raise VoucherInputError(f"signer: the signature recovers to {signed.signer()}, not {address}")
    return signed
