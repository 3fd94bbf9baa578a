"""Auctions on a `GaolingAuctionHouse`: input parsing, checks before any transaction, the
transactions themselves, and a readable status.

Each `check_*` function reads the chain and raises `AuctionInputError` naming the argument to
fix (reserve or duration out of bounds, a token the seller does not own, a house that is not
approved, a bid below the minimum, an auction that ended or was cancelled), so scripts never
send a transaction that would revert for a reason we could have told the user first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

from eth_utils import is_address, to_checksum_address

from gaoling.display import duration as duration_words
from gaoling.display import when

ZERO_ADDRESS = "0x" + "00" * 20


class AuctionInputError(ValueError):
    """A bad input, named by `argument` (the option to fix)."""

    def __init__(self, argument: str, message: str):
        self.argument = argument
        super().__init__(f"{argument}: {message}")


class Status(IntEnum):
    """Mirrors `GaolingAuctionHouse.Status`."""

    NONE = 0
    LIVE = 1
    SETTLED = 2
    CANCELLED = 3
    FAILED = 4


# ---------------------------------------------------------------------- parsing

_UNITS = {"wei": 0, "gwei": 9, "ether": 18, "eth": 18}
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_amount(text: str | int, argument: str = "amount") -> int:
    """Wei from `1.5`, `1.5 ether`, `2 gwei` or `1000 wei` (a bare number is ether)."""
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", text)
    if not match:
        raise AuctionInputError(argument, f"{text!r} is not an amount like '1.5 ether' or '1000 wei'")
    number, unit = match.group(1), (match.group(2) or "ether").lower()
    if unit not in _UNITS:
        raise AuctionInputError(argument, f"unknown unit {unit!r}; use wei, gwei or ether")
    try:
        value = Decimal(number) * (Decimal(10) ** _UNITS[unit])
    except InvalidOperation:
        raise AuctionInputError(argument, f"{text!r} is not a number") from None
    if value != value.to_integral_value():
        raise AuctionInputError(argument, f"{text!r} is not a whole number of wei")
    return int(value)


def parse_duration(text: str | int, argument: str = "duration") -> int:
    """Seconds from `900`, `90m`, `36h` or `7d`."""
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*([0-9]+)\s*([smhd]?)\s*", text)
    if not match:
        raise AuctionInputError(argument, f"{text!r} is not a duration like '900', '90m', '36h' or '7d'")
    return int(match.group(1)) * _DURATION_UNITS[match.group(2) or "s"]


def format_wei(value: int) -> str:
    """`1.5 ETH` style, exact."""
    ether = Decimal(value) / Decimal(10**18)
    text = format(ether.normalize(), "f")
    return f"{text} ETH"


def _address(value: str, argument: str) -> str:
    if not isinstance(value, str):
        value = str(getattr(value, "address", value))
    if not is_address(value):
        raise AuctionInputError(argument, f"{value!r} is not an address")
    return to_checksum_address(value)


# ---------------------------------------------------------------------- checks


def check_listing_bounds(house: Any, reserve: int, duration: int) -> None:
    """Reserve and duration against the house's bounds."""
    low, high = house.MIN_RESERVE(), house.MAX_RESERVE()
    if not low <= reserve <= high:
        raise AuctionInputError("reserve", f"{reserve} wei is outside {low}..{high} wei")
    low, high = house.MIN_DURATION(), house.MAX_DURATION()
    if not low <= duration <= high:
        raise AuctionInputError("duration", f"{duration_words(duration)} is outside {duration_words(low)} to "
                                            f"{duration_words(high)}")


def check_create(house: Any, nft: Any, token_id: int, seller: Any, reserve: int, duration: int) -> str:
    """Everything `createAuction` checks, before the transaction. Returns the token's owner."""
    check_listing_bounds(house, reserve, duration)
    seller = _address(seller, "account")
    try:
        owner = to_checksum_address(str(nft.ownerOf(token_id)))
    except Exception:
        raise AuctionInputError("token_id", f"token {token_id} does not exist in {nft.address}") from None
    if owner == to_checksum_address(str(house.address)):
        raise AuctionInputError("token_id", f"token {token_id} is already escrowed in an auction")
    if owner != seller and not nft.isApprovedForAll(owner, seller):
        raise AuctionInputError("token_id", f"token {token_id} is owned by {owner}, not by {seller}")
    if not is_house_approved(house, nft, token_id, owner):
        raise AuctionInputError(
            "approve", f"the house {house.address} is not approved for token {token_id}; "
            "pass --approve to approve it first"
        )
    return owner


