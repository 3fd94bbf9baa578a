"""The deployment engine on the test chain: what it deploys and records, reruns, crashes, dry runs."""

from __future__ import annotations

import json

import pytest
from eth_utils import keccak

from gaoling.deploy import Manifest, ManifestError, PlatformConfigError, load_any, verify_handover

from .conftest import COLLECTION, PLATFORM, Crash, contract_creations

CONTRACTS = {
    "points_ledger": "PointsLedger",
    "glaze_coupons": "GlazeCoupons",
    "firing_certificate": "FiringCertificate",
    "edition:jingdezhen-blue-and-white": "GaolingEdition",
    "artworks": "GaolingArtworks",
    "auction_house": "GaolingAuctionHouse",
}
EDITION = "edition:jingdezhen-blue-and-white"


def _at(project, manifest, key):
    return getattr(project, CONTRACTS[key]).at(manifest.address(key))


def test_deploy_records_and_wires_every_contract(run_deploy, manifest_path, project, chain, admin):
    report = run_deploy()
    manifest = Manifest.load(manifest_path)
    assert report.complete and manifest.complete
    assert set(manifest.contracts) == set(CONTRACTS)
    for key, entry in manifest.contracts.items():
        assert entry["contract"] == CONTRACTS[key]
        code = bytes(chain.provider.get_code(entry["address"]))
        assert entry["bytecode_hash"] == "0x" + keccak(code).hex()
        receipt = chain.provider.get_receipt(entry["tx_hash"])
        assert receipt.block_number == entry["block"]
        assert receipt.contract_address == entry["address"]
        assert entry["compiler"]["version"].startswith("0.8.37+commit")
        assert entry["compiler"]["settings"]["evmVersion"] == "cancun"
        assert entry["compiler"]["settings"]["optimizer"] == {"enabled": True, "runs": 200}
        assert entry["constructor_args_encoded"].startswith("0x")
    assert manifest.contracts["auction_house"]["constructor_args"] == [
        admin.address, "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", 500]
    assert all(step["status"] == "confirmed" for step in manifest.steps.values())

    ledger, coupons = _at(project, manifest, "points_ledger"), _at(project, manifest, "glaze_coupons")
    edition, house = _at(project, manifest, EDITION), _at(project, manifest, "auction_house")
    artworks = _at(project, manifest, "artworks")
    assert edition.pointsLedger() == ledger.address
    assert ledger.hasRole(ledger.PURCHASE_RECORDER_ROLE(), edition.address)
    assert ledger.hasRole(ledger.PURCHASE_RECORDER_ROLE(), house.address)
    assert ledger.hasRole(ledger.SPENDER_ROLE(), coupons.address)
    assert house.purchaseRecorder() == ledger.address
    assert artworks.auctionHouse() == house.address
    assert coupons.ledger() == ledger.address
    config = load_any(COLLECTION).collections[0][1]
    for phase_id, args, _root in config.phase_args():
        assert tuple(edition.phase(phase_id)) == args
    assert bytes(edition.allowlistRoot()) == config.allowlist_tree.root_bytes
    assert edition.hasRole(edition.ORDER_SIGNER_ROLE(), config.roles.order_signer)
    # The catalogue was published and its URIs set on the edition.
    assert edition.baseURI().startswith("ipfs://") and edition.baseURI().endswith("/")
    assert edition.contractURI().startswith("ipfs://")
    # Without --admin the deployer keeps its roles, and the handover check says so.
    check = verify_handover(manifest, project)
    assert not check.ok and (EDITION, "DEFAULT_ADMIN_ROLE") in check.deployer_roles


def test_rerun_is_a_noop(run_deploy, manifest_path, chain, admin):
    run_deploy()
    before = manifest_path.read_bytes()
    nonce, head = admin.nonce, chain.blocks.head.number
    report = run_deploy()
    assert report.complete and report.sent == 0
    assert {r.outcome for r in report.results} == {"recorded"}
    assert admin.nonce == nonce and chain.blocks.head.number == head
    assert json.loads(manifest_path.read_bytes())["contracts"] == json.loads(before)["contracts"]


