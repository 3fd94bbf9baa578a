"""The studio operator's whole path, through the real CLI (`ape run ...` subprocesses), on a separate
anvil with a chain id of its own standing in for "a real network" (issue 12, acceptance).

One module-scoped journey, in order: the studio's own catalogue with images and configs; the offline
config check; every bad input refused with its message and nothing written; a dry run; the deploy
with handover to a contract-account admin (a Safe stand-in) while the kiln staff named in
platform.yaml keep FULFILMENT_ROLE; a role change the deployer may no longer make, written as a Safe
Transaction Builder batch and executed as the Safe (impersonation); the sale; the fan economy
(gasless check-in, a gasless coupon exchange, the quiz and its certificate); a voucher carried through
the kiln by the kiln staff, with the shipping label only they can open, to delivery and the voucher
revenue; a 1/1 work from the studio's catalogue auctioned and resold, its artist paid a royalty each
time; and a second drop on the handed-over platform, whose steps for the Safe go to a batch and
complete on the rerun. Each leg runs the commands exactly as docs/commands.md gives them and checks
what they print and what changed on chain.
"""

from __future__ import annotations

import json
import re

import pytest
from eth_abi import encode
from eth_utils import to_checksum_address

from tests.fork.chains import start_anvil, stop
from tests.journeys.helpers import (
    ARTIST,
    BIDDER,
    BUYER,
    CHAIN_ID,
    COLLECTOR,
    CURATOR,
    DEPLOYER,
    GALLERY,
    KILN_STAFF,
    QUIZ_ATTESTER,
    STUDIO,
    Studio,
    call,
    deploy_raw,
    has_role,
    rpc,
    send_as,
    warp,
)

ETHER = 10**18


@pytest.fixture(scope="module")
def studio(project, tmp_path_factory):
    proc, url = start_anvil("--chain-id", str(CHAIN_ID))
    try:
        stand_in = project.SafeStandIn.contract_type
        code = stand_in.deployment_bytecode.bytecode
        bytecode = bytes.fromhex(code[2:] if code.startswith("0x") else code) + encode(["address"], [DEPLOYER[1]])
        safe = deploy_raw(url, DEPLOYER[1], bytecode)
        world = Studio(tmp_path_factory.mktemp("studio"), url, safe)
        world.add_drop("celadon-bowls", [2, 2, 2, 2, 2], (120, 170, 150), works=1)
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
    checked, deployed = studio.ape_all(
        ("check", str(bad)),
        ("deploy", "--account", DEPLOYER[0], "--config", str(bad), "--out-dir", str(studio.deployments)))
    assert checked.code == 2 and message in checked.out, checked.text
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
    # The voucher constructor cannot be estimated before the certificate exists: a marked guess, not
    # Ape's dump of the failed call (its bytecode); and no step id or argument is cut short.
    assert "~3,000,000" in dry.out and "tx.origin" not in dry.text and "…" not in dry.out
    assert "edition:celadon-bowls:contract-uri" in dry.out
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
    # The summary is for copying: every address in full, and the 1/1 works' token URIs for `artwork mint`.
    for cid, address in manifest["contracts"].items():
        assert address in done.out and address == to_checksum_address(address), cid
    work = manifest["metadata"]["collections"]["celadon-bowls"]["works"]["1"]
    assert f"celadon-bowls work 1  {work}" in done.out
    assert "…" not in done.out


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


