"""Catalogue and state endpoints, the allowlist proof (used for a real mint), the IPFS gateway, probes."""

from __future__ import annotations

import io

from gaoling.ipfs import cid as cids
from gaoling.ipfs.car import read_car

SLUG = "jingdezhen-blue-and-white"


def test_chain_parameters_for_wallets(client, svc):
    r = client.get("/api/v1/chain")
    assert r.status_code == 200
    data = r.json()
    assert data["addEthereumChain"]["chainId"] == hex(svc.platform.chain_id)
    assert data["addEthereumChain"]["nativeCurrency"]["decimals"] == 18
    assert data["contracts"]["points"] == str(svc.platform.get("points").address)
    assert data["domains"]["points"]["name"] == "Gaoling Points"


def test_collections_with_supply_phases_prices(client):
    r = client.get("/api/v1/collections")
    assert r.status_code == 200
    (c,) = r.json()
    assert c["slug"] == SLUG and c["cap"] == 10_000 and c["allowlist"] is True
    assert [p["name"] for p in c["phases"]] == ["allowlist", "public"]
    assert c["phases"][0]["priceWei"] == str(10**16) and c["phases"][1]["priceWei"] == str(2 * 10**16)
    assert client.get(f"/api/v1/collections/{SLUG}").json()["symbol"] == "JDZBW"
    r = client.get("/api/v1/collections/nope")
    assert r.status_code == 404 and r.json()["field"] == "slug"


def test_allowlist_proof_mints_and_token_reports_lock(client, svc, accounts, sale_open):
    buyer = accounts[1]
    r = client.get(f"/api/v1/collections/{SLUG}/allowlist/{buyer.address}")
    assert r.status_code == 200
    proof = r.json()
    assert proof["root"] == proof["onChainRoot"]
    edition = svc.platform.editions()[SLUG]
    edition.mintAllowlist(1, proof["allowance"], proof["proof"], sender=buyer, value=10**16)
    token = client.get(f"/api/v1/collections/{SLUG}/tokens/1").json()
    assert token["owner"] == buyer.address
    assert token["locked"] is True and token["unlocksAt"] > 0  # holding period of 180 days
    assert token["metadata"]["name"]
    rewritten = client.get(f"/api/v1/collections/{SLUG}/tokens/1?gateway=true").json()
    assert rewritten["metadata"]["image"].startswith("http://testserver/ipfs/")
    image = client.get(rewritten["metadata"]["image"].removeprefix("http://testserver"))
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/")
    r = client.get(f"/api/v1/collections/{SLUG}/tokens/99")
    assert r.status_code == 404 and r.json()["field"] == "token_id"


def test_allowlist_not_on_list_and_bad_address(client, accounts):
    r = client.get(f"/api/v1/collections/{SLUG}/allowlist/{accounts[9].address}")
    assert r.status_code == 404 and r.json()["code"] == "not-on-allowlist" and r.json()["field"] == "address"
    r = client.get(f"/api/v1/collections/{SLUG}/allowlist/0x12")
    assert r.status_code == 422 and r.json()["field"] == "address"


def test_member_state(client, svc, accounts):
    r = client.get(f"/api/v1/members/{accounts[2].address}")
    assert r.status_code == 200
    m = r.json()
    assert m["points"] == 0 and m["checkIn"]["timezone"].startswith("Asia/Shanghai")
    assert [c["glazeId"] for c in m["coupons"]] == [1, 2, 3, 4]
    assert m["certificate"]["tokenId"] is None and m["vouchers"] == []


def test_auctions_list_and_unknown(client):
    assert client.get("/api/v1/auctions").status_code == 200
    r = client.get("/api/v1/auctions/7")
    assert r.status_code == 404 and r.json()["field"] == "auction_id"


def test_ipfs_gateway_formats(client, svc):
    base = svc.platform.editions()[SLUG].baseURI()            # ipfs://<metadata dir CID>/
    root = base.removeprefix("ipfs://").strip("/")
    listing = client.get(f"/ipfs/{root}")
    assert listing.status_code == 200 and "1" in listing.json()["entries"]
    meta = client.get(f"/ipfs/{root}/1")
    assert meta.status_code == 200 and meta.headers["content-type"] == "application/json"
    assert meta.headers["cache-control"].endswith("immutable")
    assert "sandbox" in meta.headers["content-security-policy"]
    rewritten = client.get(f"/ipfs/{root}/1?rewrite=ipfs").json()
    assert rewritten["image"].startswith("http://testserver/ipfs/")
    raw = client.get(f"/ipfs/{root}?format=raw")
    assert raw.headers["content-type"] == "application/vnd.ipld.raw"
    assert cids.block_matches(cids.parse(root), raw.content)
    car = client.get(f"/ipfs/{root}", headers={"Accept": "application/vnd.ipld.car"})
    assert car.headers["content-type"].startswith("application/vnd.ipld.car")
    roots, blocks = read_car(io.BytesIO(car.content), verify=True)
    assert cids.to_str(roots[0]) == root
    assert len(list(blocks)) >= 2
    r = client.get(f"/ipfs/{root}?format=tar")
    assert r.status_code == 400 and r.json()["field"] == "format"
    r = client.get(f"/ipfs/{root}/no-such-file")
    assert r.status_code == 404 and r.json()["field"] == "path"


def test_ipfs_gateway_is_not_an_open_proxy(client):
    unknown = cids.to_str(cids.raw_cid(b"not published by the platform"))
    r = client.get(f"/ipfs/{unknown}")
    assert r.status_code == 404 and r.json()["field"] == "cid"
    r = client.get("/ipfs/notacid")
    assert r.status_code == 422 and r.json()["field"] == "cid"


def test_probes_metrics_openapi(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert checks["chain"]["ok"] and checks["database"]["ok"] and "lag_seconds" in checks["queue"]
    assert checks["relayer"]["sender"]
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "gaoling_http_requests_total" in metrics.text
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/checkins" in spec["paths"] and "/ipfs/{cid}" in spec["paths"]
    r = client.get("/api/v1/nothing", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["title"] == "未找到"