def is_house_approved(house: Any, nft: Any, token_id: int, owner: str) -> bool:
    """True if the house may move `token_id` out of `owner`'s wallet."""
    approved = to_checksum_address(str(nft.getApproved(token_id)))
    return approved == to_checksum_address(str(house.address)) or bool(nft.isApprovedForAll(owner, house))


def _closed_reason(auction_id: int, status: Status) -> str:
    return {
        Status.NONE: f"auction {auction_id} does not exist",
        Status.SETTLED: f"auction {auction_id} has been settled",
        Status.CANCELLED: f"auction {auction_id} was cancelled",
        Status.FAILED: f"auction {auction_id} failed (its token could not be delivered)",
    }[status]


def check_bid(house: Any, auction_id: int, amount: int, now: int) -> None:
    """Live, not ended, and at least the minimum bid."""
    record = house.auction(auction_id)
    status = Status(record.status)
    if status != Status.LIVE:
        raise AuctionInputError("auction_id", _closed_reason(auction_id, status))
    if record.endTime and now >= record.endTime:
        raise AuctionInputError("auction_id", f"auction {auction_id} ended at {when(record.endTime)}; settle it instead "
                                "(ape run auction settle)")
    minimum = house.minimumBid(auction_id)
    if amount < minimum:
        raise AuctionInputError(
            "amount", f"{format_wei(amount)} is below the minimum bid of {format_wei(minimum)} ({minimum} wei)"
        )


def check_settle(house: Any, auction_id: int, now: int) -> None:
    """Live, with a bid, and ended."""
    record = house.auction(auction_id)
    status = Status(record.status)
    if status != Status.LIVE:
        raise AuctionInputError("auction_id", _closed_reason(auction_id, status))
    if record.bidder == ZERO_ADDRESS:
        raise AuctionInputError("auction_id", f"auction {auction_id} has no bid yet; the seller may cancel it")
    if now < record.endTime:
        raise AuctionInputError("auction_id", f"auction {auction_id} ends at {when(record.endTime)}, in "
                                f"{duration_words(record.endTime - now)}; settle it after that")


# ---------------------------------------------------------------------- transactions


def create(
    house: Any, nft: Any, token_id: int, reserve: int, duration: int, sender: Any, approve: bool = False
) -> int:
    """Checks, optionally approves the house for the token, lists it, and returns the auction id."""
    try:
        check_create(house, nft, token_id, sender, reserve, duration)
    except AuctionInputError as exc:
        if exc.argument != "approve" or not approve:
            raise
        nft.approve(house, token_id, sender=sender)
    tx = house.createAuction(nft, token_id, reserve, duration, sender=sender)
    return tx.events.filter(house.AuctionCreated)[0].auctionId


def bid(house: Any, auction_id: int, amount: int, sender: Any, now: int) -> Any:
    """Checks and places a bid; returns the receipt."""
    check_bid(house, auction_id, amount, now)
    return house.createBid(auction_id, value=amount, sender=sender)


@dataclass
class Settlement:
    """Who received what when an auction settled."""

    auction_id: int
    delivered: bool
    winner: str
    price: int
    seller: str = ZERO_ADDRESS
    royalty_receiver: str = ZERO_ADDRESS
    royalty: int = 0
    fee: int = 0
    fee_recipient: str = ZERO_ADDRESS
    seller_proceeds: int = 0
    deferred: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str]]:
        """(who, what) summary lines."""
        if not self.delivered:
            return [("winner refunded (token undeliverable)", f"{self.winner}: {format_wei(self.price)}")]
        rows = [
            ("winner gets the token", self.winner),
            ("price", format_wei(self.price)),
            ("artist royalty", f"{self.royalty_receiver}: {format_wei(self.royalty)}"),
            ("platform fee", f"{self.fee_recipient}: {format_wei(self.fee)}"),
            ("seller proceeds", f"{self.seller}: {format_wei(self.seller_proceeds)}"),
        ]
        rows += [(f"deferred to {who}", f"{format_wei(amount)} (claim with withdraw)") for who, amount in self.deferred.items()]
        return rows


