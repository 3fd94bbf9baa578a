"""Verification inputs: one Solidity standard-JSON input per deployed contract type.

Written to `deployments/<chainId>/verify/<Contract>.json` in the form Etherscan ("Solidity
(Standard-Json-Input)"), Sourcify and Blockscout accept. The compiler version is in the manifest
next to it; the contract name is `<source id>:<Contract>`.

Explorers match the bytecode exactly, metadata hash included, and the metadata hash covers the
settings (every remapping, optimizer, EVM version) and the path and content of every source the
contract uses. So the input is built here from what Ape compiled with, not from ape-solidity's
per-file `get_standard_input_json`, whose settings keep only the remappings that one file uses
(a different metadata hash for every contract that does not use them all) and which copies the
dependencies into `contracts/.cache` as a side effect:
- settings: the project manifest's compiler settings for that contract (outputSelection narrowed
  to the one contract, which changes no bytecode);
- sources: the contract's file and everything it imports, transitively, under the same source ids
  Ape used (`contracts/.cache/<dependency>/<version>/...` for npm dependencies, read from the
  dependency's `local:` folder in ape-config.yaml).
tests/deploy/test_verify_inputs.py compiles each input with solc and compares with the chain.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from gaoling.deploy.engine import DEPENDENCY_CACHE, compiler_info, project_remappings
from gaoling.deploy.manifest import Manifest, atomic_write_json

#: The solc the project compiles with (the npm build behind py-solc-x's name, see the Makefile).
DEFAULT_SOLC = Path(__file__).resolve().parents[2] / "tools" / "solc-adapter.cjs"
_IMPORT = re.compile(r"""^\s*import\s+(?:[^;]*?\bfrom\s+)?["']([^"']+)["']""", re.MULTILINE)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


class VerifyInputError(RuntimeError):
    """A verification input cannot be built; the message names the missing file."""


def _dependency_roots(project: Any) -> dict[str, Path]:
    """`contracts/.cache/<name>/<version>/` -> the dependency's folder on disk."""
    roots: dict[str, Path] = {}
    for dep in project.config.dependencies or []:
        data = dep if isinstance(dep, dict) else dep.model_dump()
        local = data.get("local")
        if local:
            roots[f"{DEPENDENCY_CACHE}/{data['name']}/{data['version']}/"] = (Path(project.path) / local).resolve()
    return roots


def _read(project: Any, source_id: str, roots: dict[str, Path]) -> str:
    for prefix, folder in roots.items():
        if source_id.startswith(prefix):
            path = folder / source_id[len(prefix):]
            break
    else:
        path = Path(project.path) / source_id
    try:
        return path.read_bytes().decode("utf-8")  # byte for byte: no newline translation
    except OSError as exc:
        raise VerifyInputError(f"{source_id}: cannot read {path} ({exc.strerror or exc}); run `npm ci`") from None


def _resolve(importer: str, target: str, remappings: list[tuple[str, str]]) -> str:
    if target.startswith("./") or target.startswith("../"):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), target))
    for prefix, replacement in remappings:  # longest prefix first, as solc does
        if target.startswith(prefix):
            return replacement + target[len(prefix):]
    return target


def standard_input(project: Any, contract: str, remappings: list[str] | None = None) -> dict[str, Any]:
    """The standard-JSON input for `contract` with the project's compiler settings and `remappings`
    (default: every remapping of ape-config.yaml)."""
    source_id = getattr(project, contract).contract_type.source_id
    settings = dict(compiler_info(project, contract)["settings"])
    settings["remappings"] = list(remappings if remappings is not None else project_remappings(project))
    ordered = []
    for entry in settings["remappings"]:
        prefix, _, replacement = entry.partition("=")
        ordered.append((prefix.split(":")[-1], replacement))
    ordered.sort(key=lambda pair: len(pair[0]), reverse=True)
    roots = _dependency_roots(project)

    sources: dict[str, dict[str, str]] = {}
    todo = [source_id]
    while todo:
        current = todo.pop()
        if current in sources:
            continue
        content = _read(project, current, roots)
        sources[current] = {"content": content}
        for target in _IMPORT.findall(_COMMENT.sub("", content)):
            todo.append(_resolve(current, target, ordered))

    settings["outputSelection"] = {source_id: {contract: ["abi", "evm.bytecode", "evm.deployedBytecode",
                                                          "metadata"]}}
    return {"language": "Solidity", "sources": dict(sorted(sources.items())), "settings": settings}


