"""Verification inputs: one Solidity standard-JSON input per deployed contract type.

Etherscan ("Solidity (Standard-Json-Input)"), Sourcify and Blockscout all accept this file with
the contract name `<source path>:<Contract>` and the compiler version from the manifest. The input
is Ape's own (ape-solidity's `get_standard_input_json`): the same sources (inlined, with their
Ape paths, which the metadata hash covers), remappings, optimizer and EVM version it compiled with,
so solc reproduces the deployed bytecode exactly (tests/deploy checks this with solc).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from gaoling.deploy.manifest import Manifest

#: Enough for every explorer; they recompile with their own selection anyway.
OUTPUT_SELECTION = {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object",
                                "evm.deployedBytecode.immutableReferences", "metadata"]}}


def standard_input(project: Any, source_id: str) -> tuple[str, dict[str, Any]]:
    """(compiler version, standard-JSON input) for one source file of the project."""
    from ape import compilers

    compiler = compilers.registered_compilers[".sol"]
    # ape-solidity copies every dependency into <contracts>/.cache to build the input; past 500
    # files Ape's own source listing stops seeing the project's contracts, so the copy is removed.
    cache = Path(project.path) / "contracts" / ".cache"
    existed = cache.exists()
    try:
        inputs = compiler.get_standard_input_json([Path(project.path) / source_id], project=project)
    finally:
        if not existed:
            shutil.rmtree(cache, ignore_errors=True)
    if len(inputs) != 1:
        raise RuntimeError(f"{source_id}: expected one compiler version, got {sorted(map(str, inputs))}")
    version, data = next(iter(inputs.items()))
    data = json.loads(json.dumps(data))
    data["settings"]["outputSelection"] = OUTPUT_SELECTION
    return str(version), data


def export_verification_inputs(manifest: Manifest, project: Any, out_dir: str | Path) -> dict[str, Path]:
    """Writes `<out_dir>/<Contract>.json` for each contract type in the manifest and records, per
    contract, where its input is and the `path:Name` and compiler version an explorer asks for."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Contract types first: Ape's project view must be read before the compiler builds inputs.
    sources = {entry["contract"]: entry.get("source_id") or getattr(project, entry["contract"]).contract_type.source_id
               for entry in manifest.contracts.values()}
    written: dict[str, Path] = {}
    for contract, source_id in sources.items():
        version, data = standard_input(project, source_id)
        path = out_dir / f"{contract}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)
        written[contract] = path
        for entry in manifest.contracts.values():
            if entry["contract"] == contract:
                entry["verify"] = {"standard_json": str(path), "contract_name": f"{source_id}:{contract}",
                                   "compiler_version": f"v{version}"}
    manifest.save()
    return written
