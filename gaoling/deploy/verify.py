"""Verification inputs: one Solidity standard-JSON input per deployed contract type.

Written to `deployments/<chainId>/verify/<Contract>.json` in the form Etherscan ("Solidity
(Standard-Json-Input)"), Sourcify and Blockscout accept: language, sources (inlined) and the exact
settings Ape's solidity compiler used. The compiler version is in the manifest next to it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from gaoling.deploy.manifest import Manifest, atomic_write_json


def standard_input(project: Any, contract: str) -> dict[str, Any]:
    from ape import compilers

    source_id = getattr(project, contract).contract_type.source_id
    inputs = compilers.solidity.get_standard_input_json([project.path / source_id], project=project)
    if not inputs:
        raise ValueError(f"no standard-JSON input for {contract} ({source_id})")
    data = next(iter(inputs.values()))
    settings = dict(data.get("settings", {}))
    # Explorers compile only what they verify; the bytecode does not depend on outputSelection.
    settings["outputSelection"] = {"*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode", "metadata"]}}
    return {"language": data.get("language", "Solidity"), "sources": data["sources"], "settings": settings}


def export_verification_inputs(project: Any, manifest: Manifest) -> list[Path]:
    directory = manifest.path.parent / str(manifest.data["chain_id"]) / "verify"
    written: list[Path] = []
    # ape-solidity copies dependency sources into <contracts>/.cache to build the input and, unlike
    # a compile, leaves them there; Ape 0.8.51 then finds no project sources at all. Clean up.
    cache = Path(project.contracts_folder) / ".cache"
    had_cache = cache.exists()
    try:
        for name in sorted({manifest.steps[cid]["contract"] for cid in manifest.contracts}):
            path = directory / f"{name}.json"
            atomic_write_json(path, standard_input(project, name))
            written.append(path)
    finally:
        if not had_cache:
            shutil.rmtree(cache, ignore_errors=True)
    return written
