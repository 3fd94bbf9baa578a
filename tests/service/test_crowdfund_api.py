"""Crowdfund endpoints on the platform deployed by the deploy engine (metadata/platform.yaml has a
`crowdfund:` section, so the manifest names the crowdfund): campaigns opened, pledged to, ended
and settled through gaoling.crowdfund as `ape run crowdfund` does, read back over HTTP."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from gaoling import crowdfund as cf
from tests.service.conftest import make_service

SLUG = "jingdezhen-blue-and-white"
ETHER = 10**18
DAY = 86_400
DIGITAL = ETHER // 20      # 0.05 ether
FIRED = ETHER // 5         # 0.2 ether
GOAL = ETHER // 2          # 0.5 ether


@pytest.fixture
def crowdfund(svc):
    return svc.platform.get("crowdfund")


@pytest.fixture
def open_campaign(svc, crowdfund, chain, accounts):
    """open_campaign(**overrides) -> id: a digital and a physical tier, the edition's split as payees."""

    def make(**overrides) -> int:
        now = int(chain.pending_timestamp)
        fields = dict(edition=str(svc.platform.editions()[SLUG].address), deadline=now + 7 * DAY, goal=GOAL,
                      wallet_limit=5, tiers=(cf.TierSpec(DIGITAL, 50), cf.TierSpec(FIRED, 10, True)))
        fields.update(overrides)
        return cf.create(crowdfund, svc.platform.editions()[SLUG], cf.CampaignSpec(**fields), accounts[0], now)

    return make


def end(chain, crowdfund, campaign_id: int) -> None:
    """Mines a block one second past the deadline."""
    chain.mine(timestamp=int(crowdfund.campaign(campaign_id).deadline) + 1)


