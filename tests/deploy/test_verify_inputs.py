"""The exported verification inputs reproduce the deployed code: each one, compiled by solc (the
Solidity team's build from npm, as explorers run it), gives exactly the runtime code on chain,
metadata hash included, once the immutable slots (filled in by the constructor) are masked."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.deploy.helpers import PLATFORM, ROOT, deploy

SOLC = ROOT / "tools" / "solc-adapter.cjs"


@pytest.fixture(autouse=True)
def _ipfs_store(shared_ipfs_store, monkeypatch):
    monkeypatch.setenv("GAOLING_IPFS_STORE", str(shared_ipfs_store))


def _compile(standard_json: dict, name: str) -> dict:
    done = subprocess.run(["node", str(SOLC), "--standard-json"], input=json.dumps(standard_json),
                          capture_output=True, text=True, check=True, timeout=600)
    output = json.loads(done.stdout)
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    assert not errors, (name, errors)
    return output


def _mask_immutables(code: bytes, references: dict) -> bytes:
    """Written out here rather than imported, so the check does not share code with what it checks."""
    masked = bytearray(code)
    for ranges in references.values():
        for r in ranges:
            masked[r["start"]:r["start"] + r["length"]] = bytes(r["length"])
    return bytes(masked)


def test_verification_inputs_compile_to_the_deployed_bytecode(project, chain, admin, tmp_path):
    outcome = deploy(project, chain, admin, tmp_path, config=PLATFORM, export_verify=True)
    manifest = outcome.manifest
    deployed = {e["contract"]: e for e in manifest.steps.values() if e["kind"] == "deploy"}
    assert {p.stem for p in outcome.verify_files} == set(deployed)
    # The export compiled each input itself and kept the one that reproduces the chain's code.
    summary = manifest.data["verification"]
    assert {name: s["reproduces_deployed_code"] for name, s in summary.items()} == {n: True for n in deployed}
    for path in outcome.verify_files:
        name = path.stem
        entry = deployed[name]
        standard = json.loads(path.read_text())
        assert standard["settings"]["evmVersion"] == entry["compiler"]["settings"]["evmVersion"]
        assert standard["settings"]["optimizer"] == entry["compiler"]["settings"]["optimizer"]
        recorded = manifest.steps[next(k for k, e in manifest.steps.items() if e.get("contract") == name
                                       and e["kind"] == "deploy")]["compiler"]["settings"]["remappings"]
        assert standard["settings"]["remappings"] == recorded
        output = _compile(standard, name)
        source_id = getattr(project, name).contract_type.source_id
        compiled = output["contracts"][source_id][name]["evm"]
        metadata = json.loads(output["contracts"][source_id][name]["metadata"])
        assert metadata["compiler"]["version"] == entry["compiler"]["version"]
        on_chain = bytes(chain.provider.get_code(entry["address"]))
        references = compiled["deployedBytecode"].get("immutableReferences", {})
        assert _mask_immutables(on_chain, references) == bytes.fromhex(compiled["deployedBytecode"]["object"]), name
        # The creation code explorers match against the creation transaction, too.
        creation = bytes(chain.provider.web3.eth.get_transaction(entry["tx_hash"])["input"])
        assert creation.startswith(bytes.fromhex(compiled["bytecode"]["object"])), name
