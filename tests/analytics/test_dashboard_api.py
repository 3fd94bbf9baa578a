"""The issuer dashboard's API as the platform service serves it (/api/v1/analytics): one Sign-In with
Ethereum by a DEFAULT_ADMIN_ROLE holder opens a session for every report; everything else is a
bilingual problem. On SQLite and on PostgreSQL, the service's database being the analytics one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from starlette.testclient import TestClient

from gaoling.analytics.reports import REPORTS
from gaoling.service import ServiceConfig, build_context, create_app

HOST = "studio.test"
BASE = "/api/v1/analytics"
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def client(sample, project, chain, engine):
    svc = build_context(ServiceConfig(deployment=sample.manifest_path), project, chain.provider, engine=engine)
    app = create_app(svc, include_web=False)
    with TestClient(app, base_url=f"http://{HOST}") as c:
        c.gate = app.state.analytics_gate
        yield c


def siwe(client, account, chain_id: int, *, host: str = HOST, issued: datetime | None = None,
         expires: datetime | None = None) -> dict:
    """A sign-in as the dashboard makes it: a single-use nonce from the service, then personal_sign."""
    from siwe import SiweMessage

    nonce = client.get("/api/v1/siwe/nonce").json()["nonce"]
    issued = issued or datetime.now(timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    message = SiweMessage(domain=host, address=account.address, statement="Sign in to the Gaoling studio dashboard.",
                          uri=f"http://{host}/dashboard", version="1", chain_id=chain_id, nonce=nonce,
                          issued_at=issued.strftime(fmt),
                          expiration_time=expires.strftime(fmt) if expires else None).prepare_message()
    signature = Account.sign_message(encode_defunct(text=message), private_key=account.private_key).signature.hex()
    return {"message": message, "signature": "0x" + signature.removeprefix("0x")}


def personal_sign(account, message: str) -> str:
    signature = Account.sign_message(encode_defunct(text=message), private_key=account.private_key).signature.hex()
    return "0x" + signature.removeprefix("0x")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_admin_signs_in_once_and_reads_every_report_as_the_cli_does(sample, make_indexer, engine, client, accounts,
                                                                    tmp_path):
    make_indexer().sync()
    admin = accounts[0]  # the sample's deployer: DEFAULT_ADMIN_ROLE on every contract
    signed = client.post(f"{BASE}/session", json=siwe(client, admin, sample.chain_id))
    assert signed.status_code == 201, signed.text
    session = signed.json()
    assert session["address"] == admin.address and session["tokenType"] == "Bearer"
    headers = bearer(session["token"])
    listing = client.get(f"{BASE}/reports", headers=headers).json()
    assert [r["name"] for r in listing["reports"]] == list(REPORTS)
    assert listing["synced"]["contracts"] == len(json.loads(sample.manifest_path.read_text())["contracts"])
    assert listing["synced"]["throughBlock"] >= sample.last_block
    for name in REPORTS:  # one sign-in, every report: the numbers `ape run analytics report` writes
        got = client.get(f"{BASE}/reports/{name}", headers=headers)
        assert got.status_code == 200, got.text
        data = got.json()
        assert all(item.pop("key") for item in (*data["charts"], *data["tables"]))
        assert all(len(table.pop("columnKeys")) == len(table["columns"]) for table in data["tables"])
        assert data == json.loads(json.dumps(REPORTS[name](engine).to_json()))
    sales = client.get(f"{BASE}/reports/sales", headers=headers).json()
    editions = sample.of_type("GaolingEdition")
    assert int(sales["totals"]["revenue_wei"]) >= sum(e.totalReceived() for e in editions) > 0
    # Signing out ends the session.
    assert client.delete(f"{BASE}/session", headers=headers).status_code == 204
    gone = client.get(f"{BASE}/reports", headers=headers)
    assert gone.status_code == 401 and gone.json()["field"] == "Authorization"


def test_a_wallet_without_the_admin_role_gets_403_naming_the_field(sample, client, accounts):
    outsider = accounts[9]
    refused = client.post(f"{BASE}/session", json=siwe(client, outsider, sample.chain_id), headers=ZH)
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["code"] == "forbidden" and problem["field"] == "message"
    assert "DEFAULT_ADMIN_ROLE" in problem["detail_en"] and outsider.address in problem["detail_en"]
    assert "管理员" in problem["detail"] and refused.headers["content-type"].startswith("application/problem+json")


def test_a_contract_wallet_admin_signs_in_through_erc1271(sample, client, accounts, project):
    """After a handover the admin is a Safe: its owner's signature, checked by isValidSignature."""
    admin, owner = accounts[0], accounts[6]
    wallet = project.ContractWallet.deploy(owner, sender=admin)
    sample.contracts["vouchers"].grantRole(b"\x00" * 32, wallet, sender=admin)

    class AsWallet:  # the sign-in names the wallet's address; its owner's key signs
        address = wallet.address
        private_key = owner.private_key

    signed = client.post(f"{BASE}/session", json=siwe(client, AsWallet, sample.chain_id))
    assert signed.status_code == 201, signed.text
    assert signed.json()["address"] == wallet.address
    assert client.get(f"{BASE}/reports", headers=bearer(signed.json()["token"])).status_code == 200

    class Stranger:  # another key: the wallet refuses it
        address = wallet.address
        private_key = accounts[9].private_key

    refused = client.post(f"{BASE}/session", json=siwe(client, Stranger, sample.chain_id))
    assert refused.status_code == 401 and refused.json()["field"] == "signature"


