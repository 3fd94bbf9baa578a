"""`make demo`, fan economy: a gasless check-in, a referral paid on a first purchase, a coupon exchange.

`run(ctx)` takes an object with `.project`, `.accounts` and `.chain` (Ape objects on a running local
chain) and optionally `.ledger` / `.coupons` (already deployed contracts) and `.recorder` (an
account or contract holding PURCHASE_RECORDER_ROLE, e.g. the edition). Whatever is missing is
deployed here; without an edition, a demo account is granted PURCHASE_RECORDER_ROLE and records
the purchase itself, as the edition's sale would. Returns (what happened, result) rows.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_utils import keccak

from gaoling.collection.orders import sign_mint_order
from gaoling.signing import Domain
from gaoling.fan.checkin import day_label, relay_check_ins, sign_check_in
from gaoling.fan.coupons import deploy_coupons, list_glazes, relay_exchange, sign_exchange
from gaoling.fan.points import Rules, deploy_ledger, grant_recorder, member_status


def run(ctx: Any) -> list[tuple[str, str]]:
    accounts = ctx.accounts
    admin, referrer, relayer, recorder = accounts[0], accounts[1], accounts[5], accounts[6]
    ledger = getattr(ctx, "ledger", None) or deploy_ledger(ctx.project, admin, Rules())
    coupons = getattr(ctx, "coupons", None) or deploy_coupons(ctx.project, admin, ledger)
    ctx.ledger, ctx.coupons = ledger, coupons
    if hasattr(ctx, "contracts"):
        ctx.contracts.setdefault("PointsLedger", ledger)
        ctx.contracts["GlazeCoupons"] = coupons
    # With the edition deployed earlier in the story, purchases are real sales reported by its hook;
    # alone, a demo account plays the sale contract.
    edition = getattr(ctx, "edition", None)
    if edition is None and not ledger.hasRole(ledger.PURCHASE_RECORDER_ROLE(), recorder.address):
        grant_recorder(ledger, recorder, admin)

    def purchase(buyer: Any, quantity: int) -> Any:
        if edition is not None:
            price = edition.phase(1).price
            return edition.mintPublic(quantity, value=quantity * price, sender=buyer)
        return ledger.recordPurchase(buyer.address, quantity * 10**16, quantity, sender=recorder)
    rules = Rules.from_chain(ledger)
    rows: list[tuple[str, str]] = []

    # A collector with no ETH at all: a key that signs, nothing more.
    collector = Account.from_key(keccak(text="gaoling demo collector"))

    ctx.chain.mine()
    signed = sign_check_in(collector, ledger)
    report = relay_check_ins(ledger, [signed], relayer)
    rows.append((f"gasless check-in on {day_label(signed.day)} (CST), relayed",
                 f"{collector.address[:10]}… +{report.credited.get(collector.address, 0)} points, "
                 f"relayer paid {report.gas_used:,} gas"))

    # The referrer is an earlier buyer; the collector names them, then buys for the first time.
    if not member_status(ledger, referrer).purchased:
        purchase(referrer, 1)
    before = int(ledger.pointsOf(referrer.address))
    named = accounts[7]
    ledger.setReferrer(referrer.address, sender=named)
    receipt = purchase(named, 2)
    paid = sum(int(log.points) for log in ledger.ReferralRewarded.from_receipt(receipt))
    rows.append(("first purchase of a referred member (2 items)",
                 f"buyer +{rules.purchase_points(2)} points, referrer +{paid} points "
                 f"({before} -> {int(ledger.pointsOf(referrer.address))})"))

    # The gasless collector buys enough to afford a crackle-glaze coupon and exchanges by signature.
    crackle = next(g for g in list_glazes(coupons) if g.name_en == "Crackle glaze")
    quantity = max(0, -(-(crackle.price - rules.purchase_flat) // max(rules.purchase_per_item, 1)))
    if edition is not None:
        # The collector paid in RMB: the issuer signs a fiat order and the platform relays it.
        # (in orders within the edition's per-transaction limit)
        limit = int(edition.maxMintQuantity())
        for part in [limit] * (quantity // limit) + ([quantity % limit] if quantity % limit else []):
            order = sign_mint_order(admin, Domain.of(edition), collector.address, part,
                                    expiry=ctx.chain.pending_timestamp + 3600, now=ctx.chain.pending_timestamp)
            edition.mintWithOrder(order.order.as_struct(), order.signature, sender=relayer)
    else:
        ledger.recordPurchase(collector.address, 0, quantity, sender=recorder)
    exchange = sign_exchange(collector, coupons, crackle.glaze_id, 1)
    relay_exchange(coupons, exchange, relayer)
    rows.append((f"signed exchange for a {crackle.name_zh} {crackle.name_en} coupon",
                 f"-{crackle.price} points, coupon #{crackle.glaze_id} balance "
                 f"{int(coupons.balanceOf(collector.address, crackle.glaze_id))}, "
                 f"{crackle.stock - 1} left in stock"))
    rows.append(("points issued / spent / outstanding",
                 f"{int(ledger.totalIssued())} / {int(ledger.totalSpent())} / "
                 f"{int(ledger.totalIssued()) - int(ledger.totalSpent())}"))
    return rows
