"""Talking to a `GaolingCrowdfund`: deploy and wire it, create campaigns, pledge, withdraw,
finalize, claim, refund, release, and read a campaign's status.

Every function checks its inputs against the chain first and raises `CrowdfundInputError` naming
the argument to fix (a tier that does not exist, a pledge over the wallet limit, a refund on a
campaign that succeeded...), so a command never pays for a transaction that would revert for a
reason we could have said. The contract enforces all of it again; these checks are a courtesy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Callable

from eth_utils import keccak

from gaoling import display
from gaoling.inputs import ZERO_ADDRESS

BPS = 10_000
MAX_TIERS = 8
MAX_TIER_CAP = 2**16 - 1
MAX_DURATION = 90 * 86_400
UINT96_MAX = 2**96 - 1
MINTER_ROLE = keccak(text="MINTER_ROLE")
GRANTER_ROLE = keccak(text="GRANTER_ROLE")
PURCHASE_RECORDER_ROLE = keccak(text="PURCHASE_RECORDER_ROLE")
ISSUER_ROLE = keccak(text="ISSUER_ROLE")
MAX_DELIVERY_BATCH = 50  # GaolingCrowdfund.MAX_DELIVERY_BATCH


class CrowdfundInputError(ValueError):
    """A bad input, named by `argument` (the option or field to fix)."""

    def __init__(self, argument: str, message: str):
        self.argument = argument
        self.message = message
        super().__init__(f"{argument}: {message}")


class Status(IntEnum):
    """Mirror of `GaolingCrowdfund.Status`."""

    NONE = 0
    FUNDING = 1
    SUCCEEDED = 2
    FAILED = 3
    CANCELLED = 4


@dataclass(frozen=True)
class TierSpec:
    price: int
    cap: int
    physical: bool = False

    def as_tuple(self) -> tuple[int, int, bool]:
        return (self.price, self.cap, self.physical)


@dataclass(frozen=True)
class CampaignSpec:
    """What `createCampaign` takes. Empty `payees` means the edition's own split."""

    edition: str
    deadline: int
    goal: int
    wallet_limit: int
    tiers: tuple[TierSpec, ...]
    payees: tuple[tuple[str, int], ...] = ()

    @property
    def max_raise(self) -> int:
        return sum(t.price * t.cap for t in self.tiers)

    @property
    def total_cap(self) -> int:
        return sum(t.cap for t in self.tiers)

    @property
    def has_physical(self) -> bool:
        return any(t.physical for t in self.tiers)

    def as_tuple(self) -> tuple:
        return (self.edition, self.deadline, self.goal, self.wallet_limit, [t.as_tuple() for t in self.tiers],
                [a for a, _ in self.payees], [b for _, b in self.payees])

    def check(self, now: int) -> None:
        """The rules the contract applies to the spec alone (no chain reads)."""
        if not 1 <= len(self.tiers) <= MAX_TIERS:
            raise CrowdfundInputError("tiers", f"a campaign has 1 to {MAX_TIERS} tiers, not {len(self.tiers)}")
        for i, t in enumerate(self.tiers):
            if t.price <= 0 or t.price > UINT96_MAX:
                raise CrowdfundInputError(f"tiers[{i}].price", "a tier needs a price above zero")
            if not 1 <= t.cap <= MAX_TIER_CAP:
                raise CrowdfundInputError(f"tiers[{i}].cap", f"a tier's cap is 1 to {MAX_TIER_CAP} pieces, not {t.cap}")
        if self.max_raise > UINT96_MAX:
            raise CrowdfundInputError("tiers", "price x cap over all tiers is more than the contract can hold")
        if not 0 < self.goal <= self.max_raise:
            raise CrowdfundInputError("goal", f"the goal must be above zero and reachable: all tiers sold out raise "
                                              f"{format_wei(self.max_raise)}")
        if self.deadline <= now or self.deadline > now + MAX_DURATION:
            raise CrowdfundInputError("deadline", f"the deadline must be in the future and at most 90 days away "
                                                  f"(it is {format_time(self.deadline)})")
        if not 0 <= self.wallet_limit <= MAX_TIER_CAP:
            raise CrowdfundInputError("wallet_limit", f"0 (no limit) to {MAX_TIER_CAP} pieces per wallet")
        if self.payees:
            total = sum(b for _, b in self.payees)
            if total != BPS:
                raise CrowdfundInputError("payees", f"the shares add up to {total} bps; they must add up to {BPS}")
            if len({a for a, _ in self.payees}) != len(self.payees):
                raise CrowdfundInputError("payees", "a payee is listed twice")


