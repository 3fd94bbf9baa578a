"""EIP-712 typed-data signing shared by every signed message on the platform.

Every message Gaoling signs (fiat mint orders, quiz attestations, gasless check-ins and coupon
exchanges) is EIP-712 typed data under a domain that names the chain and the verifying contract,
so a signature made for one contract or chain is worthless on any other. Each area declares its
own types next to the code that uses them; this module only builds the domain and signs.

Signing goes through `account.sign_message`, so any Ape account works: a keyfile, a hardware
wallet, or a test account. The typed data itself is encoded by eth-account.

Before an account that asks its owner (a keyfile, a hardware wallet) signs, the typed-data fields
are printed to stderr - domain and message, times as dates - because Ape's own prompt can only
show the encoded bytes. Unattended signing (CI, a server): `unattended(account)` turns on Ape's
autosign with the passphrase from `APE_ACCOUNTS_<alias>_PASSPHRASE` when `GAOLING_AUTOSIGN=1`
(every `ape run` command calls it; see docs/signing.md).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

from eth_account.messages import SignableMessage, encode_typed_data
from eth_utils import keccak, to_checksum_address

EIP712_DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


@dataclass(frozen=True)
class Domain:
    """An EIP-712 domain, matching OpenZeppelin's `EIP712(name, version)` base contract."""

    name: str
    version: str
    chain_id: int
    verifying_contract: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.verifying_contract),
        }

    @classmethod
    def of(cls, contract: Any) -> "Domain":
        """Reads the domain from a deployed contract through ERC-5267 `eip712Domain()`."""
        fields = contract.eip712Domain()
        return cls(
            name=fields[1], version=fields[2], chain_id=int(fields[3]), verifying_contract=str(fields[4])
        )


def typed_data(domain: Domain, primary_type: str, types: dict[str, list[dict[str, str]]],
               message: dict[str, Any]) -> dict[str, Any]:
    """The full EIP-712 JSON document (as `eth_signTypedData_v4` takes it)."""
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN_TYPE, **types},
        "primaryType": primary_type,
        "domain": domain.as_dict(),
        "message": message,
    }


def signable(domain: Domain, primary_type: str, types: dict[str, list[dict[str, str]]],
             message: dict[str, Any]) -> SignableMessage:
    return encode_typed_data(full_message=typed_data(domain, primary_type, types, message))


def digest(domain: Domain, primary_type: str, types: dict[str, list[dict[str, str]]],
           message: dict[str, Any]) -> bytes:
    """The 32-byte hash that the contract recovers the signer from."""
    msg = signable(domain, primary_type, types, message)
    return keccak(b"\x19" + msg.version + msg.header + msg.body)


_TIME_FIELDS = {"expiry", "deadline", "validUntil", "expires"}


def describe(domain: Domain, primary_type: str, types: dict[str, list[dict[str, str]]],
             message: dict[str, Any]) -> str:
    """The typed data as a person reads it before signing: every domain and message field."""
    from gaoling.display import when

    lines = [f"Sign {primary_type} (EIP-712) for {domain.name} v{domain.version} at {domain.verifying_contract} "
             f"on chain {domain.chain_id}:"]
    for entry in types[primary_type]:
        name, value = entry["name"], message.get(entry["name"])
        shown = "0x" + bytes(value).hex() if isinstance(value, (bytes, bytearray)) else str(value)
        if name in _TIME_FIELDS and isinstance(value, int) and 0 < value < 2**40:
            shown += f"  ({when(value)})"
        lines.append(f"  {name} ({entry['type']}): {shown}")
    return "\n".join(lines)


def asks_owner(account: Any) -> bool:
    """True for accounts that ask a person before signing (not test accounts, not autosigning keyfiles)."""
    if type(account).__name__ in ("TestAccount", "LocalAccount"):
        return False
    return not bool(getattr(account, "_KeyfileAccount__autosign", False))


class UnattendedSigningError(ValueError):
    """GAOLING_AUTOSIGN=1 but the account cannot sign without a person."""


def unattended(account: Any, env: dict[str, str] | None = None) -> bool:
    """With GAOLING_AUTOSIGN=1, lets a keyfile account sign without prompts (Ape's autosign), unlocked
    with APE_ACCOUNTS_<alias>_PASSPHRASE. Returns True if autosign was turned on."""
    env = os.environ if env is None else env
    if env.get("GAOLING_AUTOSIGN", "") not in ("1", "true", "yes") or not hasattr(account, "set_autosign"):
        return False
    alias = getattr(account, "alias", "")
    passphrase = env.get(f"APE_ACCOUNTS_{alias}_PASSPHRASE")
    if not passphrase:
        raise UnattendedSigningError(
            f"--account {alias}: GAOLING_AUTOSIGN=1 but APE_ACCOUNTS_{alias}_PASSPHRASE is not set; set it "
            "from the CI or server secret store (never in a file in the repository)")
    try:
        account.set_autosign(True, passphrase=passphrase)
    except Exception as exc:  # noqa: BLE001 - Ape raises its own error types for a wrong passphrase
        raise UnattendedSigningError(f"--account {alias}: APE_ACCOUNTS_{alias}_PASSPHRASE does not unlock "
                                     f"the keyfile ({type(exc).__name__})") from None
    return True


def sign(account: Any, domain: Domain, primary_type: str, types: dict[str, list[dict[str, str]]],
         message: dict[str, Any]) -> bytes:
    """Signs typed data with an Ape account and returns the 65-byte r||s||v signature."""
    if asks_owner(account):
        print(describe(domain, primary_type, types, message), file=sys.stderr, flush=True)
    signature = account.sign_message(signable(domain, primary_type, types, message))
    if signature is None:
        raise RuntimeError(f"account {account.address} declined to sign the {primary_type}")
    return bytes(signature.encode_rsv())
