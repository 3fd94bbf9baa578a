"""The staff page's server half: what fulfilment staff need that only the studio computes.

    POST /api/v1/staff/tracking/{voucherId}  {message, signature, tracking} -> {commitment, salt}

Sign-In with Ethereum by a FULFILMENT_ROLE holder, checked by the service's one SIWE check
(`gaoling.service.auth.verify_siwe`, as for the staff shipping read), for a voucher that is fired and waiting to ship. The commitment is
`gaoling.voucher.shipping.commit_tracking(tracking, salt)` with a fresh random salt: the very one
`ape run fulfil ship` publishes, so a guessed tracking number cannot be checked against the chain
without the salt. The staff wallet then sends `markShipped(voucherId, commitment)` itself; the
tracking number and the salt are not stored or logged here. A voucher's confirmed shipping details
(for the label) come from the service's `POST /api/v1/staff/shipping/{voucherId}`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from gaoling.service.problems import Problem

router = APIRouter(tags=["shipping"])
FIRED = 3  # GaolingVouchers.Status.Fired


class TrackingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(max_length=4000, description="the EIP-4361 message the staff wallet signed")
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]+$", max_length=4000)
    tracking: str = Field(min_length=1, max_length=64, description="the carrier's tracking number (kept off chain)")


@router.post("/staff/tracking/{voucher_id}", summary="Staff: the salted tracking commitment for markShipped (SIWE + role)")
def tracking_commitment(voucher_id: int, body: TrackingBody, request: Request) -> dict:
    from gaoling.service import auth
    from gaoling.voucher.chain import VoucherInputError
    from gaoling.voucher.shipping import commit_tracking, new_salt

    svc = getattr(request.app.state, "svc", None)
    if svc is None:
        raise Problem("unavailable", None, en="The staff endpoints need the platform service (`ape run serve`).",
                      zh="工作人员接口需要平台服务（`ape run serve`）。")
    auth.verify_siwe(svc, request, auth.SiweProof(message=body.message, signature=body.signature), "vouchers",
                     "FULFILMENT_ROLE")
    vouchers = svc.platform.get("vouchers")
    if not 1 <= voucher_id <= int(vouchers.totalIssued()):
        raise Problem("not-found", "voucher_id", en=f"voucher_id: voucher {voucher_id} does not exist.",
                      zh=f"voucher_id：兑换凭证 {voucher_id} 不存在。")
    status = int(vouchers.statusOf(voucher_id))
    if status != FIRED:
        raise Problem("invalid-field", "voucher_id", status=409,
                      en=f"voucher_id: voucher {voucher_id} is in state {status}, not fired (3); only a fired piece "
                      "is shipped.", zh=f"voucher_id：兑换凭证 {voucher_id} 的状态为 {status}，尚未烧成（3）；只有烧成的作品才能发货。")
    salt = new_salt()
    try:
        commitment = commit_tracking(body.tracking, salt)
    except VoucherInputError:
        raise Problem("invalid-field", "tracking", en="tracking: must be the carrier's tracking number, not blank.",
                      zh="tracking：请填写快递单号，不能为空。") from None
    return {"voucherId": voucher_id, "commitment": "0x" + commitment.hex(), "salt": "0x" + salt.hex(),
            "next": "send markShipped(voucherId, commitment) from the staff wallet; give the holder the salt"}
