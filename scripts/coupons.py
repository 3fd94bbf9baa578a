"""Glaze coupons: list the glazes, exchange points for coupons (directly or signed and relayed),
add a glaze type. Addresses come from deployments/<chainId>.json unless --coupons names one.

  ape run coupons list
  ape run coupons exchange   --account ALICE --glaze 4 --amount 1
  ape run coupons exchange   --account ALICE --glaze 4 --sign-only > req.json
  ape run coupons exchange   --account RELAYER --relay req.json
  ape run coupons add-glaze  --account ADMIN --name-zh 青釉 --name-en "Celadon glaze" --price 250 --stock 200
  ape run coupons publish-metadata --account ADMIN

Before anything is sent, `exchange` checks the glaze exists, has stock, and that the member has
the points; a relayed request is also checked for its nonce and deadline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape import chain
from ape.cli import account_option, network_option
from pydantic import ValidationError

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option, group, journal
from gaoling.display import address as full_address
from gaoling.display import when
from gaoling.fan import (GlazeSpec, SignedExchange, add_glaze, base_uri, list_glazes, publish_glaze_metadata,
                         relay_exchange, sign_exchange)

console = display.console()
coupons_option = contract_option("coupons")
# --help runs before any connection, so it says where the glazes are listed instead of guessing them;
# an id the chain does not have is refused with the list read from the chain.
GLAZE_HELP = ("Glaze id of a glaze type on the chain: `ape run coupons list` shows them, and an id the chain "
              "does not have is refused with the list.")


def _coupons(deployment: Path | None, explicit: str | None) -> Any:
    return Deployment(deployment).open("coupons", explicit)


def glaze_choices(coupons: Any) -> str:
    """The glazes on chain, for messages: '1 透明釉 Transparent glaze (100 points), 2 …'."""
    glazes = list_glazes(coupons)
    return ", ".join(f"{g.glaze_id} {g.name_zh} {g.name_en} ({g.price} points, {g.stock} left)" for g in glazes)


def check_exchange(coupons: Any, member: str, glaze_id: int, amount: int, option: str = "--glaze") -> int:
    """What the contract would check, before anything is sent. Returns the points it will cost."""
    from ape import project

    if amount < 1:
        raise UserError("must be at least 1", "--amount")
    if not coupons.glazeExists(glaze_id):
        raise UserError(f"{glaze_id} is not a glaze on this platform", option,
                        f"choose one of: {glaze_choices(coupons)}")
    info = coupons.glaze(glaze_id)
    price, stock = int(info[2]), int(info[3])
    if amount > stock:
        raise UserError(f"only {stock} coupons of glaze {glaze_id} ({info[1]}) are left, {amount} asked for",
                        "--amount", "ask for fewer, or choose another glaze (ape run coupons list)")
    ledger = project.PointsLedger.at(coupons.ledger())
    have, need = int(ledger.pointsOf(member)), price * amount
    if have < need:
        raise UserError(f"{member} has {have} points, and {amount} × glaze {glaze_id} costs {need}",
                        "--amount" if option == "--glaze" else option,
                        "earn points by checking in daily (ape run checkin sign) or buying, then exchange")
    return need


@group()
def cli():
    """Glaze coupons bought with points: transparent, opalescent, colour, crackle, and more."""


@cli.command("list", cls=ChainCommand)
@network_option()
@coupons_option
@deployment_option
def list_command(coupons_address, deployment):
    """List glaze types with price (points), stock and metadata URI."""
    coupons = _coupons(deployment, coupons_address)
    table = display.table("id", "zh-CN", "en", "price (points)", "stock", "exchanged", "uri",
                          title=f"GlazeCoupons {coupons.address}")
    for g in list_glazes(coupons):
        table.add_row(str(g.glaze_id), g.name_zh, g.name_en, str(g.price), str(g.stock), str(g.exchanged), g.uri)
    console.print(table)


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@coupons_option
@deployment_option
@click.option("--glaze", "glaze_id", type=click.IntRange(min=1), metavar="ID", help=GLAZE_HELP)
@click.option("--amount", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--sign-only", is_flag=True, help="Sign a gasless request with --account and print it.")
@click.option("--ttl", type=click.IntRange(min=60), default=3600, show_default=True,
              help="Seconds a signed request stays valid.")
@click.option("--relay", "relay_file", type=click.File("r", encoding="utf-8"),
              help="Relay a signed request (JSON) from --account, which pays the gas.")
@click.option("--max-points", type=click.IntRange(min=1), default=None,
              help="With --sign-only: the most points the request may spend [default: today's price × amount].")
def exchange(account, coupons_address, deployment, glaze_id, amount, sign_only, ttl, relay_file, max_points=None):
    """Exchange points for coupons: directly, or --sign-only / --relay for the gasless path."""
    coupons = _coupons(deployment, coupons_address)
    if relay_file is not None:
        try:
            signed = SignedExchange.from_json(relay_file.read(), relay_file.name)
        except ValueError as exc:
            raise UserError(str(exc), "--relay", "give the file `ape run coupons exchange --sign-only` wrote, "
                            "unchanged") from None
        if signed.deadline <= chain.pending_timestamp:
            raise UserError(f"this request expired at {when(signed.deadline)}", "--relay",
                            "ask the member to sign a new one (ape run coupons exchange --sign-only)")
        if coupons.nonceUsed(signed.member, signed.nonce):
            raise UserError(f"nonce {signed.nonce} of {signed.member} was already used: this request was relayed "
                            "or cancelled", "--relay", "nothing to do if it was relayed; otherwise sign a new one")
        cost = check_exchange(coupons, signed.member, signed.glaze_id, signed.amount, option="--relay")
        if cost > signed.max_points:
            raise UserError(f"the price rose: {signed.amount} × glaze {signed.glaze_id} now costs {cost} points, and "
                            f"{signed.member} signed for at most {signed.max_points}", "--relay",
                            "ask the member to sign again at today's price")
        receipt = relay_exchange(coupons, signed, account)
        journal.did(f"relayed {signed.amount} × glaze {signed.glaze_id} to {signed.member}")
        console.print(f"relayed: {signed.amount} × glaze {signed.glaze_id} to {full_address(signed.member)} "
                      f"({receipt.gas_used:,} gas, tx {receipt.txn_hash})")
        return
    if glaze_id is None:
        raise UserError("give the glaze id to exchange for", "--glaze", f"choose one of: {glaze_choices(coupons)}")
    cost = check_exchange(coupons, account.address, glaze_id, amount)
    if sign_only:
        click.echo(sign_exchange(account, coupons, glaze_id, amount, ttl=ttl, max_points=max_points).to_json())
        return
    receipt = coupons.exchange(glaze_id, amount, sender=account)
    console.print(f"exchanged {cost} points for {amount} × glaze {glaze_id} ({receipt.gas_used:,} gas)")


@cli.command("add-glaze", cls=ChainCommand)
@network_option()
@account_option()
@coupons_option
@deployment_option
@click.option("--name-zh", required=True, help="Name in Simplified Chinese, e.g. 青釉.")
@click.option("--name-en", required=True, help='Name in English, e.g. "Celadon glaze".')
@click.option("--price", type=int, required=True, help="Points per coupon (at least 1).")
@click.option("--stock", type=int, required=True, help="Coupons available for exchange.")
def add_glaze_command(account, coupons_address, deployment, name_zh, name_en, price, stock):
    """Add a glaze type (admin) with its coupon metadata: the glazes folder is published again with the
    configured IPFS backend (the new glaze's JSON and swatch beside the others), the glaze added, and the
    contract's base URI moved to the new folder."""
    try:
        spec = GlazeSpec(name_zh=name_zh, name_en=name_en, price=price, stock=stock)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UserError(first["msg"], f"--{str(first['loc'][0]).replace('_', '-')}") from None
    coupons = _admin_coupons(deployment, coupons_address, account)
    # Metadata first: once the glaze exists on chain, its file is already published.
    expected_id = int(coupons.glazeCount()) + 1
    base, _ = _publish(coupons, spec)
    glaze_id = add_glaze(coupons, spec, account)
    console.print(f"added glaze {glaze_id}: {spec.name_zh} / {spec.name_en}, {spec.price} points, "
                  f"stock {spec.stock}")
    if glaze_id != expected_id:  # another admin added a glaze meanwhile: publish what is on chain now
        base, _ = _publish(coupons, None)
    _set_base(coupons, base, account)
    console.print(f"uri({glaze_id}) = {coupons.uri(glaze_id)}")


def _admin_coupons(deployment: Path | None, explicit: str | None, account: Any) -> Any:
    coupons = _coupons(deployment, explicit)
    if not coupons.hasRole(b"\x00" * 32, account.address):
        raise UserError(f"{account.address} does not hold DEFAULT_ADMIN_ROLE on GlazeCoupons {coupons.address}",
                        "--account", "use the platform admin's account (or its Safe)")
    return coupons


def _publish(coupons: Any, adding: GlazeSpec | None) -> tuple[str, Any]:
    from gaoling.ipfs.backends import BackendError

    try:
        base, tree = publish_glaze_metadata(coupons, adding)
    except (BackendError, OSError) as exc:
        raise UserError(f"publishing the glaze metadata failed: {exc}", "GAOLING_IPFS_BACKEND",
                        "check the IPFS backend (ape run ipfs status) and run the command again; nothing was "
                        "sent") from None
    console.print(f"glaze metadata: {len(tree.cids)} files and folders, root {tree.root_cid} ({tree.pin_status})")
    return base, tree


def _set_base(coupons: Any, base: str, account: Any) -> None:
    if base_uri(coupons) == base:
        console.print(f"base URI already {base}")
        return
    coupons.setBaseURI(base, sender=account)
    console.print(f"base URI set to {base}")


@cli.command("publish-metadata", cls=ChainCommand)
@network_option()
@account_option()
@coupons_option
@deployment_option
def publish_metadata_command(account, coupons_address, deployment):
    """Publish the glazes folder for every glaze on chain and point the contract's base URI at it
    (admin). Safe to run again: an unchanged folder has the same CID and nothing is sent."""
    coupons = _admin_coupons(deployment, coupons_address, account)
    base, _ = _publish(coupons, None)
    _set_base(coupons, base, account)
