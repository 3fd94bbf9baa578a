"""The studio operator's whole path, through the real CLI (`ape run ...` subprocesses), on a separate
anvil with a chain id of its own standing in for "a real network" (issue 12, acceptance).

One module-scoped journey, in order: the studio's own catalogue with images and configs; the offline
config check; every bad input refused with its message and nothing written; a dry run; the deploy
with handover to a contract-account admin (a Safe stand-in) while the kiln staff named in
platform.yaml keep FULFILMENT_ROLE; a role change the deployer may no longer make, written as a Safe
Transaction Builder batch and executed as the Safe (impersonation); the sale; and a second drop on
the handed-over platform, whose steps for the Safe go to a batch and complete on the rerun.
"""

from __future__ import annotations

import json

import pytest
from eth_abi import encode

from tests.fork.chains import start_anvil, stop
from tests.journeys.helpers import (
    BUYER,
    CHAIN_ID,
    CURATOR,
    DEPLOYER,
    KILN_STAFF,
    Studio,
    call,
    deploy_raw,
    has_role,
    send_as,
    warp,
)


@pytest.fixture(scope="module")
def studio(project, tmp_path_factory):
    proc, url = start_anvil("--chain-id", str(CHAIN_ID))
    try:
        stand_in = project.SafeStandIn.contract_type
        code = stand_in.deployment_bytecode.bytecode
        bytecode = bytes.fromhex(code[2:] if code.startswith("0x") else code) + encode(["address"], [DEPLOYER[1]])
        safe = deploy_raw(url, DEPLOYER[1], bytecode)
        world = Studio(tmp_path_factory.mktemp("studio"), url, safe)
        world.add_drop("celadon-bowls", [2, 2, 2, 2, 2], (120, 170, 150))
        yield world
    finally:
        stop(proc)


def _batch(path_text: str) -> dict:
    path = next(word for word in path_text.split() if word.endswith(".json") and "/safe/" in word)
    return json.loads(open(path.rstrip(".:"), encoding="utf-8").read())


def test_1_config_check_passes_offline(studio):
    checked = studio.ape("check", studio.file("platform.yaml"), network=False)
    assert checked.code == 0, checked.text
    assert f"ok {studio.file('platform.yaml')} (platform)" in checked.out and "vouchers FULFILMENT_ROLE" in checked.out


@pytest.mark.parametrize("edit, message", [
    (lambda p: p.__setitem__("auctoin", p.pop("auction")), "auctoin: unknown field; did you mean `auction`?"),
    (lambda p: p["vouchers"].__setitem__("price", 0.05), "vouchers.price: 0.05 has no unit; write it as text with a "
                                                         "unit, e.g. '0.05 ether'"),
    (lambda p: p["auction"].__setitem__("fee_bps", 2500), "auction.fee_bps: 2500 is out of range: the auction house "
                                                          "accepts a platform fee of 0..2000 bps"),
    (lambda p: p["roles"]["vouchers"].__setitem__("fulfilmnet", p["roles"]["vouchers"].pop("fulfilment")),
     "roles.vouchers.fulfilmnet: vouchers has no role 'fulfilmnet'; did you mean FULFILMENT_ROLE?"),
])
def test_2_bad_inputs_are_refused_and_nothing_is_written(studio, edit, message):
    data = studio.platform()
    edit(data)
    bad = studio.write_platform(data, "bad-platform.yaml")
    checked = studio.ape("check", str(bad), network=False)
    assert checked.code == 2 and message in checked.out, checked.text
    deployed = studio.ape("deploy", "--account", DEPLOYER[0], "--config", str(bad),
                          "--out-dir", str(studio.deployments))
    assert deployed.code == 2 and message in deployed.text, deployed.text
    assert "Traceback" not in deployed.text
    assert not studio.deployments.exists()  # nothing half-written


