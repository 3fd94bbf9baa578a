"""Measure gas and throughput side by side with the named peers; write BENCHMARKS.md."""

import importlib
import json
import platform
import tempfile
from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand, network_option
from rich.console import Console

from gaoling.bench import BenchContext, load_baseline, measure_gas, render_markdown, write_reports

console = Console()


def _service_throughput() -> dict:
    """Deploys the platform (as `ape run deploy` does) into scratch folders, then runs gaoling.bench.service."""
    import os

    from gaoling.bench import service as service_bench
    from gaoling.deploy import deploy_platform

    with tempfile.TemporaryDirectory(prefix="gaoling-bench-deploy-") as tmp:
        previous = os.environ.get("GAOLING_IPFS_STORE")
        os.environ["GAOLING_IPFS_STORE"] = str(Path(tmp) / "ipfs")
        try:
            outcome = deploy_platform(Path(project.path) / "metadata" / "platform.yaml", project=project,
                                      provider=chain.provider, deployer=accounts.test_accounts[0],
                                      out_dir=Path(tmp) / "deployments", export_verify=False)
            return service_bench.measure_throughput(project, accounts.test_accounts, chain, outcome.manifest.path)
        finally:
            if previous is None:
                os.environ.pop("GAOLING_IPFS_STORE", None)
            else:
                os.environ["GAOLING_IPFS_STORE"] = previous


@click.command(cls=ConnectedProviderCommand)
@network_option(default="ethereum:local:foundry")
@click.option("--skip-throughput", is_flag=True,
              help="Measure gas and the page bundle only; keep the last throughput figures (the throughput "
                   "runs take several minutes).")
def cli(skip_throughput: bool):
    """Measure gas (deterministic) and throughput, each beside its peer in the same run: the IPFS
    build against ipfs-car, the analytics indexer against a bare web3.py loop, the service's check-in
    intake against a bare endpoint; then write BENCHMARKS.md, benchmarks/gas.json and
    benchmarks/throughput.json."""
    ctx = BenchContext(project=project, accounts=accounts.test_accounts, chain=chain)
    with console.status("measuring gas...") as status:
        gas, missing = measure_gas(ctx, on_module=lambda name: status.update(f"measuring gas: {name}"))
    for name in missing:
        console.print(f"[yellow]no gas module gaoling.bench.{name}; its keys are absent[/]")

    throughput = None
    if not skip_throughput:
        try:
            ipfs_bench = importlib.import_module("gaoling.bench.ipfs")
        except ModuleNotFoundError:
            console.print("[yellow]no gaoling.bench.ipfs; throughput skipped[/]")
        else:
            with tempfile.TemporaryDirectory(prefix="gaoling-bench-") as workdir:
                with console.status("racing our CID + CAR build against ipfs-car pack..."):
                    throughput = ipfs_bench.measure_throughput(Path(workdir))

        # Analytics: index >= 100,000 events on SQLite and PostgreSQL against the bare web3.py loop.
        with console.status("indexing a synthetic history of 100,000 events (analytics)..."):
            from gaoling.bench import analytics as analytics_bench

            throughput = {**(throughput or {}), **analytics_bench.measure_throughput(project, ctx.accounts, chain)}

        # Platform service: check-in intake against a bare endpoint of the same stack, and end to end.
        with console.status("benchmarking the platform service's check-in intake (SQLite, PostgreSQL)..."):
            throughput = {**(throughput or {}), **_service_throughput()}

    from gaoling.bench import web as web_bench  # the page's bundle size: cheap, always measured

    if throughput is None:  # --skip-throughput: keep the last measured figures, refresh only the sizes
        last = Path(project.path) / "benchmarks" / "throughput.json"
        throughput = json.loads(last.read_text()) if last.exists() else None
    throughput = {**(throughput or {}), **web_bench.measure()} or None
    context = (f"Measured by `make bench` on {platform.machine()} / Python {platform.python_version()}, "
               f"anvil chain id {chain.chain_id}. Gas is total transaction gas (receipt `gasUsed`).")
    root = Path(project.path)
    baseline = load_baseline(root)
    write_reports(root, gas, throughput, context, baseline)
    console.print(render_markdown(gas, throughput, context, baseline))
    console.print(f"[green]wrote[/] BENCHMARKS.md, benchmarks/gas.json" + (", benchmarks/throughput.json" if throughput else ""))
