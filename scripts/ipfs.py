"""Content-address, store, pin and verify on IPFS, exactly as Kubo's `ipfs add` addresses data.

\b
    ape run ipfs add PATH [--cid-version 0|1] [--only-hash]   print the root CID (like `ipfs add -Q`)
    ape run ipfs publish CATALOGUE [--backend kubo]            catalogue -> metadata -> store/CAR/pin
    ape run ipfs pin CID [--backend cluster]                   pin a root that is in the local store
    ape run ipfs verify CID [--gateway URL | --backend kubo]   fetch back, re-hash, report mismatches
    ape run ipfs status                                         what the pin manifest records

Backends and tokens come from the environment (see docs/ipfs.md); tokens are never printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gaoling import display
from gaoling.cli import group, journal
from gaoling.catalogue import CatalogueError
from gaoling.ipfs import cid as cids
from gaoling.ipfs.backends import BackendError, KuboBackend, make_backend
from gaoling.ipfs.blockstore import FsBlockstore, walk_dag
from gaoling.ipfs.car import CarWriter
from gaoling.ipfs.config import ConfigError, load_config
from gaoling.ipfs.manifest import ManifestError, PinManifest
from gaoling.ipfs.publish import pin_root, publish_collection
from gaoling.ipfs.unixfs import Importer, ImportError_, ImportOptions
from gaoling.ipfs.verify import gateway_fetcher, verify_dag

console = display.console(stderr=True)
BACKENDS = click.Choice(["local", "kubo", "pinning", "cluster"])


def _fail(msg: str) -> None:
    console.print(f"[red]error:[/red] {msg}", highlight=False, soft_wrap=True)
    sys.exit(1)


def _config():
    try:
        return load_config()
    except ConfigError as exc:
        _fail(str(exc))


@group(help=__doc__)
def cli():
    pass


@cli.command(help="Import PATH (a file, or a directory recursively) and print its root CID, as "
             "`ipfs add -Q` would. Blocks go to the local store unless --only-hash.")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--cid-version", type=click.Choice(["0", "1"]), default="0", show_default=True,
              help="0: Kubo default (dag-pb leaves); 1: CIDv1 with raw leaves.")
@click.option("--only-hash", is_flag=True, help="Compute CIDs only; write nothing.")
@click.option("--hidden", is_flag=True, help="Include files whose names start with '.'.")
@click.option("--car", "car_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a CARv1 file (importable with `ipfs dag import`).")
def add(path: Path, cid_version: str, only_hash: bool, hidden: bool, car_out: Path | None):
    version = int(cid_version)
    opts = ImportOptions(cid_version=version, hidden=hidden)
    sinks = []
    if not only_hash:
        sinks.append(FsBlockstore(_config().store).put)
    car = CarWriter(car_out, version) if car_out else None
    if car:
        sinks.append(car.put)
    with _progress() as prog:
        task = prog.add_task(f"adding {path.name}", total=None)
        count = [0]

        def put(c: bytes, b: bytes) -> None:
            for sink in sinks:
                sink(c, b)
            count[0] += 1
            if count[0] % 256 == 0:
                prog.update(task, completed=count[0])

        try:
            entry = Importer(opts, put).add_path(path)
        except (ImportError_, OSError) as exc:
            if car:
                car.abort()
            _fail(str(exc))
    if car:
        car.close(entry.cid)
    click.echo(cids.to_str(entry.cid))


@cli.command(help="Validate CATALOGUE (.yaml, or .csv with collection.yaml beside it), build the "
             "bilingual token metadata and ERC-7572 collection JSON, store everything locally with a "
             "CAR, and pin it with the chosen backend. Prints the base URI and contract URI.")
@click.argument("catalogue", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--backend", type=BACKENDS, default=None,
              help="Where to pin [default: GAOLING_IPFS_BACKEND, else local].")
@click.option("--cid-version", type=click.Choice(["0", "1"]), default="1", show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the JSON files into this folder.")
@click.option("--no-wait", is_flag=True, help="Do not wait for the pin to reach `pinned`.")
@click.option("--cap", type=click.IntRange(min=1), default=None,
              help="The edition's cap: the pieces' sizes must add up to it (the deploy checks this itself).")
def publish(catalogue: Path, backend: str | None, cid_version: str, out_dir: Path | None, no_wait: bool,
            cap: int | None):
    journal.resume = ("run the same publish again: the same files give the same CIDs, and a root the pin "
                      "manifest records as pinned is not pinned twice")
    cfg = _config()
    with _progress() as prog:
        tasks: dict[str, int] = {}

        def step(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = prog.add_task(stage, total=total)
            prog.update(tasks[stage], completed=done)

        try:
            result = publish_collection(catalogue, cfg, backend, int(cid_version), out_dir, step, not no_wait, cap)
        except CatalogueError as exc:
            _fail(str(exc))
        except (BackendError, ConfigError, ManifestError, ImportError_, OSError, ValueError) as exc:
            _fail(f"{exc}\nRerun the same command to resume; finished pins are skipped.")
    rows = [("base URI", result.base_uri), ("contract URI", result.contract_uri),
                 ("publication root", result.root_cid), ("images", f"ipfs://{result.images_cid}"),
                 ("tokens", f"1..{result.cap:,}"), ("1/1 works", str(len(result.work_uris))),
                 ("CAR", str(result.car_path)),
                 ("backend", result.backend), ("pin", result.pin_status)]
    display.console().print(display.pairs(None, rows))


@cli.command(help="Pin ROOT (already in the local store, e.g. from `add` or `publish`) with a backend. "
             "Skips it if the pin manifest already records it as pinned there.")
@click.argument("root")
@click.option("--backend", type=BACKENDS, default=None,
              help="[default: GAOLING_IPFS_BACKEND]")
@click.option("--no-wait", is_flag=True, help="Do not wait for the pin to reach `pinned`.")
def pin(root: str, backend: str | None, no_wait: bool):
    journal.resume = "run the same pin again: a root the pin manifest records as pinned is skipped"
    cfg = _config()
    try:
        root_b = cids.parse(root)
        be = make_backend(cfg, backend)
        if be is None:
            _fail("choose a remote backend with --backend or GAOLING_IPFS_BACKEND (kubo, pinning, cluster)")
        store = FsBlockstore(cfg.store)
        car_path = cfg.store / "cars" / f"{cids.to_str(root_b)}.car"
        if not car_path.exists():
            car_path.parent.mkdir(parents=True, exist_ok=True)
            car = CarWriter(car_path, cids.version_of(root_b))
            try:
                for c, block in walk_dag(store, root_b):
                    car.put(c, block)
            except KeyError as exc:
                car.abort()
                _fail(f"block {exc} of {root} is not in the local store ({cfg.store}); `add` or `publish` it first")
            car.close(root_b)
        status = pin_root(be, PinManifest(cfg.store / "pins.json"), root_b, car_path, f"root {root}", not no_wait)
    except (cids.CIDError, BackendError, ConfigError, ManifestError) as exc:
        _fail(str(exc))
    click.echo(f"{root} {status} on {be.id}")


@cli.command(help="Fetch ROOT's DAG block by block from a gateway (--gateway, or GAOLING_IPFS_GATEWAY) "
             "or from Kubo (--backend kubo), re-hash every block and report mismatches. "
             "With --path, first check that PATH still hashes to ROOT.")
@click.argument("root")
@click.option("--gateway", help="Trustless gateway base URL, e.g. https://ipfs.io")
@click.option("--backend", type=click.Choice(["kubo"]), help="Fetch from the Kubo RPC instead.")
@click.option("--path", "local", type=click.Path(exists=True, path_type=Path),
              help="Local file or folder that should hash to ROOT.")
def verify(root: str, gateway: str | None, backend: str | None, local: Path | None):
    cfg = _config()
    try:
        root_b = cids.parse(root)
    except cids.CIDError as exc:
        _fail(str(exc))
    if local is not None:
        got = Importer(ImportOptions(cid_version=cids.version_of(root_b),
                                     raw_leaves=None)).add_path(local).cid
        if got != root_b:
            _fail(f"{local} hashes to {cids.to_str(got)}, not {root}")
        click.echo(f"{local}: matches {root}")
        if not gateway and not backend and not cfg.gateway:
            return
    if backend == "kubo":
        try:
            be = make_backend(cfg, "kubo")
        except ConfigError as exc:
            _fail(str(exc))
        assert isinstance(be, KuboBackend)
        fetch, source = be.get_block, be.id
    else:
        gw = gateway or cfg.gateway
        if not gw:
            _fail("give --gateway URL, --backend kubo, or set GAOLING_IPFS_GATEWAY")
        fetch, source = gateway_fetcher(gw, cfg.retry), gw
    with _progress() as prog:
        task = prog.add_task(f"verifying from {source}", total=None)
        report = verify_dag(root_b, fetch, source, lambda n: prog.update(task, completed=n))
    for label, items in (("mismatch", report.mismatched), ("missing", report.missing),
                         ("undecodable", report.undecodable)):
        for item in items:
            console.print(f"[red]{label}[/red] {item}", highlight=False, soft_wrap=True)
    if not report.ok:
        _fail(f"{root}: {len(report.mismatched)} mismatched, {len(report.missing)} missing, "
              f"{len(report.undecodable)} undecodable of {report.blocks} blocks from {source}")
    click.echo(f"{root}: {report.blocks} blocks ({report.bytes} bytes) re-hashed from {source}: all match")


@cli.command(help="Show what the pin manifest records (root, label, backend, status).")
def status():
    cfg = _config()
    try:
        manifest = PinManifest(cfg.store / "pins.json")
    except ManifestError as exc:
        _fail(str(exc))
    table = display.table("root", "label", "backend", "status", "updated")
    for c, item in manifest.data["items"].items():
        pins = item.get("pins") or {"-": {"status": "stored locally"}}
        for be, p in pins.items():
            table.add_row(c, item.get("label", ""), be, p.get("status", ""), p.get("updated", ""))
    display.console().print(table)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)
