"""How values are shown to people: times as dates in China Standard Time and UTC, durations in
words, amounts in ether, addresses in full, role ids by name.

Every command, the revert decoder and the service's pages print through these, so a time reads
the same everywhere ("2026-12-03 20:00 CST (12:00 UTC)").
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from eth_utils import keccak, to_checksum_address

CST = timezone(timedelta(hours=8), "CST")

# Role constants of the platform's contracts. AccessControl reverts carry only keccak256(name);
# these turn it back into the name. `role_name` also accepts extra names (read from an ABI).
KNOWN_ROLES = (
    "DEFAULT_ADMIN_ROLE", "ATTESTER_ROLE", "CURATOR_ROLE", "FULFILMENT_ROLE", "ISSUER_ROLE", "METADATA_ROLE",
    "ORDER_SIGNER_ROLE", "PAUSER_ROLE", "PURCHASE_RECORDER_ROLE", "REDEEMER_ROLE", "SALE_MANAGER_ROLE",
    "SPENDER_ROLE",
)


def role_id(name: str) -> bytes:
    """The bytes32 id of a role name, as OpenZeppelin AccessControl contracts define it."""
    return b"\x00" * 32 if name == "DEFAULT_ADMIN_ROLE" else keccak(text=name)


def role_name(role: bytes | str, extra: tuple[str, ...] = ()) -> str:
    """`FULFILMENT_ROLE` for its id; an unknown id is shown in full hex."""
    raw = bytes.fromhex(role.removeprefix("0x")) if isinstance(role, str) else bytes(role)
    for name in (*KNOWN_ROLES, *extra):
        if role_id(name) == raw:
            return name
    return "0x" + raw.hex()


def when(timestamp: int) -> str:
    """A unix time as '2026-12-03 20:00:00 CST (12:00:00 UTC)'; the date is repeated in UTC when it differs."""
    moment = datetime.fromtimestamp(int(timestamp), timezone.utc)
    cst = moment.astimezone(CST)
    utc_text = moment.strftime("%H:%M:%S UTC") if cst.date() == moment.date() else moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{cst.strftime('%Y-%m-%d %H:%M:%S')} CST ({utc_text})"


_UNITS = (("week", 7 * 86_400), ("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))


def duration(seconds: int, parts: int = 2) -> str:
    """Seconds in words, the largest `parts` units: 604800 -> '7 days', 93784 -> '1 day 2 hours'.

    Whole weeks under five are shown as days ('7 days', '14 days'): sale windows and timeouts are
    written in days in the configs, so that is the unit people recognise."""
    seconds = int(seconds)
    if seconds < 0:
        return "-" + duration(-seconds, parts)
    if seconds == 0:
        return "0 seconds"
    words = []
    rest = seconds
    for unit, size in _UNITS:
        if unit == "week" and seconds < 5 * 7 * 86_400:
            continue
        count, rest = divmod(rest, size)
        if count:
            words.append(f"{count} {unit}{'s' if count != 1 else ''}")
        if len(words) == parts:
            break
    return " ".join(words)


def relative(timestamp: int, now: int) -> str:
    """'in 3 days' or '2 hours ago', from chain time `now`."""
    delta = int(timestamp) - int(now)
    if delta == 0:
        return "now"
    return f"in {duration(delta, 1)}" if delta > 0 else f"{duration(-delta, 1)} ago"


def window(start: int, end: int, now: int) -> str:
    """A sale or auction window's state: 'open, closes in 2 days', 'opens in 3 days', 'closed 1 day ago'."""
    if start == 0 and end == 0:
        return "not configured"
    if now < start:
        return f"opens {relative(start, now)} ({when(start)})"
    if now < end:
        return f"open, closes {relative(end, now)} ({when(end)})"
    return f"closed {relative(end, now)} ({when(end)})"


def ether(wei: int) -> str:
    """Wei as ether without rounding: 50000000000000000 -> '0.05 ether'."""
    value = Decimal(int(wei)).scaleb(-18).normalize()
    text = format(value, "f")
    return f"{text} ether"


def address(value: object) -> str:
    """An address in full, EIP-55 checksummed (never cut short: people compare all of it)."""
    return to_checksum_address(str(getattr(value, "address", value)))
