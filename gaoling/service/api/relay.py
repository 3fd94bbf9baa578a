"""Gasless messages: POST a signed check-in or coupon exchange, get 202 and a tracking id, poll it.

The signature checks are gaoling.fan's own: `SignedCheckIn.signer()` (the CLI relayer's check) and
the coupon contract's EIP-712 domain through gaoling.signing, so the service accepts exactly what
the contracts and the CLI accept.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Annotated

from eth_account import Account
from eth_utils import is_address, to_checksum_address
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from gaoling import signing
from gaoling.fan.checkin import SignedCheckIn, day_label
from gaoling.fan.coupons import EXCHANGE_TYPES
from gaoling.service import messages
from gaoling.service.context import ServiceContext
from gaoling.service.problems import Problem

router = APIRouter(tags=["relay"])

Hex65 = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{130}$", description="65-byte r||s||v signature, 0x-hex")]


def _address(value: str) -> str:
    if not isinstance(value, str) or not is_address(value):
        raise ValueError("must be a 0x-prefixed 20-byte hex address")
    return to_checksum_address(value)


@lru_cache(maxsize=256)
def _contract_address(value: str) -> str:
    """`_address` for the platform's own contracts: the same few values on every request, so cached."""
    return _address(value)


class CheckInBody(BaseModel):
    """Exactly what `ape run checkin sign` writes (SignedCheckIn.to_json)."""

    model_config = ConfigDict(extra="forbid")

    member: str = Field(description="the member's address")
    day: StrictInt = Field(ge=0, le=2**32 - 1, description="CST day number (unix time + 8 h) // 86400")
    signature: Hex65
    ledger: str = Field(description="PointsLedger address the member signed for")
    chainId: StrictInt = Field(ge=1)

    _addr = field_validator("member")(_address)
    _contract = field_validator("ledger")(_contract_address)


class ExchangeBody(BaseModel):
    """A signed `Exchange(member, glazeId, amount, maxPoints, nonce, deadline)` (SignedExchange.to_json) plus its
    domain, so a request signed for another chain or contract is refused with a clear reason."""

    model_config = ConfigDict(extra="forbid")

    member: str
    glazeId: StrictInt = Field(ge=1, le=2**256 - 1)
    amount: StrictInt = Field(ge=1, le=2**64 - 1)
    maxPoints: StrictInt = Field(ge=0, le=2**256 - 1, description="the most points the member agreed to pay")
    nonce: StrictInt = Field(ge=0, le=2**256 - 1)
    deadline: StrictInt = Field(ge=0, le=2**256 - 1)
    signature: Hex65
    coupons: str = Field(description="GlazeCoupons address the member signed for")
    chainId: StrictInt = Field(ge=1)

    _addr = field_validator("member")(_address)
    _contract = field_validator("coupons")(_contract_address)


class Tracking(BaseModel):
    id: str
    status: str
    statusUrl: str


def _svc(request: Request) -> ServiceContext:
    return request.app.state.svc


def _limit(svc: ServiceContext, request: Request, member: str) -> None:
    ip = request.client.host if request.client else "unknown"
    for limiter, key, what, zh in ((svc.ip_limit, f"ip:{ip}", "this IP address", "该 IP 地址"),
                                   (svc.address_limit, f"addr:{member}", member, member)):
        wait = limiter.hit(key)
        if wait is not None:
            raise Problem("rate-limited", None, en=f"Too many requests from {what}; retry in {wait:.0f} s.",
                          zh=f"{zh} 请求过于频繁；请在 {wait:.0f} 秒后重试。",
                          headers={"Retry-After": str(int(wait) + 1)})


def _check_domain(svc: ServiceContext, component: str, field: str, contract: str, chain_id: int) -> signing.Domain:
    domain = svc.platform.domains[component]
    if chain_id != domain.chain_id:
        raise Problem("wrong-chain", "chainId", en=f"chainId: signed for chain {chain_id}, this platform is on "
                      f"chain {domain.chain_id}; switch the wallet's network and sign again.",
                      zh=f"chainId：签名属于链 {chain_id}，本平台在链 {domain.chain_id} 上；请切换钱包网络后重新签名。")
    if contract != _contract_address(domain.verifying_contract):
        raise Problem("wrong-contract", field, en=f"{field}: signed for {contract}, but this platform's contract is "
                      f"{domain.verifying_contract}; sign for that contract (GET /api/v1/chain lists them).",
                      zh=f"{field}：签名合约为 {contract}，本平台合约为 {domain.verifying_contract}；请重新签名。")
    return domain


def _accepted(request: Request, kind: str, result: messages.Accepted) -> JSONResponse:
    svc = _svc(request)
    if result.created:
        svc.metrics.accepted.labels(kind).inc()
    body = {"id": result.id, "status": result.status, "statusUrl": f"/api/v1/messages/{result.id}",
            "duplicate": not result.created}
    return JSONResponse(body, status_code=202, headers={"Location": body["statusUrl"]})


