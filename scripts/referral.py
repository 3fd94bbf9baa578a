"""Referrals on the points ledger: a new member names who brought them, once, before their first
purchase; the referrer is paid the referral points when that member first buys.

    ape run referral set    --account NEWCOMER --referrer 0xFRIEND
    ape run referral status --member 0xNEWCOMER [--member ...]

The ledger comes from deployments/<chainId>.json (or --deployment PATH); --ledger overrides.
`set` checks the ledger's rules first: not yourself, not already set, before your first purchase,
and the referrer must have made a purchase.
"""

from __future__ import annotations

import click
from ape.cli import account_option, network_option

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option, group
from gaoling.fan import member_status
from gaoling.inputs import ZERO_ADDRESS, parse_address

console = display.console()
ledger_option = contract_option("points", "ledger_address")


@group()
def cli():
    """Name a referrer on the points ledger, and see who referred whom."""


def check_referral(ledger, member: str, referrer: str) -> None:
    """The ledger's referral rules, checked before anything is sent; each error says what to do."""
    if referrer.lower() == member.lower():
        raise UserError("you cannot refer yourself", "--referrer", "give the address of the member who invited you")
    mine = member_status(ledger, member)
    if mine.referrer:
        raise UserError(f"{member} already has referrer {mine.referrer}; a referrer is set once", "--account")
    if mine.purchased:
        raise UserError(f"{member} has already made a purchase; a referrer can only be named before the first one",
                        "--account")
    if not member_status(ledger, referrer).purchased:
        raise UserError(f"{referrer} has not made a purchase yet, so it cannot refer anyone", "--referrer",
                        "the referrer must first buy a piece (an edition token, an auction or a voucher)")


@cli.command("set", cls=ChainCommand)
@network_option()
@account_option()
@ledger_option
@deployment_option
@click.option("--referrer", required=True, metavar="ADDRESS", help="The member who invited --account.")
def set_command(account, ledger_address, deployment, referrer):
    """Name --account's referrer (once, before --account's first purchase)."""
    try:
        referrer = parse_address(referrer)
    except ValueError as exc:
        raise UserError(str(exc), "--referrer") from None
    ledger = Deployment(deployment).open("points", ledger_address)
    check_referral(ledger, account.address, referrer)
    receipt = ledger.setReferrer(referrer, sender=account)
    console.print(f"{account.address} is referred by {referrer}; the referral points are paid at the first "
                  f"purchase of {account.address} (tx {receipt.txn_hash})")


@cli.command(cls=ChainCommand)
@network_option()
@ledger_option
@deployment_option
@click.option("--member", "members", multiple=True, required=True, metavar="ADDRESS",
              help="Member to show; repeat for several.")
def status(ledger_address, deployment, members):
    """Show each member's referrer, whether they have purchased, and their points."""
    ledger = Deployment(deployment).open("points", ledger_address)
    table = display.table("member", "referrer", "purchased", "points", addresses=("member", "referrer"))
    for member in members:
        try:
            address = parse_address(member)
        except ValueError as exc:
            raise UserError(str(exc), "--member") from None
        s = member_status(ledger, address)
        table.add_row(s.address, s.referrer if s.referrer and s.referrer != ZERO_ADDRESS else "-",
                      "yes" if s.purchased else "no", str(s.points))
    console.print(table)