# ---------------------------------------------------------------------- formatting


# The shared formatters under the names this module's callers use.
format_wei = display.ether   # exact ether, e.g. `0.05 ether`
format_time = display.when   # China Standard Time and UTC


def format_left(seconds: int) -> str:
    """`6 days 23 hours` style, or `ended` for zero or less."""
    return "ended" if seconds <= 0 else display.duration(seconds)


_address = display.address


# ---------------------------------------------------------------------- deploy and wire


def deploy(project: Any, admin: Any, vouchers: Any = None) -> Any:
    """Deploys a crowdfund whose admin is `admin`; `vouchers` grants physical tiers' vouchers."""
    return project.GaolingCrowdfund.deploy(admin.address, _address(vouchers) if vouchers else ZERO_ADDRESS,
                                           sender=admin)


def wire(crowdfund: Any, admin: Any, *, editions: tuple[Any, ...] = (), vouchers: Any = None,
         ledger: Any = None) -> list[str]:
    """Grants the crowdfund the roles it needs (MINTER_ROLE on each edition, GRANTER_ROLE on the
    vouchers, the purchase-recorder role on the points ledger) and points it at the ledger.
    Idempotent; returns what it did."""
    done = []
    target = crowdfund.address
    for edition in editions:
        if not edition.hasRole(MINTER_ROLE, target):
            edition.grantRole(MINTER_ROLE, target, sender=admin)
            done.append(f"{edition.address}: MINTER_ROLE")
    if vouchers is not None and not vouchers.hasRole(GRANTER_ROLE, target):
        vouchers.grantRole(GRANTER_ROLE, target, sender=admin)
        done.append(f"{vouchers.address}: GRANTER_ROLE")
    if ledger is not None:
        if not ledger.hasRole(PURCHASE_RECORDER_ROLE, target):
            ledger.grantRole(PURCHASE_RECORDER_ROLE, target, sender=admin)
            done.append(f"{ledger.address}: PURCHASE_RECORDER_ROLE")
        if _address(crowdfund.pointsLedger()) != _address(ledger):
            crowdfund.setPointsLedger(ledger.address, sender=admin)
            done.append("points ledger set")
    return done


# ---------------------------------------------------------------------- status


@dataclass
class TierState:
    index: int
    price: int
    cap: int
    physical: bool
    pledged: int

    @property
    def remaining(self) -> int:
        return self.cap - self.pledged


@dataclass
class PayeeState:
    address: str
    bps: int
    released: bool
    releasable: int     # wei it may release now (zero unless the campaign succeeded)


@dataclass
class CampaignStatus:
    campaign_id: int
    edition: str
    status: Status
    deadline: int
    goal: int
    raised: int
    pieces: int
    wallet_limit: int
    now: int
    tiers: list[TierState] = field(default_factory=list)
    escrowed: int = 0
    releasable: int = 0
    refunds_owed: int = 0
    payees: list[PayeeState] = field(default_factory=list)
    paused: bool = False

    @property
    def ended(self) -> bool:
        return self.now > self.deadline

    @property
    def seconds_left(self) -> int:
        # The deadline second itself still accepts pledges.
        return max(0, self.deadline + 1 - self.now)

    @property
    def goal_met(self) -> bool:
        return self.raised >= self.goal

    @property
    def outcome(self) -> Status:
        """The status once finalized: an ended campaign still in Funding settles by its goal."""
        if self.status == Status.FUNDING and self.ended:
            return Status.SUCCEEDED if self.goal_met else Status.FAILED
        return self.status

    @property
    def needs_finalize(self) -> bool:
        return self.status == Status.FUNDING and self.ended

    @property
    def progress_bps(self) -> int:
        """Raised over goal in basis points, capped at 10,000 (a goal can be exceeded)."""
        return min(BPS, self.raised * BPS // self.goal) if self.goal else 0

    @property
    def phase(self) -> str:
        """What a collector would call the state now."""
        if self.status == Status.FUNDING and self.ended:
            return "ended: waiting for finalize (" + ("goal met" if self.goal_met else "goal missed") + ")"
        return self.status.name.lower()

    def progress_bar(self, width: int = 30) -> str:
        share = min(1.0, self.raised / self.goal) if self.goal else 0.0
        filled = int(round(share * width))
        return "█" * filled + "░" * (width - filled) + f" {self.raised * 100 / self.goal:.1f}%"

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("state", self.phase),
            ("edition", self.edition),
            ("goal", format_wei(self.goal)),
            ("raised", f"{format_wei(self.raised)} from {self.pieces} pieces pledged"),
            ("progress", self.progress_bar()),
            ("deadline", format_time(self.deadline)),
            ("time left", format_left(self.seconds_left)),
            ("wallet limit", "none" if self.wallet_limit == 0 else f"{self.wallet_limit} pieces"),
        ]
        for t in self.tiers:
            kind = "digital + fired piece (voucher)" if t.physical else "digital"
            rows.append((f"tier {t.index}", f"{format_wei(t.price)} each, {t.pledged}/{t.cap} pledged, {kind}"))
        for i, p in enumerate(self.payees):
            done = "released" if p.released else f"may release {format_wei(p.releasable)}" if p.releasable else "on success"
            rows.append((f"payee {i}", f"{p.bps / 100:g}% to {p.address} ({done})"))
        rows.append(("held", f"escrowed {format_wei(self.escrowed)}, releasable to payees "
                             f"{format_wei(self.releasable)}, refunds owed {format_wei(self.refunds_owed)}"))
        if self.paused:
            rows.append(("paused", "pledges and claims wait; withdrawals and refunds still work"))
        return rows


