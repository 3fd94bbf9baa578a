"""`ape run serve --demo` (`make serve`): the platform on the local anvil with the sample catalogue,
one unique work at auction, the service and the page on http://127.0.0.1:8000, and what a person
needs to try it with a wallet (the dev chain's parameters, the dev accounts' keys, the staff URL)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

PLATFORM = Path("metadata/platform.yaml")
SCRATCH = Path(".cache/gaoling-serve/deployments")
RELAYER = "TEST::5"
ATTESTER = "TEST::8"   # the quiz attester in metadata/platform.yaml
DEMO_WORK = b"Gaoling demo: celadon moon vase, master scan v1"
DEMO_WORK_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
ETHER = 10**18


def prepare(project: Any, chain: Any, accounts: Any, echo=print) -> Path:
    """Deploys the platform (the production deploy engine) and lists one work for auction; returns
    the manifest path. The local chain starts empty each time, so the manifest goes to a scratch folder."""
    from gaoling.artwork import ArtworkSpec, mint_to_auction
    from gaoling.deploy import deploy_platform

    shutil.rmtree(SCRATCH, ignore_errors=True)
    echo("deploying the platform with the sample catalogue (metadata/platform.yaml)...")
    outcome = deploy_platform(PLATFORM, project=project, provider=chain.provider, deployer=accounts[0],
                              out_dir=SCRATCH, export_verify=False)
    contracts = outcome.manifest.contracts
    artworks = project.GaolingArtworks.at(contracts["artworks"])
    house = project.GaolingAuctionHouse.at(contracts["auction"])
    spec = ArtworkSpec.build(artist=accounts[6].address, royalty_bps=800,
                             content_hash=hashlib.sha256(DEMO_WORK).digest(), cid=DEMO_WORK_CID)
    minted = mint_to_auction(artworks, house, spec, accounts[4].address, ETHER, 24 * 3600, accounts[0])
    echo(f"deployed {len(contracts)} contracts; work #{minted.token_id} listed in auction #{minted.auction_id} "
         f"(reserve 1 ETH); manifest {outcome.manifest.path}")
    _open_first_sale(project, chain, contracts, echo)
    return outcome.manifest.path


def _open_first_sale(project: Any, chain: Any, contracts: dict[str, str], echo=print) -> None:
    """The sample sale is dated in the future; on this throwaway chain, move the clock to a minute
    into the first phase so that the page can mint at once (countdowns follow the chain's clock)."""
    from datetime import datetime, timedelta, timezone

    starts = []
    for component, address in contracts.items():
        if component.startswith("edition:"):
            edition = project.GaolingEdition.at(address)
            starts += [int(edition.phase(i).start) for i in (0, 1) if int(edition.phase(i).start) > 0]
    now = chain.pending_timestamp
    if not starts or min(starts) <= now:
        return
    target = min(starts) + 60
    chain.mine(1, timestamp=target)
    when = datetime.fromtimestamp(target, timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M CST")
    echo(f"dev chain clock moved to {when} (the first sale phase of the sample collection is open)")


def banner(base_url: str, rpc_url: str, chain_id: int, accounts: Any, *, indexing: bool = True) -> str:
    dashboard = ("account 0 is the admin; the service indexes the chain's events in the background" if indexing
                 else f"account 0 is the admin; index the chain with `ape run analytics sync --follow --rpc {rpc_url} "
                      f"--manifest {SCRATCH}/{chain_id}.json`")
    lines = [
        "",
        f"Collector page: {base_url}/   (English: {base_url}/?lang=en)",
        f"Staff page:     {base_url}/staff   (account 0 holds FULFILMENT_ROLE on this dev chain)",
        f"Dashboard:      {base_url}/dashboard   ({dashboard})",
        "",
        "Add the dev chain to your wallet (the page also offers it when you connect):",
        f"  network name  Gaoling local chain",
        f"  RPC URL       {rpc_url}",
        f"  chain id      {chain_id}",
        "  currency      ETH",
        "",
        "Dev accounts (PUBLIC test keys of the mnemonic 'test test ... junk': never use them elsewhere):",
    ]
    for i, account in enumerate(list(accounts)[:10]):
        key = getattr(account, "private_key", None)
        lines.append(f"  {i}  {account.address}  {key if key else ''}")
    lines += ["", "Accounts 1-3 are on the allowlist; Ctrl-C stops the service and the chain.", ""]
    return "\n".join(lines)
