"""A collector's whole path through the service, on the deployed platform: allowlist mint, the firing
quiz graded on the server (passes signed by the attester), the certificate, a voucher, a gasless
coupon exchange, shipping intake with the commitment used in redeem, and the staff read (SIWE +
FULFILMENT_ROLE). Each step's bad inputs are checked next to it."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from starlette.testclient import TestClient

from gaoling import signing
from gaoling.fan import sign_exchange
from gaoling.quiz import load_bank
from gaoling.service import create_app
from gaoling.service.auth import QUIZ_START_TYPES, SHIPPING_TYPES

from tests.service.conftest import make_service

SLUG = "jingdezhen-blue-and-white"
DETAILS = {"name": "王小明", "phone": "+86 138 0013 8000", "address": "莲社北路 1 号", "city": "景德镇",
           "postcode": "333000", "country": "CN"}


@pytest.fixture
def app_client(project, chain, deployment, sqlite_url, monkeypatch):
    from cryptography.fernet import Fernet

    monkeypatch.setenv("GAOLING_SHIPPING_KEY", Fernet.generate_key().decode())
    svc = make_service(project, chain, deployment, sqlite_url, attester_account="TEST::8")
    with TestClient(create_app(svc, include_web=False), base_url="http://studio.test") as c:
        yield svc, c


def sign712(account, domain, primary, types, message) -> str:
    return "0x" + signing.sign(account, domain, primary, types, message).hex()


def correct_positions(attempt: dict) -> list[int]:
    bank = load_bank()
    out = []
    for q in attempt["questions"]:
        bq = bank.by_id(q["id"])
        right = bq.choices[bq.answer].get(attempt["lang"])
        out.append(q["choices"].index(right))
    return out


def siwe_message(address: str, chain_id: int, nonce: str, host: str = "studio.test") -> str:
    from siwe import SiweMessage

    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return SiweMessage(domain=host, address=address, statement="Gaoling staff sign-in", uri=f"http://{host}/staff",
                       version="1", chain_id=chain_id, nonce=nonce, issued_at=now).prepare_message()


def staff_sign_in(client, account, chain_id: int) -> dict:
    """What the staff wallet sends: a SIWE message with a fresh nonce from the service, signed."""
    nonce = client.get("/api/v1/siwe/nonce").json()["nonce"]
    message = siwe_message(account.address, chain_id, nonce)
    sig = Account.sign_message(encode_defunct(text=message), private_key=account.private_key).signature.hex()
    return {"message": message, "signature": "0x" + sig.removeprefix("0x")}


def test_collector_journey(sale_open, app_client, accounts):
    svc, client = app_client
    alice = accounts[1]
    chain_id = svc.platform.chain_id
    cert_domain = svc.platform.domains["certificate"]

    # quiz: questions in Chinese, no answers; graded on the server
    now = int(time.time())
    start = {"holder": alice.address, "issuedAt": now,
             "signature": sign712(alice, cert_domain, "QuizStart", QUIZ_START_TYPES,
                                  {"holder": alice.address, "issuedAt": now})}
    bad = client.post("/api/v1/quiz/attempts", json={**start, "holder": accounts[2].address})
    assert bad.status_code == 422 and bad.json()["code"] == "bad-signature"
    r = client.post("/api/v1/quiz/attempts", json=start, headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 201, r.text
    attempt = r.json()
    assert attempt["lang"] == "zh-CN" and len(attempt["questions"]) == 10
    assert "answer" not in r.text and "order" not in attempt and "explanation" not in r.text
    again = client.post("/api/v1/quiz/attempts", json=start)
    assert again.status_code == 429 and again.json()["code"] == "cooldown" and again.json()["field"] == "holder"
    retry_at = again.json()["retryAt"]
    assert retry_at == attempt["startedAt"] + 3600  # metadata/quiz/firing-process.yaml: cooldown_seconds
    wrong_count = client.post(f"/api/v1/quiz/attempts/{attempt['attemptId']}/answers", json={"answers": [0]})
    assert wrong_count.status_code == 422 and wrong_count.json()["field"] == "answers"
    graded = client.post(f"/api/v1/quiz/attempts/{attempt['attemptId']}/answers",
                         json={"answers": correct_positions(attempt)})
    assert graded.status_code == 200 and graded.json()["passed"] is True
    assert graded.json()["retryAt"] == retry_at  # the result says when the next attempt may start
    attestation = graded.json()["attestation"]
    twice = client.post(f"/api/v1/quiz/attempts/{attempt['attemptId']}/answers",
                        json={"answers": correct_positions(attempt)})
    assert twice.status_code == 409 and twice.json()["code"] == "already-graded"
    qp = attestation["quiz_pass"]
    certificate = svc.platform.get("certificate")
    certificate.mint((qp["holder"], qp["quiz_version"], qp["score"], qp["expiry"], qp["nonce"]),
                     bytes.fromhex(attestation["signature"][2:]), sender=alice)
    assert client.get(f"/api/v1/members/{alice.address}").json()["certificate"]["tokenId"] == 1

    # a piece (allowlist proof from the service), then a voucher for it
    proof = client.get(f"/api/v1/collections/{SLUG}/allowlist/{alice.address}").json()
    edition = svc.platform.editions()[SLUG]
    edition.mintAllowlist(1, proof["allowance"], proof["proof"], sender=alice, value=10**16)
    vouchers = svc.platform.get("vouchers")
    vouchers.buy(edition.address, 1, sender=alice, value=vouchers.price() if hasattr(vouchers, "price") else 10**17)
    voucher_id = int(vouchers.totalIssued())

    # gasless coupon exchange: 120 points from two purchases buy one transparent-glaze coupon
    coupons = svc.platform.get("coupons")
    signed = sign_exchange(alice, coupons, 1, 1)
    exchange = {"member": alice.address, "glazeId": 1, "amount": 1, "maxPoints": signed.max_points, "nonce": signed.nonce,
                "deadline": signed.deadline, "signature": "0x" + signed.signature.hex(),
                "coupons": str(coupons.address), "chainId": chain_id}
    r = client.post("/api/v1/exchanges", json=exchange)
    assert r.status_code == 202, r.text
    assert client.post("/api/v1/exchanges", json={**exchange, "deadline": 5}).json()["code"] in ("bad-signature", "expired")
    svc.relayer.step()
    svc.relayer.step()
    got = client.get(r.json()["statusUrl"]).json()
    assert got["status"] == "confirmed", got
    assert int(coupons.balanceOf(alice.address, 1)) == 1
    replay = client.post("/api/v1/exchanges", json=exchange)
    assert replay.status_code == 409 and replay.json()["code"] == "replayed" and replay.json()["field"] == "nonce"

    # shipping intake: only the holder; fields validated; commitment used by redeem
    v_domain = svc.platform.domains["vouchers"]

    def intake(signer, holder, details):
        now = int(time.time())
        sig = sign712(signer, v_domain, "ShippingIntake", SHIPPING_TYPES,
                      {"holder": holder, "voucherId": voucher_id, "issuedAt": now})
        return client.post("/api/v1/shipping", json={"voucherId": voucher_id, "holder": holder, "issuedAt": now,
                                                     "signature": sig, "details": details})

    bob = accounts[2]
    r = intake(bob, bob.address, DETAILS)
    assert r.status_code == 403 and r.json()["code"] == "not-holder" and r.json()["field"] == "voucherId"
    r = intake(alice, alice.address, {**DETAILS, "phone": "1"})
    assert r.status_code == 422 and r.json()["field"] == "details.phone"
    first = intake(alice, alice.address, {**DETAILS, "city": "南昌"})
    assert first.status_code == 201
    second = intake(alice, alice.address, DETAILS)
    commitment = second.json()["commitment"]
    vouchers.redeem(voucher_id, 1, bytes.fromhex(commitment[2:]), sender=alice)
    states = client.get(f"/api/v1/shipping/{voucher_id}").json()["submissions"]
    assert [s["state"] for s in states] == ["superseded", "confirmed"]  # the first is kept as history

    # staff read: SIWE (single-use nonce) by an account with FULFILMENT_ROLE
    admin = accounts[0]
    sign_in = staff_sign_in(client, admin, chain_id)
    r = client.post(f"/api/v1/staff/shipping/{voucher_id}", json=sign_in)
    assert r.status_code == 200, r.text
    assert r.json()["details"]["city"] == "景德镇" and r.json()["commitment"] == commitment
    assert r.json()["readBy"] == admin.address
    replay = client.post(f"/api/v1/staff/shipping/{voucher_id}", json=sign_in, headers={"Accept-Language": "zh-CN"})
    assert replay.status_code == 401 and replay.json()["code"] == "sign-in-again"
    assert replay.json()["field"] == "message" and "重新登录" in replay.json()["detail"]
    assert "景德镇" not in replay.text
    r = client.post(f"/api/v1/staff/shipping/{voucher_id}", json=staff_sign_in(client, accounts[9], chain_id))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
