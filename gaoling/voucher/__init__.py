"""Physical-customization vouchers: on-chain lifecycle helpers, the encrypted shipping-details
store with its commitments, and reports built from the contract's events."""

from gaoling.voucher.chain import (TRANSITIONS, Status, VoucherInputError, VoucherView, deploy, read,
                                   sign_order)

__all__ = ["TRANSITIONS", "Status", "VoucherInputError", "VoucherView", "deploy", "read", "sign_order"]
