"""Daily check-ins on the Gaoling points ledger (days in China Standard Time, UTC+8).

  ape run checkin sign   --account ALICE --out checkins.jsonl
  ape run checkin relay  --account RELAYER checkins.jsonl
  ape run checkin status --member 0x...

The ledger comes from deployments/<chainId>.json (or --deployment PATH); --ledger overrides.
A relay interrupted between batches is resumed by running it again: entries already credited
are dropped before sending.
"""

from __future__ import annotations

import re
import sys

import click
from ape.cli import account_option, network_option

from gaoling import display
from gaoling.cli import ChainCommand, Deployment, UserError, contract_option, deployment_option, group, journal
from gaoling.fan import FanInputError, day_label, member_status, relay_check_ins, sign_check_in
from gaoling.fan.checkin import read_check_ins

console = display.console()

ledger_option = contract_option("points", "ledger_address")


def _ledger(deployment, address):
    return Deployment(deployment).open("points", address)


@group()
def cli():
    """Gasless daily check-ins: members sign, the platform relays in batches."""


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@ledger_option
@deployment_option
@click.option("--day", type=int, default=None, help="CST day number to sign for (default: today on chain).")
@click.option("--out", type=click.File("a", encoding="utf-8"), default="-", show_default=True,
              help="Append the signed check-in as one JSON line to this file.")
def sign(account, ledger_address, deployment, day, out):
    """Sign a check-in with --account. Needs no gas; hand the line to the relayer."""
    try:
        signed = sign_check_in(account, _ledger(deployment, ledger_address), day)
    except FanInputError as exc:
        raise UserError(str(exc)) from None
    out.write(signed.to_json() + "\n")
    if out is not sys.stdout:
        console.print(f"signed check-in of {signed.member} for {day_label(signed.day)} (CST) -> {out.name}")


@cli.command(cls=ChainCommand)
@network_option()
@account_option()
@ledger_option
@deployment_option
@click.argument("files", nargs=-1, type=click.File("r", encoding="utf-8"))
@click.option("--batch-size", type=int, default=100, show_default=True, help="Check-ins per transaction.")
@click.option("--no-prefilter", is_flag=True, help="Send every entry; let the contract skip bad ones.")
def relay(account, ledger_address, deployment, files, batch_size, no_prefilter):
    """Relay signed check-ins (JSON lines from FILES, or stdin) from --account, which pays the gas."""
    sources = files or (click.get_text_stream("stdin"),)
    try:
        check_ins = [c for f in sources for c in read_check_ins(f, getattr(f, "name", "stdin"))]
        journal.resume = "run the same relay again: members already credited today are dropped before sending"
        report = relay_check_ins(_ledger(deployment, ledger_address), check_ins, account, batch_size=batch_size,
                                 prefilter=not no_prefilter, on_batch=journal.did)
    except FanInputError as exc:
        # The library numbers the entries of all FILES together as check_ins[i].
        raise UserError(re.sub(r"^check_ins\b", "FILES", str(exc))) from None
    console.print(f"day {report.day} ({day_label(report.day)} CST): {len(report.credited)} credited, "
                  f"{len(report.skipped)} skipped on chain, {len(report.dropped)} dropped before sending, "
                  f"{report.gas_used:,} gas in {len(report.transactions)} transaction(s)")
    problems = {**report.dropped, **report.skipped}
    if problems:
        table = display.table("member", "reason", title="not credited", addresses=("member",))
        for member, reason in problems.items():
            table.add_row(member, reason)
        console.print(table)


@cli.command(cls=ChainCommand)
@network_option()
@ledger_option
@deployment_option
@click.option("--member", "members", multiple=True, required=True, metavar="ADDRESS",
              help="Member to show; repeat for several.")
def status(ledger_address, deployment, members):
    """Show points, streak and referral state of members."""
    ledger = _ledger(deployment, ledger_address)
    table = display.table("member", "points", "streak", "last check-in (CST)", "today", "purchased", "referrer",
                          addresses=("member", "referrer"))
    try:
        for member in members:
            s = member_status(ledger, member)
            table.add_row(s.address, str(s.points), str(s.streak),
                          day_label(s.last_check_in_day) if s.last_check_in_day else "never",
                          "yes" if s.checked_in_today else "no", "yes" if s.purchased else "no",
                          s.referrer or "-")
    except FanInputError as exc:
        raise UserError(str(exc)) from None
    console.print(table)