def test_7_check_in_a_gasless_coupon_and_the_quiz(studio):
    """The fan legs as a collector and the platform run them: the collector signs, the platform relays."""
    import yaml

    from gaoling.quiz import load_bank
    from gaoling.quiz.bank import DEFAULT_BANK

    m = ("--deployment", studio.manifest_path)
    c = studio.manifest()["contracts"]
    checkins, answers, attestation = studio.file("checkins.jsonl"), studio.file("answers.yaml"), studio.file("pass.json")
    (studio.root / "answers.yaml").write_text(yaml.safe_dump({q.id: q.answer for q in load_bank(DEFAULT_BANK).questions}))
    signed, taken, listed, help_before = studio.ape_all(
        ("checkin", "sign", "--account", BUYER[0], "--out", checkins, *m),
        ("quiz", "take", "--account", QUIZ_ATTESTER[0], "--holder", BUYER[1], "--answers", answers,
         "--out", attestation, "--store", studio.file("attempts.sqlite3"), *m),
        ("coupons", "list", *m),
        ("coupons", "exchange", "--help"))
    assert signed.code == 0 and f"signed check-in of {BUYER[1]}" in signed.out, signed.text
    assert taken.code == 0 and "10/10 correct" in taken.out and "attestation written to" in taken.out, taken.text
    assert listed.code == 0, listed.text
    assert "透明釉" in listed.out and call(studio.url, c["coupons"], "uri(uint256)", (1,), ("string",)) in listed.out
    assert "…" not in listed.out
    relayed = studio.ape("checkin", "relay", "--account", DEPLOYER[0], checkins, *m)
    assert relayed.code == 0 and "1 credited, 0 skipped" in relayed.out, relayed.text
    # 100 + 2 × 10 for the two bowls bought (platform.yaml's purchase rule), 10 for the check-in.
    assert call(studio.url, c["points"], "pointsOf(address)", (BUYER[1],), ("uint256",)) == 130

    # A gasless exchange exactly as documented: `--sign-only > req.json`, then the relayer sends it.
    request = studio.ape("coupons", "exchange", "--account", BUYER[0], "--glaze", "1", "--sign-only", *m)
    assert request.code == 0, request.text
    (studio.root / "req.json").write_text(request.out)
    exchanged, unknown = studio.ape_all(
        ("coupons", "exchange", "--account", DEPLOYER[0], "--relay", studio.file("req.json"), *m),
        ("coupons", "exchange", "--account", BUYER[0], "--glaze", "9", *m))
    assert exchanged.code == 0 and f"relayed: 1 × glaze 1 to {BUYER[1]}" in exchanged.out, exchanged.text
    assert call(studio.url, c["coupons"], "balanceOf(address,uint256)", (BUYER[1], 1), ("uint256",)) == 1
    assert call(studio.url, c["points"], "pointsOf(address)", (BUYER[1],), ("uint256",)) == 30
    assert unknown.code == 2 and "--glaze: 9 is not a glaze on this platform" in unknown.text, unknown.text
    assert "1 透明釉 Transparent glaze" in unknown.text and "Traceback" not in unknown.text
    assert studio.ape("coupons", "exchange", "--help").out == help_before.out  # no chain read changes --help

    submitted = studio.ape("quiz", "submit", attestation, "--account", BUYER[0], *m)
    assert submitted.code == 0 and f"certificate #1 minted to {BUYER[1]}" in submitted.out, submitted.text
    assert call(studio.url, c["certificate"], "hasCertificate(address)", (BUYER[1],))
    status, again = studio.ape_all(
        ("quiz", "status", BUYER[1], *m),
        ("quiz", "take", "--account", QUIZ_ATTESTER[0], "--holder", BUYER[1], "--answers", answers, *m))
    assert status.code == 0 and "certificate #1, quiz v1, score 100%" in status.out, status.text
    assert again.code == 2 and f"--holder: {BUYER[1]} already holds certificate #1" in again.text, again.text


SHIPPING = {"name": "王小明", "phone": "+86 138 0013 8000", "address": "瓷都大道 1 号", "city": "景德镇",
            "postcode": "333000", "country": "CN"}
DELIVERED = 5  # GaolingVouchers.Status


