"""Fixtures for the deployment engine: the sample platform, deployed into the test chain with
manifests under a temporary directory (never the project's deployments/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaoling.deploy import deploy, load_any

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "metadata" / "platform.yaml"
COLLECTION = ROOT / "metadata" / "collections" / "jingdezhen-blue-and-white.yaml"


class Crash(BaseException):
    """Stands in for a kill: not an Exception, so nothing on the way out can swallow it."""


def contract_creations(chain, sender: str, first_block: int) -> list[str]:
    """Hashes of every contract-creation transaction sent by `sender` from `first_block` on."""
    web3 = chain.provider.web3
    found = []
    for number in range(first_block, chain.blocks.head.number + 1):
        for tx in web3.eth.get_block(number, full_transactions=True)["transactions"]:
            if tx["from"].lower() == sender.lower() and tx["to"] is None:
                found.append("0x" + bytes(tx["hash"]).hex())
    return found


@pytest.fixture(scope="session")
def platform():
    return load_any(PLATFORM)


@pytest.fixture
def manifest_path(tmp_path):
    return tmp_path / "deployments" / "31337.json"


@pytest.fixture
def run_deploy(project, chain, admin, manifest_path, tmp_path):
    """Deploys `config` (the sample platform by default) from the `admin` fixture account."""
    def run(config=None, **kwargs):
        kwargs.setdefault("manifest", manifest_path)
        kwargs.setdefault("verify_dir", tmp_path / "verify")
        return deploy(config or load_any(PLATFORM), project, chain, kwargs.pop("account", admin), **kwargs)
    return run
