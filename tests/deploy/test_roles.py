"""Roles by name: holders from platform.yaml, checks before sending, the multisig's Safe batch, and a
second drop on a platform already handed over."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from gaoling.deploy import PlatformConfigError, load_platform_config, verify_handover
from gaoling.deploy.config import PLATFORM_ROLES
from gaoling.deploy.engine import FAIL_AFTER_ENV
from gaoling.deploy.plan import PLATFORM_CONTRACTS, Role
from gaoling.deploy.roles import MissingRole, check_can_change, required_role, role_names
from tests.deploy.helpers import ROOT, deploy

# Roles granted to contracts by the deploy (the crowdfund mints and grants vouchers), not to people.
WIRING_ROLES = {"DEFAULT_ADMIN_ROLE", "SPENDER_ROLE", "PURCHASE_RECORDER_ROLE", "REDEEMER_ROLE", "GRANTER_ROLE",
                "MINTER_ROLE"}
SAMPLE = ROOT / "metadata" / "collections" / "jingdezhen-blue-and-white.yaml"
ALLOWLIST = ROOT / "metadata" / "allowlists" / "jingdezhen-blue-and-white.csv"


@pytest.fixture(autouse=True)
def _ipfs_store(tmp_path, monkeypatch):
    monkeypatch.setenv("GAOLING_IPFS_STORE", str(tmp_path / "ipfs"))
    monkeypatch.delenv(FAIL_AFTER_ENV, raising=False)


def platform_dir(tmp_path: Path, roles: dict | None = None, drops: tuple[str, ...] = ("first-drop",)) -> Path:
    """A platform.yaml in tmp_path (the sample's sections, no catalogue) with one collection per drop."""
    base = yaml.safe_load((ROOT / "metadata" / "platform.yaml").read_text())
    (tmp_path / "collections").mkdir(exist_ok=True)
    (tmp_path / "allowlists").mkdir(exist_ok=True)
    shutil.copy(ALLOWLIST, tmp_path / "allowlists" / ALLOWLIST.name)
    base["collections"] = []
    base.pop("crowdfund", None)  # its campaigns name the sample collection
    for i, slug in enumerate(drops):
        text = SAMPLE.read_text().replace("name: Jingdezhen Blue-and-White", f"name: Drop {i + 1}")
        text = text.replace("symbol: JDZBW", f"symbol: DROP{i + 1}")
        (tmp_path / "collections" / f"{slug}.yaml").write_text(text)
        base["collections"].append({"config": f"collections/{slug}.yaml"})
    base["vouchers"]["customizable"] = list(drops)
    if roles:
        base["roles"] = roles
    path = tmp_path / "platform.yaml"
    path.write_text(yaml.safe_dump(base, sort_keys=False))
    return path


def test_role_table_matches_the_contracts(project):
    for component, roles in PLATFORM_ROLES.items():
        contract = getattr(project, PLATFORM_CONTRACTS[component])
        people = set(role_names(contract)) - WIRING_ROLES
        assert set(roles) == people, component


def test_required_role_is_read_from_the_source():
    assert required_role("GaolingVouchers", "setRange") == "ISSUER_ROLE"
    assert required_role("GaolingVouchers", "putInKiln") == "FULFILMENT_ROLE"
    assert required_role("GaolingEdition", "setPhase") == "SALE_MANAGER_ROLE"
    assert required_role("PointsLedger", "setRules") == "DEFAULT_ADMIN_ROLE"
    assert required_role("GaolingVouchers", "buy") is None


def test_config_roles_by_name_with_suggestions(tmp_path):
    path = platform_dir(tmp_path, roles={"vouchers": {"fulfilment": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"}})
    assert load_platform_config(path).config.roles == {
        "vouchers": {"FULFILMENT_ROLE": ("0x70997970C51812dc3A010C7d01b50e0d17dc79C8",)}}
    bad = platform_dir(tmp_path, roles={"voucher": {"fulfilment": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"},
                                        "artworks": {"curatr": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"}})
    with pytest.raises(PlatformConfigError) as err:
        load_platform_config(bad)
    text = str(err.value)
    assert "roles.voucher: did you mean `vouchers`?" in text
    assert "roles.artworks.curatr: artworks has no role 'curatr'; did you mean CURATOR_ROLE?" in text


def test_named_holders_get_their_roles_and_the_admin_only_the_rest(project, chain, admin, alice, bob, carol,
                                                                  tmp_path):
    path = platform_dir(tmp_path, roles={"vouchers": {"fulfilment": bob.address, "pauser": [bob.address, carol.address]},
                                         "artworks": {"curator": carol.address}})
    outcome = deploy(project, chain, admin, tmp_path / "out", config=path, admin=alice.address)
    c = outcome.manifest.contracts
    vouchers = project.GaolingVouchers.at(c["vouchers"])
    artworks = project.GaolingArtworks.at(c["artworks"])
    assert vouchers.hasRole(Role("FULFILMENT_ROLE").id, bob) and not vouchers.hasRole(Role("FULFILMENT_ROLE").id, alice)
    assert vouchers.hasRole(Role("PAUSER_ROLE").id, carol)
    assert vouchers.hasRole(Role("ISSUER_ROLE").id, alice)  # not named: stays with the admin
    assert artworks.hasRole(Role("CURATOR_ROLE").id, carol) and not artworks.hasRole(Role("CURATOR_ROLE").id, alice)
    assert vouchers.hasRole(b"\x00" * 32, alice)
    assert verify_handover(project, outcome.manifest, admin.address, alice.address).ok


def test_missing_role_names_role_account_and_contract(project, chain, admin, alice, bob, tmp_path):
    outcome = deploy(project, chain, admin, tmp_path / "out", config=platform_dir(tmp_path), admin=alice.address)
    vouchers = project.GaolingVouchers.at(outcome.manifest.contracts["vouchers"])
    with pytest.raises(MissingRole) as err:
        check_can_change(vouchers, "vouchers", "grantRole", "FULFILMENT_ROLE", bob.address)
    assert str(err.value).startswith(f"{bob.address} does not hold DEFAULT_ADMIN_ROLE on vouchers ({vouchers.address})")


def test_second_drop_after_handover_goes_to_the_multisig_then_completes(project, chain, admin, alice, tmp_path):
    out = tmp_path / "out"
    deploy(project, chain, admin, out, config=platform_dir(tmp_path), admin=alice.address)
    # The studio adds a second drop to platform.yaml after handing the platform to its multisig.
    second = platform_dir(tmp_path, drops=("first-drop", "second-drop"))
    before = admin.nonce
    outcome = deploy(project, chain, admin, out, config=second)  # --admin not repeated: from the manifest
    c = outcome.manifest.contracts
    awaiting = {r.step.id: r.entry["role"] for r in outcome.awaiting}
    assert awaiting == {"edition:second-drop:recorder-role": "DEFAULT_ADMIN_ROLE",
                        "vouchers:range:second-drop": "ISSUER_ROLE",
                        "auction:register:edition:second-drop": "DEFAULT_ADMIN_ROLE"}
    data = json.loads(out.joinpath(f"{chain.chain_id}.json").read_text())
    assert data["complete"] is False and sorted(data["awaiting"]) == sorted(awaiting)
    assert {data["steps"][s]["status"] for s in awaiting} == {"awaiting"}
    # Nothing was sent for them; the new edition itself was deployed, wired and handed over.
    ledger = project.PointsLedger.at(c["points"])
    assert not ledger.hasRole(Role("PURCHASE_RECORDER_ROLE").id, c["edition:second-drop"])
    assert verify_handover(project, outcome.manifest, admin.address, alice.address).ok
    sent = admin.nonce - before
    assert sent == sum(r.action == "sent" for r in outcome.results)

    batch = json.loads(outcome.safe_batch.read_text())
    assert batch["version"] == "1.0" and batch["chainId"] == str(chain.chain_id)
    assert batch["meta"]["createdFromSafeAddress"] == alice.address
    assert sorted(t["to"] for t in batch["transactions"]) == sorted([c["points"], c["vouchers"], c["auction"]])
    grant = next(t for t in batch["transactions"] if t["to"] == c["points"])
    assert grant["contractMethod"]["name"] == "grantRole" and grant["value"] == "0"
    assert grant["contractInputsValues"]["account"] == c["edition:second-drop"]

    # The multisig executes the batch as it is (raw to/data), then the same command completes.
    for txn in batch["transactions"]:
        alice.transfer(txn["to"], 0, data=txn["data"])
    before = admin.nonce
    done = deploy(project, chain, admin, out, config=second)
    assert admin.nonce == before and not done.awaiting
    assert {r.step.id: r.action for r in done.results if r.step.id in awaiting} == dict.fromkeys(awaiting, "multisig")
    data = json.loads(out.joinpath(f"{chain.chain_id}.json").read_text())
    assert data["complete"] is True and data["awaiting"] == []
    assert ledger.hasRole(Role("PURCHASE_RECORDER_ROLE").id, c["edition:second-drop"])