def status(crowdfund: Any, campaign_id: int, now: int) -> CampaignStatus:
    """The campaign as the CLI and the service show it."""
    c = crowdfund.campaign(campaign_id)
    if Status(c.status) == Status.NONE:
        count = int(crowdfund.campaignCount())
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} does not exist "
                                                 f"(this crowdfund has campaigns 1..{count})" if count else
                                  f"campaign {campaign_id} does not exist (no campaign has been created yet)")
    escrowed, releasable, refunds = crowdfund.owed(campaign_id)
    tiers = [TierState(i, int(t.price), int(t.cap), bool(t.physical), int(t.pledged))
             for i, t in enumerate(crowdfund.tiers(campaign_id))]
    succeeded = Status(c.status) == Status.SUCCEEDED
    addresses, shares, released = crowdfund.payees(campaign_id)
    payees = [PayeeState(_address(a), int(b), bool(r),
                         int(crowdfund.releasable(campaign_id, a)) if succeeded and not r else 0)
              for a, b, r in zip(addresses, shares, released)]
    return CampaignStatus(campaign_id, _address(c.edition), Status(c.status), int(c.deadline), int(c.goal),
                          int(c.raised), int(c.pieces), int(c.walletLimit), int(now), tiers, int(escrowed),
                          int(releasable), int(refunds), payees, bool(crowdfund.paused()))


def campaign_ids(crowdfund: Any) -> range:
    """Every campaign id of this crowdfund (ids run from 1)."""
    return range(1, int(crowdfund.campaignCount()) + 1)


@dataclass
class PledgeStatus:
    """One pledger's stake in a campaign and what it may do now. `amount` and `pieces` are what is
    still held for it (zero once withdrawn, claimed, delivered or refunded)."""

    campaign: CampaignStatus
    pledger: str
    amount: int
    pieces: list[int]

    @property
    def total_pieces(self) -> int:
        return sum(self.pieces)

    @property
    def can_withdraw(self) -> bool:
        c = self.campaign
        return self.amount > 0 and c.status == Status.FUNDING and not c.ended

    @property
    def can_claim(self) -> bool:
        # `claim` finalizes first when due; minting waits while the crowdfund is paused.
        return self.amount > 0 and self.campaign.outcome == Status.SUCCEEDED and not self.campaign.paused

    @property
    def can_refund(self) -> bool:
        return self.amount > 0 and self.campaign.outcome in (Status.FAILED, Status.CANCELLED)

    @property
    def may_pledge(self) -> int:
        """Pieces this wallet may still pledge across all tiers (the wallet limit and what is left)."""
        c = self.campaign
        if c.status != Status.FUNDING or c.ended or c.paused:
            return 0
        left = sum(t.remaining for t in c.tiers)
        return min(left, max(0, c.wallet_limit - self.total_pieces)) if c.wallet_limit else left

    def rows(self) -> list[tuple[str, str]]:
        c = self.campaign
        held = ", ".join(f"tier {i}: {n}" for i, n in enumerate(self.pieces) if n) or "nothing"
        can = [name for name, ok in (("withdraw", self.can_withdraw), ("claim", self.can_claim),
                                     ("refund", self.can_refund)) if ok]
        rows = [("pledger", self.pledger), ("pledged", f"{format_wei(self.amount)} for {held}"),
                ("can", ", ".join(can) or "nothing now")]
        if self.can_claim or self.can_refund:
            rows.append(("finalize", "claim / refund finalize the campaign first" if c.needs_finalize else "done"))
        return rows


