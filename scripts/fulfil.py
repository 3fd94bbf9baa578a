"""Studio fulfilment of voucher redemptions. --account must hold FULFILMENT_ROLE.

    ape run fulfil list    --vouchers 0xV [--all]
    ape run fulfil kiln    --vouchers 0xV --account studio 7 --batch 42
    ape run fulfil fired   --vouchers 0xV --account studio 7 --photo bafy...
    ape run fulfil failed  --vouchers 0xV --account studio 7 --reason "glaze crawled"
    ape run fulfil ship    --vouchers 0xV --account studio 7 --tracking SF123...   (only a commitment goes on chain)
    ape run fulfil refund  --vouchers 0xV --account studio 7
    ape run fulfil report  --vouchers 0xV [--from-block N]

Every command prints the redemptions it touched as a table.
"""

from __future__ import annotations

from typing import Any

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option, network_option
from rich.console import Console
from rich.table import Table

from gaoling.voucher import chain as vchain
from gaoling.voucher import reports
from gaoling.voucher.chain import Status, VoucherInputError
from gaoling.voucher.shipping import commit_tracking, new_salt

console = Console()


def _vouchers(address: str) -> Any:
    try:
        return vchain.open_vouchers(project, chain.provider, address)
    except VoucherInputError as exc:
        raise click.BadParameter(str(exc)) from None
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None


def _table(views: list[vchain.VoucherView], title: str) -> None:
    table = Table(title=title)
    for col in ("voucher", "status", "holder", "source", "glaze", "kiln batch", "since (unix)"):
        table.add_column(col)
    for v in views:
        table.add_row(str(v.token_id), v.status.label, v.holder, f"{v.collection[:10]}…#{v.source_token_id}",
                      str(v.glaze_id or "-"), str(v.kiln_batch_id or "-"), str(v.updated_at))
    console.print(table)


def _run(step: Any, vouchers: Any, token_id: int) -> None:
    try:
        receipt = step()
    except VoucherInputError as exc:
        raise click.ClickException(str(exc)) from None
    _table([vchain.read(vouchers, token_id)], f"voucher {token_id} (gas {receipt.gas_used:,})")


vouchers_option = click.option("--vouchers", "address", required=True, help="GaolingVouchers address.")


@click.group(help="Move voucher redemptions through kiln, firing, shipping; refunds; reports.")
def cli() -> None:
    pass


@cli.command("list", cls=ConnectedProviderCommand, help="List pending redemptions (--all: every voucher).")
@network_option()
@vouchers_option
@click.option("--all", "show_all", is_flag=True, help="Include unredeemed and finished vouchers.")
def list_(address: str, show_all: bool) -> None:
    views = vchain.all_vouchers(_vouchers(address))
    if not show_all:
        views = [v for v in views if v.status not in (Status.ISSUED,) and not v.status.final]
    _table(views, "redemptions" if show_all else "pending redemptions")


@cli.command(cls=ConnectedProviderCommand, help="Put a redemption into a kiln batch (also re-fires a failed one).")
@network_option()
@account_option()
@vouchers_option
@click.argument("token_id", type=int)
@click.option("--batch", type=int, required=True, help="Kiln batch id.")
def kiln(account: Any, address: str, token_id: int, batch: int) -> None:
    v = _vouchers(address)
    _run(lambda: vchain.put_in_kiln(v, token_id, batch, account), v, token_id)


@cli.command(cls=ConnectedProviderCommand, help="Record a successful firing with the photo's IPFS CID.")
@network_option()
@account_option()
@vouchers_option
@click.argument("token_id", type=int)
@click.option("--photo", required=True, help="IPFS CID of the photo of the fired piece.")
def fired(account: Any, address: str, token_id: int, photo: str) -> None:
    v = _vouchers(address)
    _run(lambda: vchain.mark_fired(v, token_id, photo, account), v, token_id)


@cli.command(cls=ConnectedProviderCommand, help="Record a failed firing (the reason is public: no personal data).")
@network_option()
@account_option()
@vouchers_option
@click.argument("token_id", type=int)
@click.option("--reason", required=True, help="What went wrong in the kiln, e.g. 'glaze crawled'.")
def failed(account: Any, address: str, token_id: int, reason: str) -> None:
    v = _vouchers(address)
    _run(lambda: vchain.mark_failed(v, token_id, reason, account), v, token_id)


@cli.command(cls=ConnectedProviderCommand, help="Record shipping; only a salted commitment to --tracking goes on chain.")
@network_option()
@account_option()
@vouchers_option
@click.argument("token_id", type=int)
@click.option("--tracking", required=True, help="Carrier tracking number (kept off chain).")
def ship(account: Any, address: str, token_id: int, tracking: str) -> None:
    v = _vouchers(address)
    salt = new_salt()
    try:
        commitment = commit_tracking(tracking, salt)
    except VoucherInputError as exc:
        raise click.BadParameter(str(exc)) from None
    _run(lambda: vchain.mark_shipped(v, token_id, commitment, account), v, token_id)
    console.print(f"give the holder this salt to verify the tracking commitment: 0x{salt.hex()}")


@cli.command(cls=ConnectedProviderCommand, help="Refund a failed redemption: price to the holder (pull), coupon back.")
@network_option()
@account_option()
@vouchers_option
@click.argument("token_id", type=int)
def refund(account: Any, address: str, token_id: int) -> None:
    v = _vouchers(address)
    _run(lambda: vchain.refund(v, token_id, account), v, token_id)


@cli.command(cls=ConnectedProviderCommand, help="Pieces per glaze, failure rate per kiln batch, time in each state.")
@network_option()
@vouchers_option
@click.option("--from-block", type=int, default=0, show_default=True, help="First block to read events from.")
def report(address: str, from_block: int) -> None:
    r = reports.from_chain(_vouchers(address), from_block)
    glazes = Table(title="pieces per glaze")
    glazes.add_column("glaze id")
    glazes.add_column("pieces")
    for glaze, n in r.pieces_per_glaze.items():
        glazes.add_row(str(glaze), str(n))
    batches = Table(title="kiln batches")
    for col in ("batch", "fired", "failed", "failure rate"):
        batches.add_column(col)
    for batch, (ok, bad) in r.batches.items():
        batches.add_row(str(batch), str(ok), str(bad), f"{r.failure_rate(batch):.0%}")
    states = Table(title="time in each state")
    for col in ("state", "visits", "mean hours"):
        states.add_column(col)
    for status, spans in r.seconds_in_state.items():
        states.add_row(status.label, str(len(spans)), f"{r.mean_seconds(status) / 3600:.1f}")
    for t in (glazes, batches, states):
        console.print(t)
