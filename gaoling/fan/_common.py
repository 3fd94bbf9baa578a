"""Argument validation and signing shared by the fan-economy helpers."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import is_address, to_checksum_address

from gaoling import signing

UINT256_MAX = 2**256 - 1


class FanInputError(ValueError):
    """A bad argument to a fan-economy helper. The message names the argument and says what to do."""


def address_arg(value: Any, argument: str) -> str:
    """Returns `value` as a checksummed address, or raises naming `argument`."""
    raw = getattr(value, "address", value)
    if isinstance(raw, bytes) and len(raw) == 20:
        raw = "0x" + raw.hex()
    if not isinstance(raw, str) or not is_address(raw):
        raise FanInputError(f"{argument}: {value!r} is not an address; pass a 0x-prefixed 20-byte hex address")
    checksummed = to_checksum_address(raw)
    if int(checksummed, 16) == 0:
        raise FanInputError(f"{argument}: the zero address cannot be used here")
    return checksummed


def uint_arg(value: Any, argument: str, *, bits: int = 256, minimum: int = 0) -> int:
    """Returns `value` as an int in [minimum, 2**bits - 1], or raises naming `argument`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FanInputError(f"{argument}: expected a whole number, got {value!r}")
    if value < minimum or value > 2**bits - 1:
        raise FanInputError(f"{argument}: {value} is out of range; it must be between {minimum} and {2**bits - 1}")
    return value


def sign_typed(account: Any, domain: signing.Domain, primary: str, types: dict, message: dict) -> bytes:
    """65-byte r||s||v signature by an Ape account (through gaoling.signing) or an eth-account key."""
    if isinstance(account, LocalAccount):
        return bytes(account.sign_message(signing.signable(domain, primary, types, message)).signature)
    return signing.sign(account, domain, primary, types, message)


def compact(signature: bytes) -> tuple[bytes, bytes]:
    """Splits a 65-byte r||s||v signature into the EIP-2098 compact form (r, vs)."""
    if len(signature) != 65:
        raise FanInputError(f"signature: expected 65 bytes (r||s||v), got {len(signature)}")
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    if v < 27:
        v += 27
    if v not in (27, 28):
        raise FanInputError(f"signature: recovery byte v={signature[64]} is not 27/28 (or 0/1)")
    vs = s | ((v - 27) << 255)
    return r, vs.to_bytes(32, "big")
