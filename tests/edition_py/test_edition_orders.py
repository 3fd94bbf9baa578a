"""Fiat mint orders: the digest is the one the contract computes (EIP-712 written out by hand
here), signatures recover to the signer, the JSON form survives a round trip and refuses
tampering, and every bad argument is named. The contract-side checks are in the edition tests."""

from __future__ import annotations

import json

import pytest
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import keccak

from gaoling.collection.orders import (
    MINT_ORDER_TYPEHASH,
    MintOrderError,
    SignedOrder,
    edition_domain,
    new_nonce,
    sign_mint_order,
)
from gaoling.signing import Domain

EDITION = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
OTHER_EDITION = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
BUYER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
NOW = 1_796_000_000
EXPIRY = NOW + 3600


def _manual_digest(chain_id: int, contract: str, recipient: str, quantity: int, nonce: int, expiry: int) -> bytes:
    """keccak256(0x1901 || domainSeparator || structHash), as OpenZeppelin's EIP712 builds it."""
    domain_typehash = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    separator = keccak(abi_encode(
        ["bytes32", "bytes32", "bytes32", "uint256", "address"],
        [domain_typehash, keccak(text="GaolingEdition"), keccak(text="1"), chain_id, contract]))
    struct = keccak(abi_encode(["bytes32", "address", "uint256", "uint256", "uint256"],
                               [keccak(text="MintOrder(address recipient,uint256 quantity,uint256 nonce,uint256 expiry)"),
                                recipient, quantity, nonce, expiry]))
    return keccak(b"\x19\x01" + separator + struct)


@pytest.fixture
def domain() -> Domain:
    return edition_domain(31337, EDITION)


def test_digest_matches_the_eip712_formula(order_signer, domain: Domain) -> None:
    signed = sign_mint_order(order_signer, domain, BUYER, 2, 7, EXPIRY, now=NOW)
    assert signed.digest == _manual_digest(31337, EDITION, BUYER, 2, 7, EXPIRY)
    assert signed.order.struct_hash() == keccak(abi_encode(
        ["bytes32", "address", "uint256", "uint256", "uint256"], [MINT_ORDER_TYPEHASH, BUYER, 2, 7, EXPIRY]))
    assert signed.order.as_struct() == (BUYER, 2, 7, EXPIRY)


def test_signature_recovers_to_the_signer(order_signer, domain: Domain) -> None:
    signed = sign_mint_order(order_signer, domain, BUYER.lower(), 3, None, EXPIRY, now=NOW)
    assert signed.order.recipient == BUYER
    assert signed.signer == order_signer.address
    assert len(signed.signature) == 65 and signed.signature[64] in (27, 28)
    # Recover from the raw digest as a contract does (ecrecover), independent of our helpers.
    raw = Account._recover_hash(signed.digest, signature=signed.signature)
    assert raw == order_signer.address
    assert signed.recover() == order_signer.address


def test_order_is_bound_to_chain_contract_and_fields(order_signer, domain: Domain) -> None:
    signed = sign_mint_order(order_signer, domain, BUYER, 1, 42, EXPIRY, now=NOW)
    variants = [
        _manual_digest(1, EDITION, BUYER, 1, 42, EXPIRY),
        _manual_digest(31337, OTHER_EDITION, BUYER, 1, 42, EXPIRY),
        _manual_digest(31337, EDITION, OTHER_EDITION, 1, 42, EXPIRY),
        _manual_digest(31337, EDITION, BUYER, 2, 42, EXPIRY),
        _manual_digest(31337, EDITION, BUYER, 1, 43, EXPIRY),
        _manual_digest(31337, EDITION, BUYER, 1, 42, EXPIRY + 1),
    ]
    for digest in variants:
        assert digest != signed.digest
        assert Account._recover_hash(digest, signature=signed.signature) != order_signer.address


def test_json_round_trip(order_signer, domain: Domain) -> None:
    nonce = 2**256 - 1  # survives JSON as text, where a JS number would lose it
    signed = sign_mint_order(order_signer, domain, BUYER, 2, nonce, EXPIRY, now=NOW)
    data = json.loads(signed.to_json())
    assert data["order"] == {"recipient": BUYER, "quantity": "2", "nonce": str(nonce), "expiry": str(EXPIRY)}
    assert data["domain"] == {"name": "GaolingEdition", "version": "1", "chainId": 31337,
                              "verifyingContract": EDITION}
    assert data["digest"] == "0x" + signed.digest.hex()
    assert SignedOrder.from_json(signed.to_json()) == signed


