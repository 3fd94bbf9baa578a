"""Studio fulfilment of voucher redemptions. --account must hold FULFILMENT_ROLE.

    ape run fulfil list    [--all]
    ape run fulfil label   --account studio 7        (decrypts the shipping details; checked on chain)
    ape run fulfil kiln    --account studio 7 --batch 42
    ape run fulfil fired   --account studio 7 --photo bafy...
    ape run fulfil failed  --account studio 7 --reason "glaze crawled"
    ape run fulfil ship    --account studio 7 --tracking SF123...   (only a commitment goes on chain)
    ape run fulfil refund  --account studio 7
    ape run fulfil report  [--from-block N]

The vouchers contract comes from deployments/<chainId>.json (or --deployment PATH); --vouchers
overrides. Every step checks the voucher's status and the account's FULFILMENT_ROLE first, and
prints the redemptions it touched as a table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape import chain
from ape.cli import account_option, network_option
from eth_account import Account
from eth_account.messages import encode_defunct

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option, group
from gaoling.voucher import chain as vchain
from gaoling.voucher import reports
from gaoling.voucher.chain import Status
from gaoling.voucher.shipping import DEFAULT_DB, ShippingStore, commit_tracking, new_salt, prove

console = display.console()


def _vouchers(deployment: Path | None, explicit: str | None) -> Any:
    return Deployment(deployment).open("vouchers", explicit)


def require_fulfilment(vouchers: Any, account: Any) -> None:
    """FULFILMENT_ROLE on this contract, checked on chain before anything is sent or decrypted."""
    if not vouchers.hasRole(vouchers.FULFILMENT_ROLE(), account.address):
        raise UserError(f"{account.address} does not hold FULFILMENT_ROLE on GaolingVouchers {vouchers.address}",
                        "--account", "use a studio account that holds it, or ask an admin to grant it "
                        "(ape run roles grant)")


def _table(views: list[vchain.VoucherView], title: str, editions: dict[str, str]) -> None:
    """One row per voucher; the source edition by its slug when the manifest knows it (shorter than
    its address, and what the studio calls it), the holder's address in full."""
    slugs = {address.lower(): slug for slug, address in editions.items()}
    table = display.table("voucher", "status", "source", "glaze", "kiln batch", "since", "holder", title=title,
                          addresses=("holder",))
    for v in views:
        table.add_row(str(v.token_id), v.status.label, f"{slugs.get(v.collection.lower(), v.collection)} "
                      f"#{v.source_token_id}", str(v.glaze_id or "-"), str(v.kiln_batch_id or "-"),
                      display.when(v.updated_at) if v.updated_at else "-", v.holder)
    console.print(table)


def _run(step: Any, vouchers: Any, token_id: int, account: Any) -> None:
    require_fulfilment(vouchers, account)
    receipt = step()
    console.print(display.pairs(f"voucher {token_id} of {vouchers.address} (gas {receipt.gas_used:,})",
                                vchain.read(vouchers, token_id).rows()))


vouchers_option = contract_option("vouchers", "address")


@group(help="Move voucher redemptions through kiln, firing, shipping; refunds; labels; reports.")
def cli() -> None:
    pass


@cli.command("list", cls=ChainCommand, help="List pending redemptions (--all: every voucher).")
@network_option()
@vouchers_option
@deployment_option
@click.option("--all", "show_all", is_flag=True, help="Include unredeemed and finished vouchers.")
def list_(address: str | None, deployment: Path | None, show_all: bool) -> None:
    found = Deployment(deployment)
    views = vchain.all_vouchers(found.open("vouchers", address))
    if not show_all:
        views = [v for v in views if v.status not in (Status.ISSUED,) and not v.status.final]
    _table(views, "redemptions" if show_all else "pending redemptions", found.editions())


@cli.command(cls=ChainCommand, help="Put a redemption into a kiln batch (also re-fires a failed one).")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=int)
@click.option("--batch", type=int, required=True, help="Kiln batch id.")
def kiln(account: Any, address: str | None, deployment: Path | None, token_id: int, batch: int) -> None:
    v = _vouchers(deployment, address)
    _run(lambda: vchain.put_in_kiln(v, token_id, batch, account), v, token_id, account)


@cli.command(cls=ChainCommand, help="Record a successful firing with the photo's IPFS CID.")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=int)
@click.option("--photo", required=True, help="IPFS CID of the photo of the fired piece.")
def fired(account: Any, address: str | None, deployment: Path | None, token_id: int, photo: str) -> None:
    v = _vouchers(deployment, address)
    _run(lambda: vchain.mark_fired(v, token_id, photo, account), v, token_id, account)


