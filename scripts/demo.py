"""The platform story on a local anvil and the local IPFS store (`make demo`)."""

import importlib
import time

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand, network_option
from rich.console import Console
from rich.table import Table

from gaoling.demo import DemoContext, eth

STORY = ("deploy", "edition", "fan", "quiz", "auction", "voucher", "crowdfund")


@click.command(cls=ConnectedProviderCommand)
@network_option(default="ethereum:local:foundry")
@click.option("--only", multiple=True, type=click.Choice(STORY + ("publish",)),
              help="Play only these parts (repeatable); `publish` alone publishes the catalogue without deploying.")
def cli(only):
    """Deploy the platform on a local chain and play its story: a drop, an auction and resale,
    the fan economy, the quiz and a voucher carried to delivery. Ends with a summary."""
    console = Console()
    ctx = DemoContext(project=project, accounts=accounts.test_accounts, chain=chain, console=console)
    first_block = chain.blocks.head.number + 1
    started = time.monotonic()
    story = Table(title="What happened", show_lines=False)
    story.add_column("part")
    story.add_column("step")
    story.add_column("detail")
    for part in only or STORY:
        try:
            module = importlib.import_module(f"gaoling.demo.{part}")
        except ModuleNotFoundError as exc:
            if exc.name != f"gaoling.demo.{part}":
                raise
            console.print(f"[yellow]{part}: not part of this build yet[/]")
            continue
        with console.status(f"{part}..."):
            rows = module.run(ctx)
        for step, detail in rows:
            story.add_row(part, step, detail)
        # Parts leave the contracts they deployed on the context for the parts after them.
        for name in ("ledger", "coupons", "certificate", "artworks", "auction_house", "vouchers", "crowdfund"):
            contract = getattr(ctx, name, None)
            if contract is not None and all(c.address != contract.address for c in ctx.contracts.values()):
                ctx.contracts[type(contract).__name__ if not hasattr(contract, "contract_type")
                              else contract.contract_type.name] = contract
    last_block = chain.blocks.head.number
    total_gas = sum(chain.blocks[n].gas_used for n in range(first_block, last_block + 1))

    contracts = Table(title="Contracts")
    contracts.add_column("contract")
    contracts.add_column("address")
    for name, contract in ctx.contracts.items():
        contracts.add_row(name, str(contract.address))
    paid = Table(title="Who was paid what")
    paid.add_column("payee")
    paid.add_column("for")
    paid.add_column("amount", justify="right")
    for who, what, wei in ctx.payments:
        paid.add_row(who, what, eth(wei))
    console.print(contracts, story, paid)
    console.print(f"[bold]{last_block - first_block + 1} blocks, total gas {total_gas:,}[/], "
                  f"{time.monotonic() - started:.1f}s")
