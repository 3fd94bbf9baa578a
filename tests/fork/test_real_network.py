"""The fork checks against a real network's deployment.

Set GAOLING_FORK_URL (an RPC URL of the network) and GAOLING_DEPLOYMENT (its manifest,
deployments/<chainId>.json written by `ape run deploy`). The network is forked at its latest block
by a local anvil; nothing is ever sent to the real network. The checks need no state of ours: the
code on chain is the code the manifest recorded, the admin can rotate roles, and an emergency pause
freezes no funds."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gaoling.deploy.engine import code_hash
from gaoling.deploy.plan import Role
from tests.fork.chains import connected, start_anvil, stop

FORK_URL = os.environ.get("GAOLING_FORK_URL")
DEPLOYMENT = os.environ.get("GAOLING_DEPLOYMENT")

pytestmark = pytest.mark.skipif(
    not (FORK_URL and DEPLOYMENT),
    reason="set GAOLING_FORK_URL (an RPC URL) and GAOLING_DEPLOYMENT (a deployments/<chainId>.json) "
           "to run these checks against a real network's deployment",
)

PAUSABLE = {"auction": "GaolingAuctionHouse", "vouchers": "GaolingVouchers"}


@pytest.fixture(scope="module")
def real():
    manifest = json.loads(Path(DEPLOYMENT).read_text())
    if not manifest.get("complete"):
        pytest.fail(f"{DEPLOYMENT} records an incomplete deployment; finish it with `ape run deploy` first")
    proc, url = start_anvil("--fork-url", FORK_URL)
    try:
        with connected(url) as provider:
            yield provider, manifest
    finally:
        stop(proc)


def _admin(manifest: dict) -> str:
    return manifest.get("admin") or manifest["deployer"]


def test_code_on_chain_is_the_recorded_code(real):
    provider, manifest = real
    deployed = [(sid, e) for sid, e in manifest["steps"].items() if e.get("kind") == "deploy"]
    assert deployed
    for step_id, entry in deployed:
        assert code_hash(provider, entry["address"]) == entry["bytecode_hash"], step_id


def test_admin_rotates_roles(project, accounts, real):
    provider, manifest = real
    admin_address, successor = _admin(manifest), accounts[7].address
    provider.make_request("anvil_impersonateAccount", [admin_address])
    provider.make_request("anvil_setBalance", [admin_address, hex(10**18)])
    admin = accounts[admin_address]
    role = Role("DEFAULT_ADMIN_ROLE").id
    for step_id, entry in manifest["steps"].items():
        if entry.get("kind") != "deploy":
            continue
        contract = getattr(project, entry["contract"]).at(entry["address"])
        contract.grantRole(role, successor, sender=admin)
        contract.renounceRole(role, admin_address, sender=admin)
        assert contract.hasRole(role, successor) and not contract.hasRole(role, admin_address), step_id


def test_emergency_pause_freezes_no_funds(project, accounts, real):
    provider, manifest = real
    admin_address = _admin(manifest)
    provider.make_request("anvil_impersonateAccount", [admin_address])
    provider.make_request("anvil_setBalance", [admin_address, hex(10**18)])
    admin = accounts[admin_address]
    for component, contract_type in PAUSABLE.items():
        address = manifest["contracts"].get(component)
        if address is None:
            continue
        contract = getattr(project, contract_type).at(address)
        before = provider.get_balance(address)
        contract.pause(sender=admin)
        assert contract.paused()
        assert provider.get_balance(address) == before  # pausing moves no money
        contract.unpause(sender=admin)
        assert not contract.paused()
