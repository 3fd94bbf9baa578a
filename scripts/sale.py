"""Run an edition's sale: open phases from the config, mint, relay signed orders, withdraw, status."""

import json
from pathlib import Path

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option, network_option
from rich.console import Console
from rich.table import Table

from gaoling.collection import load_collection_config
from gaoling.collection.orders import SignedOrder
from gaoling.collection.sale import PHASE_NAMES, SaleError, mint, open_phases, plan_mint, withdraw_all
from gaoling.demo import eth
from gaoling.merkle import build_allowlist

console = Console()
contract_option = click.option("--contract", "address", required=True, help="The edition's address.")


def _edition(address):
    return project.GaolingEdition.at(address)


def _fail(exc: Exception):
    raise click.ClickException(str(exc))


@click.group()
def cli():
    """Run a capped-edition sale."""


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@contract_option
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path), required=True,
              help="The collection config (metadata/collections/*.yaml).")
def open(account, address, config_path):
    """Write the config's sale phases and allowlist root to the edition."""
    config = load_collection_config(config_path)
    for line in open_phases(_edition(address), config, account):
        console.print(f"[green]set[/] {line}")


@cli.command("mint", cls=ConnectedProviderCommand)
@network_option()
@account_option()
@contract_option
@click.option("--quantity", type=int, default=1, show_default=True)
@click.option("--allowlist", type=click.Path(exists=True, path_type=Path),
              help="The allowlist CSV, to mint in the allowlist phase if your account is on it.")
def mint_cmd(account, address, quantity, allowlist):
    """Buy tokens in the open phase, paying the phase price."""
    edition = _edition(address)
    tree = build_allowlist(allowlist) if allowlist else None
    try:
        plan = plan_mint(edition, account.address, quantity, chain.pending_timestamp, tree)
    except SaleError as exc:
        _fail(exc)
    first = edition.totalMinted() + 1
    mint(edition, plan, account)
    console.print(f"minted tokens {first}..{first + quantity - 1} in the {PHASE_NAMES[plan.phase]} phase "
                  f"for {eth(plan.value)}")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@contract_option
@click.option("--order", "order_file", type=click.Path(exists=True, path_type=Path), required=True,
              help="A signed order JSON from `ape run sign_order`.")
def relay(account, address, order_file):
    """Relay a signed fiat order: the tokens go to its recipient, the relayer pays only gas."""
    signed = SignedOrder.from_dict(json.loads(order_file.read_text()))
    edition = _edition(address)
    if signed.domain.verifying_contract.lower() != address.lower():
        _fail(ValueError(f"--order: signed for {signed.domain.verifying_contract}, not {address}"))
    if edition.nonceUsed(signed.order.nonce):
        _fail(ValueError(f"--order: nonce {signed.order.nonce} was already used or cancelled"))
    edition.mintWithOrder(signed.order.as_struct(), signed.signature, sender=account)
    console.print(f"minted {signed.order.quantity} to {signed.order.recipient} (order nonce {signed.order.nonce})")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@contract_option
def withdraw(account, address):
    """Release every payee's share of the revenue (each payee receives its own)."""
    paid = withdraw_all(_edition(address), account)
    for payee, amount in paid:
        console.print(f"released {eth(amount)} to {payee}")
    if not paid:
        console.print("nothing to release")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@contract_option
def status(address):
    """Show the phases, supply and revenue of an edition."""
    edition = _edition(address)
    now = chain.pending_timestamp
    table = Table(title=f"{edition.name()} ({edition.symbol()}) at {address}")
    table.add_column("item")
    table.add_column("value")
    table.add_row("minted", f"{edition.totalMinted():,} of {edition.cap():,}")
    table.add_row("paused", str(edition.paused()))
    for phase_id, name in PHASE_NAMES.items():
        p = edition.phase(phase_id)
        state = "open" if p.start <= now < p.end else "closed"
        table.add_row(f"{name} phase", f"{state}: {eth(p.price)}, {p.start}..{p.end}, max {p.maxPerWallet or '∞'}")
    payees, shares = edition.payees()
    for payee, bps in zip(payees, shares):
        table.add_row(f"payee {payee}", f"{bps / 100:.2f}%: releasable {eth(edition.releasable(payee))}, "
                      f"released {eth(edition.released(payee))}")
    console.print(table)
