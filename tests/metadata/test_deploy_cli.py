"""The refusal and the pinning warning through the real `ape run deploy`, against a separate anvil
with a chain id of its own (a stand-in for a studio's real network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fork.chains import start_anvil, stop
from tests.metadata.conftest import PLATFORM, ROOT

APE = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))
CHAIN_ID = 777_012


@pytest.fixture(scope="module")
def studio_chain():
    proc, url = start_anvil("--chain-id", str(CHAIN_ID))
    yield url
    stop(proc)


@pytest.fixture
def small_platform(tmp_path):
    """metadata/ copied with a cap of 300 (15 pieces of 20 tokens), so each publication is small
    (the sample's crowdfund campaigns need up to 100 of its pieces)."""
    root = tmp_path / "metadata"
    shutil.copytree(PLATFORM.parent, root, ignore=shutil.ignore_patterns("schemas", "quiz"))
    catalogue = root / "catalogue" / "catalogue.yaml"
    doc = yaml.safe_load(catalogue.read_text("utf-8"))
    for piece in doc["pieces"]:
        piece["edition"]["size"] = 20
    catalogue.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    collection = root / "collections" / "jingdezhen-blue-and-white.yaml"
    collection.write_text(collection.read_text("utf-8").replace("cap: 10000", "cap: 300"), "utf-8")
    return root / "platform.yaml"


def _deploy(url, config, out, *extra):
    env = dict(os.environ, GAOLING_IPFS_STORE=str(out / "ipfs"))
    return subprocess.run([APE, "run", "deploy", "--network", url, "--account", "TEST::0", "--config", str(config),
                           "--out-dir", str(out), *extra], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def test_a_placeholder_uri_is_refused_before_anything_is_sent(studio_chain, small_platform, tmp_path):
    text = small_platform.read_text("utf-8").replace("coupons: {}", 'coupons:\n  base_uri: "ipfs://glazes/"')
    small_platform.write_text(text, "utf-8")
    for extra in (("--dry-run",), ()):
        run = _deploy(studio_chain, small_platform, tmp_path, *extra)
        output = run.stdout + run.stderr
        assert run.returncode != 0, output
        assert "coupons.base_uri: 'ipfs://glazes/' is not a URI anyone can fetch on chain 777012" in output
        assert "Traceback" not in output
        assert not (tmp_path / f"{CHAIN_ID}.json").exists()  # nothing was sent, nothing recorded


def test_the_local_backend_is_warned_about_with_how_to_pin(studio_chain, small_platform, tmp_path):
    run = _deploy(studio_chain, small_platform, tmp_path, "--dry-run")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "ipfs_backend is `local`" in output and "ape run ipfs pin" in output and "docs/ipfs.md" in output
