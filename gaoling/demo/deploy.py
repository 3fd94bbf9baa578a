"""The first part of the demo: deploy the whole platform with the production deploy engine.

`metadata/platform.yaml` is deployed and wired exactly as `ape run deploy` would do it on a real
network: the catalogue is published to the local IPFS store, the edition points at it, and the
sale contracts report purchases to the points ledger. The manifest goes to a scratch folder, since
the local chain starts empty on every run."""

from __future__ import annotations

import shutil
from pathlib import Path

from gaoling.demo import DemoContext
from gaoling.deploy import deploy_platform

PLATFORM = Path("metadata/platform.yaml")
SCRATCH = Path(".cache/gaoling-demo/deployments")

# manifest component -> (context attribute the later parts read, contract type)
ATTRIBUTES = {
    "points": ("ledger", "PointsLedger"),
    "coupons": ("coupons", "GlazeCoupons"),
    "certificate": ("certificate", "FiringCertificate"),
    "artworks": ("artworks", "GaolingArtworks"),
    "auction": ("auction_house", "GaolingAuctionHouse"),
    "vouchers": ("vouchers", "GaolingVouchers"),
    "crowdfund": ("crowdfund", "GaolingCrowdfund"),
}


def run(ctx: DemoContext, platform: Path = PLATFORM) -> list[tuple[str, str]]:
    shutil.rmtree(SCRATCH, ignore_errors=True)
    deployer = ctx.accounts[0]
    outcome = deploy_platform(platform, project=ctx.project, provider=ctx.chain.provider, deployer=deployer,
                              out_dir=SCRATCH, export_verify=False)
    contracts = outcome.manifest.contracts
    for component, address in contracts.items():
        if component in ATTRIBUTES:
            attribute, contract_type = ATTRIBUTES[component]
            instance = getattr(ctx.project, contract_type).at(address)
            setattr(ctx, attribute, instance)
            ctx.contracts[contract_type] = instance
        elif component.startswith("edition:"):
            ctx.edition = ctx.project.GaolingEdition.at(address)
            ctx.contracts[f"GaolingEdition ({ctx.edition.symbol()})"] = ctx.edition
    edition = getattr(ctx, "edition", None)
    rows = [("platform deployed", f"{len(contracts)} contracts, {len(outcome.results)} transactions, "
                                  f"manifest {SCRATCH}/{ctx.chain.chain_id}.json")]
    if edition is not None:
        rows.append(("catalogue published and wired", f"base URI {edition.baseURI()}"))
        rows.append(("collection metadata (ERC-7572)", edition.contractURI()))
    return rows
