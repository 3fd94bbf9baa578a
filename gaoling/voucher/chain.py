"""Talking to a deployed GaolingVouchers: deploy, sign fiat orders, read vouchers, advance them.

Every function validates its arguments first and raises `VoucherInputError` naming the argument,
so a mistyped id or an empty CID fails before a transaction is paid for. The contract enforces all
of it again; these checks are a courtesy, never the defence.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from eth_utils import to_checksum_address
from multiformats import CID

from gaoling import signing
from gaoling.inputs import UINT32_MAX, UINT64_MAX, UINT96_MAX, UINT256_MAX, parse_address

DAY = 86_400
DEFAULT_DELIVERY_TIMEOUT = 30 * DAY

VOUCHER_ORDER_TYPES = {
    "VoucherOrder": [
        {"name": "buyer", "type": "address"},
        {"name": "collection", "type": "address"},
        {"name": "tokenId", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "expiry", "type": "uint256"},
    ]
}


class VoucherInputError(ValueError):
    """A bad argument, with its name and what to give instead."""


class Status(IntEnum):
    """Mirror of `GaolingVouchers.Status`; `label` is the name used in token URIs."""

    ISSUED = 0
    REQUESTED = 1
    IN_KILN = 2
    FIRED = 3
    SHIPPED = 4
    DELIVERED = 5
    FAILED = 6
    REFUNDED = 7

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")

    @property
    def final(self) -> bool:
        return self in (Status.DELIVERED, Status.REFUNDED)


# Legal lifecycle edges, as the contract enforces them (Issued -> Requested is the holder's redeem,
# Shipped -> Delivered the holder's confirmation or the timeout).
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.ISSUED: (Status.REQUESTED,),
    Status.REQUESTED: (Status.IN_KILN,),
    Status.IN_KILN: (Status.FIRED, Status.FAILED),
    Status.FIRED: (Status.SHIPPED,),
    Status.SHIPPED: (Status.DELIVERED,),
    Status.FAILED: (Status.IN_KILN, Status.REFUNDED),
    Status.DELIVERED: (),
    Status.REFUNDED: (),
}


def uint_arg(value: Any, name: str, *, bits: int = 256, minimum: int = 0) -> int:
    """`value` as an unsigned integer of `bits` bits, or VoucherInputError naming `name`."""
    if isinstance(value, bool):
        raise VoucherInputError(f"{name}: expected a whole number, got {value!r}")
    try:
        number = int(value, 0) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise VoucherInputError(f"{name}: expected a whole number, got {value!r}") from None
    if isinstance(value, float) and value != number:
        raise VoucherInputError(f"{name}: expected a whole number, got {value!r}")
    limit = {32: UINT32_MAX, 64: UINT64_MAX, 96: UINT96_MAX}.get(bits, UINT256_MAX)
    if number < minimum or number > limit:
        raise VoucherInputError(f"{name}: {number} is out of range ({minimum}..{limit})")
    return number


def address_arg(value: Any, name: str) -> str:
    """An account, contract or address string as a checksummed address, or VoucherInputError naming `name`."""
    raw = getattr(value, "address", value)
    try:
        return parse_address(str(raw))
    except ValueError as exc:
        raise VoucherInputError(f"{name}: {exc}") from None


def bytes32_arg(value: Any, name: str) -> bytes:
    """32 bytes (raw or 0x-hex), non-zero, or VoucherInputError naming `name`."""
    if isinstance(value, str):
        text = value[2:] if value.startswith("0x") else value
        try:
            value = bytes.fromhex(text)
        except ValueError:
            raise VoucherInputError(f"{name}: {value!r} is not hex") from None
    if not isinstance(value, (bytes, bytearray)) or len(value) != 32:
        raise VoucherInputError(f"{name}: expected 32 bytes (0x + 64 hex digits)")
    if not any(value):
        raise VoucherInputError(f"{name}: the zero commitment is rejected; compute it with gaoling.voucher.commit")
    return bytes(value)


def text_arg(value: Any, name: str, *, max_len: int = 200) -> str:
    if not isinstance(value, str) or not value.strip():
        raise VoucherInputError(f"{name}: must be non-empty text")
    if len(value) > max_len:
        raise VoucherInputError(f"{name}: at most {max_len} characters, got {len(value)}")
    return value.strip()


def check_cid(value: Any, name: str) -> str:
    """An IPFS CID (v0 or v1, without ipfs://), or VoucherInputError naming `name`."""
    text = text_arg(value, name, max_len=128)
    try:
        CID.decode(text)
    except Exception:  # multiformats raises several error types for a bad CID
        raise VoucherInputError(f"{name}: {text!r} is not an IPFS CID (e.g. bafy... or Qm...)") from None
    return text


def deploy(project: Any, admin: Any, certificate: Any, coupons: Any, *, payees: list[Any] | None = None,
           payee_bps: list[int] | None = None, base_uri: str = "ipfs://vouchers/",
           delivery_timeout: int = DEFAULT_DELIVERY_TIMEOUT, name: str = "Gaoling Firing Voucher",
           symbol: str = "GLVOUCHER", **tx: Any) -> Any:
    """Deploys GaolingVouchers and grants it REDEEMER_ROLE on `coupons` (it consumes and restores them).

    `admin` receives every role; hand them over with grantRole/renounceRole afterwards.
    """
    admin_address = address_arg(admin, "admin")
    payees = [admin_address] if payees is None else [address_arg(p, f"payees[{i}]") for i, p in enumerate(payees)]
    payee_bps = [10_000] if payee_bps is None else list(payee_bps)
    if len(payee_bps) != len(payees) or sum(payee_bps) != 10_000:
        raise VoucherInputError("payee_bps: one share per payee, adding up to 10000")
    uint_arg(delivery_timeout, "delivery_timeout", minimum=DAY)
    init = (name, symbol, base_uri, admin_address, address_arg(certificate, "certificate"),
            address_arg(coupons, "coupons"), payees, payee_bps, delivery_timeout)
    vouchers = admin.deploy(project.GaolingVouchers, init, **tx)
    coupons.grantRole(coupons.REDEEMER_ROLE(), vouchers.address, sender=admin)
    return vouchers


@dataclass(frozen=True)
class SignedOrder:
    buyer: str
    collection: str
    token_id: int
    nonce: int
    expiry: int
    signature: bytes

    def as_tuple(self) -> tuple[str, str, int, int, int]:
        return (self.buyer, self.collection, self.token_id, self.nonce, self.expiry)


def sign_order(signer: Any, vouchers: Any, buyer: Any, collection: Any, token_id: int, *, expiry: int,
               nonce: int | None = None, domain: signing.Domain | None = None) -> SignedOrder:
    """Signs a fiat VoucherOrder with `signer` (an ORDER_SIGNER_ROLE holder) for `vouchers`."""
    domain = domain or signing.Domain.of(vouchers)
    message = {
        "buyer": address_arg(buyer, "buyer"),
        "collection": address_arg(collection, "collection"),
        "tokenId": uint_arg(token_id, "token_id"),
        "nonce": secrets.randbits(256) if nonce is None else uint_arg(nonce, "nonce"),
        "expiry": uint_arg(expiry, "expiry"),
    }
    signature = signing.sign(signer, domain, "VoucherOrder", VOUCHER_ORDER_TYPES, message)
    return SignedOrder(message["buyer"], message["collection"], message["tokenId"], message["nonce"],
                       message["expiry"], signature)


@dataclass(frozen=True)
class VoucherView:
    token_id: int
    holder: str
    collection: str
    source_token_id: int
    price: int
    status: Status
    glaze_id: int
    kiln_batch_id: int
    updated_at: int
    coupon_pending: bool
    shipping_commitment: bytes

    def rows(self) -> list[tuple[str, str]]:
        """The voucher as name/value lines, as `voucher status` and the `fulfil` steps print it."""
        from gaoling import display

        return [("status", self.status.label), ("holder", self.holder),
                ("source", f"{self.collection} #{self.source_token_id}"), ("price paid", display.ether(self.price)),
                ("glaze", str(self.glaze_id or "-")), ("kiln batch", str(self.kiln_batch_id or "-")),
                ("last change", display.when(self.updated_at) if self.updated_at else "-")]


def read(vouchers: Any, token_id: int) -> VoucherView:
    token_id = uint_arg(token_id, "token_id", minimum=1)
    if token_id > int(vouchers.totalIssued()):
        raise VoucherInputError(f"token_id: voucher {token_id} does not exist (last is {vouchers.totalIssued()})")
    v = vouchers.voucher(token_id)
    return VoucherView(token_id, to_checksum_address(vouchers.ownerOf(token_id)), to_checksum_address(v.collection),
                       int(v.sourceTokenId), int(v.price), Status(int(v.status)), int(v.glazeId),
                       int(v.kilnBatchId), int(v.updatedAt), bool(v.couponPending), bytes(v.shippingCommitment))


def all_vouchers(vouchers: Any) -> list[VoucherView]:
    return [read(vouchers, i) for i in range(1, int(vouchers.totalIssued()) + 1)]


def require_status(view: VoucherView, *allowed: Status, action: str) -> None:
    """Raises VoucherInputError when `action` cannot apply to `view` in its current status."""
    if view.status not in allowed:
        names = " or ".join(s.label for s in allowed)
        raise VoucherInputError(f"token_id: voucher {view.token_id} is {view.status.label}; "
                                f"{action} needs it {names}")


# ---------------------------------------------------------------- fulfilment steps (checked)

def put_in_kiln(vouchers: Any, token_id: int, kiln_batch_id: int, sender: Any, **tx: Any) -> Any:
    batch = uint_arg(kiln_batch_id, "kiln_batch_id", bits=64)
    require_status(read(vouchers, token_id), Status.REQUESTED, Status.FAILED, action="kiln")
    return vouchers.putInKiln(token_id, batch, sender=sender, **tx)


def mark_fired(vouchers: Any, token_id: int, photo_cid: str, sender: Any, **tx: Any) -> Any:
    cid = check_cid(photo_cid, "photo_cid")
    require_status(read(vouchers, token_id), Status.IN_KILN, action="fired")
    return vouchers.markFired(token_id, cid, sender=sender, **tx)


def mark_failed(vouchers: Any, token_id: int, reason: str, sender: Any, **tx: Any) -> Any:
    text = text_arg(reason, "reason")
    require_status(read(vouchers, token_id), Status.IN_KILN, action="failed")
    return vouchers.markFailed(token_id, text, sender=sender, **tx)


def mark_shipped(vouchers: Any, token_id: int, tracking_commitment: Any, sender: Any, **tx: Any) -> Any:
    commitment = bytes32_arg(tracking_commitment, "tracking_commitment")
    require_status(read(vouchers, token_id), Status.FIRED, action="ship")
    return vouchers.markShipped(token_id, commitment, sender=sender, **tx)


def refund(vouchers: Any, token_id: int, sender: Any, **tx: Any) -> Any:
    require_status(read(vouchers, token_id), Status.FAILED, action="refund")
    return vouchers.refund(token_id, sender=sender, **tx)


def open_vouchers(project: Any, provider: Any, address: Any, option: str = "--vouchers") -> Any:
    """The GaolingVouchers at `address`, for the commands. A malformed address raises
    VoucherInputError; an address without code raises LookupError. Both messages name `option`."""
    address = address_arg(address, option)
    if not provider.get_code(address):
        raise LookupError(f"no contract at {address}; check {option} and --network")
    return project.GaolingVouchers.at(address)
