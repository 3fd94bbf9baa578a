"""A studio's own chain ("my RPC URL and chain id") without editing the tracked ape-config.yaml:
the two ways docs/deploy.md shows, through the real CLI against a separate anvil."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.helpers import ROOT
from tests.fork.chains import start_anvil, stop

APE = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))
SAMPLE = ROOT / "metadata" / "collections" / "jingdezhen-blue-and-white.yaml"
CID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
CHAIN_ID = 777001
USER_CONFIG = """\
networks:
  custom:
    - name: studio-chain
      chain_id: {chain_id}
      ecosystem: ethereum
      default_provider: node
node:
  ethereum:
    studio-chain:
      uri: {url}
"""


@pytest.fixture
def collection(tmp_path) -> Path:
    """The sample collection with published URIs: a chain that is not the local dev chain refuses
    placeholders (gaoling.deploy.metadata)."""
    text = SAMPLE.read_text().replace('base: ""', f'base: "ipfs://{CID}/"').replace('contract: ""', f'contract: "ipfs://{CID}"')
    text = text.replace("../allowlists/", f"{SAMPLE.parent.parent}/allowlists/")
    path = tmp_path / "jingdezhen-blue-and-white.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def studio_chain():
    proc, url = start_anvil("--chain-id", str(CHAIN_ID))
    yield url
    stop(proc)


def _ape(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([APE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rpc_url_as_network(studio_chain, collection, tmp_path):
    before = _digest(ROOT / "ape-config.yaml")
    env = dict(os.environ, GAOLING_IPFS_STORE=str(tmp_path / "ipfs"))
    args = ["--network", studio_chain, "--account", "TEST::0", "--config", str(collection),
            "--out-dir", str(tmp_path)]
    dry = _ape("run", "deploy", *args, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"Plan for chain {CHAIN_ID}" in dry.stdout
    real = _ape("run", "deploy", *args, env=env)
    assert real.returncode == 0, real.stdout + real.stderr
    manifest = json.loads((tmp_path / f"{CHAIN_ID}.json").read_text())
    assert manifest["complete"] and manifest["chain_id"] == CHAIN_ID
    listed = _ape("run", "roles", "list", "--network", studio_chain,
                  "--deployment", str(tmp_path / f"{CHAIN_ID}.json"), env=env)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "SALE_MANAGER_ROLE" in listed.stdout and "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" in listed.stdout
    assert _digest(ROOT / "ape-config.yaml") == before


def test_named_network_in_the_user_level_config(studio_chain, collection, tmp_path):
    before = _digest(ROOT / "ape-config.yaml")
    data = tmp_path / "ape-data"
    data.mkdir()
    (data / "ape-config.yaml").write_text(USER_CONFIG.format(chain_id=CHAIN_ID, url=studio_chain))
    env = dict(os.environ, APE_DATA_FOLDER=str(data), GAOLING_IPFS_STORE=str(tmp_path / "ipfs"))
    real = _ape("run", "deploy", "--network", "ethereum:studio-chain:node", "--account", "TEST::0",
                "--config", str(collection), "--out-dir", str(tmp_path), env=env)
    assert real.returncode == 0, real.stdout + real.stderr
    manifest = json.loads((tmp_path / f"{CHAIN_ID}.json").read_text())
    assert manifest["complete"] and list(manifest["contracts"]) == ["edition:jingdezhen-blue-and-white"]
    assert _digest(ROOT / "ape-config.yaml") == before
