"""Crowdfunded drops: all-or-nothing campaigns on a GaolingCrowdfund (docs/crowdfund.md).

    ape run crowdfund create   --campaign celadon-moon-vase [--config metadata/platform.yaml]
    ape run crowdfund pledge   --campaign-id 1 --tier 1 --quantity 2
    ape run crowdfund withdraw --campaign-id 1 [--to 0x..]
    ape run crowdfund finalize --campaign-id 1
    ape run crowdfund claim    --campaign-id 1
    ape run crowdfund refund   --campaign-id 1 [--to 0x..]
    ape run crowdfund status   --campaign-id 1

The crowdfund's address comes from --crowdfund, else $GAOLING_CROWDFUND, else the deployment
manifest (`deployments/<chainId>.json`, or --deployment DIR). Every command takes Ape's --network;
those that send a transaction take --account (any Ape account: keyfile, Ledger, Safe...). Inputs
are checked against the chain before anything is sent, and a revert is shown by its error name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option, network_option
from ape.exceptions import ApeException, ContractLogicError
from rich.console import Console
from rich.table import Table

from gaoling.crowdfund import chain as cf

console = Console()

crowdfund_option = click.option("--crowdfund", "address", envvar="GAOLING_CROWDFUND", default=None,
                                help="GaolingCrowdfund address [env GAOLING_CROWDFUND; default: the manifest].")
deployment_option = click.option("--deployment", default="deployments", show_default=True,
                                 type=click.Path(file_okay=False, path_type=Path),
                                 help="Folder of deployment manifests (<chainId>.json) to find the crowdfund in.")
campaign_id_option = click.option("--campaign-id", type=click.IntRange(min=1), required=True,
                                  help="The campaign's id (printed by `create`).")
to_option = click.option("--to", default=None, help="Send the ETH to this address instead of the account.")


def _crowdfund(address: str | None, deployment: Path) -> Any:
    if address is None:
        from gaoling.deploy.manifest import Manifest

        path = deployment / f"{chain.chain_id}.json"
        if not path.is_file():
            raise click.UsageError(f"no --crowdfund given and no manifest {path}; pass --crowdfund 0x.. or "
                                   "--deployment DIR")
        address = Manifest.load(deployment, chain.chain_id).contracts.get("crowdfund")
        if address is None:
            raise click.UsageError(f"the manifest {path} has no crowdfund; add a `crowdfund:` section to "
                                   "platform.yaml and run `ape run deploy`, or pass --crowdfund")
    try:
        address = cf._address(address)
    except ValueError:
        raise click.BadParameter(f"{address!r} is not an address", param_hint="--crowdfund") from None
    if not chain.provider.get_code(address):
        raise click.BadParameter(f"no contract at {address} on this network", param_hint="--crowdfund")
    return project.GaolingCrowdfund.at(address)


def _run(action, *args):
    """Runs a domain function; input errors name their option, reverts show their error name."""
    try:
        return action(*args)
    except cf.CrowdfundInputError as exc:
        raise click.BadParameter(exc.message, param_hint=f"--{exc.argument.replace('_', '-')}") from None
    except ContractLogicError as exc:
        inputs = getattr(exc, "inputs", None) or {}
        detail = ", ".join(f"{k}={v}" for k, v in inputs.items())
        name = type(exc).__name__ if type(exc) is not ContractLogicError else (exc.message or "reverted")
        raise click.ClickException(f"the transaction reverted: {name}({detail})" if inputs else
                                   f"the transaction reverted: {name}") from None
    except ApeException as exc:
        raise click.ClickException(str(exc)) from None


def _table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        table.add_row(key, value)
    return table


@click.group()
def cli():
    """Open, pledge to, end and settle all-or-nothing crowdfunded drops."""


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@crowdfund_option
@deployment_option
@click.option("--config", "config_path", default="metadata/platform.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="platform.yaml with the `crowdfund:` section.")
@click.option("--campaign", "name", required=True, help="Name of a campaign under `crowdfund.campaigns`.")
@click.option("--edition", default=None, help="Edition address [default: the campaign's collection in the manifest].")
def create(account, address, deployment, config_path, name, edition):
    """Open a campaign from platform.yaml (needs the crowdfund's ISSUER_ROLE)."""
    from gaoling.deploy.config import PlatformConfigError, load_platform_config

    try:
        platform = load_platform_config(config_path)
    except PlatformConfigError as exc:
        raise click.ClickException(f"the config has problems:\n{exc}") from None
    if platform.config.crowdfund is None:
        raise click.BadParameter(f"{config_path} has no `crowdfund:` section", param_hint="--config")
    try:
        campaign = platform.config.crowdfund.campaign(name)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--campaign") from None
    crowdfund = _crowdfund(address, deployment)
    if edition is None:
        from gaoling.deploy.manifest import Manifest

        edition = Manifest.load(deployment, chain.chain_id).contracts.get(f"edition:{campaign.collection}") \
            if (deployment / f"{chain.chain_id}.json").is_file() else None
        if edition is None:
            raise click.BadParameter(f"no edition {campaign.collection} in the manifest; pass --edition 0x..",
                                     param_hint="--edition")
    edition_contract = project.GaolingEdition.at(cf._address(edition))
    now = int(chain.pending_timestamp)
    spec = campaign.spec(edition_contract.address, now)
    campaign_id = _run(cf.create, crowdfund, edition_contract, spec, account, now)
    console.print(f"[green]Campaign #{campaign_id}[/] {name} is open: goal {cf.format_wei(spec.goal)}, "
                  f"{len(spec.tiers)} tiers, deadline {cf.format_time(spec.deadline)}.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@crowdfund_option
@deployment_option
@campaign_id_option
@click.option("--tier", type=int, required=True, help="Tier index (see `status`).")
@click.option("--quantity", type=int, default=1, show_default=True, help="Pieces to pledge.")
def pledge(account, address, deployment, campaign_id, tier, quantity):
    """Pledge the exact price for pieces of a tier; the ETH is escrowed until the campaign ends."""
    crowdfund = _crowdfund(address, deployment)
    paid = _run(cf.pledge, crowdfund, campaign_id, tier, quantity, account, int(chain.pending_timestamp))
    state = cf.status(crowdfund, campaign_id, int(chain.pending_timestamp))
    console.print(f"[green]Pledged[/] {quantity} × tier {tier} for {cf.format_wei(paid)} (escrowed). "
                  f"Campaign: {state.progress_bar()}, {cf.format_left(state.seconds_left)} left.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@crowdfund_option
@deployment_option
@campaign_id_option
@to_option
def withdraw(account, address, deployment, campaign_id, to):
    """Take back your whole pledge before the deadline."""
    crowdfund = _crowdfund(address, deployment)
    amount = _run(cf.withdraw, crowdfund, campaign_id, account, int(chain.pending_timestamp), to)
    console.print(f"[green]Withdrew[/] {cf.format_wei(amount)} to {to or account.address}.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@crowdfund_option
@deployment_option
@campaign_id_option
def finalize(account, address, deployment, campaign_id):
    """End a campaign after its deadline (anyone may): Succeeded or Failed."""
    crowdfund = _crowdfund(address, deployment)
    outcome = _run(cf.finalize, crowdfund, campaign_id, account, int(chain.pending_timestamp))
    what = "pledgers can claim their pieces" if outcome == cf.Status.SUCCEEDED else "every pledger can take a full refund"
    console.print(f"[green]Campaign #{campaign_id} {outcome.name.lower()}[/]: {what}.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@crowdfund_option
@deployment_option
@campaign_id_option
def claim(account, address, deployment, campaign_id):
    """Mint your pieces of a succeeded campaign (and vouchers for physical tiers)."""
    crowdfund = _crowdfund(address, deployment)
    first, quantity = _run(cf.claim, crowdfund, campaign_id, account, int(chain.pending_timestamp))
    console.print(f"[green]Claimed[/] {quantity} piece(s): tokens #{first}..#{first + quantity - 1}.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@crowdfund_option
@deployment_option
@campaign_id_option
@to_option
def refund(account, address, deployment, campaign_id, to):
    """Take your full refund from a failed or cancelled campaign (no deadline, no fee)."""
    crowdfund = _crowdfund(address, deployment)
    amount = _run(cf.refund, crowdfund, campaign_id, account, int(chain.pending_timestamp), to)
    console.print(f"[green]Refunded[/] {cf.format_wei(amount)} to {to or account.address}.")


@cli.command(cls=ConnectedProviderCommand)
@network_option()
@crowdfund_option
@deployment_option
@campaign_id_option
def status(address, deployment, campaign_id):
    """Show a campaign: progress toward the goal, time left (CST and UTC), tiers, money held."""
    crowdfund = _crowdfund(address, deployment)
    state = _run(cf.status, crowdfund, campaign_id, int(chain.pending_timestamp))
    console.print(_table(f"Campaign #{campaign_id}", state.rows()))
