"""Keeps `contracts/.cache` harmless: each npm dependency there is a link to node_modules, never a copy.

Root cause (Ape 0.8.51 with ape-solidity 0.8.6): while compiling, ape-solidity "unpacks" every
dependency into `<contracts_folder>/.cache/<name>/<version>/` (a full copy: OpenZeppelin 5.7 plus
ERC721A is ~520 files, half of them OpenZeppelin's build JSONs). Ape then lists a project's sources
with `get_all_files_in_directory(contracts_folder, max_files=500)`, which walks the folder *before*
dropping excluded paths such as `.cache`. A process started after such a copy exists lists 500
files, nearly all of them in the cache, and never reaches ours: `project.PointsLedger` is an
AttributeError and `ape compile --force` compiles nothing of ours. The process that made the copy
is fine (it listed the folder before), which is why it looked like a stale-cache problem.

The fix: `contracts/.cache/<name>/<version>` is a tracked symlink to the dependency's folder in
node_modules. ape-solidity finds the folder already there and copies nothing; Python's `rglob`
(used by that listing) does not descend into symlinked directories, so the cap is never reached;
solc still sees the same source ids and the same bytes, so the bytecode is unchanged.

`link_dependency_sources()` repairs the links if someone deleted the folder and a compile copied
the dependencies again. `gaoling/__init__.py` calls it, so every command of ours starts from a
correct folder whatever an earlier process left behind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def link_dependency_sources(root: Path = ROOT) -> list[Path]:
    """Makes `<contracts>/.cache/<name>/<version>` a relative link to each `local:` dependency of
    `root/ape-config.yaml`; returns the links it had to (re)create. Does nothing outside a checkout."""
    config_path = root / "ape-config.yaml"
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    if config.get("name") != "gaoling":
        return []
    cache = root / config.get("contracts_folder", "contracts") / ".cache"
    made: list[Path] = []
    for dep in config.get("dependencies") or []:
        if not isinstance(dep, dict) or "local" not in dep or "version" not in dep:
            continue
        sub = (dep.get("config_override") or {}).get("contracts_folder", ".")
        target = (root / dep["local"] / sub).resolve()
        link = cache / str(dep["name"]) / str(dep["version"])
        if link.is_symlink() and link.resolve() == target:
            continue
        if not target.is_dir():
            continue  # node_modules not installed yet: `make setup` first; nothing to link to
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)  # a copy Ape made: exactly what breaks source discovery
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(target, link.parent), link, target_is_directory=True)
        made.append(link)
    return made
