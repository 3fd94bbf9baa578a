"""Crowdfunded drops: all-or-nothing campaigns on a GaolingCrowdfund (docs/crowdfund.md).

    ape run crowdfund create   --campaign celadon-moon-vase [--config metadata/platform.yaml]
    ape run crowdfund pledge   --campaign-id 1 --tier 1 --quantity 2
    ape run crowdfund withdraw --campaign-id 1 [--to 0x..]
    ape run crowdfund finalize --campaign-id 1
    ape run crowdfund claim    --campaign-id 1
    ape run crowdfund refund   --campaign-id 1 [--to 0x..]
    ape run crowdfund status   --campaign-id 1 [--pledger 0x..]
    ape run crowdfund cancel   --campaign-id 1                 (issuer, before the deadline)
    ape run crowdfund deliver  --campaign-id 1                 (issuer: mint every unclaimed pledge)
    ape run crowdfund release  --campaign-id 1 [--payee 0x..]  (anyone: pay the payees their shares)

The crowdfund's address comes from --crowdfund, else $GAOLING_CROWDFUND, else the deployment
manifest (`deployments/<chainId>.json`, or --deployment PATH). Every command takes Ape's --network;
those that send a transaction take --account (any Ape account: keyfile, Ledger, Safe...). Inputs
are checked against the chain before anything is sent (errors name the option and exit 2), and a
revert is decoded by its error name and arguments (gaoling.cli / gaoling.reverts, exit 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape import chain, project
from ape.cli import account_option, network_option

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option, group, journal
from gaoling.crowdfund import chain as cf

console = display.console()

crowdfund_option = contract_option("crowdfund", "address")
campaign_id_option = click.option("--campaign-id", type=click.IntRange(min=1), required=True,
                                  help="The campaign's id (printed by `create`).")
to_option = click.option("--to", default=None, help="Send the ETH to this address instead of the account.")


def _crowdfund(address: str | None, deployment: Path | None) -> Any:
    return Deployment(deployment).open("crowdfund", address)


def _run(action, *args):
    """Runs a domain function; an input error names its option. Reverts are decoded by gaoling.cli
    (every platform ABI, English and Chinese)."""
    try:
        return action(*args)
    except cf.CrowdfundInputError as exc:
        raise UserError(exc.message, f"--{exc.argument.replace('_', '-')}") from None


@group(help="Open, pledge to, end and settle all-or-nothing crowdfunded drops (docs/crowdfund.md).")
def cli():
    pass


def campaign_command(sends: bool):
    """A `crowdfund` subcommand about one campaign: --network, --account if it sends a transaction,
    --crowdfund, --deployment and --campaign-id, in that order."""
    def wrap(func):
        for option in reversed((network_option(), *((account_option(),) if sends else ()), crowdfund_option,
                                deployment_option, campaign_id_option)):
            func = option(func)
        return cli.command(cls=ChainCommand)(func)
    return wrap


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@crowdfund_option
@deployment_option
@click.option("--config", "config_path", default="metadata/platform.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="platform.yaml with the `crowdfund:` section.")
@click.option("--campaign", "name", required=True, help="Name of a campaign under `crowdfund.campaigns`.")
@click.option("--edition", default=None, help="Edition address or slug [default: the campaign's collection in the manifest].")
def create(account, address, deployment, config_path, name, edition):
    """Open a campaign from platform.yaml (needs the crowdfund's ISSUER_ROLE)."""
    from gaoling.deploy.config import PlatformConfigError, load_platform_config

    try:
        platform = load_platform_config(config_path)
    except PlatformConfigError as exc:
        raise UserError(f"the config has problems:\n{exc}", "--config", "fix the fields named above") from None
    if platform.config.crowdfund is None:
        raise UserError(f"{config_path} has no `crowdfund:` section", "--config", "see docs/crowdfund.md")
    try:
        campaign = platform.config.crowdfund.campaign(name)
    except KeyError as exc:
        raise UserError(str(exc.args[0]), "--campaign") from None
    d = Deployment(deployment)
    crowdfund = d.open("crowdfund", address)
    edition_contract = d.open("edition", edition or campaign.collection)
    now = int(chain.pending_timestamp)
    spec = campaign.spec(edition_contract.address, now)
    campaign_id = _run(cf.create, crowdfund, edition_contract, spec, account, now)
    journal.did(f"campaign #{campaign_id} created")
    console.print(f"[green]Campaign #{campaign_id}[/] {name} is open: goal {cf.format_wei(spec.goal)}, "
                  f"{len(spec.tiers)} tiers, deadline {cf.format_time(spec.deadline)}.")


@campaign_command(sends=True)
@click.option("--tier", type=int, required=True, help="Tier index (see `status`).")
@click.option("--quantity", type=int, default=1, show_default=True, help="Pieces to pledge.")
def pledge(account, address, deployment, campaign_id, tier, quantity):
    """Pledge the exact price for pieces of a tier; the ETH is escrowed until the campaign ends."""
    crowdfund = _crowdfund(address, deployment)
    paid = _run(cf.pledge, crowdfund, campaign_id, tier, quantity, account, int(chain.pending_timestamp))
    state = cf.status(crowdfund, campaign_id, int(chain.pending_timestamp))
    console.print(f"[green]Pledged[/] {quantity} × tier {tier} for {cf.format_wei(paid)} (escrowed). "
                  f"Campaign: {state.progress_bar()}, {cf.format_left(state.seconds_left)} left.")


@campaign_command(sends=True)
@to_option
def withdraw(account, address, deployment, campaign_id, to):
    """Take back your whole pledge before the deadline."""
    crowdfund = _crowdfund(address, deployment)
    amount = _run(cf.withdraw, crowdfund, campaign_id, account, int(chain.pending_timestamp), to)
    console.print(f"[green]Withdrew[/] {cf.format_wei(amount)} to {to or account.address}.")


@campaign_command(sends=True)
def finalize(account, address, deployment, campaign_id):
    """End a campaign after its deadline (anyone may): Succeeded or Failed."""
    crowdfund = _crowdfund(address, deployment)
    outcome = _run(cf.finalize, crowdfund, campaign_id, account, int(chain.pending_timestamp))
    what = "pledgers can claim their pieces" if outcome == cf.Status.SUCCEEDED else "every pledger can take a full refund"
    console.print(f"[green]Campaign #{campaign_id} {outcome.name.lower()}[/]: {what}.")


@campaign_command(sends=True)
def claim(account, address, deployment, campaign_id):
    """Mint your pieces of a succeeded campaign (and vouchers for physical tiers)."""
    crowdfund = _crowdfund(address, deployment)
    first, quantity = _run(cf.claim, crowdfund, campaign_id, account, int(chain.pending_timestamp))
    console.print(f"[green]Claimed[/] {quantity} piece(s): tokens #{first}..#{first + quantity - 1}.")


@campaign_command(sends=True)
@to_option
def refund(account, address, deployment, campaign_id, to):
    """Take your full refund from a failed or cancelled campaign (no deadline, no fee)."""
    crowdfund = _crowdfund(address, deployment)
    amount = _run(cf.refund, crowdfund, campaign_id, account, int(chain.pending_timestamp), to)
    console.print(f"[green]Refunded[/] {cf.format_wei(amount)} to {to or account.address}.")


@campaign_command(sends=False)
@click.option("--pledger", default=None, help="Also show this address's pledge and what it may do now.")
def status(address, deployment, campaign_id, pledger):
    """Show a campaign: progress toward the goal, time left (CST and UTC), tiers, payees, money held."""
    from gaoling.inputs import parse_address

    crowdfund = _crowdfund(address, deployment)
    now = int(chain.pending_timestamp)
    state = _run(cf.status, crowdfund, campaign_id, now)
    console.print(display.pairs(f"Campaign #{campaign_id}", state.rows()))
    if pledger is not None:
        try:
            who = parse_address(pledger)
        except ValueError as exc:
            raise UserError(str(exc), "--pledger") from None
        pledge = cf.pledge_status(crowdfund, campaign_id, who, now, state)
        console.print(display.pairs(f"Pledge of {who}", pledge.rows()))


@campaign_command(sends=True)
def cancel(account, address, deployment, campaign_id):
    """Cancel a campaign before its deadline (issuer), even with its goal met: every pledger may then
    take a full refund, nothing is paid to anyone else."""
    crowdfund = _crowdfund(address, deployment)
    raised = _run(cf.cancel, crowdfund, campaign_id, account, int(chain.pending_timestamp))
    console.print(f"[green]Campaign #{campaign_id} cancelled[/]: {cf.format_wei(raised)} is now refundable to its "
                  f"pledgers (`ape run crowdfund refund --campaign-id {campaign_id}`).")


@campaign_command(sends=True)
@click.option("--batch-size", type=int, default=cf.MAX_DELIVERY_BATCH, show_default=True,
              help=f"Pledgers per transaction (at most {cf.MAX_DELIVERY_BATCH}, the contract's limit).")
def deliver(account, address, deployment, campaign_id, batch_size):
    """Mint every unclaimed pledge of a succeeded campaign to its pledger (issuer), with their
    vouchers and points, so that nobody has to claim; finalizes first if due. Safe to run again."""
    crowdfund = _crowdfund(address, deployment)
    with console.status("delivering...") as shown:
        served = _run(cf.deliver, crowdfund, campaign_id, account, int(chain.pending_timestamp),
                      chain.blocks.head.number, batch_size,
                      lambda done, total: shown.update(f"delivered to {done} of {total} pledgers"))
    console.print(f"[green]Delivered[/] campaign #{campaign_id} to {served} pledger(s)" +
                  ("" if served else ": nothing left to deliver (every pledge claimed or delivered)") + ".")


@campaign_command(sends=True)
@click.option("--payee", default=None, help="Only this payee (default: every payee with a share to release).")
def release(account, address, deployment, campaign_id, payee):
    """Pay a succeeded campaign's payees their shares (anyone may send it; the ETH always goes to the
    payee)."""
    from gaoling.inputs import parse_address

    crowdfund = _crowdfund(address, deployment)
    if payee is not None:
        try:
            payees = [parse_address(payee)]
        except ValueError as exc:
            raise UserError(str(exc), "--payee") from None
    else:
        state = _run(cf.status, crowdfund, campaign_id, int(chain.pending_timestamp))
        payees = [p.address for p in state.payees if p.releasable > 0]
        if not payees:
            raise UserError(f"campaign {campaign_id} has nothing to release ({state.phase})", "--campaign-id",
                            "payees are paid once the campaign has succeeded (finalize first)")
    for who in payees:
        amount = _run(cf.release, crowdfund, campaign_id, who, account)
        console.print(f"[green]Released[/] {cf.format_wei(amount)} to {who}.")
