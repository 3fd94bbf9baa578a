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
    published = outcome.manifest.data.get("metadata", {})
    for record in published.get("collections", {}).values():
        if record.get("works"):  # the auction part sells the first 1/1 work of the catalogue
            ctx.work_cid = record["works"]["1"].removeprefix("ipfs://")
    if edition is not None:
        rows.append(("catalogue published and wired", f"base URI {edition.baseURI()}"))
        rows.append(("collection metadata (ERC-7572)", edition.contractURI()))
        rows += _resolved(edition, int(edition.cap()))
    for name, uri in (("glaze coupon #4", getattr(ctx, "coupons", None) and ctx.coupons.uri(4)),
                      ("vouchers (ERC-7572)", getattr(ctx, "vouchers", None) and ctx.vouchers.contractURI())):
        if uri:
            rows.append((f"{name} resolves", f"{uri} -> {_read(uri)['name']}"))
    return rows


def _read(uri: str) -> dict:
    """The JSON `uri` names, read from the local IPFS store the deploy published to."""
    import json

    from gaoling.ipfs import FsBlockstore, load_config, resolve_uri

    return json.loads(resolve_uri(FsBlockstore(load_config().store), uri))


def _resolved(edition, cap: int) -> list[tuple[str, str]]:
    """Tokens across the pieces (first, the first of piece 2, the cap) resolve to their own JSON.
    tokenURI is baseURI + id, which is also what the contract returns once a token is minted."""
    rows = []
    for token_id in sorted({1, 101, cap} & set(range(1, cap + 1))):
        uri = edition.baseURI() + str(token_id)
        rows.append((f"token {token_id:,} resolves", f"{uri.split('/')[-1]} -> {_read(uri)['name']}"))
    return rows
