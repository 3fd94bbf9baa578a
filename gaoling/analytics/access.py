"""The issuer dashboard's admin gate, and the analytics router mounted on the platform service.

A dashboard fetches several reports per visit, so the Sign-In with Ethereum (EIP-4361) proof is
checked once and exchanged for a short-lived session:

    POST   /api/v1/analytics/session   {message, signature}  -> 201 {token, address, expiresAt}
    GET    /api/v1/analytics/reports[/{name}]   Authorization: Bearer <token>
    DELETE /api/v1/analytics/session   Authorization: Bearer <token>   (sign out)

The sign-in must be for this Host and this chain, fresh (issued within `auth.MAX_AGE`), and signed by
an account holding DEFAULT_ADMIN_ROLE on the platform's vouchers contract (EOAs by recovery,
contract wallets such as a Safe through ERC-1271). The role is read again on every request, so a
revoked admin loses access at once. Sessions live in the analytics database (`an_dashboard_sessions`,
only the token's SHA-256), so several API workers share them and a signed message opens one session.

Bad, garbled, expired or missing proof: 401 problem; a valid signer without the role: 403 problem.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from gaoling.analytics import schema
from gaoling.analytics.api import make_router
from gaoling.analytics.store import migrate
from gaoling.service import auth
from gaoling.service.problems import Problem

PREFIX = "/analytics"
SESSION_SECONDS = 15 * 60
ADMIN_CONTRACT = "vouchers"   # the manifest component whose DEFAULT_ADMIN_ROLE makes an issuer admin
DEFAULT_ADMIN_ROLE = b"\x00" * 32
BEARER = {"WWW-Authenticate": 'Bearer realm="gaoling-analytics"'}


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(max_length=4000, description="the EIP-4361 message the admin wallet signed")
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]+$", max_length=4000)


def _unauthorized(field: str, en: str, zh: str, code: str = "unauthorized") -> Problem:
    return Problem(code, field, en=en, zh=zh, status=401, headers=BEARER)


def verify_sign_in(svc: Any, request: Request, message_text: str, signature: str) -> str:
    """The signer of a valid, fresh, single-use EIP-4361 sign-in for this Host and chain: the service's
    one SIWE check (`auth.verify_siwe_signer`, nonce from GET /api/v1/siwe/nonce). Its refusals keep
    their code, field and texts but become 401 with `WWW-Authenticate: Bearer`: opening a session is
    an authentication step. The admin role is checked by `AdminGate.require_role`."""
    try:
        address, _, _ = auth.verify_siwe_signer(svc, request, auth.SiweProof(message=message_text,
                                                                            signature=signature))
    except Problem as problem:
        raise Problem(problem.code, problem.field, en=problem.en, zh=problem.zh, status=401,
                      headers={**problem.headers, **BEARER}, **problem.extra) from None
    return address


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AdminGate:
    """Issues and checks dashboard sessions on `engine` (the analytics database)."""

    def __init__(self, engine: Engine, *, session_seconds: int = SESSION_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.session_seconds = session_seconds
        self.clock = clock
        self._migrated = False
        self._lock = threading.Lock()

    def _ready(self) -> Engine:
        # Migrated on first use, not at app start: collectors' requests never pay for it.
        with self._lock:
            if not self._migrated:
                migrate(self.engine)
                self._migrated = True
        return self.engine

    @staticmethod
    def require_role(svc: Any, address: str, field: str = "message") -> None:
        try:
            contract = svc.platform.get(ADMIN_CONTRACT)
        except ValueError:
            raise Problem("unavailable", None, en=f"The deployment has no {ADMIN_CONTRACT} contract, whose admin role "
                          "opens the dashboard.", zh=f"部署中没有 {ADMIN_CONTRACT} 合约，无法核对管理员权限。") from None
        if not contract.hasRole(DEFAULT_ADMIN_ROLE, address):
            raise Problem("forbidden", field, en=f"{field}: {address} does not hold DEFAULT_ADMIN_ROLE on the "
                          f"{ADMIN_CONTRACT} contract {contract.address}; sign in with the studio's admin wallet.",
                          zh=f"{field}：{address} 在兑换凭证合约 {contract.address} 上没有 DEFAULT_ADMIN_ROLE（管理员）"
                          f"权限；请用工作室的管理员钱包登录。")

    def sign_in(self, svc: Any, request: Request, body: SignIn) -> dict[str, Any]:
        address = verify_sign_in(svc, request, body.message, body.signature)
        self.require_role(svc, address)
        from siwe import SiweMessage

        now = self.clock()
        expires = now + self.session_seconds
        ends = SiweMessage.from_message(body.message).expiration_time
        if ends is not None:  # never outlive what the admin signed
            expires = min(expires, datetime.fromisoformat(str(ends).replace("Z", "+00:00")).timestamp())
        token = secrets.token_urlsafe(32)
        t = schema.dashboard_sessions
        try:
            with self._ready().begin() as conn:
                conn.execute(sa.delete(t).where(t.c.expires_at < now))
                conn.execute(t.insert().values(
                    token_sha256=_sha(token), message_sha256=_sha(body.message), address=address,
                    chain_id=svc.platform.chain_id, host=request.headers.get("host", ""), created_at=now,
                    expires_at=expires))
        except sa.exc.IntegrityError:
            raise Problem("replayed", "message", en="message: this sign-in was already used to open a session; "
                          "sign in again.", zh="message：该登录签名已被使用；请重新登录。") from None
        return {"token": token, "tokenType": "Bearer", "address": address, "expiresAt": int(expires)}

    def _session(self, request: Request) -> Any:
        header = request.headers.get("authorization", "")
        if not header:
            raise _unauthorized("Authorization", "Authorization: missing; sign in (POST /api/v1/analytics/session) "
                                "and send the token as `Authorization: Bearer <token>`.",
                                "Authorization：缺失；请先登录（POST /api/v1/analytics/session），并以 "
                                "`Authorization: Bearer <令牌>` 发送令牌。")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 200:
            raise _unauthorized("Authorization", "Authorization: not `Bearer <token>`; send the token the sign-in "
                                "returned.", "Authorization：格式应为 `Bearer <令牌>`；请发送登录返回的令牌。")
        t = schema.dashboard_sessions
        with self._ready().connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.token_sha256 == _sha(token))).first()
        if row is None or row.host != request.headers.get("host", ""):
            raise _unauthorized("Authorization", "Authorization: unknown or signed-out session; sign in again.",
                                "Authorization：会话不存在或已退出；请重新登录。")
        if row.expires_at <= self.clock():
            raise _unauthorized("Authorization", "Authorization: the session has expired; sign in again.",
                                "Authorization：会话已过期；请重新登录。", code="expired")
        return row

    def require_admin(self, request: Request) -> str:
        """The dependency on every report route: a live session of a current admin."""
        row = self._session(request)
        self.require_role(request.app.state.svc, row.address, "Authorization")
        return str(row.address)

    def sign_out(self, request: Request) -> None:
        row = self._session(request)
        t = schema.dashboard_sessions
        with self._ready().begin() as conn:
            conn.execute(sa.delete(t).where(t.c.token_sha256 == row.token_sha256))


def session_router(gate: AdminGate) -> APIRouter:
    router = APIRouter(tags=["analytics"])

    @router.post("/session", status_code=201, summary="Sign in to the issuer dashboard (SIWE + DEFAULT_ADMIN_ROLE)")
    def sign_in(body: SignIn, request: Request) -> dict[str, Any]:
        return gate.sign_in(request.app.state.svc, request, body)

    @router.delete("/session", status_code=204, summary="Sign out of the issuer dashboard")
    def sign_out(request: Request) -> Response:
        gate.sign_out(request)
        return Response(status_code=204)

    return router


def mount(app: FastAPI, prefix: str, engine: Engine | None = None, **gate_options: Any) -> AdminGate:
    """Mounts the dashboard's API on the service at `prefix` (the analytics tables live in the
    service's own database unless `engine` names another) and returns the gate (app.state.analytics_gate)."""
    gate = AdminGate(engine if engine is not None else app.state.svc.engine, **gate_options)
    app.state.analytics_gate = gate
    app.include_router(session_router(gate), prefix=prefix)
    app.include_router(make_router(gate.engine, gate.require_admin), prefix=prefix)
    return gate
