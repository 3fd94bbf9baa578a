"""The deploy engine on a local anvil: manifest, idempotence, crash recovery, handover, dry run."""

from __future__ import annotations

import json

import ape
import pytest
from eth_utils import keccak

from gaoling.deploy import DeployError, InjectedFailure, PlatformConfigError, verify_handover
from gaoling.deploy.engine import FAIL_AFTER_ENV
from gaoling.deploy.plan import Role
from tests.deploy.helpers import PLATFORM, deploy


@pytest.fixture(autouse=True)
def _ipfs_store(shared_ipfs_store, monkeypatch):
    monkeypatch.setenv("GAOLING_IPFS_STORE", str(shared_ipfs_store))
    monkeypatch.delenv(FAIL_AFTER_ENV, raising=False)


def _deploys(manifest) -> dict[str, dict]:
    return {sid: e for sid, e in manifest.steps.items() if e["kind"] == "deploy"}


def test_deploy_writes_manifest_and_wires_platform(project, chain, admin, tmp_path):
    start_nonce = admin.nonce
    outcome = deploy(project, chain, admin, tmp_path, export_verify=True)
    path = tmp_path / f"{chain.chain_id}.json"
    data = json.loads(path.read_text())
    assert data["complete"] is True and data["deployer"] == admin.address
    # One transaction per step, all confirmed, nothing else sent.
    assert admin.nonce - start_nonce == len(outcome.plan)
    assert all(e["status"] == "confirmed" for e in data["steps"].values())
    for sid, entry in _deploys(outcome.manifest).items():
        code = bytes(chain.provider.get_code(entry["address"]))
        assert entry["bytecode_hash"] == "0x" + keccak(code).hex()
        assert entry["compiler"]["version"].startswith("0.8.37")
        assert entry["compiler"]["settings"]["evmVersion"] == "cancun"
        receipt = chain.provider.get_receipt(entry["tx_hash"])
        assert receipt.block_number == entry["block"] and receipt.contract_address == entry["address"]
    c = outcome.manifest.contracts
    ledger = project.PointsLedger.at(c["points"])
    edition = project.GaolingEdition.at(c["edition:jingdezhen-blue-and-white"])
    house = project.GaolingAuctionHouse.at(c["auction"])
    assert ledger.hasRole(Role("PURCHASE_RECORDER_ROLE").id, edition.address)
    assert ledger.hasRole(Role("PURCHASE_RECORDER_ROLE").id, house.address)
    assert ledger.hasRole(Role("SPENDER_ROLE").id, c["coupons"])
    assert project.GaolingArtworks.at(c["artworks"]).auctionHouse() == house.address
    assert edition.contractURI().startswith("ipfs://")
    verify_dir = tmp_path / str(chain.chain_id) / "verify"
    standard = json.loads((verify_dir / "GaolingEdition.json").read_text())
    assert standard["language"] == "Solidity" and standard["settings"]["evmVersion"] == "cancun"
    assert any(k.endswith("GaolingEdition.sol") for k in standard["sources"])


def test_rerun_is_a_noop(project, chain, admin, tmp_path):
    deploy(project, chain, admin, tmp_path)
    before = admin.nonce
    again = deploy(project, chain, admin, tmp_path)
    assert admin.nonce == before
    assert {r.action for r in again.results} == {"skipped"}


def test_crash_after_send_resumes_without_deploying_twice(project, chain, admin, tmp_path, monkeypatch):
    start = admin.nonce
    monkeypatch.setenv(FAIL_AFTER_ENV, "4")  # killed after the 4th tx is mined, before it is recorded
    with pytest.raises(InjectedFailure):
        deploy(project, chain, admin, tmp_path)
    data = json.loads((tmp_path / f"{chain.chain_id}.json").read_text())
    assert data["complete"] is False
    pending = [sid for sid, e in data["steps"].items() if e["status"] == "pending"]
    assert len(pending) == 1 and admin.nonce - start == 4

    monkeypatch.delenv(FAIL_AFTER_ENV)
    outcome = deploy(project, chain, admin, tmp_path)
    actions = {r.step.id: r.action for r in outcome.results}
    assert actions[pending[0]] == "recovered"
    assert sum(a == "skipped" for a in actions.values()) == 3
    # Exactly one transaction per step over both runs: nothing was deployed (or called) twice.
    assert admin.nonce - start == len(outcome.plan)
    assert outcome.manifest.data["complete"] is True
    addresses = list(outcome.manifest.contracts.values())
    assert len(addresses) == len(set(addresses)) == len(_deploys(outcome.manifest))


