"""Measure gas and throughput side by side with the named peers; write BENCHMARKS.md."""

import importlib
import platform
import tempfile
from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand, network_option
from rich.console import Console

from gaoling.bench import BenchContext, measure_gas, render_markdown, write_reports

console = Console()


@click.command(cls=ConnectedProviderCommand)
@network_option(default="ethereum:local:foundry")
@click.option("--skip-throughput", is_flag=True, help="Measure gas only (the IPFS build race takes a minute).")
def cli(skip_throughput: bool):
    """Measure gas (deterministic) and IPFS build throughput (as a ratio to ipfs-car, same run),
    then write BENCHMARKS.md, benchmarks/gas.json and benchmarks/throughput.json."""
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

    from gaoling.bench import web as web_bench  # the page's bundle size: cheap, always measured

    throughput = {**(throughput or {}), **web_bench.measure()} or None
    context = (f"Measured by `make bench` on {platform.machine()} / Python {platform.python_version()}, "
               f"anvil chain id {chain.chain_id}. Gas is total transaction gas (receipt `gasUsed`).")
    root = Path(project.path)
    write_reports(root, gas, throughput, context)
    console.print(render_markdown(gas, throughput, context))
    console.print(f"[green]wrote[/] BENCHMARKS.md, benchmarks/gas.json" + (", benchmarks/throughput.json" if throughput else ""))
