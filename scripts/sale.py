"""Run an edition's sale: open phases from the config, mint, relay signed orders, withdraw, status.

    ape run sale status   [--contract SLUG|0xEDITION]
    ape run sale open     --account manager --config metadata/collections/<slug>.yaml
    ape run sale mint     --account buyer --quantity 2 [--allowlist metadata/allowlists/<slug>.csv]
    ape run sale relay    --account relayer --order order.json
    ape run sale withdraw --account anyone

The edition comes from deployments/<chainId>.json (or --deployment PATH); with several editions,
name one with --contract SLUG; --contract 0x… overrides. Each command checks what the contract
would check (phase window, payment, limits, supply, order expiry and nonce, roles) before sending.
"""

import json
from pathlib import Path

import click
from ape import chain
from ape.cli import account_option, network_option

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option, group, journal
from gaoling.collection import load_collection_config
from gaoling.collection.orders import ORDER_SIGNER_ROLE, SignedOrder
from gaoling.collection.sale import PHASE_NAMES, mint, open_phases, phase_state, plan_mint, withdraw_all
from gaoling.display import role_id
from gaoling.merkle import build_allowlist

console = display.console()
edition_option = contract_option("edition", "address", help="The edition")


def _edition(deployment, address):
    return Deployment(deployment).open("edition", address)


@group()
def cli():
    """Run a capped-edition sale."""


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@edition_option
@deployment_option
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path), required=True,
              help="The collection config (metadata/collections/*.yaml).")
def open(account, address, deployment, config_path):
    """Write the config's sale phases and allowlist root to the edition."""
    config = load_collection_config(config_path)
    edition = _edition(deployment, address)
    if not edition.hasRole(role_id("SALE_MANAGER_ROLE"), account.address):
        raise UserError(f"{account.address} does not hold SALE_MANAGER_ROLE on GaolingEdition {edition.address}",
                        "--account", "use the sale manager's account, or ask an admin to grant the role")
    journal.resume = "run `ape run sale open` again: writing a phase twice sets the same values"
    for line in open_phases(edition, config, account):
        journal.did(line)
        console.print(f"[green]set[/] {line}")


@cli.command("mint", cls=ChainCommand)
@network_option()
@account_option()
@edition_option
@deployment_option
@click.option("--quantity", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--allowlist", type=click.Path(exists=True, path_type=Path),
              help="The allowlist CSV, to mint in the allowlist phase if your account is on it.")
def mint_cmd(account, address, deployment, quantity, allowlist):
    """Buy tokens in the open phase, paying the phase price."""
    edition = _edition(deployment, address)
    tree = build_allowlist(allowlist) if allowlist else None
    plan = plan_mint(edition, account.address, quantity, chain.pending_timestamp, tree)
    if account.balance < plan.value:
        raise UserError(f"{account.address} has {display.ether(account.balance)}; {quantity} tokens cost "
                        f"{display.ether(plan.value)} plus gas", "--account", "fund the account first")
    first = edition.totalMinted() + 1
    mint(edition, plan, account)
    console.print(f"minted tokens {first}..{first + quantity - 1} in the {PHASE_NAMES[plan.phase]} phase "
                  f"for {display.ether(plan.value)}")


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@edition_option
@deployment_option
@click.option("--order", "order_file", type=click.Path(exists=True, path_type=Path), required=True,
              help="A signed order JSON from `ape run sign_order`.")
def relay(account, address, deployment, order_file):
    """Relay a signed fiat order: the tokens go to its recipient, the relayer pays only gas."""
    try:
        document = json.loads(order_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{order_file} is not JSON ({exc})", "--order") from None
    if not isinstance(document, dict):
        raise UserError(f"{order_file} is not a signed order (expected a JSON object)", "--order")
    try:
        signed = SignedOrder.from_dict(document)
    except ValueError as exc:
        raise UserError(f"{order_file}: {exc}", "--order", "use the JSON `ape run sign_order` printed") from None
    order_contract = signed.domain.verifying_contract
    edition = _edition(deployment, address or order_contract)
    if order_contract.lower() != edition.address.lower():
        raise UserError(f"signed for {order_contract}, not {edition.address}", "--order",
                        "relay it to the edition it names (leave --contract out)")
    now = chain.pending_timestamp
    if signed.order.expiry < now:
        raise UserError(f"the order expired {display.relative(signed.order.expiry, now)}, at "
                        f"{display.when(signed.order.expiry)}", "--order",
                        "ask the issuer to sign a new order (ape run sign_order)")
    if edition.nonceUsed(signed.order.nonce):
        raise UserError(f"nonce {signed.order.nonce} was already used or cancelled", "--order",
                        "nothing to do if it was relayed; check the recipient's tokens")
    if not edition.hasRole(ORDER_SIGNER_ROLE, signed.signer):
        raise UserError(f"its signer {signed.signer} no longer holds ORDER_SIGNER_ROLE on {edition.address}",
                        "--order", "ask the issuer to sign a new order with a current order signer")
    remaining = int(edition.cap()) - int(edition.totalMinted())
    if signed.order.quantity > int(edition.maxMintQuantity()):
        raise UserError(f"the order is for {signed.order.quantity} tokens, the edition mints at most "
                        f"{edition.maxMintQuantity()} per transaction", "--order",
                        "ask the issuer for orders of at most that many")
    if signed.order.quantity > remaining:
        raise UserError(f"the order is for {signed.order.quantity} tokens, only {remaining} are left", "--order",
                        "the buyer must be refunded or given a smaller order")
    edition.mintWithOrder(signed.order.as_struct(), signed.signature, sender=account)
    console.print(f"minted {signed.order.quantity} to {signed.order.recipient} (order nonce {signed.order.nonce})")


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@edition_option
@deployment_option
def withdraw(account, address, deployment):
    """Release every payee's share of the revenue (each payee receives its own)."""
    journal.resume = "run `ape run sale withdraw` again: payees already paid have nothing due and are skipped"
    paid = withdraw_all(_edition(deployment, address), account, on_paid=journal.did)
    for payee, amount in paid:
        console.print(f"released {display.ether(amount)} to {payee}")
    if not paid:
        console.print("nothing to release")


@cli.command(cls=ChainCommand)
@network_option()
@edition_option
@deployment_option
def status(address, deployment):
    """Show the phases, supply and revenue of an edition."""
    edition = _edition(deployment, address)
    now = chain.pending_timestamp
    rows = [("chain time", display.when(now)), ("minted", f"{edition.totalMinted():,} of {edition.cap():,}"),
            ("paused", "yes" if edition.paused() else "no")]
    for phase_id, name in PHASE_NAMES.items():
        p = edition.phase(phase_id)
        state = phase_state(p, now).removeprefix("is ")
        limit = f"max {p.maxPerWallet} per wallet" if p.maxPerWallet else "no wallet limit"
        rows.append((f"{name} phase", f"{state}; {display.ether(p.price)} each, {limit}"
                     + (f"; runs {display.duration(p.end - p.start)}" if p.end > p.start else "")))
    payees, shares = edition.payees()
    for payee, bps in zip(payees, shares):
        # The address goes in the value column, which is kept an address wide: it stays on one line.
        rows.append(("payee", f"{display.address(payee)} {bps / 100:.2f}%: releasable "
                     f"{display.ether(edition.releasable(payee))}, released {display.ether(edition.released(payee))}"))
    console.print(display.pairs(f"{edition.name()} ({edition.symbol()}) at {edition.address}", rows))
