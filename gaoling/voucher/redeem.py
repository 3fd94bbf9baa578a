"""A holder's redemption: the shipping details become the voucher's only once the chain has them.

`redeem_voucher` checks everything the contract checks (holder, status, glaze, coupon), records
the encrypted details as a *pending* submission in the shared store (gaoling.voucher.shipping),
sends `redeem` with their commitment, and confirms the submission once the transaction is mined.
A redeem that reverts leaves its submission pending - history, never the voucher's details - and
an earlier confirmed submission is never overwritten.

The salt is derived from the studio's shipping key, the chain, the contract, the voucher and the
details (HMAC-SHA256), so it is as secret as the key but reproducible: running the same redeem
again after an interruption records the same submission (a no-op) and, if the chain already holds
its commitment, only confirms it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from gaoling.voucher import chain as vchain
from gaoling.voucher.chain import Status, VoucherInputError
from gaoling.voucher.shipping import ShippingStore, commit, details_arg


@dataclass(frozen=True)
class RedeemOutcome:
    token_id: int
    commitment: bytes
    resumed: bool  # True: the chain already had this commitment; only the store was written
    tx_hash: str | None


def derive_salt(key: bytes, chain_id: int, vouchers_address: str, token_id: int, details: Any) -> bytes:
    """32 secret bytes for one voucher's shipping commitment (see the module docstring)."""
    model = details_arg(details)
    message = b"gaoling/shipping-salt/v1|%d|%s|%d|" % (int(chain_id), vouchers_address.lower().encode(), int(token_id))
    return hmac.new(key, message + model.canonical(), hashlib.sha256).digest()


def check_redeem(vouchers: Any, coupons: Any, holder: str, token_id: int, glaze_id: int) -> vchain.VoucherView:
    """Raises VoucherInputError (naming the argument and the next step) where the contract would revert."""
    view = vchain.read(vouchers, token_id)
    if view.holder.lower() != holder.lower():
        raise VoucherInputError(f"token_id: voucher {token_id} is held by {view.holder}, not {holder}; "
                                "redeem with the holder's --account")
    if view.status is not Status.ISSUED:
        raise VoucherInputError(f"token_id: voucher {token_id} is already {view.status.label}; "
                                "see `ape run voucher status`")
    if not coupons.glazeExists(glaze_id):
        raise VoucherInputError(f"glaze: {glaze_id} is not a glaze on this platform; see `ape run coupons list`")
    if int(coupons.balanceOf(holder, glaze_id)) == 0:
        raise VoucherInputError(f"glaze: {holder} holds no coupon of glaze {glaze_id}; exchange points for one "
                                f"first (ape run coupons exchange --glaze {glaze_id})")
    return view


def redeem_voucher(vouchers: Any, coupons: Any, store: ShippingStore, holder: Any, token_id: int, glaze_id: int,
                   details: Any, *, key: bytes, chain_id: int) -> RedeemOutcome:
    model = details_arg(details)
    salt = derive_salt(key, chain_id, str(vouchers.address), token_id, model)
    commitment = commit(model, salt)
    view = vchain.read(vouchers, token_id)
    if view.status is Status.REQUESTED and view.shipping_commitment == commitment:
        store.save(token_id, model, salt)  # the chain has it; an earlier run stopped before confirming
        store.confirm(token_id, commitment)
        return RedeemOutcome(token_id, commitment, True, None)
    if view.status is Status.REQUESTED:
        raise VoucherInputError(f"token_id: voucher {token_id} was redeemed with other shipping details; "
                                "they cannot change on chain now, contact the studio")
    check_redeem(vouchers, coupons, holder.address, token_id, glaze_id)
    store.save(token_id, model, salt)  # pending: kept even if this process dies once the tx is sent
    receipt = vouchers.redeem(token_id, glaze_id, commitment, sender=holder)
    store.confirm(token_id, commitment)  # only now is it the voucher's shipping details
    return RedeemOutcome(token_id, commitment, False, str(receipt.txn_hash))