def pledge_status(crowdfund: Any, campaign_id: int, pledger: Any, now: int,
                  campaign: CampaignStatus | None = None) -> PledgeStatus:
    """What `pledger` holds in `campaign_id` and may withdraw, claim or refund (as the CLI and the
    service show it). Pass `campaign` when its status was just read."""
    state = campaign or status(crowdfund, campaign_id, now)
    who = _address(pledger)
    amount, pieces = crowdfund.pledgeOf(campaign_id, who)
    return PledgeStatus(state, who, int(amount), [int(p) for p in pieces])


@dataclass(frozen=True)
class PledgeEvent:
    kind: str            # pledged, withdrawn, claimed, refunded
    block: int
    tx: str
    amount: int = 0      # wei paid in (pledged) or out (withdrawn, refunded)
    tier: int | None = None
    quantity: int = 0    # pieces pledged or claimed
    first_token_id: int | None = None
    to: str | None = None


def pledge_history(crowdfund: Any, campaign_id: int, pledger: Any, start_block: int, stop_block: int) -> list[PledgeEvent]:
    """`pledger`'s pledges, withdrawals, claims (or deliveries) and refunds in `campaign_id`, from
    the contract's events between the two blocks, in chain order."""
    who = _address(pledger)
    topics = {"campaignId": campaign_id, "pledger": who}
    out: list[tuple[int, int, PledgeEvent]] = []
    for kind, event in (("pledged", crowdfund.Pledged), ("withdrawn", crowdfund.Withdrawn),
                        ("claimed", crowdfund.Claimed), ("refunded", crowdfund.Refunded)):
        for log in event.range(start_block, stop_block, search_topics=topics):
            a = log.event_arguments
            item = PledgeEvent(kind, int(log.block_number), str(log.transaction_hash),
                               amount=int(a.get("amount", 0)), tier=int(a["tier"]) if "tier" in a else None,
                               quantity=int(a.get("quantity", 0)),
                               first_token_id=int(a["firstTokenId"]) if "firstTokenId" in a else None,
                               to=_address(a["to"]) if "to" in a else None)
            out.append((item.block, int(log.log_index), item))
    return [item for _, _, item in sorted(out, key=lambda x: (x[0], x[1]))]


# ---------------------------------------------------------------------- transactions


def check_create(crowdfund: Any, edition: Any, spec: CampaignSpec, now: int) -> None:
    """Everything `createCampaign` checks, before the transaction."""
    spec.check(now)
    target = crowdfund.address
    if not edition.hasRole(MINTER_ROLE, target):
        raise CrowdfundInputError("edition", f"the crowdfund {target} does not hold MINTER_ROLE on {edition.address}; "
                                             "grant it (edition.grantRole(MINTER_ROLE, crowdfund)) first")
    available = int(edition.cap()) - int(edition.totalMinted()) - int(crowdfund.reservedPieces(edition.address))
    if spec.total_cap > max(0, available):
        raise CrowdfundInputError("tiers", f"the tiers' caps add up to {spec.total_cap} pieces but the edition has "
                                           f"room for {max(0, available)} (cap, minted and other campaigns counted)")
    if spec.has_physical:
        vouchers = _address(crowdfund.vouchers())
        if vouchers == ZERO_ADDRESS:
            raise CrowdfundInputError("tiers", "a physical tier needs a crowdfund deployed with a voucher contract")


def create(crowdfund: Any, edition: Any, spec: CampaignSpec, account: Any, now: int) -> int:
    """Creates the campaign; returns its id."""
    check_create(crowdfund, edition, spec, now)
    receipt = crowdfund.createCampaign(spec.as_tuple(), sender=account)
    return int(crowdfund.CampaignCreated.from_receipt(receipt)[0].campaignId)


