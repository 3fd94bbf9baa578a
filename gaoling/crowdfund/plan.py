"""The crowdfund's part of the deployment plan (`gaoling.deploy.plan` calls `steps`).

With a `crowdfund:` section in platform.yaml the plan deploys one GaolingCrowdfund (wired to the
vouchers when there are any) and grants it what its campaigns need: MINTER_ROLE on each edition
a campaign mints into, GRANTER_ROLE on the vouchers, and the purchase-recorder role on the points
ledger. Campaigns themselves are opened later by the issuer (`ape run crowdfund create`), since
their deadlines count from the moment they open.
"""

from __future__ import annotations

from typing import Any

from gaoling.deploy.plan import ZERO_ADDRESS, Ref, Role, Step


def steps(ctx: Any) -> list[Step]:
    cfg = ctx.platform.config
    section = cfg.crowdfund
    if section is None:
        return []
    vouchers = Ref("vouchers") if cfg.vouchers is not None else ZERO_ADDRESS
    out = [Step("crowdfund", "GaolingCrowdfund", (ctx.deployer, vouchers))]
    for slug in sorted({c.collection for c in section.campaigns}):
        out.append(Step(f"crowdfund:minter:{slug}", "GaolingEdition", (Role("MINTER_ROLE"), Ref("crowdfund")),
                        "grantRole", f"edition:{slug}", f"crowdfund campaigns mint {slug}"))
    if cfg.vouchers is not None:
        out.append(Step("crowdfund:granter", "GaolingVouchers", (Role("GRANTER_ROLE"), Ref("crowdfund")), "grantRole",
                        "vouchers", "physical tiers get their vouchers"))
    if cfg.points is not None:
        out += [
            Step("crowdfund:recorder-role", "PointsLedger", (Role("PURCHASE_RECORDER_ROLE"), Ref("crowdfund")),
                 "grantRole", "points", "claims of succeeded campaigns earn points"),
            Step("crowdfund:recorder", "GaolingCrowdfund", (Ref("points"),), "setPointsLedger", "crowdfund"),
        ]
    return out