def test_8_a_voucher_through_the_kiln_with_its_shipping_label(studio):
    """The collector buys and redeems a voucher; the kiln staff named in platform.yaml open its label
    and move it through the kiln; nobody else can open the label; delivery releases the revenue."""
    m = ("--deployment", studio.manifest_path)
    c = studio.manifest()["contracts"]
    store = studio.file("shipping.sqlite3")
    (studio.root / "shipping.json").write_text(json.dumps(SHIPPING, ensure_ascii=False), encoding="utf-8")
    bought = studio.ape("voucher", "buy", "--account", BUYER[0], "--collection", "celadon-bowls", "1", *m)
    assert bought.code == 0, bought.text
    assert f"voucher 1 of {c['vouchers']}" in bought.out and BUYER[1] in bought.out and "issued" in bought.out
    assert "…" not in bought.out  # the token URI in full
    redeemed = studio.ape("voucher", "redeem", "--account", BUYER[0], "1", "--glaze", "1",
                          "--details", studio.file("shipping.json"), "--store", store, *m)
    assert redeemed.code == 0 and "requested" in redeemed.out, redeemed.text
    assert call(studio.url, c["coupons"], "balanceOf(address,uint256)", (BUYER[1], 1), ("uint256",)) == 0

    listed, label, refused = studio.ape_all(
        ("fulfil", "list", *m),
        ("fulfil", "label", "--account", KILN_STAFF[0], "1", "--store", store, *m),
        ("fulfil", "label", "--account", DEPLOYER[0], "1", "--store", store, *m))
    assert listed.code == 0 and "requested" in listed.out and BUYER[1] in listed.out, listed.text
    assert label.code == 0 and "the details match the on-chain commitment" in label.out, label.text
    assert "瓷都大道 1 号" in label.out and "+86 138 0013 8000" in label.out
    assert refused.code == 2, refused.text
    assert f"{DEPLOYER[1]} does not hold FULFILMENT_ROLE on GaolingVouchers {c['vouchers']}" in refused.text
    assert "瓷都大道" not in refused.text  # refused before anything was decrypted

    photo = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
    for step, shows in ((("kiln", "--batch", "7"), "in-kiln"), (("fired", "--photo", photo), "fired"),
                        (("ship", "--tracking", "SF1234567890"), "shipped")):
        moved = studio.ape("fulfil", step[0], "--account", KILN_STAFF[0], "1", *step[1:], *m)
        assert moved.code == 0 and f"voucher 1 of {c['vouchers']}" in moved.out and shows in moved.out, moved.text
    assert "give the holder this salt" in moved.out and "SF1234567890" not in moved.out
    confirmed = studio.ape("voucher", "confirm", "--account", BUYER[0], "1", *m)
    assert confirmed.code == 0 and "delivered" in confirmed.out, confirmed.text
    assert call(studio.url, c["vouchers"], "statusOf(uint256)", (1,), ("uint8",)) == DELIVERED

    before = studio.balance(STUDIO)
    released, report = studio.ape_all(("voucher", "withdraw-revenue", "--account", DEPLOYER[0], *m),
                                      ("fulfil", "report", *m))
    assert released.code == 0 and f"released 0.1 ether to {STUDIO} (100.00%)" in released.out, released.text
    assert studio.balance(STUDIO) - before == ETHER // 10
    assert report.code == 0 and "kiln batches" in report.out, report.text
    assert ["7", "1", "0", "0%"] in [[cell.strip() for cell in line.split("│")[1:5]] for line in report.out.splitlines()]


