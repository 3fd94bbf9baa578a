"""Analytics: index every event of a deployment into SQL, and print the studio's reports.

    ape run analytics sync --rpc http://127.0.0.1:8545 [--follow] [--confirmations N]
    ape run analytics report [--out DIR] [--only sales]
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import click

from gaoling import display
from gaoling.analytics.errors import AnalyticsError
from gaoling.db import DatabaseConfigError

console = display.console()


def _fail(message: str) -> None:
    console.print(f"[red]error:[/] {message}")
    sys.exit(2)


@click.group()
def cli():
    """Every on-chain event of a Gaoling deployment in SQL (SQLite, or PostgreSQL with
    GAOLING_DATABASE_URL), and the reports: sales, royalties, holders, the dealer network, fans, kiln."""


@cli.command()
@click.option("--rpc", envvar="GAOLING_RPC_URL", default="http://127.0.0.1:8545", show_default=True,
              help="JSON-RPC URL of any node of the chain (env GAOLING_RPC_URL).")
@click.option("--deployment", "--manifest", "manifest_path", type=click.Path(dir_okay=False), envvar="GAOLING_DEPLOYMENT",
              help="Deployment manifest, as for every command [default: deployments/<chainId of --rpc>.json; "
                   "env GAOLING_DEPLOYMENT].")
@click.option("--database", envvar="GAOLING_DATABASE_URL", help="SQLAlchemy URL; default SQLite in the data dir.")
@click.option("--confirmations", type=click.IntRange(min=0), default=0, show_default=True,
              help="Stay this many blocks behind the head (reorg safety on public chains: e.g. 12).")
@click.option("--follow", is_flag=True, help="Keep running and index new blocks as they arrive (Ctrl-C stops).")
@click.option("--poll", type=click.FloatRange(min=0.1), default=2.0, show_default=True, help="Seconds between polls with --follow.")
@click.option("--max-range", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Largest block range per eth_getLogs (it shrinks on its own when the node refuses).")
def sync(rpc, manifest_path, database, confirmations, follow, poll, max_range):
    """Index every event of every contract in the manifest. Resumable and idempotent."""
    from gaoling.analytics.service import build_indexer

    try:
        indexer, engine = build_indexer(rpc=rpc, manifest=manifest_path, database=database,
                                        confirmations=confirmations, max_range=max_range)
        url = engine.url.render_as_string(hide_password=True)
        console.print(f"indexing {len(indexer.sources)} contracts of chain {indexer.chain_id} from {rpc} into {url}")
        with console.status("syncing...") as status:
            indexer.progress = lambda done, target: status.update(f"syncing: block {done:,} of {target:,}")
            report = indexer.sync()
        _print_report(report)
        if follow:
            console.print(f"following new blocks every {poll:g} s (Ctrl-C to stop)")
            stop = threading.Event()
            try:
                indexer.follow(stop, poll_s=poll, on_report=_print_report)
            except KeyboardInterrupt:
                stop.set()
                console.print("stopped; the next sync resumes from the last committed block")
    except (AnalyticsError, DatabaseConfigError) as exc:
        _fail(str(exc))


def _print_report(report) -> None:
    for stale, ancestor in report.reorgs:
        console.print(f"[yellow]reorg:[/] block {stale} was replaced; rolled back to {ancestor} and re-read")
    if report.to_block is None:
        console.print("up to date: no new blocks")
        return
    top = ", ".join(f"{k.removeprefix('an_')} {v}" for k, v in sorted(report.rows.items(), key=lambda kv: -kv[1])[:6])
    console.print(f"blocks {report.from_block:,}..{report.to_block:,}: {report.logs:,} events in "
                  f"{report.batches} batches, {report.seconds:.1f} s ({report.events_per_s:,.0f}/s)"
                  + (f"; {top}" if top else ""))


@cli.command()
@click.option("--database", envvar="GAOLING_DATABASE_URL", help="SQLAlchemy URL; default SQLite in the data dir.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="analytics-reports", show_default=True,
              help="Directory for the CSV files, PNG charts and JSON.")
@click.option("--only", multiple=True, type=click.Choice(["sales", "royalties", "holders", "network", "fans", "kiln"]),
              help="Only these reports (repeatable).")
@click.option("--quiet", is_flag=True, help="Write the files without printing the tables.")
def report(database, out_dir, only, quiet):
    """Compute the reports from the indexed tables: tables here, CSV + PNG + JSON in --out."""
    from gaoling.analytics.reports import all_reports
    from gaoling.analytics.store import open_store

    try:
        engine = open_store(database)
        out = Path(out_dir)
        reports = all_reports(engine, list(only) or None)
        for rep in reports:
            if not quiet:
                for table in rep.rich_tables():
                    console.print(table)
            rep.write_csv(out)
            rep.write_png(out / f"{rep.name}.png")
            (out / f"{rep.name}.json").write_text(json.dumps(rep.to_json(), ensure_ascii=False, indent=1),
                                                  encoding="utf-8")
        console.print(f"{len(reports)} reports written to {out}/ (CSV, PNG, JSON)")
    except (AnalyticsError, DatabaseConfigError) as exc:
        _fail(str(exc))
