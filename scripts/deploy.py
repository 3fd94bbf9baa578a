"""Deploy the whole Gaoling platform (or one more collection), resumably.

    ape run deploy --network ethereum:local:foundry --account TEST::0 --config metadata/platform.yaml
    ape run deploy ... --config metadata/platform.yaml --admin 0xSAFE     (hand every role to a Safe)
    ape run deploy ... --config metadata/collections/<slug>.yaml          (just that collection)
    ape run deploy ... --dry-run                                          (plan + gas, sends nothing)

Progress is recorded in deployments/<chainId>.json after every confirmed transaction; rerunning
the same command after a crash finishes the job without deploying anything twice.
"""

from __future__ import annotations

from pathlib import Path

import click
from ape.cli import account_option, network_option

from gaoling import display
from gaoling.cli import ChainCommand, UserError
from gaoling.deploy import DeployError, PlatformConfigError, deploy_platform

out = display.console(soft_wrap=True)


@click.command(cls=ChainCommand,
               help="Deploy and wire the platform described by --config, recording deployments/<chainId>.json.")
@network_option()
@account_option()
@click.option("--config", "config_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="metadata/platform.yaml, or one collection config (metadata/collections/<slug>.yaml).")
@click.option("--admin", default=None, help="Grant every admin role to this address (e.g. a Safe), then renounce "
                                            "the deployer's roles and prove it holds none.")
@click.option("--dry-run", is_flag=True, help="Print the plan and an estimated gas total; send nothing.")
@click.option("--catalogue", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Publish this catalogue and set the collection's base and contract URIs (a collection "
                   "config, or a platform with one collection).")
@click.option("--no-verification-inputs", "skip_verify", is_flag=True,
              help="Skip exporting (and proving by recompiling) the block-explorer verification inputs; "
                   "export them on a later run without this flag.")
@click.option("--out-dir", default="deployments", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where the manifest and verification inputs go.")
def cli(ecosystem, network, provider, account, config_path, admin, dry_run, catalogue, skip_verify, out_dir):
    from ape import project

    def show(result):
        where = result.entry.get("address") or result.entry.get("tx_hash", "")
        colour = {"skipped": "dim", "awaiting": "yellow"}.get(result.action, "green")
        out.print(f"  [{colour}]{result.action:>9}[/] "
                  f"{result.step.id}  {where}")

    try:
        outcome = deploy_platform(config_path, project=project, provider=provider, deployer=account,
                                  out_dir=out_dir, admin=admin, dry_run=dry_run, on_step=show,
                                  catalogue=catalogue, export_verify=not skip_verify)
    except PlatformConfigError as exc:
        raise UserError(str(exc), hint="fix each line above (docs/configuration.md); "
                                       "`ape run check FILE` checks without a chain") from None
    except (DeployError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None

    if dry_run:
        table = display.table("step", "action", "gas", title=f"Plan for chain {provider.chain_id} (dry run: nothing sent)")
        table.columns[2].justify = "right"
        for est in outcome.estimates:
            if est.done:
                gas = "done"
            elif est.error is not None:
                gas = "[red]FAILED[/]"
            elif est.awaiting is not None:
                gas = f"multisig ({est.awaiting})"
            else:
                gas = f"{'' if est.exact else '~'}{est.gas:,}"
            table.add_row(est.step.id, est.step.describe(), gas)
        out.print(table)
        total = sum(e.gas for e in outcome.estimates)
        approx = any(not e.exact for e in outcome.estimates)
        out.print(f"Estimated gas total: {'~' if approx else ''}{total:,} ({len(outcome.plan)} steps; "
                  "~ marks steps that cannot be estimated before earlier ones exist)")
        awaiting = [e for e in outcome.estimates if e.awaiting is not None]
        if awaiting:
            out.print(f"{len(awaiting)} step(s) need a role {account.address} lacks; a real run writes them as a "
                      "Safe Transaction Builder batch for the admin instead of sending them:")
            for est in awaiting:
                out.print(f"  {est.step.id}: needs {est.awaiting} on {est.step.target}", highlight=False)
        if outcome.estimate_failed:
            for est in outcome.estimate_failed:
                out.print(f"[red]estimate failed[/] {est.step.id} ({est.step.describe()}): {est.error}",
                          markup=True, highlight=False)
            raise click.ClickException(f"{len(outcome.estimate_failed)} step(s) could not be estimated (above): the "
                                       "deploy would fail there. Fix the cause (is the project compiled? "
                                       "`ape compile`), then dry-run again")
        return

    manifest = outcome.manifest
    out.print(f"Deployed on chain {manifest.data['chain_id']} (addresses in full):")
    width = max((len(cid) for cid in manifest.contracts), default=0)
    for cid, address in manifest.contracts.items():
        entry = manifest.steps[cid]
        out.print(f"  {cid:<{width}}  {address}  {entry['contract']}, block {entry['block']}", highlight=False)
    for slug, published in manifest.data.get("metadata", {}).get("collections", {}).items():
        works = published.get("works") or {}
        if works:
            out.print(f"1/1 works of {slug}, token URIs for `ape run artwork mint --cid`:", highlight=False)
            for work_id, uri in works.items():
                out.print(f"  {slug} work {work_id}  {uri}", highlight=False)
    sent = sum(r.action in ("sent", "recovered") for r in outcome.results)
    out.print(f"{sent} transaction(s) this run; manifest {manifest.path}")
    if outcome.handover is not None:
        out.print(f"Handover to {manifest.data['admin']}: deployer holds no role on any contract.")
    if outcome.verify_files:
        out.print(f"Verification inputs: {outcome.verify_files[0].parent}/")
    if outcome.awaiting:
        out.print(f"[yellow]{len(outcome.awaiting)} step(s) were NOT sent[/]: {account.address} lacks the role. "
                  "The admin must send them:")
        for result in outcome.awaiting:
            out.print(f"  {result.step.id}: {result.step.describe()}  needs {result.entry['role']} on "
                      f"{result.step.target} ({manifest.contracts[result.step.target]})", highlight=False)
        out.print(f"Safe Transaction Builder batch: {outcome.safe_batch}\n"
                  "Import it in the Safe app (Transaction Builder, drag and drop), sign and execute it, then "
                  "rerun this command: it sees the steps executed and marks the manifest complete.")
