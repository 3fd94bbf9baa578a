"""Gas of crowdfunded drops: `crowdfund.pledge`, `crowdfund.withdraw`, `crowdfund.refund` and
`crowdfund.claim_1`, beside `edition.public_mint_1` (the target is claim_1 <= public_mint_1 + 25,000).

Like the edition's figures, each is a collector's first action of its kind: a new pledger in a
campaign that already holds pledges, a full withdrawal, a full refund of a failed campaign, and the
claim of one digital piece by a wallet that holds no token yet (the same first-mint case as
`edition.public_mint_1`). Without a points ledger, as `edition.public_mint_1`; the `_with_points`
and `_physical` figures show what the points record and a voucher grant add."""

from __future__ import annotations

from typing import Any

from gaoling.crowdfund import CampaignSpec, TierSpec
from gaoling.crowdfund import chain as cf
from gaoling.voucher.stack import build

PRICE = 10**16
PHYSICAL = 5 * 10**16


def _campaign(crowdfund: Any, edition: Any, admin: Any, now: int, goal: int) -> int:
    spec = CampaignSpec(edition.address, now + 86_400, goal, 10,
                        (TierSpec(PRICE, 400, False), TierSpec(PHYSICAL, 50, True)), ((admin.address, 10_000),))
    return cf.create(crowdfund, edition, spec, admin, now)


def measure(ctx: Any) -> dict[str, int]:
    stack = build(ctx.project, ctx.chain, ctx.accounts)
    admin, edition = stack.admin, stack.edition
    crowdfund = cf.deploy(ctx.project, admin, stack.vouchers)
    cf.wire(crowdfund, admin, editions=(edition,), vouchers=stack.vouchers)
    a, b, c, d, e = (ctx.accounts[i] for i in (1, 2, 3, 5, 6))
    now = int(ctx.chain.pending_timestamp)
    gas: dict[str, int] = {}

    # A campaign that will succeed: b opens it, then a's pledge is the measured one.
    win = _campaign(crowdfund, edition, admin, now, PRICE * 3)
    crowdfund.pledge(win, 0, 1, value=PRICE, sender=b)
    gas["crowdfund.pledge"] = int(crowdfund.pledge(win, 0, 1, value=PRICE, sender=a).gas_used)
    crowdfund.pledge(win, 0, 1, value=PRICE, sender=c)
    crowdfund.pledge(win, 1, 1, value=PHYSICAL, sender=d)
    crowdfund.pledge(win, 0, 1, value=PRICE, sender=e)
    gas["crowdfund.withdraw"] = int(crowdfund.withdraw(win, sender=e).gas_used)

    # A campaign that will fail.
    lose = _campaign(crowdfund, edition, admin, now, PRICE * 300)
    crowdfund.pledge(lose, 0, 1, value=PRICE, sender=a)
    crowdfund.pledge(lose, 0, 1, value=PRICE, sender=b)

    ctx.chain.pending_timestamp = now + 86_400 + 1
    crowdfund.finalize(win, sender=admin)
    crowdfund.finalize(lose, sender=admin)
    gas["crowdfund.refund"] = int(crowdfund.refund(lose, sender=b).gas_used)
    gas["crowdfund.claim_1"] = int(crowdfund.claim(win, sender=a).gas_used)
    gas["crowdfund.claim_1_physical"] = int(crowdfund.claim(win, sender=d).gas_used)
    cf.wire(crowdfund, admin, ledger=stack.ledger)
    gas["crowdfund.claim_1_with_points"] = int(crowdfund.claim(win, sender=c).gas_used)
    return gas