@router.post("/checkins", status_code=202, response_model=Tracking,
             summary="Submit a signed CheckIn(member, day) for the gasless relayer")
async def post_checkin(body: CheckInBody, request: Request) -> JSONResponse:
    # The hot path runs on the event loop: the checks below are CPU only (libsecp256k1 recovery, no
    # I/O); the chain head is read in a worker thread when its 1 s cache is stale, and the message is
    # committed by the intake's writer thread (group commit), so nothing here blocks the loop on I/O.
    svc = _svc(request)
    _limit(svc, request, body.member)
    _check_domain(svc, "points", "ledger", body.ledger, body.chainId)
    signed = SignedCheckIn(body.member, body.day, bytes.fromhex(body.signature[2:]), body.ledger, body.chainId)
    try:
        signer = signed.signer()
    except Exception:
        signer = None
    if signer != body.member:
        raise Problem("bad-signature", "signature", en=f"signature: it was made by {signer or 'nobody'}, not by "
                      f"member {body.member}; sign with the member's own wallet.",
                      zh=f"signature：签名者为 {signer or '无效'}，不是会员 {body.member}；请用会员本人的钱包签名。")
    today = svc.platform.cached_today()
    if today is None:
        today = await run_in_threadpool(svc.platform.today, svc.provider)
    if body.day != today:
        raise Problem("wrong-day", "day", en=f"day: signed for {body.day} ({day_label(body.day)} CST), but today is "
                      f"{today} ({day_label(today)} CST); sign today's check-in.",
                      zh=f"day：签名日期为 {day_label(body.day)}（北京时间），今天是 {day_label(today)}；请签今天的签到。",
                      today=today)
    result = await svc.intake.submit("checkin", body.chainId, body.ledger, body.member, str(body.day),
                                     signed_payload(signed))
    return _accepted(request, "checkin", result)


def signed_payload(signed: SignedCheckIn) -> dict:
    return {"member": signed.member, "day": signed.day, "signature": "0x" + signed.signature.hex(),
            "ledger": signed.ledger, "chainId": signed.chain_id}


@router.post("/exchanges", status_code=202, response_model=Tracking,
             summary="Submit a signed coupon exchange (points -> glaze coupons) for the gasless relayer")
def post_exchange(body: ExchangeBody, request: Request) -> JSONResponse:
    svc = _svc(request)
    _limit(svc, request, body.member)
    domain = _check_domain(svc, "coupons", "coupons", body.coupons, body.chainId)
    message = {"member": body.member, "glazeId": body.glazeId, "amount": body.amount, "maxPoints": body.maxPoints,
               "nonce": body.nonce, "deadline": body.deadline}
    try:
        signer = to_checksum_address(Account.recover_message(
            signing.signable(domain, "Exchange", EXCHANGE_TYPES, message), signature=bytes.fromhex(body.signature[2:])))
    except Exception:
        signer = None
    if signer != body.member:
        raise Problem("bad-signature", "signature", en=f"signature: it was made by {signer or 'nobody'}, not by "
                      f"member {body.member}; sign with the member's own wallet.",
                      zh=f"signature：签名者为 {signer or '无效'}，不是会员 {body.member}；请用会员本人的钱包签名。")
    _, now = svc.platform.head(svc.provider)
    if body.deadline <= max(now, int(time.time()) - 3600):
        raise Problem("expired", "deadline", en=f"deadline: the request expired at unix time {body.deadline}; sign "
                      f"a new one.", zh=f"deadline：请求已于 {body.deadline} 过期；请重新签名。")
    coupons = svc.platform.get("coupons")
    if coupons.nonceUsed(body.member, body.nonce):
        raise Problem("replayed", "nonce", en=f"nonce: {body.nonce} of {body.member} is already used; sign a new "
                      f"request.", zh=f"nonce：{body.nonce} 已被使用；请重新签名。")
    payload = dict(message, signature=body.signature, coupons=body.coupons, chainId=body.chainId)
    result = messages.enqueue(svc.engine, "exchange", body.chainId, body.coupons, body.member, str(body.nonce),
                              payload)
    return _accepted(request, "exchange", result)


@router.get("/messages/{message_id}", summary="Where a relayed message is: queued, sent, confirmed or rejected")
def get_message(message_id: str, request: Request) -> dict:
    svc = _svc(request)
    if len(message_id) != 32 or any(c not in "0123456789abcdef" for c in message_id):
        raise Problem("invalid-field", "message_id", en="message_id: expected the 32-hex-digit id a POST returned.",
                      zh="message_id：应为提交时返回的 32 位十六进制 id。")
    found = messages.lookup(svc.engine, message_id)
    if found is None:
        raise Problem("not-found", "message_id", en=f"message_id: no message {message_id}.",
                      zh=f"message_id：没有消息 {message_id}。")
    return found
