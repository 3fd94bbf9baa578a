"""A collector's side of the physical-customization voucher, and the voucher revenue.

    ape run voucher buy              --account me --collection 0xC 12
    ape run voucher redeem           --account me 3 --glaze 4 --details shipping.json
    ape run voucher confirm          --account me 3
    ape run voucher claim-refund     --account me [--to 0xRECIPIENT]
    ape run voucher status           3
    ape run voucher withdraw-revenue --account anyone

Addresses come from deployments/<chainId>.json (or --deployment PATH); --vouchers overrides.
Every command checks what the contract would check before it sends anything. `redeem` records the
encrypted shipping details (key from GAOLING_SHIPPING_KEY) as a pending submission, sends only
their salted commitment, and confirms the submission once the chain has the redemption; a redeem
the chain refuses leaves it pending, as history.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from ape import Contract, chain, project
from ape.cli import account_option, network_option

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option, group, journal
from gaoling.inputs import parse_address
from gaoling.voucher import chain as vchain
from gaoling.voucher.chain import Status, VoucherInputError
from gaoling.voucher.redeem import redeem_voucher
from gaoling.voucher.shipping import DEFAULT_DB, ShippingStore, key_from_env

console = display.console()
vouchers_option = contract_option("vouchers")

_OWNER_OF = [{"type": "function", "name": "ownerOf", "stateMutability": "view",
              "inputs": [{"name": "tokenId", "type": "uint256"}], "outputs": [{"name": "", "type": "address"}]}]


def _vouchers(deployment: Path | None, explicit: str | None) -> Any:
    return Deployment(deployment).open("vouchers", explicit)


def show(vouchers: Any, token_id: int) -> None:
    rows = [*vchain.read(vouchers, token_id).rows(), ("token URI", vouchers.tokenURI(token_id))]
    console.print(display.pairs(f"voucher {token_id} of {vouchers.address}", rows))


@group(help="Buy, redeem and follow a physical-customization voucher; withdraw the voucher revenue.")
def cli() -> None:
    pass


@cli.command(cls=ChainCommand, help="Buy a voucher for a token you own (needs a firing certificate).")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.option("--collection", required=True, help="The source collection's address (or edition slug).")
@click.argument("token_id", type=click.IntRange(min=1))
def buy(account: Any, vouchers_address: str | None, deployment: Path | None, collection: str, token_id: int) -> None:
    d = Deployment(deployment)
    v = d.open("vouchers", vouchers_address)
    if not collection.startswith("0x"):
        collection = d.address("edition", collection)
    try:
        collection = parse_address(collection)
    except ValueError as exc:
        raise UserError(str(exc), "--collection") from None
    ranges = [r for r in v.ranges(collection) if r.open and r.fromTokenId <= token_id <= r.toTokenId]
    if not ranges:
        raise UserError(f"token {token_id} of {collection} is in no open customizable range", "TOKEN_ID",
                        "choose a token of a customizable collection (the studio lists them)")
    owner = Contract(collection, abi=_OWNER_OF).ownerOf(token_id)
    if str(owner).lower() != account.address.lower():
        raise UserError(f"token {token_id} of {collection} belongs to {owner}, not {account.address}", "--account",
                        "buy with the account that owns the token")
    certificate = project.FiringCertificate.at(v.certificate())
    if not certificate.hasCertificate(account.address):
        raise UserError(f"{account.address} holds no firing certificate", "--account",
                        f"pass the firing quiz first: ape run quiz take --holder {account.address}, "
                        "then ape run quiz submit")
    used, allowance = v.allowanceOf(collection, token_id)
    if int(used) >= int(allowance):
        raise UserError(f"token {token_id} has used all {allowance} of its physical pieces", "TOKEN_ID")
    price = int(ranges[0].price)
    if account.balance < price:
        raise UserError(f"{account.address} has {display.ether(account.balance)}, the voucher costs "
                        f"{display.ether(price)} plus gas", "--account", "fund the account first")
    receipt = v.buy(collection, token_id, value=price, sender=account)
    show(v, int(v.VoucherBought.from_receipt(receipt)[0].tokenId))


@cli.command(cls=ChainCommand, help="Redeem: spend a glaze coupon, commit to the shipping details.")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=click.IntRange(min=1))
@click.option("--glaze", type=click.IntRange(min=1), required=True, metavar="ID",
              help="Glaze id of a coupon you hold: `ape run coupons list` shows the glazes on the chain.")
@click.option("--details", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="JSON with name, phone, address, city, postcode, country.")
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The encrypted shipping store: the platform database (GAOLING_DATABASE_URL, else this SQLite "
                   "file), shared with the service.")
def redeem(account: Any, vouchers_address: str | None, deployment: Path | None, token_id: int, glaze: int,
           details: Path, store: Path) -> None:
    v = _vouchers(deployment, vouchers_address)
    try:
        data = json.loads(details.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{details} is not JSON ({exc})", "--details") from None
    try:
        key = key_from_env()
        outcome = redeem_voucher(v, project.GlazeCoupons.at(v.coupons()), ShippingStore(store, key), account,
                                 token_id, glaze, data, key=key, chain_id=chain.chain_id)
    except VoucherInputError as exc:
        message = str(exc)
        for prefix, option in (("token_id: ", "TOKEN_ID: "), ("glaze: ", "--glaze: "), ("details.", "--details: details.")):
            if message.startswith(prefix):
                message = option + message[len(prefix):]
        raise UserError(message) from None
    if outcome.resumed:
        console.print(f"voucher {token_id} was already redeemed on chain with these details; stored them now")
    show(v, token_id)


@cli.command(cls=ChainCommand, help="Confirm the piece arrived (the holder; anyone after the delivery timeout).")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=click.IntRange(min=1))
def confirm(account: Any, vouchers_address: str | None, deployment: Path | None, token_id: int) -> None:
    v = _vouchers(deployment, vouchers_address)
    view = vchain.read(v, token_id)
    if view.status is not Status.SHIPPED:
        raise UserError(f"voucher {token_id} is {view.status.label}; only a shipped piece can be confirmed",
                        "TOKEN_ID", "see `ape run voucher status` for where it is")
    if view.holder.lower() != account.address.lower():
        due = view.updated_at + int(v.deliveryTimeout())
        if chain.pending_timestamp < due:
            raise UserError(f"{account.address} does not hold voucher {token_id} (the holder is {view.holder}); "
                            f"others may confirm only after the delivery timeout, {display.when(due)} "
                            f"({display.relative(due, chain.pending_timestamp)})", "--account",
                            "confirm with the holder's account, or wait until then")
    v.confirmDelivery(token_id, sender=account)
    show(v, token_id)


@cli.command("claim-refund", cls=ChainCommand, help="Withdraw refunds credited to --account.")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.option("--to", "recipient", metavar="ADDRESS", default=None,
              help="Pay the refund to this address instead of --account (for holders that cannot receive ETH).")
def claim_refund(account: Any, vouchers_address: str | None = None, deployment: Path | None = None,
                 recipient: str | None = None) -> None:
    v = _vouchers(deployment, vouchers_address)
    amount = int(v.refundOf(account.address))
    if amount == 0:
        raise UserError(f"no refund is credited to {account.address}", "--account",
                        "refunds are credited when the studio refunds a failed firing")
    if recipient is None:
        v.claimRefund(sender=account)
        console.print(f"claimed {display.ether(amount)} to {account.address}")
        return
    try:
        to = parse_address(recipient)
    except ValueError as exc:
        raise UserError(str(exc), "--to", "give a non-zero 0x-prefixed 20-byte address") from None
    v.claimRefundTo(to, sender=account)
    console.print(f"claimed {display.ether(amount)}, paid to {to}")


@cli.command("withdraw-revenue", cls=ChainCommand,
             help="Release the voucher revenue (delivered pieces) to every payee; anyone may send it.")
@network_option()
@account_option()
@vouchers_option
@deployment_option
def withdraw_revenue(account: Any, vouchers_address: str | None, deployment: Path | None) -> None:
    v = _vouchers(deployment, vouchers_address)
    payees, shares = v.payees()
    paid = 0
    journal.resume = "run `ape run voucher withdraw-revenue` again: payees already paid have nothing due and are skipped"
    for payee, bps in zip(payees, shares):
        due = int(v.releasable(payee))
        if due == 0:
            console.print(f"{payee} ({int(bps) / 100:.2f}%): nothing due")
            continue
        v.release(payee, sender=account)
        journal.did(f"released {display.ether(due)} to {payee}")
        console.print(f"released {display.ether(due)} to {payee} ({int(bps) / 100:.2f}%)")
        paid += 1
    if paid == 0:
        console.print("nothing to release: revenue is credited when a piece is delivered")


@cli.command(cls=ChainCommand, help="Show a voucher.")
@network_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=click.IntRange(min=1))
def status(vouchers_address: str | None, deployment: Path | None, token_id: int) -> None:
    show(_vouchers(deployment, vouchers_address), token_id)
