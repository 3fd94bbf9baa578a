"""`make demo`, vouchers: one piece carried from voucher purchase to delivery, and one kiln failure
that is re-fired.

`run(ctx)` takes an object with `.project`, `.accounts`, `.chain` (Ape objects on a running local
chain) and reuses `ctx.edition`, `ctx.coupons`, `ctx.certificate` and `ctx.ledger` when earlier
steps set them (deploying its own otherwise). The collector is the fan demo's keyless account,
which already holds a certificate and a crackle coupon in the full story; it is funded with a
little ETH from accounts[0] to pay its own gas. Sets `ctx.vouchers`. Returns (what, result) rows.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_utils import keccak

from gaoling.voucher import chain as vchain
from gaoling.voucher.shipping import ShippingStore, commit_tracking, new_salt
from gaoling.voucher.stack import VOUCHER_PRICE, build
from cryptography.fernet import Fernet

CRACKLE = 4
PHOTO_CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
DEMO_SHIPPING = {"name": "陈青花", "phone": "+86 138 0000 0000", "address": "珠山区莲社北路 1 号",
                 "city": "景德镇", "postcode": "333000"}


def _collector(ctx: Any) -> Any:
    """The keyless demo collector as an Ape account (an in-memory test account, funded for gas)."""
    key = Account.from_key(keccak(text="gaoling demo collector")).key
    from ape_test.accounts import TestAccount  # local: only the demo needs a keyed test account
    return TestAccount(index=99, address_str=Account.from_key(key).address, private_key="0x" + key.hex())


def run(ctx: Any) -> list[tuple[str, str]]:
    accounts = ctx.accounts
    admin = accounts[0]
    edition, coupons = getattr(ctx, "edition", None), getattr(ctx, "coupons", None)
    certificate, ledger = getattr(ctx, "certificate", None), getattr(ctx, "ledger", None)
    rows: list[tuple[str, str]] = []
    if None in (edition, coupons, certificate, ledger):
        stack = build(ctx.project, ctx.chain, accounts)
        edition, coupons, certificate, ledger = stack.edition, stack.coupons, stack.certificate, stack.ledger
        vouchers = stack.vouchers
    else:
        stack = None
        vouchers = getattr(ctx, "vouchers", None)  # deployed and wired by the deploy engine
        if vouchers is None:
            vouchers = vchain.deploy(ctx.project, admin, certificate, coupons)
            vouchers.setRange(edition.address, 0, 1, int(edition.cap()), VOUCHER_PRICE, 1, sender=admin)
    ctx.vouchers = vouchers
    if hasattr(ctx, "contracts"):
        ctx.contracts["GaolingVouchers"] = vouchers

    collector = _collector(ctx)
    admin.transfer(collector.address, VOUCHER_PRICE * 2 + 10**17)
    price = int(edition.phase(1).price)
    first = int(edition.totalMinted()) + 1
    edition.mintPublic(2, value=2 * price, sender=collector)
    if not certificate.hasCertificate(collector.address):
        if stack is None:
            raise RuntimeError("the collector needs a firing certificate: run the quiz demo first")
        stack.certify(collector)
    # The demo earns a collector several days of purchase points at once: lift the daily cap.
    if int(ledger.purchaseDailyCap()) < 2**30 - 1 and ledger.hasRole(b"\x00" * 32, admin.address):
        ledger.setPurchaseDailyCap(2**30 - 1, sender=admin)
    while int(coupons.balanceOf(collector.address, CRACKLE)) < 2:
        if stack is None and not ledger.hasRole(ledger.PURCHASE_RECORDER_ROLE(), admin.address):
            ledger.grantRole(ledger.PURCHASE_RECORDER_ROLE(), admin.address, sender=admin)
        ledger.recordPurchase(collector.address, 0, 100, sender=admin)
        coupons.exchange(CRACKLE, 1, sender=collector)

    store = ShippingStore(":memory:", Fernet.generate_key())
    ids = []
    for token in (first, first + 1):
        receipt = vouchers.buy(edition.address, token, value=VOUCHER_PRICE, sender=collector)
        vid = int(vouchers.VoucherBought.from_receipt(receipt)[0].tokenId)
        commitment, _ = store.save(vid, DEMO_SHIPPING)
        vouchers.redeem(vid, CRACKLE, commitment, sender=collector)
        ids.append(vid)
    rows.append(("vouchers bought and redeemed (crackle glaze)",
                 f"#{ids[0]} and #{ids[1]} for {VOUCHER_PRICE / 1e18:g} ETH each; only shipping commitments on chain"))

    smooth, refired = ids
    vouchers.putInKiln(smooth, 1, sender=admin)
    vouchers.putInKiln(refired, 1, sender=admin)
    vouchers.markFired(smooth, PHOTO_CID, sender=admin)
    vouchers.markFailed(refired, "crackle too coarse", sender=admin)
    rows.append(("kiln batch 1", f"#{smooth} fired, #{refired} failed (crackle too coarse)"))
    vouchers.putInKiln(refired, 2, sender=admin)
    vouchers.markFired(refired, PHOTO_CID, sender=admin)
    rows.append(("kiln batch 2", f"#{refired} re-fired successfully"))
    for vid in ids:
        vouchers.markShipped(vid, commit_tracking(f"SF-DEMO-{vid}", new_salt()), sender=admin)
        vouchers.confirmDelivery(vid, sender=collector)
    rows.append(("delivered and confirmed by the collector", ", ".join(vouchers.tokenURI(v) for v in ids)))
    rows.append(("shipping details match the chain", str(all(store.matches_chain(vouchers, v) for v in ids))))
    payees, _ = vouchers.payees()
    rows.append(("voucher revenue now releasable",
                 ", ".join(f"{p[:10]}… {int(vouchers.releasable(p)) / 1e18:g} ETH" for p in payees)))
    return rows
