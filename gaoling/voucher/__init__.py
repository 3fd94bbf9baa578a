"""Physical-customization vouchers: buying the right, redeeming it, and the studio's fulfilment.

See docs/vouchers.md for the lifecycle, the privacy model and the money flows.
"""

from gaoling.voucher.commitments import (
    ShippingDetails,
    ShippingOpening,
    TrackingDetails,
    TrackingOpening,
    VoucherRef,
    verify_shipping_proof,
)
from gaoling.voucher.errors import ShippingStoreError, VoucherInputError
from gaoling.voucher.orders import VOUCHER_ORDER_TYPES, SignedVoucherOrder, VoucherOrder, make_order, sign_order
from gaoling.voucher.status import FINAL, PENDING, STEPS, Status, check_step, next_steps
from gaoling.voucher.store import ShippingStore, generate_key

__all__ = [
    "FINAL", "PENDING", "STEPS", "ShippingDetails", "ShippingOpening", "ShippingStore", "ShippingStoreError",
    "SignedVoucherOrder", "Status", "TrackingDetails", "TrackingOpening", "VOUCHER_ORDER_TYPES", "VoucherInputError",
    "VoucherOrder", "VoucherRef", "check_step", "generate_key", "make_order", "next_steps", "sign_order",
    "verify_shipping_proof",
]
