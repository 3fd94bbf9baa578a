"""English auctions on a Gaoling auction house.

    ape run auction create --nft 0x.. --token-id 1 --reserve "1 ether" --duration 1d --approve
    ape run auction bid --auction-id 1 --amount "1.05 ether"
    ape run auction settle --auction-id 1
    ape run auction withdraw [--to 0x..]
    ape run auction status --auction-id 1

The house comes from deployments/<chainId>.json (or --deployment PATH); `--house` (or
$GAOLING_AUCTION_HOUSE) overrides. Every command takes Ape's --network, and every
command that sends a transaction takes --account (any Ape account: keyfile, Ledger, Safe...).
Inputs are checked against the chain before anything is sent.
"""

from __future__ import annotations

import click
from ape import Contract, chain, project
from ape.cli import account_option, network_option

from gaoling import display
from gaoling import auction as auctions
from gaoling.cli import ChainCommand, Deployment, UserError, deployment_option, group, journal
from gaoling.display import duration as duration_words
from gaoling.display import when

console = display.console()
house_option = click.option(
    "--house", envvar="GAOLING_AUCTION_HOUSE", default=None,
    help="Auction house address [default: from the deployment manifest; env GAOLING_AUCTION_HOUSE].")
auction_id_option = click.option("--auction-id", type=click.IntRange(min=1), required=True, help="The auction's id.")


def _house(address: str | None, deployment=None):
    return Deployment(deployment).open("auction", address)


def _fail(exc: auctions.AuctionInputError) -> None:
    raise UserError(str(exc).split(": ", 1)[1], f"--{exc.argument.replace('_', '-')}") from None


@group()
def cli():
    """Create, bid on, settle and inspect English auctions; withdraw deferred payments."""


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@house_option
@deployment_option
@click.option("--nft", required=True, help="ERC-721 collection of the token.")
@click.option("--token-id", type=int, required=True, help="Token to sell.")
@click.option("--reserve", required=True, help="Lowest first bid, e.g. '0.5 ether' (a bare number is ether).")
@click.option("--duration", default="1d", show_default=True, help="Time from the first bid: 900, 90m, 36h, 7d.")
@click.option("--approve", is_flag=True, help="Approve the house for the token first if needed.")
def create(account, house, deployment, nft, token_id, reserve, duration, approve):
    """List a token you own; the house escrows it."""
    try:
        reserve_wei = auctions.parse_amount(reserve, "reserve")
        seconds = auctions.parse_duration(duration)
        if not chain.provider.get_code(nft):
            raise UserError(f"no contract at {nft} on this network", "--nft", "check the collection address and --network")
        collection = Contract(nft, contract_type=project.GaolingArtworks.contract_type)
        auction_id = auctions.create(_house(house, deployment), collection, token_id, reserve_wei, seconds, account, approve)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    console.print(f"[green]Auction #{auction_id}[/] created: reserve {auctions.format_wei(reserve_wei)}, "
                  f"runs {duration_words(seconds)} from the first bid.")


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@house_option
@deployment_option
@auction_id_option
@click.option("--amount", required=True, help="Bid, e.g. '1.05 ether' (a bare number is ether).")
def bid(account, house, deployment, auction_id, amount):
    """Bid on a live auction."""
    contract = _house(house, deployment)
    try:
        wei = auctions.parse_amount(amount)
        auctions.bid(contract, auction_id, wei, account, chain.pending_timestamp)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    state = auctions.status(contract, auction_id, chain.pending_timestamp)
    console.print(f"[green]Highest bid[/] {auctions.format_wei(wei)} on #{auction_id}; ends {when(state.end_time)}.")


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@house_option
@deployment_option
@auction_id_option
def settle(account, house, deployment, auction_id):
    """Settle an ended auction (anyone may)."""
    try:
        result = auctions.settle(_house(house, deployment), auction_id, account, chain.pending_timestamp)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    console.print(display.pairs(f"Auction #{auction_id} settled", result.rows()))


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@house_option
@deployment_option
@click.option("--to", default=None, help="Send to this address instead of the account.")
def withdraw(account, house, deployment, to):
    """Withdraw payments that could not be pushed to you."""
    try:
        amount = auctions.withdraw(_house(house, deployment), account, to)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    console.print(f"[green]Withdrew[/] {auctions.format_wei(amount)} to {to or account.address}.")


@cli.command(cls=ChainCommand)
@network_option()
@house_option
@deployment_option
@auction_id_option
def status(house, deployment, auction_id):
    """Show an auction as a table."""
    try:
        state = auctions.status(_house(house, deployment), auction_id, chain.pending_timestamp)
    except auctions.AuctionInputError as exc:
        _fail(exc)
    console.print(display.pairs(f"Auction #{auction_id}", state.rows()))
