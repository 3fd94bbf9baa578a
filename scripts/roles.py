"""Who holds which role on each deployed contract, by name; grant and revoke them.

    ape run roles list   --network ... [--contract vouchers] [--deployment deployments/<chainId>.json]
    ape run roles grant  --network ... --account admin --contract vouchers FULFILMENT_ROLE 0xSTAFF
    ape run roles revoke --network ... --account admin --contract vouchers fulfilment 0xSTAFF

Contracts are found in the deployment manifest (`vouchers`, `auction`, `edition:<slug>` or just
`<slug>`, or an address). Roles are written by name (`FULFILMENT_ROLE`, `fulfilment`), never as
bytes. Before sending, the account's right to change the role is checked; if it lacks it (the
platform was handed to a Safe), nothing is sent and the change is written as a Safe Transaction
Builder batch for the admin to import.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
from ape.cli import account_option, network_option
from eth_utils import is_address, to_checksum_address

from gaoling import display
from gaoling.cli import ChainCommand, UserError, group
from gaoling.deploy.roles import (
    MissingRole,
    batch_transaction,
    check_can_change,
    deploy_block,
    load_manifest,
    open_component,
    parse_role,
    role_holders,
    role_id,
    role_names,
    write_safe_batch,
)

out = display.console(highlight=False, soft_wrap=True)

deployment_option = click.option("--deployment", type=click.Path(dir_okay=False, path_type=Path), default=None,
                                 help="Manifest to read addresses from (default deployments/<chainId>.json).")


def _open(provider: Any, deployment: Path | None, contract: str) -> tuple[dict[str, Any], str, Any]:
    from ape import project

    try:
        manifest = load_manifest(deployment, int(provider.chain_id))
        cid, target = open_component(project, manifest, contract)
    except LookupError as exc:
        raise UserError(str(exc), "--contract", "see the contracts with `ape run roles list`") from None
    return manifest, cid, target


def _address(value: str) -> str:
    if not is_address(value):
        raise UserError(f"{value!r} is not an address (0x followed by 40 hex digits)", "ACCOUNT")
    return to_checksum_address(value)


@group(help="List, grant and revoke contract roles by name (FULFILMENT_ROLE, CURATOR_ROLE, ...).")
def cli() -> None:
    pass


@cli.command("list", cls=ChainCommand, help="Every role of every deployed contract and who holds it.")
@network_option()
@deployment_option
@click.option("--contract", default=None, help="Only this contract (vouchers, edition:<slug>, an address...).")
def list_(provider: Any, deployment: Path | None, contract: str | None) -> None:
    from ape import project

    try:
        manifest = load_manifest(deployment, int(provider.chain_id))
        names = [contract] if contract else list(manifest.get("contracts", {}))
        opened = [open_component(project, manifest, name) for name in names]
    except LookupError as exc:
        raise UserError(str(exc), "--contract", "see the deployed contracts in the manifest") from None
    out.print(f"Roles on chain {provider.chain_id} ({manifest['_path']}):")
    for cid, target in opened:
        holders = role_holders(target, provider, deploy_block(manifest, cid))
        out.print(f"{cid}  {target.address}")
        for role in role_names(target):
            out.print(f"  {role:<24} {', '.join(holders.get(role, [])) or 'nobody'}")


def _change(method: str, provider: Any, account: Any, deployment: Path | None, contract: str, role: str,
            holder: str) -> None:
    manifest, cid, target = _open(provider, deployment, contract)
    try:
        name = parse_role(role, role_names(target), cid)
    except ValueError as exc:
        raise UserError(str(exc), "ROLE") from None
    holder = _address(holder)
    has = bool(target.hasRole(role_id(name), holder))
    if has == (method == "grantRole"):
        out.print(f"{holder} {'already holds' if has else 'does not hold'} {name} on {cid} ({target.address}); "
                  "nothing to do.")
        return
    try:
        check_can_change(target, cid, method, name, account.address)
    except MissingRole as exc:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        path = Path(manifest["_path"]).parent / str(provider.chain_id) / "safe" / f"{stamp}-roles.json"
        write_safe_batch(path, int(provider.chain_id), [batch_transaction(target, method, (role_id(name), holder))],
                         name=f"Gaoling roles: {method} {name} on {cid}",
                         description=f"{method}({name}, {holder}) on {cid} {target.address}", safe=manifest.get("admin"))
        raise UserError(f"{exc}. Nothing was sent.", hint=f"the admin (a Safe) can import the change, written as a "
                        f"Safe Transaction Builder batch: {path}") from None
    receipt = getattr(target, method)(role_id(name), holder, sender=account)
    verb = "granted to" if method == "grantRole" else "revoked from"
    out.print(f"{name} {verb} {holder} on {cid} ({target.address}); transaction {receipt.txn_hash} "
              f"in block {receipt.block_number}.")


@cli.command(cls=ChainCommand, help="Grant ROLE on --contract to ACCOUNT (an address).")
@network_option()
@account_option()
@deployment_option
@click.option("--contract", required=True, help="vouchers, auction, artworks, edition:<slug>, ... or an address.")
@click.argument("role")
@click.argument("holder", metavar="ACCOUNT")
def grant(provider: Any, account: Any, deployment: Path | None, contract: str, role: str, holder: str) -> None:
    _change("grantRole", provider, account, deployment, contract, role, holder)


@cli.command(cls=ChainCommand, help="Revoke ROLE on --contract from ACCOUNT (an address).")
@network_option()
@account_option()
@deployment_option
@click.option("--contract", required=True, help="vouchers, auction, artworks, edition:<slug>, ... or an address.")
@click.argument("role")
@click.argument("holder", metavar="ACCOUNT")
def revoke(provider: Any, account: Any, deployment: Path | None, contract: str, role: str, holder: str) -> None:
    _change("revokeRole", provider, account, deployment, contract, role, holder)
