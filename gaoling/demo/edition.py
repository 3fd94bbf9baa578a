"""The edition part of the demo: deploy the sample collection, then mint through every path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaoling.collection.config import load_collection_config
from gaoling.collection.orders import sign_mint_order
from gaoling.demo import DemoContext, eth, travel_to
from gaoling.fan.points import Rules, deploy_ledger, grant_recorder
from gaoling.signing import Domain

SAMPLE = Path("metadata/collections/jingdezhen-blue-and-white.yaml")
ALLOWLIST, PUBLIC = 0, 1


def run(ctx: DemoContext, config_path: Path = SAMPLE, base_uri: str | None = None,
        contract_uri: str | None = None) -> list[tuple[str, str]]:
    accounts, chain = ctx.accounts, ctx.chain
    admin, collector, fan, fiat_buyer = accounts[0], accounts[1], accounts[8], accounts[9]
    config = load_collection_config(config_path)
    edition = getattr(ctx, "edition", None)
    if edition is not None:  # deployed and wired by the deploy engine earlier in the story
        rows = [("edition on sale", f"{config.name}: cap {config.cap:,}, {edition.address}")]
        ledger = ctx.ledger
    else:
        edition, ledger, rows = _deploy_alone(ctx, config, base_uri, contract_uri)

    # Allowlist phase: a collector proves its place on the list.
    allowlist_phase = edition.phase(ALLOWLIST)
    travel_to(chain, allowlist_phase.start)
    tree = config.allowlist_tree
    allowance = next(int(value[1]) for _, value in tree.entries() if value[0].lower() == collector.address.lower())
    proof = tree.get_proof([collector.address, allowance])
    quantity = min(2, allowance)
    edition.mintAllowlist(quantity, allowance, proof, value=quantity * allowlist_phase.price, sender=collector)
    rows.append(("allowlist mint", f"{quantity} tokens to {collector.address[:10]}… for {eth(quantity * allowlist_phase.price)}"))

    # Public phase.
    public_phase = edition.phase(PUBLIC)
    travel_to(chain, public_phase.start)
    edition.mintPublic(3, value=3 * public_phase.price, sender=fan)
    rows.append(("public mint", f"3 tokens to {fan.address[:10]}… for {eth(3 * public_phase.price)}, "
                                f"+{ledger.pointsOf(fan.address)} points"))

    # A buyer who paid in RMB off-chain: the issuer signs an order, anyone relays it.
    signed = sign_mint_order(admin, Domain.of(edition), fiat_buyer.address, 1,
                             expiry=chain.pending_timestamp + 3600, now=chain.pending_timestamp)
    edition.mintWithOrder(signed.order.as_struct(), signed.signature, sender=admin)
    rows.append(("signed fiat order", f"1 token to {fiat_buyer.address[:10]}…, relayed by the platform, no ETH paid"))

    receiver, royalty = edition.royaltyInfo(1, 10**18)
    rows.append(("royaltyInfo(1, 1 ETH)", f"{eth(royalty)} to {receiver[:10]}…"))
    if edition.locked(1):
        rows.append(("transfer lock (ERC-5192)", f"token 1 locked until unix {edition.unlocksAt(1)}"))
    else:
        rows.append(("transfer lock (ERC-5192)", "token 1 transferable"))

    payees, _ = edition.payees()
    names = {p.address.lower(): p.name for p in config.split}
    for payee in payees:
        amount = edition.releasable(payee)
        if amount:
            edition.release(payee, sender=admin)
            ctx.paid(names.get(str(payee).lower(), str(payee)), "edition primary sales", amount)
    rows.append(("split withdrawn", f"{eth(edition.totalReleased())} released to {len(payees)} payees"))
    return rows


def _deploy_alone(ctx: DemoContext, config: Any, base_uri: str | None, contract_uri: str | None):
    """Without the deploy part: deploy the edition and a points ledger here."""
    admin = ctx.accounts[0]
    init = list(config.edition_init(admin.address))
    base_uri = base_uri if base_uri is not None else getattr(ctx, "base_uri", None)
    contract_uri = contract_uri if contract_uri is not None else getattr(ctx, "contract_uri", None)
    if base_uri is not None:
        init[3] = base_uri
    if contract_uri is not None:
        init[4] = contract_uri
    edition = admin.deploy(ctx.project.GaolingEdition, tuple(init))
    ctx.edition = edition
    ctx.contracts[f"GaolingEdition ({config.symbol})"] = edition
    for phase_id, phase, root in config.phase_args():
        edition.setPhase(phase_id, phase, sender=admin)
        if phase_id == ALLOWLIST and root:
            edition.setAllowlistRoot(root, sender=admin)
    ledger = getattr(ctx, "ledger", None) or deploy_ledger(ctx.project, admin, Rules())
    ctx.ledger = ledger
    ctx.contracts.setdefault("PointsLedger", ledger)
    grant_recorder(ledger, edition, admin)
    edition.setPointsLedger(ledger, sender=admin)
    rows = [("edition deployed", f"{config.name}: cap {config.cap:,}, {edition.address}"),
            ("points hook", "the edition reports every sale to the points ledger")]
    return edition, ledger, rows
