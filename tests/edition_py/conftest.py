"""Fixtures for the pure-Python edition tests: no chain, only files, keys and the npm oracle.

All are function-scoped (each is cheap): under `ape test`, a session fixture first requested by a
later test makes Ape rebase its chain snapshots, which these chain-free tests have no use for."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CONFIG = REPO / "metadata" / "collections" / "jingdezhen-blue-and-white.yaml"
SAMPLE_ALLOWLIST = REPO / "metadata" / "allowlists" / "jingdezhen-blue-and-white.csv"
ORACLE = Path(__file__).with_name("oz_merkle.cjs")
TEST_MNEMONIC = "test test test test test test test test test test test junk"

Account.enable_unaudited_hdwallet_features()


def _mnemonic_key(index: int) -> Any:
    """The local test account `index` of the public test mnemonic, as an eth-account key."""
    return Account.from_mnemonic(TEST_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


@pytest.fixture
def sample_config() -> Path:
    return SAMPLE_CONFIG


@pytest.fixture
def sample_allowlist() -> Path:
    return SAMPLE_ALLOWLIST


@pytest.fixture
def test_address():
    """Address of local test account i (the accounts the sample config and allowlist use)."""
    return lambda index: _mnemonic_key(index).address


@pytest.fixture
def order_signer() -> Any:
    """An Ape test account (signs through Ape's own signer, like any Ape account) for account 8."""
    from ape_test.accounts import TestAccount

    key = _mnemonic_key(8)
    return TestAccount(index=8, address_str=key.address, private_key=key.key.hex())


@pytest.fixture
def oz_merkle():
    """Runs the npm @openzeppelin/merkle-tree oracle on a batch request; one node process per call."""
    node = shutil.which("node")
    assert node, "node is required for the Merkle cross-check (make test installs the npm packages)"
    assert (REPO / "node_modules" / "@openzeppelin" / "merkle-tree").is_dir(), \
        "node_modules/@openzeppelin/merkle-tree is missing; run `npm ci`"

    def run(build: list[dict[str, Any]] | None = None, load: list[dict[str, Any]] | None = None) -> dict:
        request = json.dumps({"build": build or [], "load": load or []})
        done = subprocess.run([node, str(ORACLE)], input=request, capture_output=True, text=True,
                              cwd=REPO, check=False)
        assert done.returncode == 0, f"oracle failed: {done.stderr}"
        return json.loads(done.stdout)

    return run
