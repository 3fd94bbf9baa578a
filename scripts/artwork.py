"""Register and mint unique artworks on a Gaoling artworks collection.

    ape run artwork hash master.tif
    ape run artwork mint --master master.tif --artist 0x.. --royalty-bps 800 --cid bafy..
    ape run artwork mint ... --auction --seller 0x.. --reserve "2 ether" --duration 3d
    ape run artwork lookup --master master.tif

The master file's sha256 is registered exactly once; a second mint of the same file is refused
before any transaction. The collection comes from deployments/<chainId>.json (or --deployment
PATH); `--collection` (or $GAOLING_ARTWORKS) overrides.
"""

from __future__ import annotations

import click
from ape import project
from ape.cli import account_option, network_option

from gaoling import display
from gaoling import artwork as artworks
from gaoling import auction as auctions
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option, group

console = display.console()
collection_option = contract_option("artworks", "collection")


def _collection(address: str | None, deployment=None):
    return Deployment(deployment).open("artworks", address)


def _fail(exc: ValueError) -> None:
    argument = getattr(exc, "argument", "input")
    raise UserError(str(exc).split(": ", 1)[-1], f"--{argument.replace('_', '-')}") from None


@group()
def cli():
    """Hash, register and mint unique works; look a master file up."""


@cli.command("hash")
@click.argument("master", type=click.Path(exists=True, dir_okay=False))
def hash_(master):
    """Print the sha256 of a master file (what the registry stores)."""
    console.print(f"0x{artworks.sha256_file(master).hex()}")


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@collection_option
@deployment_option
@click.option("--master", type=click.Path(dir_okay=False), required=True, help="The work's master file.")
@click.option("--artist", required=True, help="Royalty receiver.")
@click.option("--royalty-bps", type=int, required=True, help="Artist royalty, 250-1000 bps.")
@click.option("--cid", required=True, help="CID of the metadata JSON (tokenURI = ipfs://<cid>).")
@click.option("--to", default=None, help="Owner after minting (default: the artist).")
@click.option("--auction", "into_auction", is_flag=True, help="List on the collection's auction house at once.")
@click.option("--seller", default=None, help="With --auction: who sells and is paid (default: the artist).")
@click.option("--reserve", default=None, help="With --auction: lowest first bid, e.g. '1 ether'.")
@click.option("--duration", default="1d", show_default=True, help="With --auction: time from the first bid.")
def mint(account, collection, deployment, master, artist, royalty_bps, cid, to, into_auction, seller, reserve, duration):
    """Register a master file and mint its token."""
    try:
        spec = artworks.ArtworkSpec.build(
            artist=artist, royalty_bps=royalty_bps, content_hash=artworks.sha256_file(master), cid=cid
        )
        contract = _collection(collection, deployment)
        if into_auction:
            if reserve is None:
                raise auctions.AuctionInputError("reserve", "is required with --auction")
            house = project.GaolingAuctionHouse.at(contract.auctionHouse())
            result = artworks.mint_to_auction(
                contract, house, spec, seller or spec.artist, auctions.parse_amount(reserve, "reserve"),
                auctions.parse_duration(duration), account,
            )
        else:
            result = artworks.mint(contract, spec, to or spec.artist, account)
    except (artworks.ArtworkInputError, auctions.AuctionInputError) as exc:
        _fail(exc)
    console.print(f"[green]Token #{result.token_id}[/] minted, sha256 0x{result.content_hash.hex()}")
    if result.auction_id is not None:
        console.print(f"Listed as auction #{result.auction_id}.")


@cli.command(cls=ChainCommand)
@network_option()
@collection_option
@deployment_option
@click.option("--master", type=click.Path(dir_okay=False), default=None, help="A master file to look up.")
@click.option("--sha256", "digest", default=None, help="Or its sha256 digest (hex).")
def lookup(collection, deployment, master, digest):
    """Find the token registered for a master file."""
    try:
        if (master is None) == (digest is None):
            raise artworks.ArtworkInputError("master", "pass exactly one of --master and --sha256")
        raw = artworks.sha256_file(master) if master else artworks.parse_content_hash(digest)
    except artworks.ArtworkInputError as exc:
        if exc.argument == "content_hash":
            exc.argument = "sha256"
        _fail(exc)
    contract = _collection(collection, deployment)
    if contract.isRegistered(raw):
        console.print(f"0x{raw.hex()} is token #{contract.tokenOfContentHash(raw)}")
    else:
        console.print(f"0x{raw.hex()} is not registered")