def test_an_admin_whose_role_is_revoked_loses_the_open_session(sample, client, accounts):
    vouchers = sample.contracts["vouchers"]
    admin, deputy = accounts[0], accounts[7]
    vouchers.grantRole(b"\x00" * 32, deputy, sender=admin)
    token = client.post(f"{BASE}/session", json=siwe(client, deputy, sample.chain_id)).json()["token"]
    assert client.get(f"{BASE}/reports", headers=bearer(token)).status_code == 200
    vouchers.revokeRole(b"\x00" * 32, deputy, sender=admin)
    revoked = client.get(f"{BASE}/reports/sales", headers=bearer(token))
    assert revoked.status_code == 403 and revoked.json()["field"] == "Authorization"


def test_missing_garbled_or_expired_proof_is_401(sample, client, accounts):
    admin, other = accounts[0], accounts[9]
    missing = client.get(f"{BASE}/reports", headers=ZH)
    assert missing.status_code == 401 and missing.json()["field"] == "Authorization"
    assert missing.headers["www-authenticate"].startswith("Bearer") and "登录" in missing.json()["detail"]
    for header in ("Bearer", "Basic YWRtaW46YWRtaW4=", "Bearer not-a-session-token"):
        garbled = client.get(f"{BASE}/reports/sales", headers={"Authorization": header})
        assert garbled.status_code == 401 and garbled.json()["code"] == "unauthorized", header

    def refused(body: dict, field: str, code: str) -> None:
        r = client.post(f"{BASE}/session", json=body, headers=ZH)
        assert r.status_code == 401, r.text
        assert (r.json()["field"], r.json()["code"]) == (field, code)
        assert r.json()["detail"] != r.json()["detail_en"]  # the Chinese text for a zh-CN client

    good = siwe(client, admin, sample.chain_id)
    refused({**good, "message": "studio.test wants you to sign in\nnot really"}, "message", "invalid-field")
    refused({**good, "signature": siwe(client, other, sample.chain_id)["signature"]}, "signature", "bad-signature")
    refused({**good, "signature": "0x" + "00" * 65}, "signature", "bad-signature")
    refused(siwe(client, admin, sample.chain_id, host="phish.example"), "message", "forbidden")
    refused(siwe(client, admin, sample.chain_id + 1), "message", "wrong-chain")
    stale = datetime.now(timezone.utc) - timedelta(minutes=20)
    refused(siwe(client, admin, sample.chain_id, issued=stale), "message", "expired")
    refused(siwe(client, admin, sample.chain_id, expires=datetime.now(timezone.utc) - timedelta(seconds=5)), "signature",
            "bad-signature")
    # One signed sign-in opens one session: its nonce is spent, so the same message again is refused.
    assert client.post(f"{BASE}/session", json=good).status_code == 201
    again = client.post(f"{BASE}/session", json=good)
    assert again.status_code == 401 and again.json()["code"] == "sign-in-again"
    assert again.headers["www-authenticate"].startswith("Bearer")
    unissued = siwe(client, admin, sample.chain_id)
    unissued_message = unissued["message"].replace(unissued["message"].split("Nonce: ")[1].split("\n")[0], "k3y9Qw2LmN8pXr4T")
    forged = {"message": unissued_message,
              "signature": personal_sign(admin, unissued_message)}
    refused(forged, "message", "sign-in-again")  # a nonce the service never issued
    # A session past its lifetime is refused (the gate's clock moved past it).
    token = client.post(f"{BASE}/session", json=siwe(client, admin, sample.chain_id)).json()["token"]
    assert client.get(f"{BASE}/reports", headers=bearer(token)).status_code == 200
    later = client.gate.clock() + client.gate.session_seconds + 1
    client.gate.clock = lambda: later
    expired = client.get(f"{BASE}/reports", headers=bearer(token))
    assert expired.status_code == 401 and expired.json()["code"] == "expired"


def test_an_unknown_report_is_a_404_problem(sample, client, accounts):
    token = client.post(f"{BASE}/session", json=siwe(client, accounts[0], sample.chain_id)).json()["token"]
    missing = client.get(f"{BASE}/reports/dealers", headers={**bearer(token), **ZH})
    assert missing.status_code == 404
    problem = missing.json()
    assert problem["code"] == "not-found" and problem["field"] == "name"
    assert "one of sales, royalties, holders, network, fans, kiln" in problem["detail_en"]
    assert "没有名为" in problem["detail"]
