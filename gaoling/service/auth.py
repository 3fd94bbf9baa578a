"""Identity from signatures only: EIP-712 messages bound to this chain and a platform contract, checked
for EOAs by recovery and for contract wallets through ERC-1271 `isValidSignature` on chain; and
Sign-In with Ethereum (EIP-4361, the `siwe` package) with single-use nonces for role-gated reads.

The typed messages here are the service's own (the contracts never see them); their domain is the
named contract's own EIP-712 domain, so a signature for one chain or deployment is void on another.

Role-gated endpoints (stable; the staff shipping read and the analytics dashboard use it):

    from fastapi import Depends
    from gaoling.service.auth import SiweSignIn, require_siwe_role

    @router.post("/staff/thing")
    def thing(who: SiweSignIn = Depends(require_siwe_role("vouchers", "FULFILMENT_ROLE"))) -> dict: ...

- `require_siwe_role(contract_key, role_name)` returns a FastAPI dependency. `contract_key` is a
  component of the deployment manifest ("vouchers", "points", ...); `role_name` is the name of the
  contract's AccessControl role getter ("FULFILMENT_ROLE", "DEFAULT_ADMIN_ROLE").
- The dependency reads the JSON body `{"message": <EIP-4361 text>, "signature": "0x..."}` (model
  `SiweProof`); an endpoint using it takes no other body (FastAPI would nest the bodies by name).
- It checks, in order: the message parses; its domain is the request's Host; its chain is the
  platform's; it was issued within MAX_AGE seconds; the signature verifies (EOA, or ERC-1271 on
  chain); its nonce was issued by `GET /api/v1/siwe/nonce` and is consumed now, atomically (a second
  use is 401 `sign-in-again`); the signer holds the role, read on chain at this request.
- It returns `SiweSignIn(address, contract, role, nonce, issued_at)`. Every failure is a `Problem`
  naming `message` or `signature` (401, 403 or 422), in English and Chinese.

A client gets a nonce, builds the EIP-4361 message with it (domain = the service's host, the chain
id from GET /api/v1/chain), has the wallet sign it (personal_sign) and sends both; one nonce is good
for one request and for NONCE_TTL seconds.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import sqlalchemy as sa
from eth_account import Account
from eth_utils import to_checksum_address
from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from gaoling import signing
from gaoling.service.models import siwe_nonces
from gaoling.service.problems import Problem

ERC1271_MAGIC = bytes.fromhex("1626ba7e")
MAX_AGE = 600  # seconds a signed request stays valid
NONCE_TTL = MAX_AGE  # seconds an issued sign-in nonce stays usable

QUIZ_START_TYPES = {"QuizStart": [{"name": "holder", "type": "address"}, {"name": "issuedAt", "type": "uint256"}]}
SHIPPING_TYPES = {"ShippingIntake": [
    {"name": "holder", "type": "address"}, {"name": "voucherId", "type": "uint256"},
    {"name": "issuedAt", "type": "uint256"}]}


def signer_matches(provider: Any, domain: signing.Domain, primary: str, types: dict, message: dict,
                   signature: bytes, claimed: str) -> bool:
    """True if `claimed` signed: by ECDSA recovery (EOA), else by ERC-1271 if `claimed` is a contract."""
    try:
        recovered = to_checksum_address(Account.recover_message(
            signing.signable(domain, primary, types, message), signature=signature))
    except Exception:
        recovered = None
    if recovered == claimed:
        return True
    code = provider.web3.eth.get_code(claimed)
    if not code:
        return False
    digest = signing.digest(domain, primary, types, message)
    from eth_abi import encode

    data = "0x" + (bytes.fromhex("1626ba7e") + encode(["bytes32", "bytes"], [digest, signature])).hex()
    try:
        result = bytes(provider.web3.eth.call({"to": claimed, "data": data}))
    except Exception:
        return False
    return result[:4] == ERC1271_MAGIC


def check_fresh(issued_at: int, now: int | None = None) -> None:
    now = int(time.time()) if now is None else now
    if issued_at > now + 60 or issued_at < now - MAX_AGE:
        raise Problem("expired", "issuedAt", en=f"issuedAt: the signature was made at unix time {issued_at}; it is "
                      f"valid for {MAX_AGE} s. Sign again now.",
                      zh=f"issuedAt：签名时间为 {issued_at}，有效期 {MAX_AGE} 秒；请立即重新签名。")


def require_signer(provider: Any, domain: signing.Domain, primary: str, types: dict, message: dict,
                   signature_hex: str, claimed: str, field: str = "signature") -> None:
    try:
        signature = bytes.fromhex(signature_hex.removeprefix("0x"))
    except ValueError:
        signature = b""
    if not signature or not signer_matches(provider, domain, primary, types, message, signature, claimed):
        raise Problem("bad-signature", field, en=f"{field}: this is not {claimed}'s signature over the {primary} "
                      f"message for chain {domain.chain_id} and contract {domain.verifying_contract}; sign with "
                      f"that wallet.", zh=f"{field}：这不是 {claimed} 对本链本合约 {primary} 消息的签名；请用该钱包签名。")


# ---------------------------------------------------------------------- Sign-In with Ethereum


class SiweProof(BaseModel):
    """The body of a role-gated request: the EIP-4361 message and the wallet's signature over it."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(max_length=4000, description="the EIP-4361 message the wallet signed, with a nonce "
                         "from GET /api/v1/siwe/nonce")
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]+$", max_length=4000)


@dataclass(frozen=True)
class SiweSignIn:
    """Who signed in, and the role they were found to hold."""

    address: str
    contract: str       # manifest component, e.g. "vouchers"
    role: str           # role getter name, e.g. "FULFILMENT_ROLE"
    nonce: str
    issued_at: int