def problem(r, status: int, code: str, field: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code and body["field"] == field and body["status"] == status
    return body


def test_no_campaign_yet_and_bad_ids(client):
    assert client.get("/api/v1/campaigns").json() == []
    body = problem(client.get("/api/v1/campaigns/1"), 404, "not-found", "campaign_id")
    assert "no campaign has been opened yet" in body["detail"]
    zh = problem(client.get("/api/v1/campaigns/1", headers={"Accept-Language": "zh-CN"}), 404, "not-found", "campaign_id")
    assert "众筹 1 不存在" in zh["detail"] and zh["title"] == "未找到" and zh["detail_en"] == body["detail"]
    problem(client.get("/api/v1/campaigns/first"), 422, "invalid-field", "campaign_id")
    problem(client.get("/api/v1/campaigns/first/pledges/0x0000000000000000000000000000000000000001"), 422,
            "invalid-field", "campaign_id")


def test_campaign_goal_progress_deadline_tiers_payees(client, svc, crowdfund, open_campaign, accounts, chain):
    cid = open_campaign()
    cf.pledge(crowdfund, cid, 0, 2, accounts[1], int(chain.pending_timestamp))
    cf.pledge(crowdfund, cid, 1, 1, accounts[2], int(chain.pending_timestamp))
    r = client.get(f"/api/v1/campaigns/{cid}")
    assert r.status_code == 200
    c = r.json()
    assert c["id"] == cid and c["collection"] == SLUG and c["state"] == "funding" and c["outcome"] == "funding"
    assert c["goalWei"] == str(GOAL) and c["raisedWei"] == str(2 * DIGITAL + FIRED) and c["pieces"] == 3
    assert c["progress"] == {"bps": 6000, "percent": 60.0} and c["goalMet"] is False
    deadline = int(crowdfund.campaign(cid).deadline)
    assert c["deadline"]["unix"] == deadline and not c["ended"] and not c["needsFinalize"]
    assert datetime.fromisoformat(c["deadline"]["iso"]).timestamp() == deadline
    assert c["deadline"]["iso"].endswith("+08:00") and c["deadline"]["utc"].endswith("+00:00")
    assert 0 < c["secondsLeft"] <= 7 * DAY + 1
    assert c["walletLimit"] == 5
    assert c["tiers"] == [
        {"index": 0, "priceWei": str(DIGITAL), "cap": 50, "sold": 2, "remaining": 48, "physical": False},
        {"index": 1, "priceWei": str(FIRED), "cap": 10, "sold": 1, "remaining": 9, "physical": True},
    ]
    # Payees: the edition's own split, copied at creation.
    addresses, shares, _ = crowdfund.payees(cid)
    assert [(p["address"], p["bps"]) for p in c["payees"]] == [(str(a), int(b)) for a, b in zip(addresses, shares)]
    assert sum(p["bps"] for p in c["payees"]) == 10_000 and all(p["releasableWei"] == "0" for p in c["payees"])
    assert c["held"] == {"escrowedWei": str(2 * DIGITAL + FIRED), "releasableWei": "0", "refundsOwedWei": "0"}
    (listed,) = client.get("/api/v1/campaigns").json()
    assert listed == c | {"now": listed["now"], "secondsLeft": listed["secondsLeft"]}


def test_pledge_withdraw_then_success_and_claim(client, svc, crowdfund, open_campaign, accounts, chain):
    cid = open_campaign()
    alice, bob = accounts[1], accounts[2]
    url = f"/api/v1/campaigns/{cid}/pledges/{alice.address}"
    empty = client.get(url).json()
    assert empty["amountWei"] == "0" and empty["can"] == {"withdraw": False, "claim": False, "refund": False}
    assert empty["mayPledge"] == 5 and empty["history"] == []

    cf.pledge(crowdfund, cid, 0, 2, alice, int(chain.pending_timestamp))
    mine = client.get(url.lower()).json()   # any case of the address
    assert mine["address"] == alice.address and mine["amountWei"] == str(2 * DIGITAL) and mine["pieces"] == [2, 0]
    assert mine["can"] == {"withdraw": True, "claim": False, "refund": False} and mine["mayPledge"] == 3
    assert [(h["kind"], h["tier"], h["quantity"], h["amountWei"]) for h in mine["history"]] == \
        [("pledged", 0, 2, str(2 * DIGITAL))]

    cf.withdraw(crowdfund, cid, alice, int(chain.pending_timestamp))
    back = client.get(url).json()
    assert back["amountWei"] == "0" and back["can"]["withdraw"] is False
    assert [h["kind"] for h in back["history"]] == ["pledged", "withdrawn"] and back["history"][1]["to"] == alice.address

    cf.pledge(crowdfund, cid, 1, 1, alice, int(chain.pending_timestamp))
    cf.pledge(crowdfund, cid, 1, 2, bob, int(chain.pending_timestamp))     # 0.6 ether: the goal is met
    end(chain, crowdfund, cid)
    ended = client.get(f"/api/v1/campaigns/{cid}").json()
    assert ended["state"] == "funding" and ended["outcome"] == "succeeded" and ended["needsFinalize"] is True
    assert ended["ended"] is True and ended["secondsLeft"] == 0 and ended["progress"]["bps"] == 10_000
    due = client.get(url).json()
    assert due["can"] == {"withdraw": False, "claim": True, "refund": False} and due["claimablePieces"] == 1
    assert due["needsFinalize"] is True and due["mayPledge"] == 0

    first, quantity = cf.claim(crowdfund, cid, alice, int(chain.pending_timestamp))   # finalizes first
    done = client.get(url).json()
    assert done["amountWei"] == "0" and done["can"]["claim"] is False and done["needsFinalize"] is False
    claimed = [h for h in done["history"] if h["kind"] == "claimed"]
    assert [(h["firstTokenId"], h["quantity"]) for h in claimed] == [(first, quantity)]
    settled = client.get(f"/api/v1/campaigns/{cid}").json()
    assert settled["state"] == "succeeded" and settled["held"]["releasableWei"] == str(3 * FIRED)
    assert sum(int(p["releasableWei"]) for p in settled["payees"]) == 3 * FIRED


def test_failed_and_cancelled_campaigns_refund(client, svc, crowdfund, open_campaign, accounts, chain):
    failing = open_campaign()
    cancelled = open_campaign(goal=DIGITAL)
    alice = accounts[3]
    cf.pledge(crowdfund, failing, 0, 1, alice, int(chain.pending_timestamp))
    cf.pledge(crowdfund, cancelled, 0, 1, alice, int(chain.pending_timestamp))
    crowdfund.cancel(cancelled, sender=accounts[0])          # after its goal was met: refunds open

    off = client.get(f"/api/v1/campaigns/{cancelled}/pledges/{alice.address}").json()
    assert off["can"] == {"withdraw": False, "claim": False, "refund": True} and off["refundableWei"] == str(DIGITAL)
    assert client.get(f"/api/v1/campaigns/{cancelled}").json()["held"]["refundsOwedWei"] == str(DIGITAL)

    end(chain, crowdfund, failing)
    c = client.get(f"/api/v1/campaigns/{failing}").json()
    assert c["outcome"] == "failed" and c["needsFinalize"] is True and c["goalMet"] is False
    p = client.get(f"/api/v1/campaigns/{failing}/pledges/{alice.address}").json()
    assert p["can"] == {"withdraw": False, "claim": False, "refund": True} and p["refundableWei"] == str(DIGITAL)

    cf.refund(crowdfund, failing, alice, int(chain.pending_timestamp))
    after = client.get(f"/api/v1/campaigns/{failing}/pledges/{alice.address}").json()
    assert after["refundableWei"] == "0" and after["can"]["refund"] is False
    assert [h["kind"] for h in after["history"]] == ["pledged", "refunded"]
    assert after["history"][1]["amountWei"] == str(DIGITAL)
    assert client.get(f"/api/v1/campaigns/{failing}").json()["state"] == "failed"
    assert [c["state"] for c in client.get("/api/v1/campaigns").json()] == ["failed", "cancelled"]


def test_bad_address_and_unknown_campaign_on_pledges(client, open_campaign, accounts):
    cid = open_campaign()
    for bad in ("0x12", "alice", "0x" + "g" * 40):
        body = problem(client.get(f"/api/v1/campaigns/{cid}/pledges/{bad}"), 422, "invalid-field", "address")
        assert "0x and 40 hex digits" in body["detail"]
    zh = problem(client.get(f"/api/v1/campaigns/{cid}/pledges/0x12", headers={"Accept-Language": "zh"}), 422,
                 "invalid-field", "address")
    assert "不是有效地址" in zh["detail"]
    body = problem(client.get(f"/api/v1/campaigns/{cid + 1}/pledges/{accounts[1].address}"), 404, "not-found",
                   "campaign_id")
    assert f"campaigns 1..{cid} exist" in body["detail"]


def test_a_platform_without_a_crowdfund(project, chain, deployment, sqlite_url, tmp_path):
    manifest = json.loads(deployment.read_text())
    manifest["contracts"].pop("crowdfund")
    path = tmp_path / deployment.name
    path.write_text(json.dumps(manifest))
    service = make_service(project, chain, path, sqlite_url)
    from starlette.testclient import TestClient

    from gaoling.service import create_app

    try:
        with TestClient(create_app(service, include_web=False), raise_server_exceptions=False) as c:
            assert c.get("/api/v1/campaigns").json() == []
            body = problem(c.get("/api/v1/campaigns/1"), 404, "not-found", "campaign_id")
            assert "no crowdfund" in body["detail"]
    finally:
        service.engine.dispose()
