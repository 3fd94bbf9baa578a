"""Every token the platform issues has real metadata: each URI a deployed contract returns is
resolved in the published IPFS store and parsed (issue 12, section 2)."""

from __future__ import annotations

import itertools
import json

import pytest

from gaoling import signing
from gaoling.catalogue import load_catalogue, token_map
from gaoling.catalogue.schemas import CollectionMetadata, TokenMetadata
from gaoling.collection.orders import sign_mint_order
from gaoling.ipfs import FsBlockstore
from gaoling.ipfs import cid as cids
from gaoling.ipfs.pb import T_HAMT, decode_node, decode_unixfs
from gaoling.quiz.attestation import Attester
from gaoling.quiz.certificate import submit
from tests.metadata.conftest import ROOT

EDITION = "edition:jingdezhen-blue-and-white"
CATALOGUE = ROOT / "metadata" / "catalogue" / "catalogue.yaml"
PNG = b"\x89PNG\r\n\x1a\n"
STATUS_NAMES = ["issued", "requested", "in-kiln", "fired", "shipped", "delivered", "failed", "refunded"]


@pytest.fixture(scope="module")
def minted(platform, chain, accounts):
    """Tokens 1..101 minted through signed orders (all of piece 1 and the first of piece 2), each
    within the edition's per-transaction limit."""
    _, contracts = platform
    edition = contracts[EDITION]
    admin, alice = accounts[0], accounts[1]
    step = int(edition.maxMintQuantity()) if hasattr(edition, "maxMintQuantity") else 101
    while (left := 101 - int(edition.totalMinted())) > 0:
        now = int(chain.pending_timestamp)
        order = sign_mint_order(admin, signing.Domain.of(edition), alice.address, min(step, left),
                                expiry=now + 3600, now=now)
        edition.mintWithOrder(order.order.as_struct(), order.signature, sender=admin)
    return edition


def token_uri(edition, token_id):
    """What `tokenURI(token_id)` returns: read from the contract for a minted token; for one not
    minted yet (minting all 10,000 would take most of this suite's time) the contract's own rule,
    baseURI + id, which tests/edition checks against tokenURI."""
    if token_id <= int(edition.totalMinted()):
        return edition.tokenURI(token_id)
    return edition.baseURI() + str(token_id)


def test_every_token_id_has_its_own_file_in_a_hamt_directory(platform, ipfs_store):
    outcome, contracts = platform
    base = contracts[EDITION].baseURI()
    assert base.startswith("ipfs://bafy") and base.endswith("/")
    store = FsBlockstore(ipfs_store)
    root = cids.parse(base.removeprefix("ipfs://").rstrip("/"))
    assert decode_unixfs(decode_node(store.get(root)).data).type == T_HAMT  # sharded, as Kubo shards it
    from gaoling.ipfs.blockstore import list_directory
    assert sorted(map(int, list_directory(store, root))) == list(range(1, 10_001))
    record = outcome.manifest.data["metadata"]["collections"]["jingdezhen-blue-and-white"]
    assert record["tokens"] == 10_000 and record["base_uri"] == base


@pytest.mark.parametrize("token_id, piece, number, size", [
    (1, 1, 1, 100),          # first token of piece 1
    (100, 1, 100, 100),      # last token of piece 1
    (101, 2, 1, 50),         # first token of piece 2 (used to point at a file that did not exist)
    (5_501, 15, 1, 4_500),   # first token of the last piece (not minted: baseURI + id)
    (10_000, 15, 4_500, 4_500),  # the cap (not minted: baseURI + id)
])
def test_edition_token_uri_resolves_to_its_piece_and_number(minted, resolve_json, token_id, piece, number, size):
    meta = resolve_json(token_uri(minted, token_id))
    TokenMetadata.model_validate(meta)
    expected = next(p for p in load_catalogue(CATALOGUE).pieces if p.id == piece)
    mark = f"#{number} / {size}"
    assert meta["name"] == f"{expected.name.en} · {expected.name.zh_cn} {mark}"
    assert meta["properties"]["locales"]["zh-CN"]["name"] == f"{expected.name.zh_cn} {mark}"
    assert meta["properties"]["edition"] == {"kind": expected.edition.kind, "size": size, "number": number,
                                             "piece": piece}
    assert {"display_type": "number", "trait_type": "Edition number", "value": number,
            "max_value": size} in meta["attributes"]
    assert meta["external_url"].endswith(f"/{token_id}")


