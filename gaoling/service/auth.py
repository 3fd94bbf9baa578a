"""Identity from signatures only: EIP-712 messages bound to this chain and a platform contract, checked
for EOAs by recovery and for contract wallets through ERC-1271 `isValidSignature` on chain; and
Sign-In with Ethereum (EIP-4361, the `siwe` package) for staff reads.

The typed messages here are the service's own (the contracts never see them); their domain is the
named contract's own EIP-712 domain, so a signature for one chain or deployment is void on another.
"""

from __future__ import annotations

import time
from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address

from gaoling import signing
from gaoling.service.problems import Problem

ERC1271_MAGIC = bytes.fromhex("1626ba7e")
MAX_AGE = 600  # seconds a signed request stays valid

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
