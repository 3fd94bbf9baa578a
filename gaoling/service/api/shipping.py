"""Shipping intake for voucher holders, and the staff read.

- `POST /shipping`: the holder signs `ShippingIntake(holder, voucherId, issuedAt)` (EIP-712, the
  vouchers contract's domain; contract wallets through ERC-1271) and sends name, phone and address.
  The service checks on chain that the signer holds the voucher, validates the fields, seals them
  with the studio's key (gaoling.voucher.shipping: the same encryption and commitment the CLI uses)
  and returns the commitment and salt for `redeem`. Nothing personal is logged.
- The submission becomes the voucher's shipping details only once the redeem carrying its commitment
  is on chain; earlier submissions stay as history. `GET /shipping/{voucherId}` shows the states.
- `POST /staff/shipping/{voucherId}`: Sign-In with Ethereum (EIP-4361, a single-use nonce from
  `GET /siwe/nonce`) by an account that holds FULFILMENT_ROLE on the vouchers contract, checked on
  chain (gaoling.service.auth.require_siwe_role); answers the confirmed details.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from gaoling.service import auth
from gaoling.service.api.relay import _address
from gaoling.service.context import ServiceContext
from gaoling.service.problems import Problem
from gaoling.voucher.chain import VoucherInputError
from gaoling.voucher.shipping import ShippingStore, details_arg

router = APIRouter(tags=["shipping"])


class IntakeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    voucherId: StrictInt = Field(ge=1)
    holder: str
    issuedAt: StrictInt = Field(ge=0)
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]+$", max_length=4000)
    details: dict[str, Any] = Field(description="name, phone, address, city, postcode, country (ISO 3166-1)")

    _addr = field_validator("holder")(_address)


# Sign-In with Ethereum with a single-use nonce, by a holder of FULFILMENT_ROLE on the vouchers contract.
STAFF = auth.require_siwe_role("vouchers", "FULFILMENT_ROLE")


def store(svc: ServiceContext) -> ShippingStore:
    if getattr(svc, "shipping", None) is None:
        try:
            svc.shipping = ShippingStore(svc.engine)
        except VoucherInputError:
            raise Problem("unavailable", None, en="Shipping intake is not configured: the studio has not set "
                          "GAOLING_SHIPPING_KEY on this service.", zh="收货信息服务未配置（缺少 GAOLING_SHIPPING_KEY）。") \
                from None
    return svc.shipping


def _voucher_owner(svc: ServiceContext, voucher_id: int) -> str:
    vouchers = svc.platform.get("vouchers")
    if voucher_id > int(vouchers.totalIssued()):
        raise Problem("not-found", "voucherId", en=f"voucherId: voucher {voucher_id} does not exist.",
                      zh=f"voucherId：兑换凭证 {voucher_id} 不存在。")
    return str(vouchers.ownerOf(voucher_id))


@router.post("/shipping", status_code=201, summary="Hand in shipping details; get the commitment for redeem")
def intake(body: IntakeBody, request: Request) -> dict:
    svc: ServiceContext = request.app.state.svc
    auth.check_fresh(body.issuedAt)
    auth.require_signer(svc.provider, svc.platform.domains["vouchers"], "ShippingIntake", auth.SHIPPING_TYPES,
                        {"holder": body.holder, "voucherId": body.voucherId, "issuedAt": body.issuedAt},
                        body.signature, body.holder)
    owner = _voucher_owner(svc, body.voucherId)
    if owner != body.holder:
        raise Problem("not-holder", "voucherId", en=f"voucherId: voucher {body.voucherId} is not held by "
                      f"{body.holder}; only its holder can hand in shipping details.",
                      zh=f"voucherId：{body.holder} 不持有兑换凭证 {body.voucherId}；只有持有人可以提交收货信息。")
    try:
        details = details_arg(body.details)
    except VoucherInputError as exc:
        field = str(exc).split(":", 1)[0]
        raise Problem("invalid-field", field, en=f"{exc}. Correct it and send again.",
                      zh=f"{field} 无效：请修改后重新提交。") from None
    commitment, salt = store(svc).save(body.voucherId, details)
    return {"voucherId": body.voucherId, "commitment": "0x" + commitment.hex(), "salt": "0x" + salt.hex(),
            "state": "pending", "next": "call redeem(voucherId, glazeId, commitment) from the holder's wallet"}


@router.get("/shipping/{voucher_id}", summary="States of a voucher's shipping submissions (no personal data)")
def submissions(voucher_id: int, request: Request) -> dict:
    svc: ServiceContext = request.app.state.svc
    _voucher_owner(svc, voucher_id)
    st = store(svc)
    st.sync(svc.platform.get("vouchers"), voucher_id)
    return {"voucherId": voucher_id, "submissions": st.history(voucher_id)}


@router.post("/staff/shipping/{voucher_id}", summary="Staff: a voucher's confirmed shipping details (SIWE + role)")
def staff_read(voucher_id: int, request: Request, staff: auth.SiweSignIn = Depends(STAFF)) -> dict:
    svc: ServiceContext = request.app.state.svc
    _voucher_owner(svc, voucher_id)
    st = store(svc)
    st.sync(svc.platform.get("vouchers"), voucher_id)
    try:
        details, salt, commitment = st.confirmed(voucher_id)
    except VoucherInputError:
        raise Problem("not-found", "voucher_id", en=f"voucher_id: voucher {voucher_id} has no confirmed shipping "
                      f"details yet (its redeem with a submitted commitment is not on chain).",
                      zh=f"voucher_id：兑换凭证 {voucher_id} 尚无已确认的收货信息。") from None
    return {"voucherId": voucher_id, "readBy": staff.address, "readAt": int(time.time()), "details": details.model_dump(),
            "commitment": "0x" + commitment.hex(), "history": st.history(voucher_id)}
