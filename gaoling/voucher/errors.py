"""Errors raised by the voucher tooling. Each message names the argument and says what to do."""

from __future__ import annotations

from typing import Any

from eth_utils import is_address, to_checksum_address

UINT256_MAX = 2**256 - 1


class VoucherInputError(ValueError):
    """A bad argument, or an action the contract would reject; the message says why and what next."""


class ShippingStoreError(RuntimeError):
    """The encrypted shipping store cannot be opened or read (missing key, wrong key, tampered row)."""


def address_arg(value: Any, argument: str, *, allow_zero: bool = False) -> str:
    """`value` (an address string, bytes, or anything with `.address`) as a checksummed address."""
    raw = getattr(value, "address", value)
    if isinstance(raw, bytes) and len(raw) == 20:
        raw = "0x" + raw.hex()
    if not isinstance(raw, str) or not is_address(raw):
        raise VoucherInputError(f"{argument}: {value!r} is not an address; pass a 0x-prefixed 20-byte hex address")
    checksummed = to_checksum_address(raw)
    if not allow_zero and int(checksummed, 16) == 0:
        raise VoucherInputError(f"{argument}: the zero address cannot be used here")
    return checksummed


def uint_arg(value: Any, argument: str, *, bits: int = 256, minimum: int = 0) -> int:
    """`value` as an int in [minimum, 2**bits - 1], or VoucherInputError naming `argument`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise VoucherInputError(f"{argument}: expected a whole number, got {value!r}")
    if value < minimum or value > 2**bits - 1:
        raise VoucherInputError(f"{argument}: {value} is out of range; it must be between {minimum} and {2**bits - 1}")
    return value


def bytes32_arg(value: Any, argument: str) -> bytes:
    """`value` (32 bytes or a 0x-prefixed 64-digit hex string) as 32 bytes."""
    if isinstance(value, str):
        text = value.removeprefix("0x")
        try:
            value = bytes.fromhex(text)
        except ValueError:
            raise VoucherInputError(f"{argument}: {value!r} is not hex") from None
    if not isinstance(value, (bytes, bytearray)) or len(value) != 32:
        raise VoucherInputError(f"{argument}: expected 32 bytes (0x followed by 64 hex digits)")
    return bytes(value)