def test_images_of_tokens_resolve_to_the_piece_image(minted, resolve):
    for token_id in (1, 101, 10_000):
        assert resolve(json.loads(resolve(token_uri(minted, token_id)))["image"]).startswith(PNG)


def test_token_map_is_the_documented_one():
    tmap = token_map(load_catalogue(CATALOGUE), cap=10_000)
    assert [(r.first, r.last) for r in tmap.ranges][:3] == [(1, 100), (101, 150), (151, 350)]
    assert tmap.locate(101)[0].piece.id == 2 and tmap.locate(101)[1] == 1
    assert tmap.ranges[-1].last == 10_000


def test_glaze_coupon_uris_point_at_json(platform, resolve, resolve_json):
    coupons = platform[1]["coupons"]
    count = int(coupons.glazeCount())
    assert count == 4
    for glaze_id in range(1, count + 1):
        uri = coupons.uri(glaze_id)
        assert uri.endswith(f"/{glaze_id}.json") and "{id}" not in uri
        meta = resolve_json(uri)
        zh, en = coupons.glazeName(glaze_id)
        assert meta["name"] == f"{en} · {zh}"
        locales = meta["properties"]["locales"]
        assert locales["zh-CN"]["name"] == zh and locales["en"]["name"] == en
        assert locales["zh-CN"]["description"] and locales["en"]["description"]
        assert resolve(meta["image"]).startswith(PNG)


def test_every_voucher_state_resolves(platform, minted, accounts, chain, resolve, resolve_json):
    _, contracts = platform
    vouchers, coupons, certificate, ledger = (contracts[k] for k in ("vouchers", "coupons", "certificate", "points"))
    admin, alice = accounts[0], accounts[1]
    attester = next(a for a in list(accounts)[:10] if certificate.hasRole(certificate.ATTESTER_ROLE(), a))
    nonces = itertools.count(1)
    signed = Attester(attester, signing.Domain.of(certificate), nonce_source=lambda: next(nonces)).sign(
        alice.address, 1, 9, int(chain.pending_timestamp))
    submit(certificate, signed, admin, check=False)
    ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), admin, sender=admin)
    ledger.recordPurchase(alice.address, 0, 100, sender=admin)
    coupons.exchange(1, 2, sender=alice)

    seen: dict[str, dict] = {}

    def check(vid):
        uri = vouchers.tokenURI(vid)
        status = vouchers.statusName(vouchers.statusOf(vid))
        assert uri.endswith(f"/{status}.json")
        meta = resolve_json(uri)
        assert meta["properties"]["status"] == status
        assert resolve(meta["image"]).startswith(PNG)
        seen[status] = meta

    price = int(vouchers.ranges(minted.address)[0].price)
    ids = []
    for token in (1, 2):
        receipt = vouchers.buy(minted.address, token, value=price, sender=alice)
        vid = int(vouchers.VoucherBought.from_receipt(receipt)[0].tokenId)
        check(vid)
        vouchers.redeem(vid, 1, b"\x11" * 32, sender=alice)
        check(vid)
        vouchers.putInKiln(vid, 7, sender=admin)
        check(vid)
        ids.append(vid)
    failed, fired = ids
    vouchers.markFailed(failed, "glaze crawled", sender=admin)
    check(failed)
    vouchers.refund(failed, sender=admin)
    check(failed)
    vouchers.markFired(fired, "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", sender=admin)
    check(fired)
    vouchers.markShipped(fired, b"\x22" * 32, sender=admin)
    check(fired)
    vouchers.confirmDelivery(fired, sender=alice)
    check(fired)
    assert sorted(seen) == sorted(STATUS_NAMES)
    assert "入窑" in seen["in-kiln"]["name"] and "In the kiln" in seen["in-kiln"]["name"]
    assert seen["fired"]["image"] != seen["issued"]["image"]  # the fired state shows a fired piece


