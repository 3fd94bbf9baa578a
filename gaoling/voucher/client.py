"""Talking to a deployed GaolingVouchers: deploy, configure, buy, redeem, move the lifecycle.

Every function checks off chain what the contract would reject (role, status, ownership,
certificate, coupon, allowance) and raises VoucherInputError saying what to do, before a
transaction is paid for. The contract enforces all of it again; these checks are a courtesy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from eth_utils import keccak
from multiformats import CID

from gaoling.voucher.commitments import ShippingDetails, ShippingOpening, TrackingDetails, TrackingOpening, VoucherRef
from gaoling.voucher.errors import VoucherInputError, address_arg, uint_arg
from gaoling.voucher.orders import SignedVoucherOrder
from gaoling.voucher.status import PENDING, Status, check_step
from gaoling.voucher.store import ShippingStore

UINT256_MAX = 2**256 - 1
U96_MAX = 2**96 - 1
U32_MAX = 2**32 - 1
DAY = 86_400
DEFAULT_DELIVERY_TIMEOUT = 21 * DAY
MAX_REASON_BYTES = 128
ROLES = ("ISSUER_ROLE", "ORDER_SIGNER_ROLE", "FULFILMENT_ROLE", "PAUSER_ROLE")


def role_id(name: str) -> bytes:
    return keccak(text=name)


def require_role(vouchers: Any, role: str, account: Any) -> str:
    address = address_arg(account, "account")
    if not vouchers.hasRole(role_id(role), address):
        raise VoucherInputError(f"account: {address} does not hold {role} on GaolingVouchers {vouchers.address}; "
                                f"an admin grants it with grantRole({role}, {address})")
    return address


# ---------------------------------------------------------------------- deploy and configure


def deploy_vouchers(project: Any, admin: Any, *, coupons: Any, certificate: Any, payees: list[Any],
                    payee_bps: list[int], delivery_timeout: int = DEFAULT_DELIVERY_TIMEOUT,
                    image_base: str = "", name: str = "Gaoling Physical Vouchers", symbol: str = "GLVOUCHER",
                    grant_redeemer: bool = True) -> Any:
    """Deploys GaolingVouchers with `admin` holding every role. With `grant_redeemer`, `admin` (who
    must administer the coupons) grants the voucher contract the coupons' REDEEMER_ROLE."""
    admin_address = address_arg(admin, "admin")
    payee_addresses = [address_arg(p, f"payees[{i}]") for i, p in enumerate(payees)]
    if len(payee_addresses) != len(payee_bps) or not payee_addresses:
        raise VoucherInputError(f"payee_bps: give one share per payee ({len(payee_addresses)} payees, "
                                f"{len(payee_bps)} shares)")
    if sum(payee_bps) != 10_000:
        raise VoucherInputError(f"payee_bps: shares must add up to 10000 bps, got {sum(payee_bps)}")
    if not DAY <= delivery_timeout <= 365 * DAY:
        raise VoucherInputError(f"delivery_timeout: {delivery_timeout}s is outside 1 to 365 days")
    init = (name, symbol, address_arg(coupons, "coupons"), address_arg(certificate, "certificate"),
            payee_addresses, list(payee_bps), delivery_timeout, image_base, admin_address)
    vouchers = admin.deploy(project.GaolingVouchers, init)
    if grant_redeemer:
        coupons.grantRole(coupons.REDEEMER_ROLE(), vouchers.address, sender=admin)
    return vouchers


def add_range(vouchers: Any, issuer: Any, collection: Any, *, price: int, allowance: int = 1,
              from_id: int = 0, to_id: int = UINT256_MAX) -> int:
    """Marks token ids `from_id`..`to_id` of `collection` customizable (default: the whole
    collection) at `price` wei per voucher, `allowance` pieces per token. Returns the range index."""
    require_role(vouchers, "ISSUER_ROLE", issuer)
    collection = address_arg(collection, "collection")
    uint_arg(price, "price", bits=96)
    uint_arg(allowance, "allowance", bits=32, minimum=1)
    uint_arg(from_id, "from_id")
    uint_arg(to_id, "to_id")
    if from_id > to_id:
        raise VoucherInputError(f"from_id: {from_id} is above to_id {to_id}; a range runs from low to high")
    for index, existing in enumerate(vouchers.customizableRanges(collection)):
        if from_id <= existing.toId and existing.fromId <= to_id:
            raise VoucherInputError(f"from_id/to_id: {from_id}..{to_id} overlaps range {index} "
                                    f"({existing.fromId}..{existing.toId}); update or remove that range instead")
    receipt = vouchers.addRange(collection, from_id, to_id, price, allowance, sender=issuer)
    return int(vouchers.RangeAdded.from_receipt(receipt)[0].index)