def candidate_inputs(project: Any, contract: str) -> list[dict[str, Any]]:
    """Inputs that may reproduce `contract`: every remapping of the config (what a full compile
    passes), then the manifest's record if it differs (Ape records only the remappings a partial
    recompile of changed files used, and those files' metadata carries that smaller set)."""
    full = project_remappings(project)
    recorded = list(compiler_info(project, contract)["settings"].get("remappings") or [])
    out = [standard_input(project, contract, full)]
    if recorded and recorded != full:
        try:
            out.append(standard_input(project, contract, recorded))
        except VerifyInputError:
            pass  # that smaller set cannot even resolve this contract's imports: not how it was built
    return out


def solc_runtime(standard_json: dict[str, Any], source_id: str, contract: str,
                 solc: Path | None) -> tuple[bytes, dict[str, Any]] | None:
    """(runtime code, immutable references) that solc compiles from the input, or None without solc."""
    if solc is None or not solc.exists() or shutil.which("node") is None:
        return None
    narrowed = json.loads(json.dumps(standard_json))
    narrowed["settings"]["outputSelection"] = {source_id: {contract: ["evm.deployedBytecode"]}}
    done = subprocess.run(["node", str(solc), "--standard-json"], input=json.dumps(narrowed),
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        return None
    output = json.loads(done.stdout)
    if any(e.get("severity") == "error" for e in output.get("errors", [])):
        raise VerifyInputError(f"{contract}: solc rejects the verification input: "
                               + "; ".join(e["message"] for e in output["errors"] if e["severity"] == "error"))
    compiled = output["contracts"][source_id][contract]["evm"]["deployedBytecode"]
    return bytes.fromhex(compiled["object"]), compiled.get("immutableReferences", {})


def mask_immutables(code: bytes, references: dict[str, Any]) -> bytes:
    """`code` with the immutable slots (written by the constructor) zeroed, as solc emits them."""
    masked = bytearray(code)
    for ranges in references.values():
        for r in ranges:
            masked[r["start"]:r["start"] + r["length"]] = bytes(r["length"])
    return bytes(masked)


def export_verification_inputs(project: Any, manifest: Manifest, provider: Any = None,
                               solc: Path | None = DEFAULT_SOLC) -> list[Path]:
    """Writes one input per deployed contract type. With a provider and solc (tools/solc-adapter.cjs),
    each candidate input is compiled and the one that reproduces the code on chain is kept; the
    manifest's `verification` section says, per contract, whether that was proven."""
    directory = manifest.path.parent / str(manifest.data["chain_id"]) / "verify"
    written: list[Path] = []
    summary: dict[str, Any] = dict(manifest.data.get("verification") or {})
    deployed = {manifest.steps[cid]["contract"]: manifest.contracts[cid] for cid in manifest.contracts}
    code_hashes = {manifest.steps[cid]["contract"]: manifest.steps[cid].get("bytecode_hash")
                   for cid in manifest.contracts}
    for name in sorted(deployed):
        path = directory / f"{name}.json"
        earlier = summary.get(name) or {}
        if (earlier.get("reproduces_deployed_code") and earlier.get("bytecode_hash") == code_hashes[name]
                and path.exists()):
            written.append(path)  # proven by an earlier run for this very code: nothing to redo
            continue
        source_id = getattr(project, name).contract_type.source_id
        candidates = candidate_inputs(project, name)
        chosen, proven = candidates[0], None
        if provider is not None and solc is not None:
            on_chain = bytes(provider.get_code(deployed[name]))
            proven = False
            for candidate in candidates:
                built = solc_runtime(candidate, source_id, name, solc)
                if built is None:
                    proven = None
                    break
                code, references = built
                if mask_immutables(on_chain, references) == code:
                    chosen, proven = candidate, True
                    break
        atomic_write_json(path, chosen)
        written.append(path)
        version = compiler_info(project, name)["version"]
        summary[name] = {"standard_json": str(path.relative_to(manifest.path.parent)),
                         "contract_name": f"{source_id}:{name}", "compiler_version": f"v{version}",
                         "reproduces_deployed_code": proven, "bytecode_hash": code_hashes[name]}
        for step in manifest.steps.values():  # the manifest records the settings that match
            if step.get("kind") == "deploy" and step.get("contract") == name and step.get("compiler"):
                step["compiler"]["settings"]["remappings"] = chosen["settings"]["remappings"]
    manifest.data["verification"] = summary
    manifest.save()
    return written