def check_pledge(crowdfund: Any, campaign_id: int, tier: int, quantity: int, pledger: Any, now: int) -> int:
    """Returns the exact value to send."""
    state = status(crowdfund, campaign_id, now)
    if state.status != Status.FUNDING or state.ended:
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} no longer takes pledges ({state.phase})")
    if bool(crowdfund.paused()):
        raise CrowdfundInputError("campaign_id", "the crowdfund is paused: pledges are stopped for now "
                                                 "(withdrawals and refunds still work)")
    if not 0 <= tier < len(state.tiers):
        raise CrowdfundInputError("tier", f"campaign {campaign_id} has tiers 0..{len(state.tiers) - 1}")
    if quantity <= 0:
        raise CrowdfundInputError("quantity", "pledge at least one piece")
    t = state.tiers[tier]
    if quantity > t.cap - t.pledged:
        raise CrowdfundInputError("quantity", f"tier {tier} has {t.cap - t.pledged} pieces left")
    if state.wallet_limit:
        _, pieces = crowdfund.pledgeOf(campaign_id, _address(pledger))
        held = sum(int(p) for p in pieces)
        if held + quantity > state.wallet_limit:
            raise CrowdfundInputError("quantity", f"the limit is {state.wallet_limit} pieces per wallet and you have "
                                                  f"pledged {held}")
    return t.price * quantity


def pledge(crowdfund: Any, campaign_id: int, tier: int, quantity: int, account: Any, now: int) -> int:
    """Pledges; returns the wei paid."""
    value = check_pledge(crowdfund, campaign_id, tier, quantity, account, now)
    crowdfund.pledge(campaign_id, tier, quantity, value=value, sender=account)
    return value


def _pledged(crowdfund: Any, campaign_id: int, account: Any) -> int:
    amount, _ = crowdfund.pledgeOf(campaign_id, _address(account))
    return int(amount)


def withdraw(crowdfund: Any, campaign_id: int, account: Any, now: int, to: str | None = None) -> int:
    """Takes back the whole pledge before the deadline; returns the wei returned."""
    state = status(crowdfund, campaign_id, now)
    if state.status != Status.FUNDING or state.ended:
        hint = " use refund instead" if state.status in (Status.FAILED, Status.CANCELLED) else ""
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} is past withdrawals ({state.phase});{hint}"
                                  if hint else f"campaign {campaign_id} is past withdrawals ({state.phase})")
    amount = _pledged(crowdfund, campaign_id, account)
    if amount == 0:
        raise CrowdfundInputError("account", f"{_address(account)} has no pledge in campaign {campaign_id}")
    if to:
        crowdfund.withdrawTo(campaign_id, to, sender=account)
    else:
        crowdfund.withdraw(campaign_id, sender=account)
    return amount


def finalize(crowdfund: Any, campaign_id: int, account: Any, now: int) -> Status:
    state = status(crowdfund, campaign_id, now)
    if state.status != Status.FUNDING:
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} is already {state.phase}")
    if not state.ended:
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} runs until {format_time(state.deadline)} "
                                                 f"({format_left(state.seconds_left)} left)")
    crowdfund.finalize(campaign_id, sender=account)
    return Status(crowdfund.campaign(campaign_id).status)


def _finalize_if_due(crowdfund: Any, campaign_id: int, account: Any, state: CampaignStatus) -> CampaignStatus:
    """Claims and refunds finalize an ended campaign first, so a collector needs one command."""
    if state.status == Status.FUNDING and state.ended:
        crowdfund.finalize(campaign_id, sender=account)
        return status(crowdfund, campaign_id, state.now)
    return state


def claim(crowdfund: Any, campaign_id: int, account: Any, now: int) -> tuple[int, int]:
    """Mints the account's pieces (finalizing first if due); returns (first token id, quantity)."""
    state = _finalize_if_due(crowdfund, campaign_id, account, status(crowdfund, campaign_id, now))
    if state.status != Status.SUCCEEDED:
        hint = "; use refund to take your money back" if state.status in (Status.FAILED, Status.CANCELLED) else ""
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} has not succeeded ({state.phase}){hint}")
    if _pledged(crowdfund, campaign_id, account) == 0:
        raise CrowdfundInputError("account", f"{_address(account)} has nothing to claim in campaign {campaign_id} "
                                             "(no pledge, or already claimed or delivered)")
    receipt = crowdfund.claim(campaign_id, sender=account)
    event = crowdfund.Claimed.from_receipt(receipt)[0]
    return int(event.firstTokenId), int(event.quantity)