def test_2b_a_phase_that_already_ended_is_refused(studio):
    path = studio.root / "collections" / "celadon-bowls.yaml"
    good = path.read_text()
    path.write_text(good.replace(f"start: {studio.opens}", "start: 1700000000").replace(
        f"end: {studio.opens + 30 * 86400}", "end: 1700086400"))
    try:
        deployed = studio.ape("deploy", "--account", DEPLOYER[0], "--config", studio.file("platform.yaml"), "--dry-run",
                     "--out-dir", str(studio.deployments))
        assert deployed.code == 2, deployed.text
        assert "phases.public.end: this phase already ended (2023-11-16 06:13 CST (2023-11-15 22:13 UTC))" \
            in deployed.text
    finally:
        path.write_text(good)
    assert not studio.deployments.exists()


def test_3_dry_run_estimates_everything_and_writes_nothing(studio):
    dry = studio.ape("deploy", "--account", DEPLOYER[0], "--config", studio.file("platform.yaml"), "--dry-run",
                     "--out-dir", str(studio.deployments))
    assert dry.code == 0, dry.text
    assert f"Plan for chain {CHAIN_ID} (dry run: nothing sent)" in dry.out and "FAILED" not in dry.out
    assert not studio.deployments.exists()


def test_4_deploy_hands_over_to_the_contract_admin_and_staff_keep_their_role(studio):
    done = studio.ape("deploy", "--account", DEPLOYER[0], "--config", studio.file("platform.yaml"), "--admin", studio.safe,
                      "--out-dir", str(studio.deployments), "--no-verification-inputs")
    assert done.code == 0, done.text
    assert "deployer holds no role on any contract" in done.out
    manifest = studio.manifest()
    assert manifest["complete"] is True and manifest["admin"] == studio.safe and manifest["awaiting"] == []
    vouchers = manifest["contracts"]["vouchers"]
    assert has_role(studio.url, vouchers, "FULFILMENT_ROLE", KILN_STAFF[1])
    assert not has_role(studio.url, vouchers, "FULFILMENT_ROLE", studio.safe)
    for cid, address in manifest["contracts"].items():
        assert has_role(studio.url, address, "DEFAULT_ADMIN_ROLE", studio.safe), cid
        assert not has_role(studio.url, address, "DEFAULT_ADMIN_ROLE", DEPLOYER[1]), cid
    edition = manifest["contracts"]["edition:celadon-bowls"]
    assert call(studio.url, edition, "cap()", returns=("uint256",)) == 10
    assert call(studio.url, edition, "contractURI()", returns=("string",)).startswith("ipfs://")


def test_5_roles_by_name_and_a_change_only_the_safe_may_make(studio):
    listed = studio.ape("roles", "list", "--contract", "vouchers", "--deployment", studio.manifest_path)
    assert listed.code == 0, listed.text
    assert f"FULFILMENT_ROLE          {KILN_STAFF[1]}" in listed.out
    assert f"DEFAULT_ADMIN_ROLE       {studio.safe}" in listed.out and "0x" + "00" * 32 not in listed.out
    artworks = studio.manifest()["contracts"]["artworks"]
    refused = studio.ape("roles", "grant", "--account", DEPLOYER[0], "--contract", "artworks", "curator", CURATOR[1],
                         "--deployment", studio.manifest_path)
    assert refused.code == 2, refused.text
    assert f"{DEPLOYER[1]} does not hold DEFAULT_ADMIN_ROLE on artworks ({artworks})" in refused.text
    assert "Nothing was sent" in refused.text
    assert not has_role(studio.url, artworks, "CURATOR_ROLE", CURATOR[1])
    batch = _batch(refused.text)
    assert batch["chainId"] == str(CHAIN_ID) and batch["meta"]["createdFromSafeAddress"] == studio.safe
    (txn,) = batch["transactions"]
    assert txn["contractMethod"]["name"] == "grantRole" and txn["contractInputsValues"]["account"] == CURATOR[1]
    send_as(studio.url, studio.safe, txn["to"], txn["data"])  # the Safe executes the imported batch
    assert has_role(studio.url, artworks, "CURATOR_ROLE", CURATOR[1])
    listed = studio.ape("roles", "list", "--contract", "artworks", "--deployment", studio.manifest_path)
    curators = next(line for line in listed.out.splitlines() if line.strip().startswith("CURATOR_ROLE"))
    assert CURATOR[1] in curators and studio.safe in curators  # nobody was named: the admin kept it too


