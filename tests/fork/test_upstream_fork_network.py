"""The production path end to end: `ape run deploy` (the real script, as a subprocess) deploys the
platform to an upstream chain and hands every role to a Safe-like admin whose key nobody holds;
a sale goes live there; then ape-foundry forks it through its own forked network,
`devchain:upstream-fork:foundry`, at the recorded block, and the admin is impersonated.

The `devchain:upstream` network is declared for the duration of the module with
`project.temp_config` (no ape-config.yaml edit); docs/deploy.md gives the same as YAML.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import ape
import pytest
from eth_utils import keccak, to_checksum_address

from gaoling.deploy.engine import code_hash, instance
from gaoling.deploy.plan import Role
from tests.deploy.helpers import PLATFORM, ROOT
from tests.fork.chains import start_anvil, stop

EDITION = "edition:jingdezhen-blue-and-white"
def _safe_address() -> str:
    """The admin: an address derived from a label, so no key exists for it (like a Safe's address)."""
    return to_checksum_address(keccak(text="gaoling fork-test safe")[-20:])


def _network_config(url: str) -> dict:
    return {
        "networks": {"custom": [{"name": "upstream", "chain_id": 31337, "ecosystem": "devchain",
                                 "base_ecosystem_plugin": "ethereum", "default_provider": "node"}]},
        "node": {"devchain": {"upstream": {"uri": url}}},
        "foundry": {"evm_version": "cancun", "host": "auto",
                    "fork": {"devchain": {"upstream": {"upstream_provider": "node"}}}},
    }


@dataclass
class Live:
    url: str
    block: int
    state_root: str
    contracts: dict[str, str]
    types: dict[str, str]
    admin: str
    buyer: str
    minted: int
    edition_balance: int
    price: int


@contextmanager
def _on(project, choice: str, **settings):
    from ape import chain, networks
    from ape.exceptions import RPCTimeoutError

    chain.contracts.clear_local_caches()
    try:
        with ExitStack() as stack:
            # Ape waits a fixed 20 s for a node process it starts (here anvil forking the upstream);
            # on two loaded cores that start was once slower, so it gets one more try.
            for attempt in range(2):
                try:
                    provider = stack.enter_context(networks.parse_network_choice(
                        choice, provider_settings=settings or None, disconnect_after=True))
                    break
                except RPCTimeoutError:
                    if attempt:
                        raise
            yield provider
    finally:
        chain.contracts.clear_local_caches()


@pytest.fixture(scope="module")
def live(project, accounts, tmp_path_factory):
    if os.environ.get("GAOLING_FORK_URL"):
        pytest.skip("GAOLING_FORK_URL is set: the real-network checks (test_real_network.py) run instead")
    proc, url = start_anvil()
    out = tmp_path_factory.mktemp("upstream-deployments")
    admin = _safe_address()
    try:
        ape_bin = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))
        done = subprocess.run(
            [ape_bin, "run", "deploy", "--network", url, "--account", "TEST::0", "--config", str(PLATFORM),
             "--out-dir", str(out), "--admin", admin],
            cwd=ROOT, env=dict(os.environ, GAOLING_IPFS_STORE=str(out / "ipfs")),
            capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout + done.stderr
        manifest = json.loads((out / "31337.json").read_text())
        assert manifest["complete"] is True and manifest["admin"] == admin
        types = {cid: manifest["steps"][cid]["contract"] for cid in manifest["contracts"]}
        with project.temp_config(**_network_config(url)):
            with _on(project, "devchain:upstream:node") as provider:
                edition = instance(project, "GaolingEdition", manifest["contracts"][EDITION])
                public = edition.phase(1)
                provider.make_request("evm_setNextBlockTimestamp", [int(public.start)])
                provider.make_request("evm_mine", [])  # the sale opens (gas is estimated on this block)
                buyer = accounts[3]
                edition.mintPublic(2, value=2 * public.price, sender=buyer)
                head = provider.web3.eth.get_block("latest")
                state = Live(url, int(head["number"]), "0x" + bytes(head["stateRoot"]).hex(),
                             dict(manifest["contracts"]), types, admin, buyer.address,
                             int(edition.totalMinted()), provider.get_balance(edition.address), int(public.price))
        # Disconnected before yielding: provider contexts must not stay open across other modules' tests.
        yield state
    finally:
        stop(proc)


@pytest.fixture
def fork(project, live):
    """ape-foundry's own fork of the upstream network, at the recorded block."""
    with project.temp_config(**_network_config(live.url)):
        with _on(project, "devchain:upstream-fork:foundry",
                 fork={"devchain": {"upstream": {"block_number": live.block}}}) as provider:
            yield provider


def test_fork_is_ape_foundrys_upstream_fork_at_the_recorded_block(project, live, fork):
    assert fork.name == "foundry" and fork.network.name == "upstream-fork"
    assert fork.get_block("latest").number >= live.block
    assert fork.fork_block_number == live.block
    for cid, address in live.contracts.items():
        assert code_hash(fork, address), cid  # the deployed code is there, read through the fork


def test_impersonated_safe_rotates_roles_and_pause_freezes_no_funds(project, accounts, live, fork):
    edition = instance(project, "GaolingEdition", live.contracts[EDITION])
    safe = accounts[live.admin]
    assert type(safe).__name__ == "ImpersonatedAccount"  # no key: the fork lets us act as the Safe
    fork.set_balance(live.admin, 10**18)  # gas money, on the fork only
    admin_role, pauser = Role("DEFAULT_ADMIN_ROLE").id, Role("PAUSER_ROLE").id
    deployer = accounts[0]
    assert not edition.hasRole(admin_role, deployer.address) and not edition.hasRole(pauser, deployer.address)

    # Role rotation: the Safe hands the pauser role to an operator and gives up its own.
    operator = accounts[7]
    tx = edition.grantRole(pauser, operator.address, sender=safe)
    assert [(e.role, e.account) for e in tx.decode_logs(edition.RoleGranted)] == [(pauser, operator.address)]
    tx = edition.renounceRole(pauser, live.admin, sender=safe)
    assert [e.account for e in tx.decode_logs(edition.RoleRevoked)] == [live.admin]
    with ape.reverts(custom_err=edition.AccessControlUnauthorizedAccount):
        edition.pause(sender=safe)

    # Emergency pause: sales stop, but every payee still withdraws its share of the live sale.
    edition.pause(sender=operator)
    with ape.reverts(custom_err=edition.EnforcedPause):
        edition.mintPublic(1, value=live.price, sender=accounts[5])
    payees, _ = edition.payees()
    owed = {p: int(edition.releasable(p)) for p in payees}
    assert sum(owed.values()) == live.edition_balance == 2 * live.price
    for payee in payees:
        before = fork.get_balance(payee)
        edition.release(payee, sender=accounts[9])  # anyone may trigger; the payee is paid
        assert fork.get_balance(payee) - before == owed[payee]
    assert fork.get_balance(edition.address) == 0
    edition.unpause(sender=operator)
    tx = edition.mintPublic(1, value=live.price, sender=accounts[5])
    assert tx.decode_logs(edition.Purchased)[0].firstTokenId == live.minted + 1


def test_upstream_left_untouched_by_the_fork(project, live):
    with project.temp_config(**_network_config(live.url)):
        with _on(project, "devchain:upstream:node") as provider:
            head = provider.web3.eth.get_block("latest")
            assert int(head["number"]) == live.block
            assert "0x" + bytes(head["stateRoot"]).hex() == live.state_root
            edition = instance(project, "GaolingEdition", live.contracts[EDITION])
            assert edition.totalMinted() == live.minted and not edition.paused()
            assert provider.get_balance(edition.address) == live.edition_balance
            assert edition.hasRole(Role("PAUSER_ROLE").id, live.admin)
