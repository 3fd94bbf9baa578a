"""Glaze coupons: list the glazes, exchange points for coupons (directly or signed and relayed),
add a glaze type.

  ape run coupons list       --coupons 0x...
  ape run coupons exchange   --account ALICE --coupons 0x... --glaze 4 --amount 1
  ape run coupons exchange   --account ALICE --coupons 0x... --glaze 4 --sign-only > req.json
  ape run coupons exchange   --account RELAYER --coupons 0x... --relay req.json
  ape run coupons add-glaze  --account ADMIN --coupons 0x... --name-zh 青釉 --name-en "Celadon glaze" \
                             --price 250 --stock 200
"""

from __future__ import annotations

import click
from ape.cli import ConnectedProviderCommand, account_option, network_option
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from gaoling.fan import FanInputError, GlazeSpec, SignedExchange, add_glaze, list_glazes, relay_exchange, sign_exchange
from gaoling.fan._common import address_arg

console = Console()

coupons_option = click.option(
    "--coupons", "coupons_address", envvar="GAOLING_GLAZE_COUPONS", required=True, metavar="ADDRESS",
    help="GlazeCoupons address (or set GAOLING_GLAZE_COUPONS).",
)


def _coupons(address: str):
    from ape import project

    try:
        return project.GlazeCoupons.at(address_arg(address, "--coupons"))
    except FanInputError as exc:
        raise click.UsageError(str(exc)) from None


@click.group()
def cli():
    """Glaze coupons bought with points: transparent, opalescent, colour, crackle, and more."""


@cli.command("list", cls=ConnectedProviderCommand)
@network_option()
@coupons_option
def list_command(coupons_address):
    """List glaze types with price (points), stock and metadata URI."""
    table = Table("id", "zh-CN", "en", "price", "stock", "exchanged", "uri")
    for g in list_glazes(_coupons(coupons_address)):
        table.add_row(str(g.glaze_id), g.name_zh, g.name_en, str(g.price), str(g.stock), str(g.exchanged), g.uri)
    console.print(table)


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@coupons_option
@click.option("--glaze", "glaze_id", type=int, help="Glaze id (see `list`).")
@click.option("--amount", type=int, default=1, show_default=True)
@click.option("--sign-only", is_flag=True, help="Sign a gasless request with --account and print it.")
@click.option("--ttl", type=int, default=3600, show_default=True, help="Seconds a signed request stays valid.")
@click.option("--relay", "relay_file", type=click.File("r", encoding="utf-8"),
              help="Relay a signed request (JSON) from --account, which pays the gas.")
def exchange(account, coupons_address, glaze_id, amount, sign_only, ttl, relay_file):
    """Exchange points for coupons: directly, or --sign-only / --relay for the gasless path."""
    coupons = _coupons(coupons_address)
    try:
        if relay_file is not None:
            signed = SignedExchange.from_json(relay_file.read(), relay_file.name)
            receipt = relay_exchange(coupons, signed, account)
            console.print(f"relayed: {signed.amount} × glaze {signed.glaze_id} to {signed.member} "
                          f"({receipt.gas_used:,} gas)")
            return
        if glaze_id is None:
            raise click.UsageError("--glaze: give the glaze id to exchange for (see `ape run coupons list`)")
        if sign_only:
            click.echo(sign_exchange(account, coupons, glaze_id, amount, ttl=ttl).to_json())
            return
        if not coupons.glazeExists(glaze_id):
            raise FanInputError(f"--glaze: {glaze_id} is not a glaze type; see `ape run coupons list`")
        receipt = coupons.exchange(glaze_id, amount, sender=account)
        console.print(f"exchanged: {amount} × glaze {glaze_id} ({receipt.gas_used:,} gas)")
    except FanInputError as exc:
        raise click.UsageError(str(exc)) from None


@cli.command("add-glaze", cls=ConnectedProviderCommand)
@network_option()
@account_option()
@coupons_option
@click.option("--name-zh", required=True, help="Name in Simplified Chinese, e.g. 青釉.")
@click.option("--name-en", required=True, help='Name in English, e.g. "Celadon glaze".')
@click.option("--price", type=int, required=True, help="Points per coupon (at least 1).")
@click.option("--stock", type=int, required=True, help="Coupons available for exchange.")
def add_glaze_command(account, coupons_address, name_zh, name_en, price, stock):
    """Add a glaze type (admin). Publish its <id>.json metadata under the base URI too."""
    try:
        spec = GlazeSpec(name_zh=name_zh, name_en=name_en, price=price, stock=stock)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise click.UsageError(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from None
    glaze_id = add_glaze(_coupons(coupons_address), spec, account)
    console.print(f"added glaze {glaze_id}: {spec.name_zh} / {spec.name_en}, {spec.price} points, "
                  f"stock {spec.stock}")