# ---------------------------------------------------------------------- reading


@dataclass(frozen=True)
class VoucherRecord:
    voucher_id: int
    owner: str
    collection: str
    source_token_id: int
    status: Status
    status_since: int
    glaze_id: int
    kiln_batch_id: int
    paid: int
    shipping_commitment: bytes
    tracking_commitment: bytes
    photo_cid: str
    coupon_owed: bool


def get_voucher(vouchers: Any, voucher_id: int) -> VoucherRecord:
    voucher_id = uint_arg(voucher_id, "voucher_id", minimum=1)
    total = int(vouchers.totalVouchers())
    if voucher_id > total:
        raise VoucherInputError(f"voucher_id: {voucher_id} does not exist; vouchers are numbered 1 to {total}")
    v = vouchers.voucher(voucher_id)
    return VoucherRecord(voucher_id, str(v.owner), str(v.collection), int(v.sourceTokenId), Status(int(v.status)),
                         int(v.statusSince), int(v.glazeId), int(v.kilnBatchId), int(v.paid),
                         bytes(v.shippingCommitment), bytes(v.trackingCommitment), str(v.photoCid),
                         bool(v.couponOwed))


def list_vouchers(vouchers: Any, statuses: Iterable[Status] | None = None) -> list[VoucherRecord]:
    """Every voucher (ids 1..totalVouchers), optionally only those in `statuses`."""
    wanted = None if statuses is None else set(statuses)
    out = []
    for voucher_id in range(1, int(vouchers.totalVouchers()) + 1):
        record = get_voucher(vouchers, voucher_id)
        if wanted is None or record.status in wanted:
            out.append(record)
    return out


def pending(vouchers: Any) -> list[VoucherRecord]:
    """Redemptions still in progress: Requested, InKiln, Fired, Failed, Shipped."""
    return list_vouchers(vouchers, PENDING)


def _step(vouchers: Any, voucher_id: int, step: str) -> VoucherRecord:
    record = get_voucher(vouchers, voucher_id)
    try:
        check_step(step, record.status, voucher_id)
    except ValueError as exc:
        raise VoucherInputError(str(exc)) from None
    return record


def _voucher_id(vouchers: Any, receipt: Any) -> int:
    return int(vouchers.VoucherPurchased.from_receipt(receipt)[0].voucherId)


# ---------------------------------------------------------------------- buying


def preflight_buy(vouchers: Any, buyer: Any, collection: Any, token_id: int) -> int:
    """The price in wei, or VoucherInputError naming the first reason a purchase would fail."""
    buyer = address_arg(buyer, "buyer")
    collection = address_arg(collection, "collection")
    token_id = uint_arg(token_id, "token_id")
    if vouchers.paused():
        raise VoucherInputError("vouchers: buying is paused; try again when the studio resumes it")
    customizable, price, allowance, used = vouchers.termsOf(collection, token_id)
    if not customizable:
        raise VoucherInputError(f"token_id: token {token_id} of {collection} is not customizable (no active range)")
    if used >= allowance:
        raise VoucherInputError(f"token_id: token {token_id} of {collection} has used its {allowance} physical "
                                "piece(s); the allowance stays used when the token changes hands")
    from ape import Contract

    try:
        owner = str(Contract(collection, abi=_OWNER_OF_ABI).ownerOf(token_id))
    except Exception:  # noqa: BLE001 - a nonexistent token reverts in ownerOf
        owner = None
    if owner != buyer:
        raise VoucherInputError(f"token_id: {buyer} does not own token {token_id} of {collection}")
    certificate = vouchers.certificate()
    if not Contract(str(certificate), abi=_HAS_CERT_ABI).hasCertificate(buyer):
        raise VoucherInputError(f"buyer: {buyer} holds no firing certificate; pass the firing-process quiz "
                                "(`ape run quiz take`) first")
    return int(price)


_OWNER_OF_ABI = [{"type": "function", "name": "ownerOf", "stateMutability": "view",
                  "inputs": [{"name": "tokenId", "type": "uint256"}],
                  "outputs": [{"name": "", "type": "address"}]}]
_HAS_CERT_ABI = [{"type": "function", "name": "hasCertificate", "stateMutability": "view",
                  "inputs": [{"name": "holder", "type": "address"}], "outputs": [{"name": "", "type": "bool"}]}]


