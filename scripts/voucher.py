"""A collector's side of the physical-customization voucher.

    ape run voucher buy          --vouchers 0xV --account me --collection 0xC 12
    ape run voucher redeem       --vouchers 0xV --account me 3 --glaze 4 --details shipping.json
    ape run voucher confirm      --vouchers 0xV --account me 3
    ape run voucher claim-refund --vouchers 0xV --account me [--to 0xRECIPIENT]
    ape run voucher status       --vouchers 0xV 3

`redeem` encrypts the shipping details into the local store (key from GAOLING_SHIPPING_KEY) and
sends only their salted commitment.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option, network_option
from eth_utils import is_address, to_checksum_address
from rich.console import Console
from rich.table import Table

from gaoling.voucher import chain as vchain
from gaoling.voucher.chain import Status, VoucherInputError
from gaoling.voucher.shipping import DEFAULT_DB, ShippingStore

console = Console()
vouchers_option = click.option("--vouchers", "address", required=True, help="GaolingVouchers address.")


def _vouchers(address: str) -> Any:
    try:
        return vchain.open_vouchers(project, chain.provider, address)
    except VoucherInputError as exc:
        raise click.BadParameter(str(exc)) from None
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None


def _show(vouchers: Any, token_id: int) -> None:
    try:
        v = vchain.read(vouchers, token_id)
    except VoucherInputError as exc:
        raise click.ClickException(str(exc)) from None
    table = Table(title=f"voucher {token_id}")
    table.add_column("field")
    table.add_column("value")
    for name, value in (("status", v.status.label), ("holder", v.holder), ("source", f"{v.collection} #{v.source_token_id}"),
                        ("price paid (wei)", str(v.price)), ("glaze", str(v.glaze_id or "-")),
                        ("kiln batch", str(v.kiln_batch_id or "-")), ("token URI", vouchers.tokenURI(token_id))):
        table.add_row(name, value)
    console.print(table)


@click.group(help="Buy, redeem and follow a physical-customization voucher.")
def cli() -> None:
    pass


@cli.command(cls=ConnectedProviderCommand, help="Buy a voucher for a token you own (needs a firing certificate).")
@network_option()
@account_option()
@vouchers_option
@click.option("--collection", required=True, help="The source collection's address.")
@click.argument("token_id", type=int)
def buy(account: Any, address: str, collection: str, token_id: int) -> None:
    v = _vouchers(address)
    try:
        collection = vchain.address_arg(collection, "--collection")
    except VoucherInputError as exc:
        raise click.BadParameter(str(exc)) from None
    ranges = [r for r in v.ranges(collection) if r.open and r.fromTokenId <= token_id <= r.toTokenId]
    if not ranges:
        raise click.ClickException(f"token {token_id} of {collection} is not customizable")
    receipt = v.buy(collection, token_id, value=int(ranges[0].price), sender=account)
    _show(v, int(v.VoucherBought.from_receipt(receipt)[0].tokenId))


@cli.command(cls=ConnectedProviderCommand, help="Redeem: spend a glaze coupon, commit to the shipping details.")
@network_option()
@account_option()
@vouchers_option
@click.argument("token_id", type=int)
@click.option("--glaze", type=int, required=True, help="Glaze id of the coupon to spend (1-4).")
@click.option("--details", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="JSON with name, phone, address, city, postcode, country.")
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True)
def redeem(account: Any, address: str, token_id: int, glaze: int, details: Path, store: Path) -> None:
    v = _vouchers(address)
    try:
        data = json.loads(details.read_text(encoding="utf-8"))
        commitment, _ = ShippingStore(store).save(token_id, data)
    except (VoucherInputError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"--details: {exc}") from None
    v.redeem(token_id, glaze, commitment, sender=account)
    _show(v, token_id)


@cli.command(cls=ConnectedProviderCommand, help="Confirm the piece arrived.")
@network_option()
@account_option()
@vouchers_option
@click.argument("token_id", type=int)
def confirm(account: Any, address: str, token_id: int) -> None:
    v = _vouchers(address)
    view = vchain.read(v, token_id)
    if view.status is not Status.SHIPPED:
        raise click.ClickException(f"voucher {token_id} is {view.status.label}; only a shipped piece can be confirmed")
    v.confirmDelivery(token_id, sender=account)
    _show(v, token_id)


@cli.command("claim-refund", cls=ConnectedProviderCommand, help="Withdraw refunds credited to --account.")
@network_option()
@account_option()
@vouchers_option
@click.option("--to", "recipient", metavar="ADDRESS", default=None,
              help="Pay the refund to this address instead of --account (for holders that cannot receive ETH).")
def claim_refund(account: Any, address: str, recipient: str | None = None) -> None:
    v = _vouchers(address)
    amount = int(v.refundOf(account.address))
    if amount == 0:
        raise click.ClickException(f"no refund is credited to {account.address}")
    if recipient is None:
        v.claimRefund(sender=account)
        console.print(f"claimed {amount / 1e18:g} ETH")
        return
    if not is_address(recipient) or int(recipient, 16) == 0:
        raise click.UsageError(f"--to: {recipient!r} is not an address; give a non-zero 0x-prefixed 20-byte address")
    v.claimRefundTo(to_checksum_address(recipient), sender=account)
    console.print(f"claimed {amount / 1e18:g} ETH, paid to {to_checksum_address(recipient)}")


@cli.command(cls=ConnectedProviderCommand, help="Show a voucher.")
@network_option()
@vouchers_option
@click.argument("token_id", type=int)
def status(address: str, token_id: int) -> None:
    _show(_vouchers(address), token_id)