def settle(house: Any, auction_id: int, sender: Any, now: int) -> Settlement:
    """Checks and settles; returns who received what (deferred payments included)."""
    check_settle(house, auction_id, now)
    tx = house.settle(auction_id, sender=sender)
    deferred = {str(e.payee): e.amount for e in tx.events.filter(house.PaymentDeferred)}
    failed = tx.events.filter(house.AuctionFailed)
    if failed:
        return Settlement(auction_id, False, str(failed[0].winner), failed[0].refund, deferred=deferred)
    e = tx.events.filter(house.AuctionSettled)[0]
    return Settlement(
        auction_id, True, str(e.winner), e.price, str(e.seller), str(e.royaltyReceiver), e.royalty, e.fee,
        str(house.feeRecipient()), e.sellerProceeds, deferred,
    )


def withdraw(house: Any, sender: Any, to: str | None = None) -> int:
    """Withdraws the sender's pending balance (to `to` if given); returns the amount."""
    amount = house.pendingWithdrawals(sender)
    if amount == 0:
        raise AuctionInputError("account", f"{sender} has nothing to withdraw from {house.address}")
    if to is None:
        house.withdraw(sender=sender)
    else:
        house.withdrawTo(_address(to, "to"), sender=sender)
    return amount


# ---------------------------------------------------------------------- status


@dataclass(frozen=True)
class AuctionStatus:
    """An auction as a person wants to read it."""

    auction_id: int
    status: Status
    nft: str
    token_id: int
    seller: str
    reserve: int
    fee_bps: int
    duration: int
    end_time: int
    highest_bidder: str | None
    highest_bid: int
    minimum_bid: int | None
    now: int

    @property
    def phase(self) -> str:
        if self.status != Status.LIVE:
            return self.status.name.lower()
        if self.highest_bidder is None:
            return "waiting for a first bid at or above the reserve"
        if self.now >= self.end_time:
            return "ended, ready to settle"
        return f"running, {duration_words(self.end_time - self.now)} left"

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("auction", f"#{self.auction_id}"),
            ("state", self.phase),
            ("token", f"{self.nft} #{self.token_id}"),
            ("seller", self.seller),
            ("reserve", format_wei(self.reserve)),
            ("duration from first bid", duration_words(self.duration)),
            ("ends at", when(self.end_time) if self.end_time else "- (the timer starts at the first bid)"),
            ("highest bidder", self.highest_bidder or "-"),
            ("highest bid", format_wei(self.highest_bid) if self.highest_bidder else "-"),
            ("minimum next bid", format_wei(self.minimum_bid) if self.minimum_bid is not None else "-"),
            ("platform fee", f"{self.fee_bps / 100:g}%"),
        ]


def status(house: Any, auction_id: int, now: int) -> AuctionStatus:
    """Reads `auction_id`; raises AuctionInputError for an unknown id."""
    record = house.auction(auction_id)
    state = Status(record.status)
    if state == Status.NONE:
        raise AuctionInputError("auction_id", f"auction {auction_id} does not exist (the house has {house.auctionCount()})")
    has_bid = record.bidder != ZERO_ADDRESS
    return AuctionStatus(
        auction_id=auction_id,
        status=state,
        nft=str(record.nft),
        token_id=record.tokenId,
        seller=str(record.seller),
        reserve=record.reserve,
        fee_bps=record.feeBps,
        duration=record.duration,
        end_time=record.endTime,
        highest_bidder=str(record.bidder) if has_bid else None,
        highest_bid=record.amount if has_bid else 0,
        minimum_bid=house.minimumBid(auction_id) if state == Status.LIVE else None,
        now=now,
    )
