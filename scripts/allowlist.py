"""Allowlist Merkle trees for the edition's allowlist phase (no chain needed).

    ape run allowlist build metadata/allowlists/<slug>.csv [--out FILE]
    ape run allowlist proof 0xADDRESS --tree FILE      (or --csv FILE)

Trees are in the @openzeppelin/merkle-tree StandardMerkleTree format: the dump file loads in that
npm library, so minting sites can serve proofs from it unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from gaoling import display
from gaoling.cli import group
from gaoling.inputs import parse_address
from gaoling.merkle import (
    AllowlistError,
    MerkleTreeError,
    StandardMerkleTree,
    allowlist_proof,
    allowlist_tree,
    read_allowlist_csv,
)

err = display.console(stderr=True)


@group(help="Build allowlist Merkle trees and look up proofs.")
def cli() -> None:
    pass


@cli.command(help="Read CSV (address,quantity with a header row), print the Merkle root, and write "
                  "the tree dump (by default next to the CSV, as <name>.tree.json).")
@click.argument("csv_path", metavar="CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the tree dump JSON.")
def build(csv_path: Path, out: Path | None) -> None:
    try:
        entries = read_allowlist_csv(csv_path)
    except AllowlistError as exc:
        raise click.ClickException(str(exc)) from None
    tree = allowlist_tree(entries)
    target = out or csv_path.with_suffix(".tree.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(tree.to_json() + "\n", encoding="utf-8")
    err.print(f"{len(entries)} addresses, {sum(e.quantity for e in entries)} tokens in all; "
              f"tree written to [bold]{target}[/bold]")
    click.echo(tree.root)


@cli.command(help="Print the root, allowance and Merkle proof of ADDRESS as JSON.")
@click.argument("address")
@click.option("--tree", "tree_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A tree dump written by `build` (or by the npm library).")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Build the tree from this allowlist CSV instead.")
def proof(address: str, tree_path: Path | None, csv_path: Path | None) -> None:
    if (tree_path is None) == (csv_path is None):
        raise click.UsageError("give exactly one of --tree FILE or --csv FILE")
    try:
        address = parse_address(address, allow_zero=True)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="ADDRESS") from None
    try:
        tree = (StandardMerkleTree.load_json(tree_path) if tree_path is not None
                else allowlist_tree(read_allowlist_csv(csv_path)))
        quantity, hashes = allowlist_proof(tree, address)
    except (AllowlistError, MerkleTreeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"root": tree.root, "address": address, "quantity": str(quantity),
                           "proof": hashes}, indent=2))
