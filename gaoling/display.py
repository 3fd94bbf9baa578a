"""How values are shown to people: times as dates in China Standard Time and UTC, durations in
words, amounts in ether, addresses in full, role ids by name; and the console and tables every
command prints with, which never cut a value short.

Every command, the revert decoder and the service's pages print through these, so a time reads
the same everywhere ("2026-12-03 20:00 CST (12:00 UTC)").
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

from eth_utils import keccak, to_checksum_address

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

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


# ------------------------------------------------------------------ tables and the console

ADDRESS_WIDTH = 42  # "0x" + 40 hex digits


def console(**kwargs: object) -> Console:
    """The console a command prints with. In a terminal it uses the terminal's width; in a pipe or
    a file (logs, CI, `| less`) 200 columns unless COLUMNS says otherwise, where rich would assume
    80 and wrap every table."""
    import os
    import sys

    from rich.console import Console

    stream = sys.stderr if kwargs.get("stderr") else sys.stdout
    if "width" not in kwargs and not stream.isatty() and not os.environ.get("COLUMNS", "").strip().isdigit():
        kwargs["width"] = 200
    return Console(**kwargs)  # type: ignore[arg-type]


def table(*headers: str, title: str | None = None, addresses: tuple[str, ...] = ()) -> Table:
    """A table whose cells never end in "…": a value too long for its column wraps instead, and the
    columns named in `addresses` are kept at least an address wide, so that an address stays whole
    on one line whenever the terminal allows it."""
    from rich.table import Table

    out = Table(title=title)
    for header in headers:
        whole = header in addresses
        out.add_column(header, overflow="fold", no_wrap=whole, min_width=ADDRESS_WIDTH if whole else None)
    return out


def pairs(title: str | None, rows: list[tuple[str, str]]) -> Table:
    """A two-column name/value table (a voucher, an auction, a sale). Values wrap at spaces, never
    inside an address: the value column is at least an address wide."""
    from rich.table import Table

    out = Table(title=title, show_header=False)
    out.add_column(style="bold", overflow="fold")
    out.add_column(overflow="fold", min_width=ADDRESS_WIDTH)
    for name, value in rows:
        out.add_row(name, value)
    return out
