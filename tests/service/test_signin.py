"""Sign-In with Ethereum for role-gated reads, on SQLite and PostgreSQL: nonces issued by the service
are single-use and expire, and `require_siwe_role` (the dependency the staff read and the analytics
dashboard mount) checks domain, chain, signature, nonce and the on-chain role."""

import threading
import time
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi import Depends
from starlette.testclient import TestClient

from gaoling.service import create_app
from gaoling.service.auth import SiweSignIn, consume_nonce, issue_nonce, require_siwe_role
from gaoling.service.models import siwe_nonces

from tests.service.conftest import make_service

HOST = "studio.test"


@pytest.fixture
def gated(project, chain, deployment, database_url):
    """The real app, plus one route behind DEFAULT_ADMIN_ROLE on the points ledger, mounted the way
    another part of the platform mounts it."""
    svc = make_service(project, chain, deployment, database_url, relayer_account=None)
    app = create_app(svc, include_web=False)

    @app.post("/api/v1/test/admin-only")
    def admin_only(who: SiweSignIn = Depends(require_siwe_role("points", "DEFAULT_ADMIN_ROLE"))) -> dict:
        return {"address": who.address, "role": who.role, "contract": who.contract}

    with TestClient(app, base_url=f"http://{HOST}") as c:
        yield svc, c
    svc.engine.dispose()


def sign_in(account, chain_id: int, nonce: str, *, domain: str = HOST, signer=None) -> dict:
    from siwe import SiweMessage

    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    text = SiweMessage(domain=domain, address=account.address, statement="Gaoling sign-in", uri=f"http://{domain}/",
                       version="1", chain_id=chain_id, nonce=nonce, issued_at=now).prepare_message()
    key = (signer or account).private_key
    sig = Account.sign_message(encode_defunct(text=text), private_key=key).signature.hex()
    return {"message": text, "signature": "0x" + sig.removeprefix("0x")}


def test_nonce_endpoint_issues_distinct_single_use_nonces(gated):
    svc, client = gated
    first, second = client.get("/api/v1/siwe/nonce"), client.get("/api/v1/siwe/nonce")
    assert first.status_code == second.status_code == 200
    assert first.headers["cache-control"] == "no-store"
    a, b = first.json(), second.json()
    assert a["nonce"] != b["nonce"] and len(a["nonce"]) == 32 and a["nonce"].isalnum()
    assert a["domain"] == HOST and a["chainId"] == svc.platform.chain_id
    assert 0 < a["expiresAt"] - time.time() <= 600


def test_role_sign_in_works_once_then_asks_to_sign_in_again(gated, accounts):
    svc, client = gated
    admin = accounts[0]
    proof = sign_in(admin, svc.platform.chain_id, client.get("/api/v1/siwe/nonce").json()["nonce"])
    r = client.post("/api/v1/test/admin-only", json=proof)
    assert r.status_code == 200, r.text
    assert r.json() == {"address": admin.address, "role": "DEFAULT_ADMIN_ROLE", "contract": "points"}
    for lang, words in (("en", "sign in again"), ("zh-CN", "请重新登录")):
        replay = client.post("/api/v1/test/admin-only", json=proof, headers={"Accept-Language": lang})
        assert replay.status_code == 401, replay.text
        p = replay.json()
        assert p["code"] == "sign-in-again" and p["field"] == "message" and words in p["detail"]


def test_unknown_and_expired_nonces_are_refused(gated, accounts):
    svc, client = gated
    admin, chain_id = accounts[0], svc.platform.chain_id
    r = client.post("/api/v1/test/admin-only", json=sign_in(admin, chain_id, "madeupnonce12345"))
    assert r.status_code == 401 and r.json()["code"] == "sign-in-again"
    nonce = client.get("/api/v1/siwe/nonce").json()["nonce"]
    with svc.engine.begin() as conn:  # ten minutes later
        conn.execute(siwe_nonces.update().where(siwe_nonces.c.nonce == nonce).values(expires_at=time.time() - 1))
    r = client.post("/api/v1/test/admin-only", json=sign_in(admin, chain_id, nonce))
    assert r.status_code == 401 and r.json()["code"] == "sign-in-again" and r.json()["field"] == "message"


def test_wrong_domain_chain_signer_or_role(gated, accounts):
    svc, client = gated
    admin, chain_id = accounts[0], svc.platform.chain_id

    def post(proof):
        return client.post("/api/v1/test/admin-only", json=proof).json()

    def fresh():
        return client.get("/api/v1/siwe/nonce").json()["nonce"]

    p = post(sign_in(admin, chain_id, fresh(), domain="evil.test"))
    assert (p["status"], p["code"], p["field"]) == (403, "forbidden", "message")
    p = post(sign_in(admin, 1, fresh()))
    assert (p["status"], p["code"], p["field"]) == (422, "wrong-chain", "message")
    p = post(sign_in(admin, chain_id, fresh(), signer=accounts[9]))       # claims admin, signed by another
    assert (p["status"], p["code"], p["field"]) == (422, "bad-signature", "signature")
    p = post(sign_in(accounts[9], chain_id, fresh()))
    assert (p["status"], p["code"]) == (403, "forbidden") and "DEFAULT_ADMIN_ROLE" in p["detail"]
    p = post({"message": "hello", "signature": "0x00"})
    assert (p["status"], p["code"], p["field"]) == (422, "invalid-field", "message")
    p = post({"message": "hello"})
    assert (p["status"], p["field"]) == (422, "signature")


def test_contract_wallet_signs_in_through_erc1271(gated, project, accounts):
    svc, client = gated
    owner, admin = accounts[1], accounts[0]
    wallet = project.ContractWallet.deploy(owner, sender=admin)   # a Safe-like account with one owner
    points = svc.platform.get("points")
    points.grantRole(points.DEFAULT_ADMIN_ROLE(), wallet, sender=admin)

    class AsWallet:  # the sign-in names the wallet; its owner's key signs
        address = wallet.address

    def attempt(key_holder):
        nonce = client.get("/api/v1/siwe/nonce").json()["nonce"]
        return client.post("/api/v1/test/admin-only", json=sign_in(AsWallet, svc.platform.chain_id, nonce,
                                                                   signer=key_holder))

    r = attempt(owner)
    assert r.status_code == 200, r.text
    assert r.json()["address"] == wallet.address
    r = attempt(accounts[2])                     # a key the wallet does not accept
    assert r.status_code == 422 and r.json()["code"] == "bad-signature" and r.json()["field"] == "signature"


def test_a_nonce_is_consumed_exactly_once_under_concurrency(gated):
    svc, _ = gated
    nonce, _ = issue_nonce(svc.engine)
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def use() -> None:
        barrier.wait()
        results.append(consume_nonce(svc.engine, nonce))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1 and results.count(False) == 7
    with svc.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(siwe_nonces)
                            .where(siwe_nonces.c.nonce == nonce)).scalar() == 0


def test_role_name_must_be_a_getter_name():
    with pytest.raises(ValueError, match="role_name"):
        require_siwe_role("points", "DEFAULT ADMIN")