@pytest.mark.parametrize("path, value, words", [
    (("order", "recipient"), OTHER_EDITION, "not made by"),
    (("order", "quantity"), "3", "not made by"),
    (("domain", "chainId"), 1, "not made by"),
    (("domain", "verifyingContract"), OTHER_EDITION, "not made by"),
    (("signer",), BUYER, "not made by"),
    (("domain", "name"), "OtherEdition", "domain:"),
    (("signature",), "0x1234", "expected 65 bytes"),
    (("order", "recipient"), "0x12", "not an address"),
])
def test_tampered_json_is_refused(order_signer, domain: Domain, path: tuple[str, ...], value, words: str) -> None:
    data = sign_mint_order(order_signer, domain, BUYER, 2, 9, EXPIRY, now=NOW).as_dict()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(MintOrderError, match=words):
        SignedOrder.from_dict(data)


def test_malformed_json_is_refused() -> None:
    with pytest.raises(MintOrderError, match="not JSON"):
        SignedOrder.from_json("{")
    with pytest.raises(MintOrderError, match="missing field 'order'"):
        SignedOrder.from_dict({"domain": {}})


@pytest.mark.parametrize("kwargs, argument", [
    ({"recipient": "0x1234"}, "recipient"),
    ({"recipient": "0x" + "00" * 20}, "recipient"),
    ({"recipient": "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"}, "recipient"),  # bad checksum
    ({"quantity": 0}, "quantity"),
    ({"quantity": 1_000_001}, "quantity"),
    ({"quantity": "2"}, "quantity"),
    ({"nonce": -1}, "nonce"),
    ({"nonce": 2**256}, "nonce"),
    ({"expiry": NOW}, "expiry"),
    ({"expiry": NOW - 1}, "expiry"),
    ({"expiry": 2**256}, "expiry"),
])
def test_bad_arguments_are_named(order_signer, domain: Domain, kwargs: dict, argument: str) -> None:
    args = {"recipient": BUYER, "quantity": 1, "nonce": 1, "expiry": EXPIRY, **kwargs}
    with pytest.raises(MintOrderError, match=f"^{argument}: "):
        sign_mint_order(order_signer, domain, now=NOW, **args)


def test_wrong_domain_or_account(order_signer) -> None:
    with pytest.raises(MintOrderError, match="^domain: .*is it a GaolingEdition"):
        sign_mint_order(order_signer, Domain("Other", "1", 31337, EDITION), BUYER, 1, 1, EXPIRY, now=NOW)
    with pytest.raises(MintOrderError, match="^domain: .*version '2'"):
        sign_mint_order(order_signer, Domain("GaolingEdition", "2", 31337, EDITION), BUYER, 1, 1, EXPIRY, now=NOW)
    with pytest.raises(MintOrderError, match="^domain: expected"):
        sign_mint_order(order_signer, {"name": "GaolingEdition"}, BUYER, 1, 1, EXPIRY, now=NOW)
    with pytest.raises(MintOrderError, match="^account: "):
        sign_mint_order(object(), edition_domain(31337, EDITION), BUYER, 1, 1, EXPIRY, now=NOW)


def test_domain_helper_validates_contract() -> None:
    with pytest.raises(ValueError, match="not an address"):
        edition_domain(31337, "0x12")


def test_random_nonces() -> None:
    nonces = {new_nonce() for _ in range(64)}
    assert len(nonces) == 64
    assert all(0 <= n < 2**256 for n in nonces)
    assert max(nonces).bit_length() > 200  # drawn from the whole 256-bit range


def test_default_nonce_is_random(order_signer, domain: Domain) -> None:
    first = sign_mint_order(order_signer, domain, BUYER, 1, expiry=EXPIRY, now=NOW)
    second = sign_mint_order(order_signer, domain, BUYER, 1, expiry=EXPIRY, now=NOW)
    assert first.order.nonce != second.order.nonce
