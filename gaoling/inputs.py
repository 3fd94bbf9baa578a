"""Parsers for the scalar values that collection configs, allowlists and the CLI share.

Each parser takes what a person typed (a YAML scalar, a CSV cell, a command-line argument) and
returns the exact on-chain value, or raises `ValueError` with a message that says what is wrong
and what to write instead. Callers add the location (file, field path, line, option name).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from eth_utils import is_checksum_address, is_hex_address, to_checksum_address
from multiformats import CID

UINT32_MAX = 2**32 - 1
UINT40_MAX = 2**40 - 1
UINT64_MAX = 2**64 - 1
UINT96_MAX = 2**96 - 1
UINT256_MAX = 2**256 - 1
ZERO_ADDRESS = "0x" + "00" * 20

# Units accepted in prices. Only these three: "finney", "szabo" and friends are rare enough that
# a typo ("eth", "gwie") is far likelier than an intended use, so they are rejected.
PRICE_UNITS = {"wei": 0, "gwei": 9, "ether": 18}

DURATION_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION_RE = re.compile(r"^(?:\d+[wdhms])+$")
_DURATION_PART = re.compile(r"(\d+)([wdhms])")


def parse_address(value: Any, *, allow_zero: bool = False) -> str:
    """A 20-byte address as an EIP-55 checksummed string.

    All-lowercase (or all-uppercase) hex is accepted and checksummed; mixed case must pass the
    EIP-55 checksum, since mixed case that fails it almost always means a mistyped character.
    """
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(
            f"expected an address as text (0x followed by 40 hex digits), got {type(value).__name__}"
            f" {value!r}; in YAML, put the address in quotes"
        )
    text = value.strip()
    if not text.startswith("0x") or not is_hex_address(text):
        raise ValueError(f"{value!r} is not an address: expected 0x followed by 40 hex digits")
    body = text[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(text):
        raise ValueError(
            f"{value!r} has mixed case but fails the EIP-55 checksum, so a character is probably "
            "mistyped; copy the address again from its wallet (or, once every digit is verified, "
            "write it all in lowercase)"
        )
    address = to_checksum_address(text)
    if not allow_zero and address == ZERO_ADDRESS:
        raise ValueError("the zero address cannot be used here: funds or roles sent to it are lost")
    return address


def parse_price(value: Any) -> int:
    """A price in wei, from an integer number of wei or a string like "0.01 ether" / "10 gwei"."""
    if isinstance(value, bool):
        raise ValueError(f"expected a price such as '0.01 ether', got {value!r}")
    if isinstance(value, int):
        wei = value
    elif isinstance(value, str):
        parts = value.strip().split()
        if len(parts) == 1 and parts[0].isdigit():
            wei = int(parts[0])
        elif len(parts) == 2 and parts[1].lower() in PRICE_UNITS:
            try:
                amount = Decimal(parts[0])
            except InvalidOperation:
                raise ValueError(f"{value!r}: {parts[0]!r} is not a number") from None
            if not amount.is_finite() or amount < 0:
                raise ValueError(f"{value!r}: the amount must be a non-negative number")
            scaled = amount.scaleb(PRICE_UNITS[parts[1].lower()])
            if scaled != scaled.to_integral_value():
                raise ValueError(f"{value!r} is not a whole number of wei; use fewer decimals")
            wei = int(scaled)
        else:
            raise ValueError(
                f"{value!r} is not a price; write an amount and a unit ("
                + ", ".join(PRICE_UNITS) + "), e.g. '0.01 ether', '10 gwei', or an integer number of wei"
            )
    else:
        # A bare float (0.01) is rejected: its unit is ambiguous and binary floats are inexact.
        raise ValueError(
            f"{value!r} has no unit; write it as text with a unit, e.g. '{value} ether', or as integer wei"
        )
    if wei < 0:
        raise ValueError(f"{value!r}: a price cannot be negative")
    if wei > UINT96_MAX:
        raise ValueError(f"{value!r} is larger than the contract can hold (uint96 wei, about 79 billion ether)")
    return wei


def parse_duration(value: Any) -> int:
    """A duration in seconds, from integer seconds or text like "180d", "12h", "1d12h", "90m", "2w"."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as '180d' or '12h', got {value!r}")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if text.isdigit():
            seconds = int(text)
        elif _DURATION_RE.match(text):
            seconds = sum(int(n) * DURATION_UNITS[u] for n, u in _DURATION_PART.findall(text))
        else:
            raise ValueError(
                f"{value!r} is not a duration; write a number with a unit w/d/h/m/s "
                "(e.g. '180d', '12h', '1d12h') or integer seconds"
            )
    else:
        raise ValueError(f"expected a duration such as '180d' or integer seconds, got {value!r}")
    if seconds < 0:
        raise ValueError(f"{value!r}: a duration cannot be negative")
    return seconds


def parse_timestamp(value: Any) -> int:
    """Unix seconds, from an integer or an ISO-8601 date-time that carries its timezone.

    A date-time without a timezone is rejected: "20:00" in Jingdezhen (UTC+8) and "20:00" on a
    server in UTC are eight hours apart, and a sale that opens at the wrong hour cannot be undone.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a time, got {value!r}")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"{value.isoformat()} has no timezone; add one, e.g. +08:00 for China Standard Time")
        seconds = int(value.timestamp())
    elif isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            seconds = int(text)
        else:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a time; write ISO-8601 with a timezone, "
                    "e.g. 2026-12-01T20:00:00+08:00, or unix seconds"
                ) from None
            if moment.tzinfo is None:
                example = text if "T" in text or " " in text else f"{text}T00:00:00"
                raise ValueError(
                    f"{value!r} has no timezone; add one, e.g. {example}+08:00 for China Standard Time"
                )
            if moment.microsecond:
                raise ValueError(f"{value!r}: the chain counts whole seconds; drop the fraction")
            seconds = int(moment.timestamp())
    else:
        raise ValueError(f"expected an ISO-8601 time with timezone or unix seconds, got {value!r}")
    if seconds < 0 or seconds > UINT40_MAX:
        raise ValueError(f"{value!r} is outside the range the contract stores (uint40 unix seconds)")
    return seconds


def parse_uint(value: Any, *, maximum: int = UINT256_MAX, minimum: int = 0) -> int:
    """A non-negative integer from an int or decimal text, within [minimum, maximum]."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    if value < minimum or value > maximum:
        raise ValueError(f"{value} is out of range: it must be between {minimum} and {maximum}")
    return value


def parse_ipfs_uri(value: str, *, directory: bool) -> str:
    """An `ipfs://<CID>` URI (with a trailing slash when it names a directory), or "" when unset."""
    if value == "":
        return value
    shape = "ipfs://<CID>/" if directory else "ipfs://<CID>"
    if not value.startswith("ipfs://"):
        raise ValueError(f"{value!r} must be {shape} (content-addressed), or empty until published")
    rest = value[len("ipfs://"):]
    if directory:
        if not rest.endswith("/"):
            raise ValueError(f"{value!r} must end with '/': token URIs are <base><tokenId>")
        rest = rest[:-1]
    if "/" in rest or rest == "":
        raise ValueError(f"{value!r} must be exactly {shape}, with no path after the CID")
    try:
        CID.decode(rest)
    except Exception as exc:  # multiformats raises several unrelated types for malformed input
        raise ValueError(f"{value!r}: {rest!r} is not a valid CID ({exc})") from None
    return value
