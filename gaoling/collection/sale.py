"""Running an edition's sale: pre-flight checks that name the problem before any transaction.

Each function checks what the contract would check (phase window, payment, wallet limit, cap,
proof) against the chain's current state, so a user sees a clear message instead of a revert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gaoling.collection.config import PHASE_ALLOWLIST, PHASE_PUBLIC, CollectionConfig
from gaoling.merkle import StandardMerkleTree

PHASE_NAMES = {PHASE_ALLOWLIST: "allowlist", PHASE_PUBLIC: "public"}


class SaleError(ValueError):
    """A sale action that the contract would reject; the message says what to do instead."""


@dataclass(frozen=True)
class MintPlan:
    phase: int
    quantity: int
    value: int
    allowance: int | None = None
    proof: tuple[str, ...] = ()


def open_phases(edition: Any, config: CollectionConfig, sender: Any) -> list[str]:
    """Writes the config's phases (and allowlist root) to the edition. Returns what it did."""
    done = []
    for phase_id, args, root in config.phase_args():
        edition.setPhase(phase_id, args, sender=sender)
        from gaoling.display import ether, when

        done.append(f"{PHASE_NAMES[phase_id]} phase: price {ether(args[0])}, from {when(args[1])} to {when(args[2])}, "
                    f"max {args[3] or 'unlimited'} per wallet")
        if phase_id == PHASE_ALLOWLIST:
            edition.setAllowlistRoot(root, sender=sender)
            done.append(f"allowlist root 0x{bytes(root).hex()}")
    return done


def plan_mint(edition: Any, buyer: str, quantity: int, now: int,
              allowlist: StandardMerkleTree | None = None) -> MintPlan:
    """Chooses the phase (allowlist first if the buyer is on it and it is open) and checks the mint."""
    if quantity < 1:
        raise SaleError(f"quantity: must be at least 1, got {quantity}")
    if edition.paused():
        raise SaleError("the sale is paused; wait for the issuer to unpause it")
    remaining = edition.cap() - edition.totalMinted()
    per_mint = int(edition.maxMintQuantity()) if hasattr(edition, "maxMintQuantity") else quantity
    if quantity > per_mint:
        raise SaleError(f"quantity: at most {per_mint} tokens per mint; mint {quantity} in several transactions")
    if quantity > remaining:
        raise SaleError(f"quantity: only {remaining} tokens are left of the cap of {edition.cap()}")
    bought_allowlist, bought_public = edition.purchasedBy(buyer)

    if allowlist is not None and _open(edition.phase(PHASE_ALLOWLIST), now):
        entry = next((v for _, v in allowlist.entries() if str(v[0]).lower() == buyer.lower()), None)
        if entry is not None:
            if bytes(edition.allowlistRoot()) != allowlist.root_bytes:
                raise SaleError("allowlist: this CSV's Merkle root differs from the one on chain; "
                                "use the allowlist the issuer published")
            phase = edition.phase(PHASE_ALLOWLIST)
            limit = int(entry[1]) if not phase.maxPerWallet else min(int(entry[1]), phase.maxPerWallet)
            _check_limit(quantity, bought_allowlist, limit, "allowlist")
            return MintPlan(PHASE_ALLOWLIST, quantity, phase.price * quantity, int(entry[1]),
                            tuple(allowlist.get_proof([entry[0], entry[1]])))

    phase = edition.phase(PHASE_PUBLIC)
    if not _open(phase, now):
        raise SaleError(f"the public phase is not open: it {phase_state(phase, now)}"
                        + ("; mint then" if now < phase.start else ""))
    if phase.maxPerWallet:
        _check_limit(quantity, bought_public, phase.maxPerWallet, "public")
    return MintPlan(PHASE_PUBLIC, quantity, phase.price * quantity)


def mint(edition: Any, plan: MintPlan, sender: Any) -> Any:
    if plan.phase == PHASE_ALLOWLIST:
        return edition.mintAllowlist(plan.quantity, plan.allowance, list(plan.proof), value=plan.value, sender=sender)
    return edition.mintPublic(plan.quantity, value=plan.value, sender=sender)


def withdraw_all(edition: Any, sender: Any, on_paid: Any = None) -> list[tuple[str, int]]:
    """Releases every payee's share (anyone may trigger; the money goes to each payee). `on_paid`
    hears of each confirmed release, so an interrupted run can say what it did."""
    paid = []
    payees, _ = edition.payees()
    for payee in payees:
        amount = edition.releasable(payee)
        if amount:
            edition.release(payee, sender=sender)
            paid.append((str(payee), amount))
            if on_paid is not None:
                on_paid(f"released {amount} wei to {payee}")
    return paid


def phase_state(phase: Any, now: int) -> str:
    """'opens in 3 days (2026-12-05 20:00:00 CST (12:00:00 UTC))', 'open, closes in …', 'closed …'."""
    from gaoling.display import window

    text = window(int(phase.start), int(phase.end), now)
    return text if text.startswith(("open", "closed")) else f"is {text}"


def _open(phase: Any, now: int) -> bool:
    return phase.start <= now < phase.end


def _check_limit(quantity: int, bought: int, limit: int, phase: str) -> None:
    if bought + quantity > limit:
        raise SaleError(f"quantity: this wallet may buy {max(limit - bought, 0)} more in the {phase} phase "
                        f"(limit {limit}, already bought {bought})")