@pytest.mark.parametrize("point, step", [
    ("before-send", "deploy:glaze_coupons"),
    ("after-send", "deploy:glaze_coupons"),           # mined, but the manifest never heard of it
    ("after-confirm", "deploy:" + EDITION),
    ("after-send", "wire:" + EDITION + ":setPhase:public"),
    ("after-send", "handover:grant:artworks:DEFAULT_ADMIN_ROLE"),
    ("after-send", "handover:renounce:auction_house:PAUSER_ROLE"),
])
def test_crash_mid_run_then_rerun_finishes_without_deploying_twice(run_deploy, manifest_path, chain, admin,
                                                                   project, bob, point, step):
    first_block = chain.blocks.head.number + 1

    def crash(at_point, at_step):
        if (at_point, at_step) == (point, step):
            raise Crash(f"{at_point} {at_step}")

    with pytest.raises(Crash):
        run_deploy(admin=bob.address, fault=crash)
    halfway = Manifest.load(manifest_path)
    assert halfway.complete is False  # a half-deployed platform is never recorded as deployed

    report = run_deploy(admin=bob.address)
    manifest = Manifest.load(manifest_path)
    assert report.complete and manifest.complete
    creations = contract_creations(chain, admin.address, first_block)
    assert len(creations) == len(CONTRACTS)  # each contract exactly once, across both runs
    assert sorted(e["tx_hash"] for e in manifest.contracts.values()) == sorted(creations)
    if point == "after-send" and step.startswith("deploy:"):
        assert manifest.steps[step]["note"] == "adopted after an interrupted run"
    assert verify_handover(manifest, project, admin=bob.address).ok


def test_pending_deploy_whose_nonce_went_elsewhere_is_redeployed(run_deploy, manifest_path, chain, admin, bob):
    """Crash before sending, then the deployer's nonce is spent on something else: no contract can
    ever appear at the address that nonce would have created, so deploying afresh is safe."""
    def crash(at_point, at_step):
        if (at_point, at_step) == ("before-send", "deploy:firing_certificate"):
            raise Crash()

    with pytest.raises(Crash):
        run_deploy(fault=crash)
    pending = Manifest.load(manifest_path).steps["deploy:firing_certificate"]
    assert pending["status"] == "pending"
    admin.transfer(bob, 1)  # spends that nonce
    run_deploy()
    manifest = Manifest.load(manifest_path)
    assert manifest.steps["deploy:firing_certificate"]["note"].startswith(f"nonce {pending['nonce']} was used")
    assert manifest.address("firing_certificate") != pending["predicted_address"]
    assert bytes(chain.provider.get_code(pending["predicted_address"])) == b""


def test_handover_leaves_the_deployer_powerless(run_deploy, manifest_path, project, admin, alice):
    import ape

    run_deploy(admin=alice.address)
    manifest = Manifest.load(manifest_path)
    check = verify_handover(manifest, project)
    assert check.ok, check.describe()
    assert check.checked == 16
    assert manifest.data["admin"] == alice.address
    edition = _at(project, manifest, EDITION)
    house = _at(project, manifest, "auction_house")
    with ape.reverts(custom_err=edition.AccessControlUnauthorizedAccount):
        edition.pause(sender=admin)
    with ape.reverts(custom_err=house.AccessControlUnauthorizedAccount):
        house.setFee(admin.address, 0, sender=admin)
    edition.pause(sender=alice)
    assert edition.paused()