@cli.command(cls=ChainCommand, help="Record a failed firing (the reason is public: no personal data).")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=int)
@click.option("--reason", required=True, help="What went wrong in the kiln, e.g. 'glaze crawled'.")
def failed(account: Any, address: str | None, deployment: Path | None, token_id: int, reason: str) -> None:
    v = _vouchers(deployment, address)
    _run(lambda: vchain.mark_failed(v, token_id, reason, account), v, token_id, account)


@cli.command(cls=ChainCommand, help="Record shipping; only a salted commitment to --tracking goes on chain.")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=int)
@click.option("--tracking", required=True, help="Carrier tracking number (kept off chain).")
def ship(account: Any, address: str | None, deployment: Path | None, token_id: int, tracking: str) -> None:
    v = _vouchers(deployment, address)
    salt = new_salt()
    commitment = commit_tracking(tracking, salt)
    _run(lambda: vchain.mark_shipped(v, token_id, commitment, account), v, token_id, account)
    console.print(f"give the holder this salt to verify the tracking commitment: 0x{salt.hex()}")


@cli.command(cls=ChainCommand, help="Refund a failed redemption: price to the holder (pull), coupon back.")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=int)
def refund(account: Any, address: str | None, deployment: Path | None, token_id: int) -> None:
    v = _vouchers(deployment, address)
    _run(lambda: vchain.refund(v, token_id, account), v, token_id, account)


@cli.command(cls=ChainCommand, help="Pieces per glaze, failure rate per kiln batch, time in each state.")
@network_option()
@vouchers_option
@deployment_option
@click.option("--from-block", type=int, default=0, show_default=True, help="First block to read events from.")
def report(address: str | None, deployment: Path | None, from_block: int) -> None:
    r = reports.from_chain(_vouchers(deployment, address), from_block)
    glazes = display.table("glaze id", "pieces", title="pieces per glaze")
    for glaze, n in r.pieces_per_glaze.items():
        glazes.add_row(str(glaze), str(n))
    batches = display.table("batch", "fired", "failed", "failure rate", title="kiln batches")
    for batch, (ok, bad) in r.batches.items():
        batches.add_row(str(batch), str(ok), str(bad), f"{r.failure_rate(batch):.0%}")
    states = display.table("state", "visits", "mean hours", title="time in each state")
    for status, spans in r.seconds_in_state.items():
        states.add_row(status.label, str(len(spans)), f"{r.mean_seconds(status) / 3600:.1f}")
    for t in (glazes, batches, states):
        console.print(t)


@cli.command(cls=ChainCommand, help="Decrypt one voucher's shipping details for its label (FULFILMENT_ROLE, checked on chain).")
@network_option()
@account_option()
@vouchers_option
@deployment_option
@click.argument("token_id", type=click.IntRange(min=1))
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True,
              help="The encrypted shipping store: the platform database (GAOLING_DATABASE_URL, else this SQLite "
                   "file); key from GAOLING_SHIPPING_KEY.")
def label(account: Any, address: str | None, deployment: Path | None, token_id: int, store: Path) -> None:
    v = _vouchers(deployment, address)
    view = vchain.read(v, token_id)
    if view.status is Status.ISSUED:
        raise UserError(f"voucher {token_id} is not redeemed yet: there are no shipping details", "TOKEN_ID")
    require_fulfilment(v, account)
    # The role is checked for --account's address; a signature proves this process holds its key
    # (an address alone can be typed by anyone).
    challenge = (f"Gaoling fulfilment: open the shipping label of voucher {token_id} of {v.address} "
                 f"on chain {chain.chain_id} at block {chain.blocks.head.number}")
    signature = account.sign_message(encode_defunct(text=challenge))
    if signature is None or Account.recover_message(encode_defunct(text=challenge),
                                                    signature=bytes(signature.encode_rsv())) != account.address:
        raise UserError(f"{account.address} did not sign the label request", "--account")
    shipping = ShippingStore(store)
    shipping.sync(v, token_id)  # a redeem mined after its CLI or service run stopped is confirmed here
    try:
        details, salt, _ = shipping.confirmed(token_id)
    except ValueError as exc:
        raise UserError(str(exc).removeprefix("voucher_id: "), "TOKEN_ID",
                        "check --store (or GAOLING_DATABASE_URL): it must be the store the redemption was saved in") from None
    if not prove(details, salt, view.shipping_commitment):
        raise UserError(f"the stored details of voucher {token_id} do not open its on-chain commitment", "--store",
                        "the store holds another submission; do not ship, contact the holder")
    console.print(f"shipping label of voucher {token_id} ({view.status.label}); the details match the on-chain "
                  "commitment", soft_wrap=True)
    console.print(display.pairs(None, [(name, getattr(details, name) or "-")
                                       for name in ("name", "phone", "address", "city", "postcode", "country")]))
