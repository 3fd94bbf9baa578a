"""Privacy: a full lifecycle through the studio tooling puts no shipping or tracking detail on chain.

Every transaction's calldata and every log's topics and data since the start of the test are scanned
for each detail in UTF-8, UTF-16 (LE and BE) and as hex text. A control transaction that does leak a
detail proves the scanner finds what it looks for."""

from __future__ import annotations

from gaoling.voucher import ShippingOpening, verify_shipping_proof
from gaoling.voucher.client import confirm, mark_failed, mark_fired, redeem, ship, start_firing
from tests.voucher.conftest import CID, DELIVERED, SHIPPING, TRACKING, TRANSPARENT, VOUCHER_PRICE


def needles() -> dict[str, bytes]:
    texts = [SHIPPING.recipient, SHIPPING.phone, "".join(c for c in SHIPPING.phone if c.isdigit()), SHIPPING.street,
             SHIPPING.city, SHIPPING.district, SHIPPING.region, SHIPPING.postal_code, TRACKING.tracking_number,
             TRACKING.carrier]
    out = {}
    for text in texts:
        raw = text.encode("utf-8")
        out[f"{text!r} utf-8"] = raw
        out[f"{text!r} utf-16-le"] = text.encode("utf-16-le")
        out[f"{text!r} utf-16-be"] = text.encode("utf-16-be")
        out[f"{text!r} hex"] = raw.hex().encode("ascii")
        out[f"{text!r} HEX"] = raw.hex().upper().encode("ascii")
    return out


def chain_bytes(web3, first_block: int) -> list[tuple[str, bytes]]:
    """(where, bytes) for every transaction input and every log topic and data since `first_block`."""
    out = []
    for number in range(first_block, web3.eth.block_number + 1):
        block = web3.eth.get_block(number, full_transactions=True)
        for tx in block.transactions:
            out.append((f"calldata of {tx['hash'].hex()}", bytes(tx["input"])))
            receipt = web3.eth.get_transaction_receipt(tx["hash"])
            for log in receipt["logs"]:
                where = f"log {log['logIndex']} of {tx['hash'].hex()}"
                out.append((where + " data", bytes(log["data"])))
                out.extend((where + " topic", bytes(topic)) for topic in log["topics"])
    return out


def leaks(web3, first_block: int) -> list[str]:
    found = []
    for where, data in chain_bytes(web3, first_block):
        for name, needle in needles().items():
            if needle in data:
                found.append(f"{name} in {where}")
    return found


def test_full_lifecycle_leaks_nothing(vouchers, coupons, edition, collector, staff, store, chain, tmp_path):
    web3 = chain.provider.web3
    first_block = web3.eth.block_number + 1

    vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    opening, _ = redeem(vouchers, coupons, collector, 1, TRANSPARENT, SHIPPING, store)
    start_firing(vouchers, staff, 1, 2026031401)
    mark_failed(vouchers, staff, 1, "crack across the well")
    start_firing(vouchers, staff, 1, 2026031402)
    mark_fired(vouchers, staff, 1, CID)
    tracking, _ = ship(vouchers, staff, 1, TRACKING, store)
    confirm(vouchers, collector, 1)
    assert vouchers.statusOf(1) == DELIVERED

    transactions = [w for w, _ in chain_bytes(web3, first_block) if w.startswith("calldata")]
    assert len(transactions) == 8  # buy, redeem, kiln, failed, kiln, fired, ship, confirm
    assert leaks(web3, first_block) == []

    # Nothing in clear in the store file either: it is encrypted at rest.
    raw = store.path.read_bytes()
    assert not [name for name, needle in needles().items() if needle in raw]

    # What is on chain is a commitment the holder can open, and only the true details open it.
    assert verify_shipping_proof(vouchers, opening)
    assert tracking.matches(vouchers.voucher(1).trackingCommitment)
    altered = ShippingOpening(ref=opening.ref, details=SHIPPING.model_copy(update={"postal_code": "333001"}),
                              salt=opening.salt)
    assert not verify_shipping_proof(vouchers, altered)
    assert store.get_shipping(opening.ref) == opening


def test_scanner_finds_a_leak(vouchers, edition, collector, staff, chain, commitment):
    """Control: the scan is able to fail. A failure reason that names the phone number is caught."""
    web3 = chain.provider.web3
    first_block = web3.eth.block_number + 1
    vouchers.buy(edition, 1, value=VOUCHER_PRICE, sender=collector)
    vouchers.redeem(1, TRANSPARENT, commitment, sender=collector)
    vouchers.startFiring(1, 1, sender=staff)
    vouchers.markFailed(1, f"call {SHIPPING.phone}", sender=staff)
    found = leaks(web3, first_block)
    assert any(SHIPPING.phone in f and "utf-8" in f and "calldata" in f for f in found)
    assert any(SHIPPING.phone in f and "log" in f for f in found)