def test_certificate_token_uri_is_not_empty_and_resolves(platform, accounts, chain, resolve_json):
    certificate = platform[1]["certificate"]
    bob = accounts[2]
    attester = next(a for a in list(accounts)[:10] if certificate.hasRole(certificate.ATTESTER_ROLE(), a))
    nonces = itertools.count(1000)
    signed = Attester(attester, signing.Domain.of(certificate), nonce_source=lambda: next(nonces)).sign(
        bob.address, 1, 9, int(chain.pending_timestamp))
    receipt = submit(certificate, signed, accounts[0], check=False)
    token_id = int(certificate.CertificateMinted.from_receipt(receipt)[0].tokenId)
    meta = resolve_json(certificate.tokenURI(token_id))
    assert "烧制工艺证书" in meta["name"] and "Firing Certificate" in meta["name"]


@pytest.mark.parametrize("component, symbol", [
    (EDITION, "GAOLING"), ("artworks", "GLA"), ("coupons", "GLAZE"), ("certificate", "GLFIRE"),
    ("vouchers", "GLVOUCHER"),
])
def test_every_token_contract_has_erc7572_json(platform, resolve, resolve_json, component, symbol):
    contract = platform[1][component]
    uri = contract.contractURI()
    assert uri.startswith("ipfs://")
    meta = resolve_json(uri)
    CollectionMetadata.model_validate({"collaborators": [], **meta})
    assert meta["symbol"] == symbol and " · " in meta["name"]
    assert set(meta["properties"]["locales"]) == {"en", "zh-CN"}
    assert resolve(meta["image"]).startswith(PNG)


def test_one_of_one_works_are_published_apart_from_the_edition(platform, resolve_json):
    outcome, _ = platform
    works = outcome.manifest.data["metadata"]["collections"]["jingdezhen-blue-and-white"]["works"]
    assert sorted(works, key=int) == ["1", "2", "3", "4", "5"]
    names = {resolve_json(uri)["properties"]["locales"]["en"]["name"] for uri in works.values()}
    assert "Langyao red jar" in names
    edition_names = {p.name.en for p in load_catalogue(CATALOGUE).pieces}
    assert not names & edition_names  # a 1/1 is never also an edition token


@pytest.mark.parametrize("component", ["coupons", "vouchers"])
def test_new_contract_uri_setters_are_admin_only_and_emit_erc7572(platform, accounts, component):
    import ape

    contract = platform[1][component]
    stranger = accounts[7]
    with ape.reverts(contract.AccessControlUnauthorizedAccount):
        contract.setContractURI("https://attacker.example/x.json", sender=stranger)
    tx = contract.setContractURI("https://studio.example/contract.json", sender=accounts[0])
    assert [log.event_name for log in tx.events] == ["ContractURIUpdated"]
    assert contract.contractURI() == "https://studio.example/contract.json"


def test_edition_collection_json_states_the_transfer_rule_the_contract_enforces(platform, resolve_json, chain,
                                                                                 minted):
    """A holding period ends without an ERC-5192 `Unlocked` event (docs/security.md), so the collection
    JSON tells wallets and indexers the rule and names the view that gives each token's unlock time."""
    edition = platform[1][EDITION]
    meta = resolve_json(edition.contractURI())
    CollectionMetadata.model_validate(meta)
    rule = meta["transfer"]
    policies = ["free", "holding-period", "non-transferable", "holding-period-every-transfer"]
    assert rule["policy"] == policies[int(edition.transferPolicy())] == "holding-period"
    assert rule["holdingPeriodSeconds"] == int(edition.holdingPeriod()) > 0
    assert rule["periodStartsAt"] == "mint" and rule["unlocksAt"] == "unlocksAt(uint256)"
    # The rule as stated gives the contract's own answer: the mint's block time + the period.
    mint = next(iter(minted.Transfer.range(0, chain.blocks.height + 1, search_topics={"tokenId": 1})))
    minted_at = int(chain.blocks[mint.block_number].timestamp)
    assert int(minted.unlocksAt(1)) == minted_at + rule["holdingPeriodSeconds"]
    assert bool(minted.locked(1)) is (int(chain.blocks.head.timestamp) < int(minted.unlocksAt(1)))
