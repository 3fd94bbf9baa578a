"""The staff page's server half over HTTP: the tracking commitment that markShipped publishes is the
service's (`commit_tracking`, salted, as `ape run fulfil ship` makes it), only for a SIWE sign-in of
a FULFILMENT_ROLE holder and only for a fired voucher."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from starlette.testclient import TestClient

from gaoling.voucher.shipping import commit_tracking

HOST = "studio.test"


def staff_sign_in(client, account, chain_id: int) -> dict:
    from siwe import SiweMessage

    nonce = client.get("/api/v1/siwe/nonce").json()["nonce"]  # single-use, issued by the service
    message = SiweMessage(domain=HOST, address=account.address, statement="Sign in to the Gaoling fulfilment staff page.",
                          uri=f"http://{HOST}/staff", version="1", chain_id=chain_id, nonce=nonce,
                          issued_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")).prepare_message()
    signature = Account.sign_message(encode_defunct(text=message), private_key=account.private_key).signature.hex()
    return {"message": message, "signature": "0x" + signature.removeprefix("0x")}


@pytest.fixture
def client(service):
    from gaoling.service import create_app

    with TestClient(create_app(service), base_url=f"http://{HOST}") as c:
        yield c


def test_tracking_commitment_comes_from_the_service_for_fulfilment_staff_only(client, service, accounts, chain,
                                                                             bought_voucher):
    collector, voucher_id, vouchers = bought_voucher
    staff, outsider = accounts[0], accounts[9]
    url = f"/api/v1/staff/tracking/{voucher_id}"

    def ask(account, tracking="SF1234567890", **extra):
        return client.post(url if "url" not in extra else extra.pop("url"),
                           json={**staff_sign_in(client, account, chain.chain_id), "tracking": tracking, **extra},
                           headers={"Accept-Language": "zh-CN"})

    vouchers.redeem(voucher_id, 1, b"\x01" * 32, sender=collector)
    early = ask(staff)
    assert early.status_code == 409 and early.json()["field"] == "voucher_id" and "尚未烧成" in early.json()["detail"]
    vouchers.putInKiln(voucher_id, 1, sender=staff)
    vouchers.markFired(voucher_id, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", sender=staff)

    refused = ask(outsider)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    forged = client.post(url, json={**staff_sign_in(client, staff, chain.chain_id), "tracking": "SF1",
                                    "signature": staff_sign_in(client, outsider, chain.chain_id)["signature"]})
    assert forged.status_code in (401, 422) and forged.json()["field"] == "signature"
    blank = ask(staff, tracking="   ")
    assert blank.status_code == 422 and blank.json()["field"] == "tracking"
    missing = ask(staff, url="/api/v1/staff/tracking/999")
    assert missing.status_code == 404 and missing.json()["field"] == "voucher_id"

    first, second = ask(staff).json(), ask(staff).json()
    assert first["salt"] != second["salt"] and first["commitment"] != second["commitment"]  # a fresh salt each time
    assert bytes.fromhex(first["commitment"][2:]) == commit_tracking("SF1234567890", first["salt"])
    vouchers.markShipped(voucher_id, bytes.fromhex(first["commitment"][2:]), sender=staff)
    assert vouchers.statusOf(voucher_id) == 4
    logs = [log for log in vouchers.PieceShipped.range(0, chain.blocks.head.number + 1) if log.tokenId == voucher_id]
    assert bytes(logs[-1].trackingCommitment) == commit_tracking("SF1234567890", first["salt"])
