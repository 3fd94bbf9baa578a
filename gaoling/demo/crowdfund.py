"""`make demo`, crowdfunded drops: the two campaigns of metadata/platform.yaml, one that reaches its
goal (with a physical tier whose voucher is then redeemed and put in the kiln) and one that misses
it, with everybody refunded to the wei.

`run(ctx)` reuses `ctx.crowdfund`, `ctx.edition`, `ctx.vouchers`, `ctx.certificate`, `ctx.coupons`
and `ctx.ledger` from the deploy part when they exist, and builds its own voucher stack and
crowdfund otherwise (`--only crowdfund`). Collectors are test accounts 1-3.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from gaoling import signing
from gaoling.crowdfund import chain as cf
from gaoling.demo import eth, travel_to
from gaoling.deploy.config import load_platform_config

PLATFORM = Path("metadata/platform.yaml")
CRACKLE = 4
_nonces = itertools.count(7 * 10**9)
SHIPPING = {"name": "李白瓷", "phone": "+86 139 0000 0000", "address": "昌江区瓷都大道 8 号", "city": "景德镇",
            "postcode": "333000"}


def _stack(ctx: Any) -> tuple[Any, ...]:
    names = ("crowdfund", "edition", "vouchers", "certificate", "coupons", "ledger")
    found = [getattr(ctx, n, None) for n in names]
    if None not in found[1:] and found[0] is not None:
        return tuple(found) + (None,)
    from gaoling.voucher.stack import build

    stack = build(ctx.project, ctx.chain, ctx.accounts)
    crowdfund = cf.deploy(ctx.project, stack.admin, stack.vouchers)
    cf.wire(crowdfund, stack.admin, editions=(stack.edition,), vouchers=stack.vouchers, ledger=stack.ledger)
    return crowdfund, stack.edition, stack.vouchers, stack.certificate, stack.coupons, stack.ledger, stack


def _certify(ctx: Any, certificate: Any, holder: Any, stack: Any) -> None:
    if certificate.hasCertificate(holder.address):
        return
    if stack is not None:
        stack.certify(holder)
        return
    from gaoling.quiz import Attester
    from gaoling.quiz.certificate import submit

    role = certificate.ATTESTER_ROLE()
    attester = next(a for a in ctx.accounts if certificate.hasRole(role, a.address))
    signed = Attester(attester, signing.Domain.of(certificate), nonce_source=lambda: next(_nonces)).sign(
        holder.address, 1, 9, int(ctx.chain.pending_timestamp))
    submit(certificate, signed, ctx.accounts[0], check=False)


def run(ctx: Any) -> list[tuple[str, str]]:
    crowdfund, edition, vouchers, certificate, coupons, ledger, stack = _stack(ctx)
    ctx.crowdfund = crowdfund
    if hasattr(ctx, "contracts"):
        ctx.contracts["GaolingCrowdfund"] = crowdfund
    admin = ctx.accounts[0]
    collector, patron, passer_by = ctx.accounts[1], ctx.accounts[2], ctx.accounts[3]
    section = load_platform_config(PLATFORM).config.crowdfund
    vase, bowl = section.campaign("celadon-moon-vase"), section.campaign("crackle-tea-bowl")
    rows: list[tuple[str, str]] = []

    now = int(ctx.chain.pending_timestamp)
    ids = {}
    for campaign in (vase, bowl):
        ids[campaign.name] = cf.create(crowdfund, edition, campaign.spec(edition.address, now), admin, now)
        rows.append((f"campaign #{ids[campaign.name]} {campaign.name} opened",
                     f"goal {campaign.goal}, {len(campaign.tiers)} tier(s), "
                     f"deadline {cf.format_time(campaign.deadline_at(now))}"))
    win, lose = ids[vase.name], ids[bowl.name]

    # The vase: a fired-piece pledge, two digital pledges, and one change of mind.
    cf.pledge(crowdfund, win, 1, 2, collector, now)
    cf.pledge(crowdfund, win, 0, 2, patron, now)
    cf.pledge(crowdfund, win, 0, 1, passer_by, now)
    cf.withdraw(crowdfund, win, passer_by, now)
    state = cf.status(crowdfund, win, int(ctx.chain.pending_timestamp))
    rows.append(("pledges to the vase", f"{state.progress_bar(20)}; one pledger withdrew before the deadline"))
    # The bowl: well short of its 2 ether goal.
    pledged = {}
    for who, quantity in ((collector, 2), (patron, 1)):
        pledged[who.address] = cf.pledge(crowdfund, lose, 0, quantity, who, now)

    end = max(cf.status(crowdfund, c, now).deadline for c in (win, lose)) + 1
    travel_to(ctx.chain, end)
    for cid in (win, lose):
        outcome = cf.finalize(crowdfund, cid, passer_by, int(ctx.chain.pending_timestamp))
        rows.append((f"campaign #{cid} finalized (by a passer-by)", outcome.name.lower()))

    # Success: the collector claims (tokens + vouchers), the studio delivers the patron's pieces.
    first, quantity = cf.claim(crowdfund, win, collector, int(ctx.chain.pending_timestamp))
    granted = [int(v) for v in range(int(vouchers.totalIssued()) - quantity + 1, int(vouchers.totalIssued()) + 1)]
    rows.append(("collector claimed", f"tokens #{first}..#{first + quantity - 1} and vouchers "
                                      f"{', '.join(f'#{v}' for v in granted)} (voucher price not paid again)"))
    crowdfund.deliver(win, [patron.address], sender=admin)
    rows.append(("studio delivered the rest in one batch", f"{int(edition.balanceOf(patron.address))} token(s) "
                                                            f"to the patron"))
    accounts, shares, _ = crowdfund.payees(win)
    for payee, bps in zip(accounts, shares):
        amount = cf.release(crowdfund, win, payee, admin)
        ctx_paid = getattr(ctx, "paid", None)
        if ctx_paid:
            ctx_paid(payee[:10] + "…", f"crowdfund {vase.name} ({int(bps) / 100:g}%)", amount)
    rows.append(("payees released the vase's funds", f"{len(accounts)} payees, {state.raised / 10**18:g} ETH"))

    # The fired piece: certificate, a crackle coupon from the claim's points, redeem, into the kiln.
    from gaoling.voucher.shipping import ShippingStore

    _certify(ctx, certificate, collector, stack)
    if int(coupons.balanceOf(collector.address, CRACKLE)) == 0:
        if not ledger.hasRole(ledger.PURCHASE_RECORDER_ROLE(), admin.address):
            ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), admin.address, sender=admin)
        for _ in range(10):  # bounded: the ledger's daily purchase cap may hold points back
            if int(ledger.pointsOf(collector.address)) >= int(coupons.glaze(CRACKLE).price):
                break
            ledger.recordPurchase(collector.address, 0, 100, sender=admin)
        coupons.exchange(CRACKLE, 1, sender=collector)
    store = ShippingStore(":memory:", Fernet.generate_key())
    commitment, _ = store.save(granted[0], SHIPPING)
    vouchers.redeem(granted[0], CRACKLE, commitment, sender=collector)
    vouchers.putInKiln(granted[0], 7, sender=admin)
    rows.append(("crowdfunded voucher redeemed", f"#{granted[0]} → {vouchers.tokenURI(granted[0])}"))

    # Failure: everybody takes back exactly what they pledged.
    whole = True
    for who in (collector, patron):
        before = int(who.balance)
        receipt = crowdfund.refund(lose, sender=who)
        whole &= int(who.balance) == before + pledged[who.address] - int(receipt.gas_used) * int(receipt.gas_price)
    rows.append((f"campaign #{lose} refunds", f"{eth(sum(pledged.values()))} pledged, every wei refunded: {whole}"))
    held = int(ctx.chain.provider.get_balance(crowdfund.address))
    rows.append(("crowdfund balance after both campaigns", eth(held)))
    return rows

