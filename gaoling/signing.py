"""EIP-712 typed-data signing shared by every signed message on the platform.

Every message Gaoling signs (fiat mint orders, quiz attestations, gasless check-ins and coupon
exchanges) is EIP-712 typed data under a domain that names the chain and the verifying contract,
so a signature made for one contract or chain is worthless on any other. Each area declares its
own types next to the code that uses them; this module only builds the domain and signs.

Signing goes through `account.sign_message`, so any Ape account works: a keyfile, a hardware
wallet, or a test account. The typed data itself is encoded by eth-account.
"""

from __future__ import annotations

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


def sign(account: Any, domain: Domain, primary_type: str, types: dict[str, list[dict[str, str]]],
         message: dict[str, Any]) -> bytes:
    """Signs typed data with an Ape account and returns the 65-byte r||s||v signature."""
    signature = account.sign_message(signable(domain, primary_type, types, message))
    if signature is None:
        raise RuntimeError(f"account {account.address} declined to sign the {primary_type}")
    return bytes(signature.encode_rsv())