def refund(crowdfund: Any, campaign_id: int, account: Any, now: int, to: str | None = None) -> int:
    """Refunds the whole pledge of a failed or cancelled campaign (finalizing first if due)."""
    state = _finalize_if_due(crowdfund, campaign_id, account, status(crowdfund, campaign_id, now))
    if state.status not in (Status.FAILED, Status.CANCELLED):
        hint = "; withdraw takes a pledge back before the deadline" if state.status == Status.FUNDING else \
            "; claim your pieces instead" if state.status == Status.SUCCEEDED else ""
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} is not refundable ({state.phase}){hint}")
    amount = _pledged(crowdfund, campaign_id, account)
    if amount == 0:
        raise CrowdfundInputError("account", f"{_address(account)} has nothing to refund in campaign {campaign_id} "
                                             "(no pledge, or already refunded)")
    if to:
        crowdfund.refundTo(campaign_id, to, sender=account)
    else:
        crowdfund.refund(campaign_id, sender=account)
    return amount


def _require_issuer(crowdfund: Any, account: Any) -> None:
    if not crowdfund.hasRole(ISSUER_ROLE, _address(account)):
        raise CrowdfundInputError("account", f"{_address(account)} does not hold ISSUER_ROLE on the crowdfund "
                                             f"{crowdfund.address}; use the studio's issuer account")


def cancel(crowdfund: Any, campaign_id: int, account: Any, now: int) -> int:
    """Cancels a campaign before its deadline (issuer), even with its goal met; every pledger may then
    take a full refund. Returns the wei that became refundable."""
    _require_issuer(crowdfund, account)
    state = status(crowdfund, campaign_id, now)
    if state.status != Status.FUNDING or state.ended:
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} can no longer be cancelled ({state.phase}):"
                                                 " only before its deadline")
    crowdfund.cancel(campaign_id, sender=account)
    return state.raised


def undelivered_pledgers(crowdfund: Any, campaign_id: int, stop_block: int) -> list[str]:
    """Pledgers of `campaign_id` whose pieces are still unminted (from the Pledged events up to
    `stop_block`, kept when their pledge is still held), in first-pledge order."""
    seen: dict[str, None] = {}
    for log in crowdfund.Pledged.range(0, stop_block + 1, search_topics={"campaignId": campaign_id}):
        seen.setdefault(_address(log.pledger), None)
    return [who for who in seen if _pledged(crowdfund, campaign_id, who) > 0]


def deliver(crowdfund: Any, campaign_id: int, account: Any, now: int, stop_block: int,
            batch_size: int = MAX_DELIVERY_BATCH, progress: Callable[[int, int], None] | None = None) -> int:
    """Mints every unclaimed pledge of a succeeded campaign to its pledger (issuer), finalizing first
    if due, in batches of `batch_size`; `progress(done, total)` after each. Returns pledgers served."""
    if not 1 <= batch_size <= MAX_DELIVERY_BATCH:
        raise CrowdfundInputError("batch_size", f"{batch_size} is outside 1..{MAX_DELIVERY_BATCH}, the contract's "
                                                "limit per transaction")
    _require_issuer(crowdfund, account)
    state = _finalize_if_due(crowdfund, campaign_id, account, status(crowdfund, campaign_id, now))
    if state.status != Status.SUCCEEDED:
        raise CrowdfundInputError("campaign_id", f"campaign {campaign_id} has not succeeded ({state.phase}); "
                                                 "only a succeeded campaign's pieces are delivered")
    pending = undelivered_pledgers(crowdfund, campaign_id, stop_block)
    for start in range(0, len(pending), batch_size):
        crowdfund.deliver(campaign_id, pending[start:start + batch_size], sender=account)
        if progress:
            progress(min(start + batch_size, len(pending)), len(pending))
    return len(pending)


def release(crowdfund: Any, campaign_id: int, payee: str, account: Any) -> int:
    """Pays `payee` its share of a succeeded campaign; returns the wei paid."""
    amount = int(crowdfund.releasable(campaign_id, payee))
    if amount == 0:
        raise CrowdfundInputError("payee", f"{payee} has nothing to release from campaign {campaign_id} "
                                           "(not a payee, already released, or the campaign has not succeeded)")
    crowdfund.release(campaign_id, payee, sender=account)
    return amount