def test_pending_that_never_reached_the_node_is_resent(project, chain, admin, tmp_path):
    first = deploy(project, chain, admin, tmp_path)
    manifest = first.manifest
    # As if killed after signing the last step but before sending it.
    last = first.plan[-1].id
    entry = manifest.steps[last]
    manifest.steps[last] = dict(entry, status="pending", tx_hash="0x" + "ab" * 32, nonce=admin.nonce)
    manifest.save()
    before = admin.nonce
    outcome = deploy(project, chain, admin, tmp_path)
    assert {r.step.id: r.action for r in outcome.results}[last] == "sent"
    assert admin.nonce == before + 1


def test_handover_leaves_the_deployer_without_power(project, chain, admin, alice, tmp_path):
    outcome = deploy(project, chain, admin, tmp_path, admin=alice.address)
    report = verify_handover(project, outcome.manifest, admin.address, alice.address)
    assert report.ok and outcome.manifest.data["handover"] is True
    house = project.GaolingAuctionHouse.at(outcome.manifest.contracts["auction"])
    with ape.reverts():
        house.pause(sender=admin)
    house.pause(sender=alice)
    assert house.paused()
    # The roles given to others by config are untouched (the certificate's attester).
    cert = project.FiringCertificate.at(outcome.manifest.contracts["certificate"])
    assert cert.hasRole(cert.ATTESTER_ROLE(), "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f")
    # A rerun of the same handover sends nothing.
    before = admin.nonce
    deploy(project, chain, admin, tmp_path, admin=alice.address)
    assert admin.nonce == before


def test_verify_handover_reports_roles_still_held(project, chain, admin, alice, tmp_path):
    outcome = deploy(project, chain, admin, tmp_path)
    report = verify_handover(project, outcome.manifest, admin.address, alice.address)
    assert not report.ok
    assert ("auction", "PAUSER_ROLE") in report.deployer_roles
    assert ("points", "DEFAULT_ADMIN_ROLE") in report.admin_missing


def test_dry_run_sends_nothing(project, chain, admin, tmp_path):
    before_nonce, before_block = admin.nonce, chain.blocks.height
    outcome = deploy(project, chain, admin, tmp_path, dry_run=True)
    assert admin.nonce == before_nonce and chain.blocks.height == before_block
    assert not (tmp_path / f"{chain.chain_id}.json").exists()
    assert len(outcome.estimates) == len(outcome.plan)
    deploy_estimates = [e for e in outcome.estimates if e.step.is_deploy]
    # The voucher constructor checks that the certificate and coupons it names have code, which
    # contracts not yet deployed cannot satisfy: its figure is the marked approximation.
    exact = [e for e in deploy_estimates if e.step.id != "vouchers"]
    assert exact and all(e.exact and e.gas > 100_000 for e in exact)
    assert [e.exact for e in deploy_estimates if e.step.id == "vouchers"] == [False]


def test_changed_config_after_deploy_stops(project, chain, admin, tmp_path):
    deploy(project, chain, admin, tmp_path)
    text = PLATFORM.read_text().replace("fee_bps: 500", "fee_bps: 400")
    changed = PLATFORM.parent / f".test-platform-{tmp_path.name}.yaml"
    changed.write_text(text)
    try:
        before = admin.nonce
        with pytest.raises(DeployError, match="step auction: .*config changed"):
            deploy(project, chain, admin, tmp_path, config=changed)
        assert admin.nonce == before
    finally:
        changed.unlink()


def test_code_missing_at_recorded_address_stops(project, chain, admin, tmp_path):
    outcome = deploy(project, chain, admin, tmp_path)
    outcome.manifest.steps["points"]["bytecode_hash"] = "0x" + "00" * 32
    outcome.manifest.save()
    with pytest.raises(DeployError, match="step points: .*differs"):
        deploy(project, chain, admin, tmp_path)


def test_bad_config_names_file_and_field_before_sending(project, chain, admin, tmp_path):
    bad = tmp_path / "platform.yaml"
    bad.write_text("auction:\n  fee_recipient: '0x1234'\n  fee_bps: 5000\ncollections:\n  - config: nope.yaml\n")
    before = admin.nonce
    with pytest.raises(PlatformConfigError) as err:
        deploy(project, chain, admin, tmp_path, config=bad)
    text = str(err.value)
    assert f"{bad}: auction.fee_recipient" in text and f"{bad}: auction.fee_bps" in text
    assert admin.nonce == before


def test_single_collection_config_deploys_just_that_collection(project, chain, admin, tmp_path):
    config = PLATFORM.parent / "collections" / "jingdezhen-blue-and-white.yaml"
    outcome = deploy(project, chain, admin, tmp_path, config=config)
    assert list(outcome.manifest.contracts) == ["edition:jingdezhen-blue-and-white"]