def buy(vouchers: Any, account: Any, collection: Any, token_id: int, **tx: Any) -> tuple[int, Any]:
    """Buys a voucher for `token_id` of `collection` at its price. Returns (voucher id, receipt)."""
    price = preflight_buy(vouchers, account, collection, token_id)
    receipt = vouchers.buy(address_arg(collection, "collection"), token_id, value=price, sender=account, **tx)
    return _voucher_id(vouchers, receipt), receipt


def relay_order(vouchers: Any, signed: SignedVoucherOrder, relayer: Any, **tx: Any) -> tuple[int, Any]:
    """Submits a signed fiat order from `relayer` (anyone). Returns (voucher id, receipt)."""
    from ape import chain

    domain = signed.domain
    if domain.chain_id != chain.chain_id or address_arg(domain.verifying_contract, "domain") != str(vouchers.address):
        raise VoucherInputError(f"order: signed for {domain.verifying_contract} on chain {domain.chain_id}, not "
                                f"{vouchers.address} on chain {chain.chain_id}; ask the studio for a new order")
    if vouchers.nonceUsed(signed.order.nonce):
        raise VoucherInputError(f"order: nonce {signed.order.nonce} was already used or cancelled")
    if chain.pending_timestamp > signed.order.expiry:
        raise VoucherInputError(f"order: expired at unix time {signed.order.expiry}; ask the studio for a new one")
    if not vouchers.hasRole(role_id("ORDER_SIGNER_ROLE"), signed.signer()):
        raise VoucherInputError(f"order: signed by {signed.signer()}, who holds no ORDER_SIGNER_ROLE")
    preflight_buy(vouchers, signed.order.buyer, signed.order.collection, signed.order.token_id)
    receipt = vouchers.buyWithOrder(signed.order.as_struct(), signed.signature, sender=relayer, **tx)
    return _voucher_id(vouchers, receipt), receipt


# ---------------------------------------------------------------------- redeeming


def redeem(vouchers: Any, coupons: Any, account: Any, voucher_id: int, glaze_id: int,
           details: ShippingDetails, store: ShippingStore, **tx: Any) -> tuple[ShippingOpening, Any]:
    """Redeems a voucher: seals the shipping details in `store`, then submits only their commitment
    and spends one coupon of `glaze_id`. Returns the opening (the holder's proof material) and the
    receipt. The details are stored before the transaction, so a redemption is never on chain
    without the studio knowing where to ship."""
    holder = address_arg(account, "account")
    record = _step(vouchers, voucher_id, "redeem")
    if record.owner != holder:
        raise VoucherInputError(f"voucher_id: voucher {voucher_id} belongs to {record.owner}, not {holder}")
    if vouchers.paused():
        raise VoucherInputError("vouchers: redeeming is paused; try again when the studio resumes it")
    glaze_id = uint_arg(glaze_id, "glaze_id", bits=16, minimum=1)
    if not coupons.glazeExists(glaze_id):
        raise VoucherInputError(f"glaze_id: {glaze_id} is not a glaze type; `ape run coupons list` shows them")
    if int(coupons.balanceOf(holder, glaze_id)) == 0:
        raise VoucherInputError(f"glaze_id: {holder} holds no coupon of glaze {glaze_id}; exchange points for one "
                                "with `ape run coupons exchange`")
    if not isinstance(details, ShippingDetails):
        raise VoucherInputError("details: expected ShippingDetails")
    opening = ShippingOpening.new(VoucherRef.of(vouchers, voucher_id), details)
    # A row can only exist for a voucher still Issued if an earlier attempt's transaction never
    # landed; that commitment is not on chain, so replacing it is safe.
    commitment = store.put_shipping(opening, replace=True)
    receipt = vouchers.redeem(voucher_id, glaze_id, commitment, sender=account, **tx)
    return opening, receipt


# ---------------------------------------------------------------------- lifecycle (fulfilment role)


def start_firing(vouchers: Any, staff: Any, voucher_id: int, kiln_batch_id: int, **tx: Any) -> Any:
    """Requested -> InKiln, or Failed -> InKiln (re-fire), in kiln batch `kiln_batch_id`."""
    require_role(vouchers, "FULFILMENT_ROLE", staff)
    uint_arg(kiln_batch_id, "kiln_batch_id", bits=32, minimum=1)
    _step(vouchers, voucher_id, "kiln")
    return vouchers.startFiring(voucher_id, kiln_batch_id, sender=staff, **tx)