def issue_nonce(engine: Engine, now: float | None = None) -> tuple[str, float]:
    """A fresh single-use nonce (32 hex digits: EIP-4361 wants >= 8 alphanumerics) and its expiry."""
    now = time.time() if now is None else now
    nonce = secrets.token_hex(16)
    with engine.begin() as conn:
        conn.execute(siwe_nonces.delete().where(siwe_nonces.c.expires_at < now))  # keep the table small
        conn.execute(siwe_nonces.insert().values(nonce=nonce, issued_at=now, expires_at=now + NONCE_TTL))
    return nonce, now + NONCE_TTL


def consume_nonce(engine: Engine, nonce: str, now: float | None = None) -> bool:
    """True exactly once for an issued, unexpired nonce. One DELETE: on PostgreSQL a concurrent second
    DELETE waits for the first and then finds no row; on SQLite writers are serialised."""
    now = time.time() if now is None else now
    with engine.begin() as conn:
        gone = conn.execute(siwe_nonces.delete().where(siwe_nonces.c.nonce == nonce,
                                                       siwe_nonces.c.expires_at >= now)).rowcount
    return gone == 1


_ROLE_IDS: dict[tuple[str, str], bytes] = {}
_ROLE_LOCK = threading.Lock()


def _role_id(contract: Any, role_name: str) -> bytes:
    """The role's bytes32 id from the contract's own getter; a constant, so read once."""
    key = (str(contract.address), role_name)
    with _ROLE_LOCK:
        if key in _ROLE_IDS:
            return _ROLE_IDS[key]
    value = bytes(getattr(contract, role_name)())
    with _ROLE_LOCK:
        _ROLE_IDS[key] = value
    return value


def verify_siwe(svc: Any, request: Request, proof: SiweProof, contract_key: str, role_name: str) -> SiweSignIn:
    """The checks of `require_siwe_role` (module docstring), for callers that are not FastAPI routes."""
    address, nonce, issued_at = verify_siwe_signer(svc, request, proof)
    contract = svc.platform.get(contract_key)
    if not contract.hasRole(_role_id(contract, role_name), address):
        raise Problem("forbidden", "message", en=f"{address} does not hold {role_name} on the {contract_key} "
                      f"contract; an admin grants it.", zh=f"{address} 在 {contract_key} 合约上没有 {role_name} 权限。")
    return SiweSignIn(address, contract_key, role_name, nonce, issued_at)


def verify_siwe_signer(svc: Any, request: Request, proof: SiweProof) -> tuple[str, str, int]:
    """Every check of `require_siwe_role` but the role: (signer's checksummed address, nonce, issued-at),
    the nonce consumed. For callers that check a role their own way (the analytics dashboard)."""
    from siwe import SiweMessage

    try:
        message = SiweMessage.from_message(proof.message)
    except Exception:
        raise Problem("invalid-field", "message", en="message: not an EIP-4361 (Sign-In with Ethereum) message.",
                      zh="message：不是 EIP-4361（以太坊登录）消息。") from None
    host = request.headers.get("host", "")
    if message.domain != host:
        raise Problem("forbidden", "message", en=f"message: signed for {message.domain}, not for {host}.",
                      zh=f"message：签名域名为 {message.domain}，不是 {host}。")
    if int(message.chain_id) != svc.platform.chain_id:
        raise Problem("wrong-chain", "message", en=f"message: Chain ID {message.chain_id} is not this platform's "
                      f"chain {svc.platform.chain_id}.", zh=f"message：链 ID {message.chain_id} 不符。")
    issued = datetime.fromisoformat(str(message.issued_at).replace("Z", "+00:00"))
    try:
        check_fresh(int(issued.timestamp()))
    except Problem as problem:  # the body has no issuedAt field: the message's "Issued At" line is meant
        raise Problem(problem.code, "message", en=f"message: its Issued At ({message.issued_at}) is not within the "
                      f"last {MAX_AGE} s; sign in again now.", zh=f"message：签发时间 {message.issued_at} 不在最近 "
                      f"{MAX_AGE} 秒内；请立即重新登录。") from None
    try:
        # With the provider, siwe falls back to ERC-1271 on chain for contract wallets (a Safe holding a role).
        message.verify(proof.signature, domain=host, timestamp=datetime.now(timezone.utc),
                       provider=svc.provider.web3.provider)
    except Exception as exc:
        raise Problem("bad-signature", "signature", en=f"signature: the sign-in does not verify ({type(exc).__name__}).",
                      zh="signature：登录签名无效。") from None
    if not consume_nonce(svc.engine, message.nonce):
        raise Problem("sign-in-again", "message", en=f"message: its nonce {message.nonce} was already used, has "
                      f"expired or was not issued by this service; sign in again (GET /api/v1/siwe/nonce gives a "
                      f"new one).", zh=f"message：随机数 {message.nonce} 已被使用、已过期或并非本服务签发；请重新登录。")
    return to_checksum_address(message.address), message.nonce, int(issued.timestamp())


def require_siwe_role(contract_key: str, role_name: str) -> Callable[[Request, SiweProof], SiweSignIn]:
    """A FastAPI dependency: the request must carry a fresh SIWE sign-in by a holder of `role_name` on
    the manifest's `contract_key` contract (see the module docstring)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", role_name):
        raise ValueError(f"role_name: {role_name!r} is not the name of a role getter such as FULFILMENT_ROLE")

    def siwe_role(request: Request, proof: SiweProof) -> SiweSignIn:
        return verify_siwe(request.app.state.svc, request, proof, contract_key, role_name)

    return siwe_role
