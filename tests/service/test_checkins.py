"""Gasless check-ins over HTTP: intake checks, idempotency, and the relayer taking them to the chain."""

from __future__ import annotations

import json

import pytest

from gaoling.fan.checkin import sign_check_in

from tests.service.conftest import make_service


def body(signed) -> dict:
    return json.loads(signed.to_json())


def ledger_of(svc):
    return svc.platform.get("points")


def test_checkin_accepted_relayed_and_confirmed(client, svc, members):
    ledger = ledger_of(svc)
    ids = []
    for m in members[:3]:
        r = client.post("/api/v1/checkins", json=body(sign_check_in(m, ledger)))
        assert r.status_code == 202, r.text
        assert r.headers["location"] == r.json()["statusUrl"]
        ids.append(r.json()["id"])
        assert client.get(r.json()["statusUrl"]).json()["status"] == "queued"
    import time

    time.sleep(0.06)
    assert svc.relayer.step()            # takes the batch, records, broadcasts
    sent = client.get(f"/api/v1/messages/{ids[0]}").json()
    assert sent["status"] == "sent" and sent["txHash"].startswith("0x")
    svc.relayer.step()                   # reconciles: receipt -> confirmed
    for mid, m in zip(ids, members):
        got = client.get(f"/api/v1/messages/{mid}").json()
        assert got["status"] == "confirmed", got
        assert got["result"]["points"] == 10
        assert ledger.pointsOf(m.address) == 10
    member = client.get(f"/api/v1/members/{members[0].address}").json()
    assert member["points"] == 10 and member["checkIn"]["streak"] == 1 and member["checkIn"]["checkedInToday"]


def test_duplicate_post_is_idempotent(client, svc, members):
    signed = sign_check_in(members[0], ledger_of(svc))
    first = client.post("/api/v1/checkins", json=body(signed))
    second = client.post("/api/v1/checkins", json=body(signed))
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["duplicate"] is True


@pytest.mark.parametrize("lang,title", [("en", "Signed for another day"), ("zh-CN,zh;q=0.9,en;q=0.5", "签名日期不符")])
def test_wrong_day_is_422_problem_in_both_languages(client, svc, members, lang, title):
    ledger = ledger_of(svc)
    yesterday = int(ledger.today()) - 1
    r = client.post("/api/v1/checkins", json=body(sign_check_in(members[0], ledger, yesterday)),
                    headers={"Accept-Language": lang})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    p = r.json()
    assert p["code"] == "wrong-day" and p["field"] == "day" and p["title"] == title and p["status"] == 422


def test_wrong_chain_and_contract(client, svc, members):
    signed = body(sign_check_in(members[0], ledger_of(svc)))
    r = client.post("/api/v1/checkins", json={**signed, "chainId": 1})
    assert r.status_code == 422 and r.json()["code"] == "wrong-chain" and r.json()["field"] == "chainId"
    other = str(svc.platform.get("coupons").address)
    r = client.post("/api/v1/checkins", json={**signed, "ledger": other})
    assert r.status_code == 422 and r.json()["code"] == "wrong-contract" and r.json()["field"] == "ledger"


def test_signature_by_someone_else(client, svc, members):
    signed = body(sign_check_in(members[0], ledger_of(svc)))
    r = client.post("/api/v1/checkins", json={**signed, "member": members[1].address})
    assert r.status_code == 422
    assert r.json()["code"] == "bad-signature" and r.json()["field"] == "signature"
    assert members[1].address in r.json()["detail"]


def test_malformed_json_wrong_types_oversized_and_media_type(client, svc, members):
    r = client.post("/api/v1/checkins", content=b'{"member": ', headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "malformed-json"
    signed = body(sign_check_in(members[0], ledger_of(svc)))
    r = client.post("/api/v1/checkins", json={**signed, "day": "today"})
    assert r.status_code == 422 and r.json()["field"] == "day"
    r = client.post("/api/v1/checkins", json={**signed, "signature": "0x1234"})
    assert r.status_code == 422 and r.json()["field"] == "signature"
    r = client.post("/api/v1/checkins", json={**signed, "member": "0xnothex"})
    assert r.status_code == 422 and r.json()["field"] == "member"
    r = client.post("/api/v1/checkins", content=b"x" * 20_000, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body-too-large"
    r = client.post("/api/v1/checkins", content=json.dumps(signed), headers={"content-type": "text/plain"})
    assert r.status_code == 415 and r.json()["field"] == "content-type"
    r = client.get("/api/v1/messages/nothex")
    assert r.status_code == 422 and r.json()["field"] == "message_id"
    r = client.get("/api/v1/messages/" + "0" * 32)
    assert r.status_code == 404 and r.json()["code"] == "not-found"


def test_already_checked_in_on_chain_is_rejected_before_gas(client, svc, members, accounts):
    ledger = ledger_of(svc)
    signed = sign_check_in(members[0], ledger)
    ledger.relayCheckIns(signed.day, [signed.as_call_arg()], sender=accounts[0])  # credited elsewhere
    mid = client.post("/api/v1/checkins", json=body(signed)).json()["id"]
    import time

    time.sleep(0.06)
    nonce = accounts[5].nonce
    svc.relayer.step()
    got = client.get(f"/api/v1/messages/{mid}").json()
    assert got["status"] == "rejected" and got["reason"] == "already checked in today"
    assert accounts[5].nonce == nonce  # no transaction was sent for it


def test_rate_limit_per_address(project, chain, deployment, sqlite_url, members):
    from starlette.testclient import TestClient

    from gaoling.service import create_app

    svc = make_service(project, chain, deployment, sqlite_url, rate_per_address=2)
    with TestClient(create_app(svc, include_web=False)) as c:
        signed = body(sign_check_in(members[0], svc.platform.get("points")))
        assert c.post("/api/v1/checkins", json=signed).status_code == 202
        assert c.post("/api/v1/checkins", json=signed).status_code == 202
        r = c.post("/api/v1/checkins", json=signed)
        assert r.status_code == 429 and r.json()["code"] == "rate-limited" and "retry-after" in r.headers
