"""`GET /siwe/nonce`: a single-use nonce for a Sign-In with Ethereum message (gaoling.service.auth).

Each role-gated request (the staff shipping read, the analytics dashboard) carries a sign-in whose
nonce came from here; the service consumes it with that request, so a signed sign-in cannot be
replayed. Issuing writes a row, so it shares the per-IP write limit.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gaoling.service import auth
from gaoling.service.problems import Problem

router = APIRouter(tags=["sign-in"])


@router.get("/siwe/nonce", summary="A single-use nonce for an EIP-4361 (Sign-In with Ethereum) message")
def siwe_nonce(request: Request) -> JSONResponse:
    svc = request.app.state.svc
    ip = request.client.host if request.client else "unknown"
    wait = svc.ip_limit.hit(f"ip:{ip}")
    if wait is not None:
        raise Problem("rate-limited", None, en=f"Too many requests from this IP address; retry in {wait:.0f} s.",
                      zh=f"该 IP 地址请求过于频繁；请在 {wait:.0f} 秒后重试。", headers={"Retry-After": str(int(wait) + 1)})
    nonce, expires = auth.issue_nonce(svc.engine)
    body = {"nonce": nonce, "expiresAt": int(expires), "domain": request.headers.get("host", ""),
            "chainId": svc.platform.chain_id, "version": "1"}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
