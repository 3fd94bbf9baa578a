"""Gasless daily check-ins: EIP-712 `CheckIn(address member,uint256 day)` messages and a relayer.

A member signs one message per China Standard Time day; the platform collects them and relays
them in batches through `PointsLedger.relayCheckIns(day, batch)`. The contract skips (does not
revert on) an entry with a bad signature or a member who already checked in, and says why in a
`CheckInSkipped` event; the relayer here also drops such entries before sending, to save gas.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Sequence

from eth_account import Account
from eth_account.messages import SignableMessage
from eth_utils import keccak, to_checksum_address

from gaoling import signing
from gaoling.fan._common import FanInputError, address_arg, compact, sign_typed, uint_arg

CST = timezone(timedelta(hours=8), "CST")
CST_OFFSET = 8 * 3600
DAY = 86_400
MAX_BATCH = 500

CHECK_IN_TYPES = {
    "CheckIn": [
        {"name": "member", "type": "address"},
        {"name": "day", "type": "uint256"},
    ]
}

SKIP_REASONS = {0: "invalid signature", 1: "already checked in today"}
CHECK_IN_TYPEHASH = keccak(text="CheckIn(address member,uint256 day)")


@lru_cache(maxsize=64)
def _domain_separator(chain_id: int, ledger: str) -> bytes:
    """The ledger's EIP-712 domain separator, as eth-account encodes it (a signable message's header)."""
    domain = signing.Domain("Gaoling Points", "1", chain_id, ledger)
    return bytes(signing.signable(domain, "CheckIn", CHECK_IN_TYPES, {"member": ledger, "day": 0}).header)


def cst_day(timestamp: int) -> int:
    """The CST day number of a unix timestamp, exactly as the contract computes it."""
    return (uint_arg(timestamp, "timestamp") + CST_OFFSET) // DAY


def day_start(day: int) -> int:
    """The unix timestamp of 00:00:00 CST on `day`."""
    return uint_arg(day, "day") * DAY - CST_OFFSET


def day_label(day: int) -> str:
    """`day` as a CST calendar date, e.g. '2025-03-01'."""
    return datetime.fromtimestamp(day_start(day), CST).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class SignedCheckIn:
    """A member's signature over `CheckIn(member, day)` for one ledger on one chain."""

    member: str
    day: int
    signature: bytes
    ledger: str
    chain_id: int

    def as_call_arg(self) -> tuple[str, bytes, bytes]:
        """The `(member, r, vs)` tuple that `relayCheckIns` takes."""
        r, vs = compact(self.signature)
        return (self.member, r, vs)

    def signable(self) -> SignableMessage:
        """The EIP-712 message as the ledger's `_signedBy` hashes it: the domain separator (eth-account's
        encoding, cached per ledger) and keccak256(abi.encode(CHECK_IN_TYPEHASH, member, day)). The
        service checks every check-in it takes in, and the generic typed-data encoder cost more than the
        signature recovery; tests/fan pins this to gaoling.signing."""
        member = bytes.fromhex(self.member.removeprefix("0x"))
        struct = keccak(CHECK_IN_TYPEHASH + member.rjust(32, b"\0") + self.day.to_bytes(32, "big"))
        return SignableMessage(b"\x01", _domain_separator(self.chain_id, self.ledger), struct)

    def signer(self) -> str:
        """The address that actually signed (recovered off-chain)."""
        return Account.recover_message(self.signable(), signature=self.signature)  # checksummed already

    def to_json(self) -> str:
        return json.dumps({
            "member": self.member, "day": self.day, "signature": "0x" + self.signature.hex(),
            "ledger": self.ledger, "chainId": self.chain_id,
        })

    @classmethod
    def from_json(cls, text: str, source: str = "check-in") -> "SignedCheckIn":
        """Parses one JSON object written by `to_json`; errors name `source` and the field."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FanInputError(f"{source}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(raw, dict):
            raise FanInputError(f"{source}: expected a JSON object with member, day, signature, ledger, chainId")
        missing = [k for k in ("member", "day", "signature", "ledger", "chainId") if k not in raw]
        if missing:
            raise FanInputError(f"{source}: missing field(s) {', '.join(missing)}")
        sig = raw["signature"]
        try:
            signature = bytes.fromhex(sig.removeprefix("0x")) if isinstance(sig, str) else b""
        except ValueError:
            signature = b""
        if len(signature) != 65:
            raise FanInputError(f"{source}: signature must be 0x followed by 130 hex digits")
        return cls(
            member=address_arg(raw["member"], f"{source}: member"),
            day=uint_arg(raw["day"], f"{source}: day", bits=32),
            signature=signature,
            ledger=address_arg(raw["ledger"], f"{source}: ledger"),
            chain_id=uint_arg(raw["chainId"], f"{source}: chainId", minimum=1),
        )


def sign_check_in(member: Any, ledger: Any, day: int | None = None) -> SignedCheckIn:
    """Signs a check-in for `day` (default: the ledger's current CST day) with `member`'s key.

    `member` is an Ape account or an eth-account `LocalAccount`; `ledger` is the deployed
    PointsLedger (its EIP-712 domain is read on chain, so the signature binds chain and contract).
    """
    member_address = address_arg(member, "member")
    domain = signing.Domain.of(ledger)
    day = int(ledger.today()) if day is None else uint_arg(day, "day", bits=32)
    signature = sign_typed(member, domain, "CheckIn", CHECK_IN_TYPES, {"member": member_address, "day": day})
    return SignedCheckIn(member_address, day, signature, domain.verifying_contract, domain.chain_id)


@dataclass
class RelayReport:
    """What one `relay_check_ins` call did. `skipped` maps member -> reason."""

    day: int
    credited: dict[str, int] = field(default_factory=dict)  # member -> points
    skipped: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)  # filtered out before sending
    gas_used: int = 0
    transactions: list[str] = field(default_factory=list)


def relay_check_ins(
    ledger: Any,
    check_ins: Sequence[SignedCheckIn],
    sender: Any,
    *,
    batch_size: int = 100,
    prefilter: bool = True,
    on_batch: Callable[[str], None] | None = None,
) -> RelayReport:
    """Relays signed check-ins in batches of `batch_size` from `sender`.

    Every entry must be for the ledger's current CST day and for this ledger and chain; if
    `prefilter` is on, entries with a wrong signer, duplicates, and members who already checked
    in are dropped before sending (they would only be skipped on chain, at the sender's cost).
    `on_batch` hears of each confirmed batch (the CLI reports them after Ctrl-C).
    """
    uint_arg(batch_size, "batch_size", minimum=1)
    if batch_size > MAX_BATCH:
        raise FanInputError(f"batch_size: {batch_size} is above {MAX_BATCH}; a batch must fit in one block")
    if not check_ins:
        raise FanInputError("check_ins: nothing to relay; collect signed check-ins first")
    today = int(ledger.today())
    ledger_address = address_arg(ledger, "ledger")
    domain = signing.Domain.of(ledger)
    report = RelayReport(day=today)
    pending: list[SignedCheckIn] = []
    seen: set[str] = set()
    for i, item in enumerate(check_ins):
        if not isinstance(item, SignedCheckIn):
            raise FanInputError(f"check_ins[{i}]: expected a SignedCheckIn, got {type(item).__name__}")
        if item.day != today:
            raise FanInputError(
                f"check_ins[{i}]: signed for day {item.day} ({day_label(item.day)}) but today is "
                f"{today} ({day_label(today)} CST); ask the member to sign again"
            )
        if item.ledger != ledger_address or item.chain_id != domain.chain_id:
            raise FanInputError(
                f"check_ins[{i}]: signed for ledger {item.ledger} on chain {item.chain_id}, not "
                f"{ledger_address} on chain {domain.chain_id}"
            )
        if prefilter:
            if item.member in seen:
                report.dropped[item.member] = "duplicate in this relay"
                continue
            if item.signer() != item.member:
                report.dropped[item.member] = SKIP_REASONS[0]
                continue
            if ledger.checkedInToday(item.member):
                report.dropped[item.member] = SKIP_REASONS[1]
                continue
        seen.add(item.member)
        pending.append(item)
    for start in range(0, len(pending), batch_size):
        chunk = pending[start:start + batch_size]
        receipt = ledger.relayCheckIns(today, [c.as_call_arg() for c in chunk], sender=sender)
        report.gas_used += int(receipt.gas_used)
        report.transactions.append(str(receipt.txn_hash))
        for log in ledger.CheckedIn.from_receipt(receipt):
            report.credited[to_checksum_address(log.member)] = int(log.points)
        for log in ledger.CheckInSkipped.from_receipt(receipt):
            report.skipped[to_checksum_address(log.member)] = SKIP_REASONS.get(int(log.reason), str(log.reason))
        if on_batch is not None:
            on_batch(f"batch of {len(chunk)} check-ins for {day_label(today)} (CST) in tx {receipt.txn_hash}")
    return report


def read_check_ins(lines: Iterable[str], source: str) -> list[SignedCheckIn]:
    """Parses JSON-lines of signed check-ins; blank lines are ignored, errors name the line."""
    out = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            out.append(SignedCheckIn.from_json(line, f"{source}:{number}"))
    return out
