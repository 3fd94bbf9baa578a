"""Slither in `make test`: no high or medium finding on the production contracts unless it is
listed, with its reason, in tests/static/slither-triage.yaml.

Slither runs as its users run it: the `slither` command of the venv, compiling through the solc
adapter in standard-JSON mode with the npm remappings. crytic-compile's standard-JSON mode compiles
the *.sol files of one directory, so the target is tests/static/slither/, whose Platform.sol imports
every production contract (test contracts and benchmark peers are not analysed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TARGET = "tests/static/slither"
TRIAGE = Path(__file__).with_name("slither-triage.yaml")
SOLC = ROOT / ".venv" / "solcx" / "solc-v0.8.37"
REMAPS = "@openzeppelin/contracts=node_modules/@openzeppelin/contracts erc721a/contracts=node_modules/erc721a/contracts"
GATED = {"High", "Medium"}


@dataclass(frozen=True)
class Finding:
    detector: str
    impact: str
    contract: str
    function: str
    file: str
    line: int
    description: str

    def key(self) -> tuple[str, str, str]:
        return (self.detector, self.contract, self.function)

    def __str__(self) -> str:
        first = self.description.strip().splitlines()[0]
        return (f"{self.detector} ({self.impact}) in contract {self.contract}, function {self.function}, "
                f"at {self.file}:{self.line}: {first}")


def _where(element: dict) -> tuple[str, str]:
    """(contract, function) of a result element, walking up its parents."""
    contract, function, node = "", "", element
    while node:
        kind, name = node.get("type"), node.get("name", "")
        if kind == "function" and not function:
            function = name
        elif kind == "contract":
            contract = name
            break
        node = node.get("type_specific_fields", {}).get("parent")
    return contract, function or "-"


def _slither_command() -> list[str]:
    exe = Path(sys.executable).with_name("slither")
    return [str(exe) if exe.exists() else (shutil.which("slither") or "slither")]


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> list[Finding]:
    if not SOLC.exists():
        pytest.fail(f"{SOLC} is missing; run `make setup` first")
    out = tmp_path_factory.mktemp("slither") / "results.json"
    cmd = _slither_command() + [
        TARGET, "--solc", str(SOLC), "--solc-standard-json", "--solc-remaps", REMAPS,
        "--filter-paths", "node_modules", "--exclude-informational", "--exclude-low", "--exclude-optimization",
        "--json", str(out), "--disable-color",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if not out.exists():
        pytest.fail(f"slither wrote no results (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    report = json.loads(out.read_text())
    if not report.get("success"):
        pytest.fail(f"slither failed: {report.get('error')}\n{proc.stderr[-3000:]}")
    result: list[Finding] = []
    for r in report["results"].get("detectors", []):
        element = r["elements"][0] if r.get("elements") else {}
        contract, function = _where(element)
        mapping = element.get("source_mapping", {})
        lines = mapping.get("lines") or [0]
        result.append(Finding(r["check"], r["impact"], contract, function, mapping.get("filename_relative", "?"),
                              lines[0], r["description"]))
    return result


@pytest.fixture(scope="module")
def triage() -> list[dict]:
    data = yaml.safe_load(TRIAGE.read_text(encoding="utf-8"))
    return data.get("accepted", [])


def test_slither_finds_no_unlisted_high_or_medium_finding(findings, triage):
    accepted = {(e["detector"], e["contract"], e["function"]) for e in triage}
    unlisted = [f for f in findings if f.impact in GATED and f.key() not in accepted]
    assert not unlisted, (
        f"{len(unlisted)} high/medium Slither finding(s) not in {TRIAGE.name}; fix them, or add an entry "
        "(detector, contract, function, reason):\n" + "\n".join(f"  - {f}" for f in unlisted))


def test_slither_triage_lists_only_live_findings_with_reasons(findings, triage):
    live = {f.key() for f in findings if f.impact in GATED}
    stale = [e for e in triage if (e["detector"], e["contract"], e["function"]) not in live]
    assert not stale, "triage entries that match no finding any more (remove them): " + ", ".join(
        f"{e['detector']} in {e['contract']}.{e['function']}" for e in stale)
    unexplained = [e for e in triage if len(str(e.get("reason", "")).split()) < 5]
    assert not unexplained, f"triage entries without a real reason: {unexplained}"


def test_slither_analysed_every_production_contract(findings):
    """Guards the gate itself: the analysis really covered the contracts (an empty compile would
    pass the other tests vacuously). Every contract file below has at least one accepted finding."""
    analysed = {f.file for f in findings}
    for path in ("contracts/auction/GaolingAuctionHouse.sol", "contracts/fan/PointsLedger.sol",
                 "contracts/voucher/GaolingVouchers.sol", "contracts/edition/GaolingEdition.sol",
                 "contracts/fan/FiringCertificate.sol", "contracts/finance/RevenueSplit.sol"):
        assert path in analysed, f"slither reported nothing for {path}; was it compiled?"