def check_cid(photo_cid: str) -> str:
    """A CIDv0 (`Qm...`) or base32/base58 CIDv1 string, as the contract accepts it."""
    text = (photo_cid or "").strip().removeprefix("ipfs://")
    try:
        CID.decode(text)
    except Exception as exc:  # noqa: BLE001 - multiformats raises several error types
        raise VoucherInputError(f"photo_cid: {photo_cid!r} is not a CID ({exc}); give the photo's CID, e.g. "
                                "from `ape run ipfs add`") from None
    if not text.isalnum() or not 46 <= len(text) <= 128:
        raise VoucherInputError(f"photo_cid: {text!r} must be a base58btc (Qm...) or base32 (b...) CID string")
    return text


def mark_fired(vouchers: Any, staff: Any, voucher_id: int, photo_cid: str, **tx: Any) -> Any:
    """InKiln -> Fired, with the IPFS CID of a photo of the fired piece."""
    require_role(vouchers, "FULFILMENT_ROLE", staff)
    cid = check_cid(photo_cid)
    _step(vouchers, voucher_id, "fired")
    return vouchers.markFired(voucher_id, cid, sender=staff, **tx)


def mark_failed(vouchers: Any, staff: Any, voucher_id: int, reason: str, **tx: Any) -> Any:
    """InKiln -> Failed. The reason is public: describe the piece, never the person."""
    require_role(vouchers, "FULFILMENT_ROLE", staff)
    if not isinstance(reason, str) or not reason.strip():
        raise VoucherInputError("reason: say why the firing failed, e.g. 'crack in the foot ring'")
    reason = reason.strip()
    if len(reason.encode("utf-8")) > MAX_REASON_BYTES:
        raise VoucherInputError(f"reason: {len(reason.encode('utf-8'))} bytes; at most {MAX_REASON_BYTES} (UTF-8)")
    _step(vouchers, voucher_id, "failed")
    return vouchers.markFailed(voucher_id, reason, sender=staff, **tx)


def ship(vouchers: Any, staff: Any, voucher_id: int, tracking: TrackingDetails, store: ShippingStore,
         **tx: Any) -> tuple[TrackingOpening, Any]:
    """Fired -> Shipped. Refuses unless the store holds shipping details that match the voucher's
    on-chain commitment; seals the tracking details and submits only their commitment."""
    require_role(vouchers, "FULFILMENT_ROLE", staff)
    record = _step(vouchers, voucher_id, "ship")
    ref = VoucherRef.of(vouchers, voucher_id)
    shipping = store.get_shipping(ref)
    if shipping is None or not shipping.matches(record.shipping_commitment):
        raise VoucherInputError(
            f"voucher_id: the store at {store.path} has no shipping details matching voucher {voucher_id}'s "
            "on-chain commitment; ask the holder to re-send their details with their proof file")
    if not isinstance(tracking, TrackingDetails):
        raise VoucherInputError("tracking: expected TrackingDetails (carrier, tracking number)")
    opening = TrackingOpening.new(ref, tracking)
    commitment = store.put_tracking(opening, replace=True)
    receipt = vouchers.markShipped(voucher_id, commitment, sender=staff, **tx)
    return opening, receipt


def refund(vouchers: Any, staff: Any, voucher_id: int, **tx: Any) -> Any:
    """Failed -> Refunded: the price becomes the holder's to withdraw; the coupon is minted back."""
    require_role(vouchers, "FULFILMENT_ROLE", staff)
    _step(vouchers, voucher_id, "refund")
    return vouchers.refund(voucher_id, sender=staff, **tx)


def confirm(vouchers: Any, account: Any, voucher_id: int, **tx: Any) -> Any:
    """Shipped -> Delivered: by the holder at any time, by anyone once the delivery timeout passed."""
    from ape import chain

    record = _step(vouchers, voucher_id, "confirm")
    caller = address_arg(account, "account")
    if caller != record.owner:
        due = record.status_since + int(vouchers.deliveryTimeout())
        if chain.pending_timestamp < due:
            raise VoucherInputError(f"account: only the holder {record.owner} may confirm before unix time {due} "
                                    "(shipping + delivery timeout)")
    return vouchers.confirmDelivery(voucher_id, sender=account, **tx)


def withdraw_refund(vouchers: Any, account: Any, recipient: Any = None, **tx: Any) -> tuple[int, Any]:
    """Withdraws all of `account`'s refunds to `recipient` (default: itself). Returns (wei, receipt)."""
    holder = address_arg(account, "account")
    to = address_arg(recipient if recipient is not None else holder, "recipient")
    amount = int(vouchers.refundOf(holder))
    if amount == 0:
        raise VoucherInputError(f"account: {holder} has no refund to withdraw")
    return amount, vouchers.withdrawRefund(to, sender=account, **tx)
