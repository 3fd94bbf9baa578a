"""Gas of the voucher flow: `voucher.buy` (ETH purchase), `voucher.redeem` (coupon spent and
shipping commitment stored) and `voucher.advance` (one fulfilment step, Requested -> InKiln).

Each figure is the second of two identical operations, so one-off costs of the first (a fresh
counter slot, the first coupon burn) do not inflate the steady-state number."""

from __future__ import annotations

from typing import Any

from gaoling.voucher.stack import VOUCHER_PRICE, build

CRACKLE = 4


def measure(ctx: Any) -> dict[str, int]:
    stack = build(ctx.project, ctx.chain, ctx.accounts)
    vouchers = stack.vouchers
    holders = [ctx.accounts[1], ctx.accounts[2]]
    gas: dict[str, int] = {}
    ids = []
    for holder in holders:
        token = stack.source_token(holder)
        if not stack.certificate.hasCertificate(holder.address):
            stack.certify(holder)
        stack.coupon(holder, CRACKLE)
        receipt = vouchers.buy(stack.edition.address, token, value=VOUCHER_PRICE, sender=holder)
        gas["voucher.buy"] = int(receipt.gas_used)
        ids.append(int(vouchers.VoucherBought.from_receipt(receipt)[0].tokenId))
    for holder, vid in zip(holders, ids):
        receipt = vouchers.redeem(vid, CRACKLE, b"\x5a" * 32, sender=holder)
        gas["voucher.redeem"] = int(receipt.gas_used)
    for vid in ids:
        receipt = vouchers.putInKiln(vid, 1, sender=stack.admin)
        gas["voucher.advance"] = int(receipt.gas_used)
    return gas