def test_6_the_sale_opens_and_a_collector_buys(studio):
    warp(studio.url, studio.opens + 60)
    bought = studio.ape("sale", "mint", "--account", BUYER[0], "--contract", "celadon-bowls", "--quantity", "2",
                        "--deployment", studio.manifest_path)
    assert bought.code == 0, bought.text
    edition = studio.manifest()["contracts"]["edition:celadon-bowls"]
    assert call(studio.url, edition, "balanceOf(address)", (BUYER[1],), ("uint256",)) == 2
    again = studio.ape("sale", "mint", "--account", BUYER[0], "--contract", "celadon-bowls", "--quantity", "1",
                       "--deployment", studio.manifest_path)
    assert again.code == 2 and "Traceback" not in again.text, again.text  # over the per-wallet limit
    assert call(studio.url, edition, "balanceOf(address)", (BUYER[1],), ("uint256",)) == 2


# The second drop's steps on contracts the Safe owns: points for its sales, its tokens made into fired
# pieces, and its auction wins earning points.
FOR_THE_SAFE = ["auction:register:edition:crackle-vases", "edition:crackle-vases:recorder-role",
                "vouchers:range:crackle-vases"]


def test_7_second_drop_on_the_handed_over_platform(studio):
    studio.add_drop("crackle-vases", [1, 2, 3], (200, 190, 160))
    checked = studio.ape("check", studio.file("platform.yaml"), network=False)
    assert checked.code == 0, checked.text
    dry = studio.ape("deploy", "--account", DEPLOYER[0], "--config", studio.file("platform.yaml"), "--dry-run",
                     "--out-dir", str(studio.deployments))
    assert dry.code == 0, dry.text
    assert "edition:crackle-vases:recorder-role: needs DEFAULT_ADMIN_ROLE on points" in dry.out
    assert "vouchers:range:crackle-vases: needs ISSUER_ROLE on vouchers" in dry.out
    assert "auction:register:edition:crackle-vases: needs DEFAULT_ADMIN_ROLE on auction" in dry.out
    first = studio.ape("deploy", "--account", DEPLOYER[0], "--config", studio.file("platform.yaml"),
                       "--out-dir", str(studio.deployments), "--no-verification-inputs")
    assert first.code == 0, first.text
    assert "3 step(s) were NOT sent" in first.out
    manifest = studio.manifest()
    c = manifest["contracts"]
    assert manifest["complete"] is False
    assert sorted(manifest["awaiting"]) == FOR_THE_SAFE
    assert not has_role(studio.url, c["points"], "PURCHASE_RECORDER_ROLE", c["edition:crackle-vases"])
    # The new edition is handed over like the rest.
    assert has_role(studio.url, c["edition:crackle-vases"], "DEFAULT_ADMIN_ROLE", studio.safe)
    assert not has_role(studio.url, c["edition:crackle-vases"], "DEFAULT_ADMIN_ROLE", DEPLOYER[1])

    batch = json.loads(open(manifest["safe_batch"], encoding="utf-8").read())
    for txn in batch["transactions"]:
        send_as(studio.url, studio.safe, txn["to"], txn["data"])
    rerun = studio.ape("deploy", "--account", DEPLOYER[0], "--config", studio.file("platform.yaml"),
                       "--out-dir", str(studio.deployments), "--no-verification-inputs")
    assert rerun.code == 0, rerun.text
    assert "0 transaction(s) this run" in rerun.out
    manifest = studio.manifest()
    assert manifest["complete"] is True and manifest["awaiting"] == []
    assert {manifest["steps"][s]["executed_by"] for s in FOR_THE_SAFE} == {"multisig"}
    assert has_role(studio.url, c["points"], "PURCHASE_RECORDER_ROLE", c["edition:crackle-vases"])
