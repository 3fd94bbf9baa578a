"""Gas for the fan economy: check-ins (direct and relayed in a batch of 100), the purchase hook,
and a coupon exchange. Figures are total transaction gas (receipt.gas_used).

The steady state is what a platform pays every day: members who checked in before (their slot is
already non-zero). A member's very first check-in also pays the one-off 20,000-gas zero-to-non-zero
storage write; those figures are reported under `*_first` keys.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_utils import keccak

from gaoling.fan.checkin import CST_OFFSET, DAY, sign_check_in
from gaoling.fan.coupons import deploy_coupons, sign_exchange
from gaoling.fan.points import Rules, deploy_ledger, grant_recorder

BATCH = 100


def _next_day_at(ctx: Any, seconds_after_midnight: int = 600) -> int:
    """Moves the chain to the next CST day; returns that day number."""
    day = (ctx.chain.pending_timestamp + CST_OFFSET) // DAY + 1
    ctx.chain.pending_timestamp = day * DAY - CST_OFFSET + seconds_after_midnight
    ctx.chain.mine()
    return day


def measure(ctx: Any) -> dict[str, int]:
    admin, alice, bob, recorder, relayer = (ctx.accounts[i] for i in range(5))
    ledger = deploy_ledger(ctx.project, admin, Rules())
    coupons = deploy_coupons(ctx.project, admin, ledger)
    grant_recorder(ledger, recorder, admin)
    gas: dict[str, int] = {}

    # Direct check-in: first ever, then the next day (streak continues).
    _next_day_at(ctx)
    gas["points.check_in_first"] = ledger.checkIn(sender=alice).gas_used
    _next_day_at(ctx)
    gas["points.check_in"] = ledger.checkIn(sender=alice).gas_used

    # Relayed batch of 100 gasless members: day 1 first-ever check-ins, day 2 the steady state.
    keys = [Account.from_key(keccak(text=f"gaoling bench member {i}")) for i in range(BATCH)]
    for key_name in ("points.relay_check_in_per_user_batch_100_first", "points.relay_check_in_per_user_batch_100"):
        day = _next_day_at(ctx)
        batch = [sign_check_in(k, ledger, day).as_call_arg() for k in keys]
        receipt = ledger.relayCheckIns(day, batch, sender=relayer)
        assert len(ledger.CheckedIn.from_receipt(receipt)) == BATCH, "every bench check-in must be credited"
        gas[key_name] = receipt.gas_used // BATCH

    # The purchase hook, called here by an account holding PURCHASE_RECORDER_ROLE. Inside a sale
    # the hook costs this minus the 21,000 base and the calldata (about 21,500 in all).
    gas["points.record_purchase_first"] = ledger.recordPurchase(bob.address, 10**16, 1, sender=recorder).gas_used
    gas["points.record_purchase"] = ledger.recordPurchase(bob.address, 10**16, 1, sender=recorder).gas_used
    referee = ctx.accounts[5]
    ledger.setReferrer(bob.address, sender=referee)
    gas["points.record_purchase_first_with_referral"] = ledger.recordPurchase(
        referee.address, 10**16, 1, sender=recorder).gas_used

    # Coupon exchange: direct (a first coupon of that glaze) and signed + relayed.
    ledger.recordPurchase(alice.address, 0, 100, sender=recorder)
    gas["coupons.exchange"] = coupons.exchange(1, 1, sender=alice).gas_used
    ledger.recordPurchase(keys[1].address, 0, 100, sender=recorder)
    signed = sign_exchange(keys[1], coupons, 1, 1, nonce=1)
    gas["coupons.exchange_signed"] = coupons.exchangeWithSignature(
        signed.request(), signed.signature, sender=relayer).gas_used
    return gas