def test_dry_run_sends_and_writes_nothing(run_deploy, manifest_path, chain, admin):
    nonce, head = admin.nonce, chain.blocks.head.number
    report = run_deploy(dry_run=True, admin="0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    assert admin.nonce == nonce and chain.blocks.head.number == head
    assert not manifest_path.exists()
    assert report.dry_run and not report.complete
    assert all(r.outcome == "to send" for r in report.results)
    deploy_estimates = {r.step_id: r.gas for r in report.results if r.step_id.startswith("deploy:")}
    assert len(deploy_estimates) == len(CONTRACTS)
    # The predicted addresses are the ones a real run then uses, and estimates cover real gas.
    real = run_deploy(admin="0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    assert real.addresses == report.addresses
    for result in real.results:
        if result.step_id in deploy_estimates:
            assert result.gas <= deploy_estimates[result.step_id] <= result.gas * 13 // 10


def test_config_errors_name_file_and_field_and_send_nothing(tmp_path, run_deploy, admin, chain):
    text = PLATFORM.read_text()
    bad = tmp_path / "platform.yaml"
    bad.write_text(text.replace("fee_bps: 500", "fee_bps: 5000\n  colour: blue")
                   .replace("collections/", str(PLATFORM.parent / "collections") + "/")
                   .replace("catalogue/", str(PLATFORM.parent / "catalogue") + "/"))
    with pytest.raises(PlatformConfigError) as err:
        load_any(bad)
    message = str(err.value)
    assert f"{bad}: auction.fee_bps:" in message
    assert f"{bad}: auction.colour: unknown field" in message

    nonce = admin.nonce
    with pytest.raises(PlatformConfigError, match="--admin"):
        run_deploy(admin="0x12")
    with pytest.raises(PlatformConfigError, match="deploying account itself"):
        run_deploy(admin=admin.address)
    assert admin.nonce == nonce


def test_collection_errors_name_the_collection_file(tmp_path):
    collection = tmp_path / "broken.yaml"
    collection.write_text(COLLECTION.read_text().replace("bps: 500", "bps: 5000", 1)
                          .replace("../allowlists/", str(COLLECTION.parent.parent / "allowlists") + "/"))
    platform = tmp_path / "platform.yaml"
    platform.write_text("collections:\n  - config: broken.yaml\n")
    with pytest.raises(PlatformConfigError) as err:
        load_any(platform)
    assert f"collections[0].config -> {collection}: royalty.bps:" in str(err.value)


def test_coupons_need_points(tmp_path):
    platform = tmp_path / "platform.yaml"
    platform.write_text("coupons: {}\ncertificate: {}\n")
    with pytest.raises(PlatformConfigError, match="coupons: glaze coupons are bought with points"):
        load_any(platform)


def test_evm_version_must_match_the_compiler(tmp_path, run_deploy, admin):
    platform = tmp_path / "platform.yaml"
    platform.write_text("evm_version: paris\ncertificate: {}\n")
    nonce = admin.nonce
    with pytest.raises(PlatformConfigError, match="evm_version: paris is wanted but FiringCertificate was "
                                                  "compiled for cancun"):
        run_deploy(load_any(platform))
    assert admin.nonce == nonce


def test_changed_config_after_deploy_is_refused(tmp_path, run_deploy, admin):
    platform = tmp_path / "platform.yaml"
    platform.write_text("auction:\n  fee_recipient: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65'\n  fee_bps: 500\n")
    run_deploy(load_any(platform))
    platform.write_text(platform.read_text().replace("500", "400"))
    nonce = admin.nonce
    with pytest.raises(ManifestError, match="step deploy:auction_house was confirmed with arguments"):
        run_deploy(load_any(platform))
    assert admin.nonce == nonce


def test_manifest_of_another_chain_or_code_is_refused(tmp_path, run_deploy, manifest_path, admin):
    platform = tmp_path / "platform.yaml"
    platform.write_text("certificate: {}\n")
    run_deploy(load_any(platform))
    data = json.loads(manifest_path.read_text())
    data["contracts"]["firing_certificate"]["bytecode_hash"] = "0x" + "00" * 32
    manifest_path.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="no longer matches the recorded bytecode hash"):
        run_deploy(load_any(platform))
    data["genesis_hash"] = "0x" + "11" * 32
    manifest_path.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="another genesis block"):
        run_deploy(load_any(platform))


def test_single_collection_config_deploys_that_collection(run_deploy, manifest_path, project):
    report = run_deploy(load_any(COLLECTION))
    assert list(report.addresses) == [EDITION]
    manifest = Manifest.load(manifest_path)
    edition = project.GaolingEdition.at(manifest.address(EDITION))
    assert edition.symbol() == "JDZBW" and edition.cap() == 10_000
    assert edition.pointsLedger() == "0x0000000000000000000000000000000000000000"
