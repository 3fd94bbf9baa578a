"""English auctions on a Gaoling auction house.

    ape run auction create --house 0x.. --nft 0x.. --token-id 1 --reserve "1 ether" --duration 1d --approve
    ape run auction bid --house 0x.. --auction-id 1 --amount "1.05 ether"
    ape run auction settle --house 0x.. --auction-id 1
    ape run auction withdraw --house 0x.. [--to 0x..]
    ape run auction status --house 0x.. --auction-id 1

`--house` defaults to $GAOLING_AUCTION_HOUSE. Every command takes Ape's --network, and every
command that sends a transaction takes --account (any Ape account: keyfile, Ledger, Safe...).
Inputs are checked against the chain before anything is sent.
"""

from __future__ import annotations

import click
from ape import Contract, chain, project
from ape.cli import ConnectedProviderCommand, account_option, network_option
from rich.console import Console
from rich.table import Table

from gaoling import auction as auctions

console = Console()
house_option = click.option(
    "--house", envvar="GAOLING_AUCTION_HOUSE", required=True, help="Auction house address [env GAOLING_AUCTION_HOUSE]."
)
auction_id_option = click.option("--auction-id", type=int, required=True, help="The auction's id.")


def _house(address: str):
    if not chain.provider.get_code(address):
        raise click.BadParameter(f"no contract at {address} on this network", param_hint="--house")
    return project.GaolingAuctionHouse.at(address)


def _fail(exc: auctions.AuctionInputError) -> None:
    raise click.BadParameter(str(exc).split(": ", 1)[1], param_hint=f"--{exc.argument.replace('_', '-')}")


def _table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        table.add_row(key, value)
    return table


@click.group()
def cli():
    """Create, bid on, settle and inspect English auctions; withdraw deferred payments."""


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@house_option
@click.option("--nft", required=True, help="ERC-721 collection of the token.")
@click.option("--token-id", type=int, required=True, help="Token to sell.")
@click.option("--reserve", required=True, help="Lowest first bid, e.g. '0.5 ether' (a bare number is ether).")
@click.option("--duration", default="1d", show_default=True, help="Time from the first bid: 900, 90m, 36h, 7d.")
@click.option("--approve", is_flag=True, help="Approve the house for the token first if needed.")
def create(account, house, nft, token_id, reserve, duration, approve):
    """List a token you own; the house escrows it."""
    try:
        reserve_wei = auctions.parse_amount(reserve, "reserve")
        seconds = auctions.parse_duration(duration)
        if not chain.provider.get_code(nft):
            raise click.BadParameter(f"no contract at {nft} on this network", param_hint="--nft")
        collection = Contract(nft, contract_type=project.GaolingArtworks.contract_type)
        auction_id = auctions.create(_house(house), collection, token_id, reserve_wei, seconds, account, approve)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    console.print(f"[green]Auction #{auction_id}[/] created: reserve {auctions.format_wei(reserve_wei)}, "
                  f"{seconds} s from the first bid.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@house_option
@auction_id_option
@click.option("--amount", required=True, help="Bid, e.g. '1.05 ether' (a bare number is ether).")
def bid(account, house, auction_id, amount):
    """Bid on a live auction."""
    contract = _house(house)
    try:
        wei = auctions.parse_amount(amount)
        auctions.bid(contract, auction_id, wei, account, chain.pending_timestamp)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    state = auctions.status(contract, auction_id, chain.pending_timestamp)
    console.print(f"[green]Highest bid[/] {auctions.format_wei(wei)} on #{auction_id}; ends at {state.end_time}.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@house_option
@auction_id_option
def settle(account, house, auction_id):
    """Settle an ended auction (anyone may)."""
    try:
        result = auctions.settle(_house(house), auction_id, account, chain.pending_timestamp)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    console.print(_table(f"Auction #{auction_id} settled", result.rows()))


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@house_option
@click.option("--to", default=None, help="Send to this address instead of the account.")
def withdraw(account, house, to):
    """Withdraw payments that could not be pushed to you."""
    try:
        amount = auctions.withdraw(_house(house), account, to)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    console.print(f"[green]Withdrew[/] {auctions.format_wei(amount)} to {to or account.address}.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@house_option
@auction_id_option
def status(house, auction_id):
    """Show an auction as a table."""
    try:
        state = auctions.status(_house(house), auction_id, chain.pending_timestamp)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    console.print(_table(f"Auction #{auction_id}", state.rows()))