def test_9_a_1_1_work_is_auctioned_and_its_artist_paid_on_every_sale(studio):
    """A curator mints the catalogue's 1/1 work straight into an auction (the URI the deploy printed);
    two collectors bid; settlement pays the royalty, the platform fee and the seller; the winner resells
    and the artist is paid again."""
    m = ("--deployment", studio.manifest_path)
    c = studio.manifest()["contracts"]
    work_uri = studio.manifest()["metadata"]["collections"]["celadon-bowls"]["works"]["1"]
    master = studio.file("catalogue-celadon-bowls/work-1-master.png")
    minted = studio.ape("artwork", "mint", "--account", CURATOR[0], "--master", master, "--artist", ARTIST,
                        "--royalty-bps", "800", "--cid", work_uri, "--auction", "--seller", GALLERY,
                        "--reserve", "0.5 ether", "--duration", "1h", *m)
    assert minted.code == 0 and "Token #1 minted" in minted.out and "Listed as auction #1" in minted.out, minted.text
    assert call(studio.url, c["artworks"], "tokenURI(uint256)", (1,), ("string",)) == work_uri

    first, twice = studio.ape_all(
        ("auction", "bid", "--account", BIDDER[0], "--auction-id", "1", "--amount", "0.5 ether", *m),
        ("artwork", "mint", "--account", CURATOR[0], "--master", master, "--artist", ARTIST, "--royalty-bps", "800",
         "--cid", work_uri, *m))
    assert first.code == 0 and "Highest bid 0.5 ETH on #1; ends" in first.out and "CST" in first.out, first.text
    assert twice.code == 2 and "already" in twice.text and "Traceback" not in twice.text, twice.text  # once, ever
    low, status = studio.ape_all(
        ("auction", "bid", "--account", COLLECTOR[0], "--auction-id", "1", "--amount", "0.51", *m),
        ("auction", "status", "--auction-id", "1", *m))
    assert low.code == 2 and "--amount: 0.51 ETH is below the minimum bid of 0.525 ETH" in low.text, low.text
    assert status.code == 0 and BIDDER[1] in status.out and "running, 59 minutes" in status.out, status.text
    higher = studio.ape("auction", "bid", "--account", COLLECTOR[0], "--auction-id", "1", "--amount", "0.6 ether", *m)
    assert higher.code == 0, higher.text
    early = studio.ape("auction", "settle", "--account", DEPLOYER[0], "--auction-id", "1", *m)
    assert early.code == 2 and "--auction-id: auction 1 ends at" in early.text and "CST" in early.text, early.text
    assert re.search(r"ends at 20\d\d-\d\d-\d\d \S+ CST \(.*UTC\), in (59 minutes( \d+ seconds)?|1 hour); "
                     r"settle it after that", early.text), early.text

    def settle(auction_id: int, seller: str, price: int) -> str:
        ends = int(rpc(studio.url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16) + 3601
        warp(studio.url, ends)
        before = {who: studio.balance(who) for who in (ARTIST, STUDIO, seller)}
        settled = studio.ape("auction", "settle", "--account", DEPLOYER[0], "--auction-id", str(auction_id), *m)
        assert settled.code == 0, settled.text
        royalty, fee = price * 800 // 10_000, price * 500 // 10_000
        assert studio.balance(ARTIST) - before[ARTIST] == royalty
        assert studio.balance(STUDIO) - before[STUDIO] == fee
        assert studio.balance(seller) - before[seller] == price - royalty - fee
        assert f"{ARTIST}: {royalty / ETHER:g} ETH" in settled.out and f"{STUDIO}: {fee / ETHER:g} ETH" in settled.out
        assert rpc(studio.url, "eth_getBalance", [c["auction"], "latest"]) == "0x0"  # nothing owed, nothing held
        return settled.out

    out = settle(1, GALLERY, 6 * ETHER // 10)
    assert COLLECTOR[1] in out and "0.6 ETH" in out
    assert to_checksum_address(call(studio.url, c["artworks"], "ownerOf(uint256)", (1,), ("address",))) == COLLECTOR[1]

    # The winner resells on the same house: the artist's royalty is paid again.
    resale = studio.ape("auction", "create", "--account", COLLECTOR[0], "--nft", c["artworks"], "--token-id", "1",
                        "--reserve", "1 ether", "--duration", "1h", "--approve", *m)
    assert resale.code == 0 and "Auction #2 created: reserve 1 ETH, runs 1 hour from the first bid" in resale.out, \
        resale.text
    bid = studio.ape("auction", "bid", "--account", BIDDER[0], "--auction-id", "2", "--amount", "1 ether", *m)
    assert bid.code == 0, bid.text
    settle(2, COLLECTOR[1], ETHER)
    assert to_checksum_address(call(studio.url, c["artworks"], "ownerOf(uint256)", (1,), ("address",))) == BIDDER[1]


# The second drop's steps on contracts the Safe owns: points for its sales, its tokens made into fired
# pieces, and its auction wins earning points.
FOR_THE_SAFE = ["auction:register:edition:crackle-vases", "edition:crackle-vases:recorder-role",
                "vouchers:range:crackle-vases"]


def test_10_second_drop_on_the_handed_over_platform(studio):
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
