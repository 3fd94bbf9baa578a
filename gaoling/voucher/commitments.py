"""Commitments to shipping details and tracking numbers: what goes on chain instead of the data.

A commitment is

    keccak256(tag || chainId (32 bytes) || voucher contract (20 bytes) || voucherId (32 bytes)
              || salt (32 random bytes) || canonical UTF-8 JSON of the data)

- The 256-bit random salt makes the commitment hiding: without it nobody can test guesses of a
  low-entropy value (a phone number, a postcode, a tracking number) against the chain.
- Binding the chain, contract and voucher id means an opening proves "these details for voucher N
  of contract X", and can never be replayed as a proof for another voucher.
- The canonical encoding (sorted keys, no spaces, NFC-normalised Unicode, UTF-8) makes the hash
  independent of how the details were typed or stored.

An *opening* (the data plus its salt) is what the holder keeps to prove, later, that the details
match the on-chain commitment; the studio keeps it encrypted in the shipping store.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from typing import Any

from eth_utils import keccak, to_checksum_address
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gaoling.voucher.errors import VoucherInputError, address_arg, uint_arg

SHIPPING_TAG = b"gaoling.voucher.shipping.v1"
TRACKING_TAG = b"gaoling.voucher.tracking.v1"
SALT_BYTES = 32

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,22}$")


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


class ShippingDetails(BaseModel):
    """Where a fired piece goes. Never sent to the chain: only its commitment is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recipient: str = Field(min_length=1, max_length=100, description="the recipient's name")
    phone: str = Field(description="a phone number: digits, spaces and dashes, optionally a leading +")
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. CN")
    region: str = Field("", max_length=100, description="province or state, e.g. 江西省")
    city: str = Field(min_length=1, max_length=100, description="e.g. 景德镇市")
    district: str = Field("", max_length=100, description="district or county, e.g. 珠山区")
    street: str = Field(min_length=1, max_length=300, description="street address, building, room")
    postal_code: str = Field("", max_length=20, description="postal code, e.g. 333000")

    @field_validator("recipient", "region", "city", "district", "street", "postal_code", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("must be text")
        return _nfc(value)

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> str:
        if not isinstance(value, str) or not _PHONE.match(value.strip()):
            raise ValueError("must be a phone number of 6-23 digits, spaces or dashes, with an optional leading +")
        return value.strip()

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> str:
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
            raise ValueError("must be a two-letter ISO 3166-1 country code, e.g. CN")
        return value.strip().upper()

    def canonical(self) -> bytes:
        """The exact bytes that are hashed (sorted keys, no spaces, UTF-8)."""
        return _canonical(self.model_dump())


class TrackingDetails(BaseModel):
    """The carrier and tracking number of a shipped piece. Only its commitment goes on chain."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    carrier: str = Field(min_length=1, max_length=60, description="e.g. SF Express")
    tracking_number: str = Field(min_length=4, max_length=60, description="as the carrier prints it")

    @field_validator("carrier", "tracking_number", mode="before")
    @classmethod
    def _text(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("must be text")
        return _nfc(value)

    def canonical(self) -> bytes:
        return _canonical(self.model_dump())


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class VoucherRef(BaseModel):
    """Which voucher a commitment belongs to: chain, contract and voucher id."""

    model_config = ConfigDict(frozen=True)

    chain_id: int = Field(ge=1)
    contract: str
    voucher_id: int = Field(ge=1)

    @field_validator("contract", mode="before")
    @classmethod
    def _contract(cls, value: Any) -> str:
        try:
            return address_arg(value, "contract")
        except VoucherInputError as exc:
            raise ValueError(str(exc)) from None

    @classmethod
    def of(cls, vouchers: Any, voucher_id: int) -> "VoucherRef":
        """The reference for `voucher_id` of a deployed GaolingVouchers (Ape contract instance)."""
        from ape import chain

        return cls(chain_id=chain.chain_id, contract=str(vouchers.address),
                   voucher_id=uint_arg(voucher_id, "voucher_id", minimum=1))

    def binding(self) -> bytes:
        return (self.chain_id.to_bytes(32, "big") + bytes.fromhex(to_checksum_address(self.contract)[2:])
                + self.voucher_id.to_bytes(32, "big"))


def commit(tag: bytes, ref: VoucherRef, salt: bytes, canonical: bytes) -> bytes:
    """The 32-byte commitment (see the module docstring)."""
    if len(salt) != SALT_BYTES:
        raise VoucherInputError(f"salt: expected {SALT_BYTES} bytes, got {len(salt)}")
    return keccak(tag + ref.binding() + salt + canonical)


class ShippingOpening(BaseModel):
    """Shipping details plus the salt and voucher they were committed for: the proof material."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: VoucherRef
    details: ShippingDetails
    salt: str = Field(pattern=r"^0x[0-9a-f]{64}$")

    @classmethod
    def new(cls, ref: VoucherRef, details: ShippingDetails) -> "ShippingOpening":
        return cls(ref=ref, details=details, salt="0x" + secrets.token_bytes(SALT_BYTES).hex())

    def commitment(self) -> bytes:
        return commit(SHIPPING_TAG, self.ref, bytes.fromhex(self.salt[2:]), self.details.canonical())

    def matches(self, onchain: bytes | str) -> bool:
        """True if this opening is the one committed to by `onchain` (the voucher's commitment)."""
        value = bytes.fromhex(onchain.removeprefix("0x")) if isinstance(onchain, str) else bytes(onchain)
        return secrets.compare_digest(self.commitment(), value)


class TrackingOpening(BaseModel):
    """Tracking details plus salt and voucher: lets the holder check the studio's shipping claim."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: VoucherRef
    details: TrackingDetails
    salt: str = Field(pattern=r"^0x[0-9a-f]{64}$")

    @classmethod
    def new(cls, ref: VoucherRef, details: TrackingDetails) -> "TrackingOpening":
        return cls(ref=ref, details=details, salt="0x" + secrets.token_bytes(SALT_BYTES).hex())

    def commitment(self) -> bytes:
        return commit(TRACKING_TAG, self.ref, bytes.fromhex(self.salt[2:]), self.details.canonical())

    def matches(self, onchain: bytes | str) -> bool:
        value = bytes.fromhex(onchain.removeprefix("0x")) if isinstance(onchain, str) else bytes(onchain)
        return secrets.compare_digest(self.commitment(), value)


def verify_shipping_proof(vouchers: Any, opening: ShippingOpening) -> bool:
    """True if `opening` matches the shipping commitment recorded on chain for its voucher.

    Anyone can run this: the holder reveals the opening (details and salt) to a verifier, e.g. a
    carrier or an arbiter, who checks it against the contract without trusting the studio."""
    from ape import chain

    ref = opening.ref
    if ref.chain_id != chain.chain_id or to_checksum_address(ref.contract) != to_checksum_address(str(vouchers.address)):
        return False
    info = vouchers.voucher(ref.voucher_id)
    return opening.matches(bytes(info.shippingCommitment))
