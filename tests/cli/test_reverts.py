"""gaoling.reverts: every platform error decodes, in English and Chinese, including an error raised
by a contract that the called contract calls (PointsLedger under GlazeCoupons), Error(string) and Panic."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_utils import keccak

from gaoling import display, reverts
from gaoling.fan import deploy_coupons, deploy_ledger, sign_exchange

ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def _data(signature: str, types: list[str], values: list) -> bytes:
    return keccak(text=signature)[:4] + encode(types, values)


def test_table_lists_every_platform_error_once_with_its_contracts():
    table = reverts.error_table()
    selectors = [e.selector for e in table]
    assert len(selectors) == len(set(selectors))
    by_name = {e.name: e for e in table}
    points = by_name["PointsLedgerInsufficientPoints"]
    assert points.selector == "0xa25369bc"  # the selector of the report in issue 12
    assert points.contracts == ("PointsLedger",)
    assert [i["type"] for i in points.inputs] == ["address", "uint256", "uint256"]
    assert set(by_name["AccessControlUnauthorizedAccount"].contracts) >= {"GaolingVouchers", "GlazeCoupons", "PointsLedger"}
    assert {"Error", "Panic"} <= set(by_name)
    # contracts only used by tests and benchmarks are not part of the platform
    assert not any(c.startswith(("Test", "Bench", "Reentrant")) for e in table for c in e.contracts)
    assert all(e.sentence_en and e.sentence_zh for e in table)


def test_nested_error_decodes_to_the_inner_contract_even_when_another_was_called():
    data = _data("PointsLedgerInsufficientPoints(address,uint256,uint256)", ["address", "uint256", "uint256"],
                 [ALICE, 40, 100])
    decoded = reverts.decode_revert("0x" + data.hex(), "GlazeCoupons")
    assert decoded.name == "PointsLedgerInsufficientPoints"
    assert decoded.contract == "PointsLedger"  # declared only there, although GlazeCoupons was called
    assert decoded.args == {"member": ALICE, "points": 40, "needed": 100}
    assert f"{ALICE} has 40 points but this needs 100" in decoded.sentence_en
    assert "积分" in decoded.sentence_zh and "100" in decoded.sentence_zh


def test_roles_times_wei_and_states_read_as_words():
    role = display.role_id("FULFILMENT_ROLE")
    decoded = reverts.decode_revert(_data("AccessControlUnauthorizedAccount(address,bytes32)", ["address", "bytes32"],
                                          [ALICE, role]), "GaolingVouchers")
    assert decoded.shown["neededRole"] == "FULFILMENT_ROLE"
    assert decoded.contract == "GaolingVouchers"  # declared by many; the called one is named
    assert "FULFILMENT_ROLE" in decoded.sentence_zh and ALICE in decoded.sentence_en
    expired = reverts.decode_revert(_data("EditionOrderExpired(uint256,uint256)", ["uint256", "uint256"],
                                          [7, 1_764_763_200]))
    assert expired.shown["expiry"] == "2025-12-03 20:00:00 CST (12:00:00 UTC)"
    paid = reverts.decode_revert(_data("EditionWrongPayment(uint256,uint256)", ["uint256", "uint256"],
                                       [5 * 10**16, 10**16]))
    assert "exactly 0.05 ether, 0.01 ether was sent" in paid.sentence_en
    moved = reverts.decode_revert(_data("VoucherIllegalTransition(uint256,uint8,uint8)", ["uint256", "uint8", "uint8"],
                                        [3, 1, 3]))
    assert moved.sentence_en == "Voucher 3 is requested; it cannot become fired."


def test_builtin_errors_unknown_and_empty_data():
    assert reverts.decode_revert(_data("Error(string)", ["string"], ["not yet"])).sentence_en == \
        "The contract refused: not yet"
    panic = reverts.decode_revert(_data("Panic(uint256)", ["uint256"], [0x11]))
    assert panic.name == "Panic" and "overflow" in panic.sentence_en
    unknown = reverts.decode_revert("0xdeadbeef00", "GaolingEdition")
    assert unknown.name == "UnknownError" and not unknown.known and "0xdeadbeef00" in unknown.sentence_en
    assert reverts.decode_revert(b"").name == "EmptyRevert"
    with pytest.raises(ValueError, match="not hex"):
        reverts.decode_revert("0xzz")


def test_as_dict_is_json_ready():
    decoded = reverts.decode_revert(_data("GlazeCouponsOutOfStock(uint256,uint256,uint256)",
                                          ["uint256", "uint256", "uint256"], [4, 2**70, 1]))
    assert decoded.as_dict()["args"] == {"glazeId": "4", "requested": str(2**70), "remaining": "1"}


def test_a_real_nested_revert_from_the_chain(project, accounts):
    """Alice has no points; GlazeCoupons.exchangeWithSignature calls PointsLedger.spend, which
    reverts with its own error: Ape cannot decode it against GlazeCoupons' ABI; we can."""
    admin, alice, relayer = accounts[0], accounts[1], accounts[2]
    ledger = deploy_ledger(project, admin)
    coupons = deploy_coupons(project, admin, ledger, base_uri="ipfs://bafyglazes/")
    signed = sign_exchange(alice, coupons, 1, 1)
    with pytest.raises(Exception) as caught:
        coupons.exchangeWithSignature(signed.request(), signed.signature, sender=relayer)
    decoded = reverts.decode_exception(caught.value, "GlazeCoupons")
    assert decoded is not None and decoded.name == "PointsLedgerInsufficientPoints"
    assert decoded.args == {"member": alice.address, "points": 0, "needed": 100}
    assert decoded.contract == "PointsLedger"
    # and an error of the called contract itself, which Ape raises as its own CustomError type
    with pytest.raises(Exception) as unknown:
        coupons.exchange(99, 1, sender=alice)
    own = reverts.decode_exception(unknown.value, "GlazeCoupons")
    assert own.name == "GlazeCouponsUnknownGlaze" and own.args == {"glazeId": 99}
    assert reverts.decode_exception(ValueError("not a revert")) is None
