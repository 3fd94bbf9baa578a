"""Deploy the whole platform (or one collection) from a config: idempotent, resumable, recorded."""

import os
import signal
from pathlib import Path

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option, network_option
from rich.console import Console
from rich.table import Table

from gaoling.collection.config import CollectionConfigError
from gaoling.deploy import (
    DeployError,
    ManifestError,
    PlatformConfigError,
    deploy,
    load_any,
    verify_handover,
)

console = Console()

#: Test hook: `<point>:<step id>` kills this process (SIGKILL, no cleanup) at that point of that
#: step, as a crash or `kill -9` would. Points: before-send, after-send, after-confirm.
FAULT_ENV = "GAOLING_DEPLOY_KILL_AT"


def _fault_from_env():
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return None
    point, _, step_id = spec.partition(":")

    def fault(at_point: str, at_step: str) -> None:
        if at_point == point and at_step == step_id:
            os.kill(os.getpid(), signal.SIGKILL)
    return fault


@click.command(cls=ConnectedProviderCommand)
@network_option()
@account_option()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("metadata/platform.yaml"), show_default=True,
              help="metadata/platform.yaml, or one collection config (metadata/collections/x.yaml) to deploy "
                   "that collection alone.")
@click.option("--admin", default=None, metavar="ADDRESS",
              help="Hand every role of every contract to this address (e.g. a Safe), then renounce the "
                   "deployer's roles and prove it holds none.")
@click.option("--catalogue", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Publish this catalogue and set the edition's base and contract URIs (one collection only).")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The deployment record (default deployments/<chainId>.json).")
@click.option("--dry-run", is_flag=True, help="Print the plan and an estimated gas total; send nothing.")
def cli(ecosystem, network, account, config_path, admin, catalogue, manifest, dry_run):
    """Deploy and wire the platform: editions, artwork registry, auction house, points, coupons and
    certificate; grant the roles between them; publish metadata; record every step in
    deployments/<chainId>.json; export verification inputs. Rerun it after any interruption: it
    finishes the job without deploying anything twice."""
    try:
        platform = load_any(config_path, catalogue)
        report = deploy(platform, project, chain, account, admin=admin, manifest=manifest, dry_run=dry_run,
                        fault=_fault_from_env(), network=f"{ecosystem.name}:{network.name}")
    except (PlatformConfigError, CollectionConfigError) as exc:
        raise click.ClickException(f"nothing was sent; fix the config:\n{exc}") from None
    except (ManifestError, DeployError) as exc:
        raise click.ClickException(str(exc)) from None

    for note in report.notes:
        console.print(f"[yellow]note[/] {note}")
    steps = Table(title=("Plan (dry run: nothing sent)" if dry_run else "Steps"), show_lines=False)
    steps.add_column("step", overflow="fold")
    steps.add_column("outcome")
    steps.add_column("gas", justify="right")
    for result in report.results:
        gas = f"{'≈' if result.estimated else ''}{result.gas:,}" if result.gas else ""
        steps.add_row(result.label, result.outcome, gas)
    console.print(steps)

    addresses = Table(title=f"Contracts on chain {report.chain_id}" + (" (predicted)" if dry_run else ""))
    addresses.add_column("contract")
    addresses.add_column("address", no_wrap=True, min_width=42)
    for key, address in report.addresses.items():
        addresses.add_row(key, address)
    console.print(addresses)

    if dry_run:
        to_send = sum(r.outcome == "to send" for r in report.results)
        console.print(f"[bold]{to_send} transactions to send, estimated gas {report.gas_total:,}[/] "
                      "(≈: a typical figure for a call on a contract not deployed yet)")
        return
    console.print(f"[green]complete[/]: {report.sent} transactions sent, gas {report.gas_total:,}; "
                  f"manifest {report.manifest}")
    if admin:
        check = verify_handover(report.manifest, project)
        if not check.ok:
            raise click.ClickException(f"handover incomplete:\n{check.describe()}")
        console.print(f"[green]{check.describe()}[/]")
