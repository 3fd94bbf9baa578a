// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC7572} from "../../interfaces/IERC7572.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {IERC5192} from "../../interfaces/IERC5192.sol";
import {IFiringCertificate} from "../../interfaces/IFiringCertificate.sol";
import {IGlazeCoupons} from "../../interfaces/IGlazeCoupons.sol";
import {IPurchaseRecorder} from "../../interfaces/IPurchaseRecorder.sol";
import {RevenueSplit} from "../finance/RevenueSplit.sol";
import {SingleUseNonces} from "../utils/SingleUseNonces.sol";

/// @title GaolingVouchers: the right to turn a digital piece into a real fired ceramic.
/// @notice An issuer marks token ranges of a collection as customizable, with a voucher price and
/// a number of physical pieces each digital token may yield. A holder of such a token who also
/// holds a firing certificate buys a voucher (an ERC-721 recording the source collection and
/// token), in ETH or through an EIP-712 fiat order. Redeeming spends one glaze coupon and stores a
/// commitment to the shipping details (kept off chain); from then on the voucher is locked
/// (ERC-5192). The studio's fulfilment role then moves it through
///     Issued -> Requested -> InKiln -> Fired -> Shipped -> Delivered
///                               InKiln -> Failed -> InKiln (re-fire) | Refunded
/// Delivery is confirmed by the holder, or by anyone once `deliveryTimeout` has passed since
/// shipping. A refund credits the price to the holder (pull payment) and returns the coupon.
/// A voucher left Issued, Requested, InKiln or Failed for `refundAfter` (default 180 days) without
/// a status change can be refunded by its holder alone (`refundExpired`, review finding F-10), so
/// no price stays reserved forever. Redeeming needs a certificate, as buying does (finding F-02):
/// an unredeemed voucher is transferable, and its new holder must have passed the quiz too.
/// No personal data is ever passed to this contract: only commitments (hashes).
/// @dev Money: a voucher price is reserved (not revenue) until its voucher is Delivered, so the
/// payees can never withdraw what may still be refunded. `_reservedBalance()` is the sum of the
/// prices of undelivered, unrefunded vouchers plus unclaimed refunds, hence at every moment
///     balance == reserved + credited-but-unreleased revenue + not-yet-credited revenue.
/// Packed storage of a voucher (`_vouchers[id]`, four slots):
///   slot 0: [0..159] source collection | [160..255] price paid in wei (uint96, 0 for fiat orders)
///   slot 1: source token id
///   slot 2: [0..7] status | [8..39] glaze id | [40..103] kiln batch id | [104..143] last status change
///           (unix s) | [144..151] coupon-restore-pending flag
///   slot 3: shipping commitment
/// Money counters share one slot: [0..127] reserved prices | [128..255] unclaimed refunds.
contract GaolingVouchers is
    ERC721,
    AccessControl,
    Pausable,
    EIP712,
    RevenueSplit,
    SingleUseNonces,
    IERC5192,
    IERC4906,
    IERC7572
{
    using Strings for uint256;

    // ---------------------------------------------------------------- types

    /// @notice Lifecycle of a voucher. Delivered and Refunded are final.
    enum Status {
        Issued,
        Requested,
        InKiln,
        Fired,
        Shipped,
        Delivered,
        Failed,
        Refunded
    }

    /// @notice A customizable token range of one collection. `piecesPerToken` physical pieces per token.
    struct Range {
        uint256 fromTokenId;
        uint256 toTokenId;
        uint96 price;
        uint32 piecesPerToken;
        bool open;
    }

    /// @notice One voucher. See the contract's packing comment.
    struct Voucher {
        address collection;
        uint96 price;
        uint256 sourceTokenId;
        Status status;
        uint32 glazeId;
        uint64 kilnBatchId;
        uint40 updatedAt;
        bool couponPending;
        bytes32 shippingCommitment;
    }

    /// @notice Everything set at deploy.
    struct VoucherInit {
        string name;
        string symbol;
        string baseURI;
        address admin;
        IFiringCertificate certificate;
        IGlazeCoupons coupons;
        address[] payees;
        uint256[] payeeBps;
        uint40 deliveryTimeout;
    }

    /// @notice A voucher paid off-chain (in fiat), signed by an order signer for `buyer`.
    struct VoucherOrder {
        address buyer;
        address collection;
        uint256 tokenId;
        uint256 nonce;
        uint256 expiry;
    }

    // ---------------------------------------------------------------- roles and constants

    /// @notice Marks collections' token ranges as customizable.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @notice Signs fiat voucher orders.
    bytes32 public constant ORDER_SIGNER_ROLE = keccak256("ORDER_SIGNER_ROLE");
    /// @notice The studio's fulfilment staff: kiln, fired, failed, shipped, refunded.
    bytes32 public constant FULFILMENT_ROLE = keccak256("FULFILMENT_ROLE");
    /// @notice Pauses buying and redeeming.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Contracts that sold the physical right themselves and grant vouchers for it (the crowdfund).
    bytes32 public constant GRANTER_ROLE = keccak256("GRANTER_ROLE");

    bytes32 private constant _VOUCHER_ORDER_TYPEHASH =
        keccak256("VoucherOrder(address buyer,address collection,uint256 tokenId,uint256 nonce,uint256 expiry)");

    /// @notice At most this many ranges per collection, so a lookup loop stays bounded.
    uint256 public constant MAX_RANGES = 8;
    uint40 public constant MIN_DELIVERY_TIMEOUT = 1 days;
    uint40 public constant MAX_DELIVERY_TIMEOUT = 365 days;
    /// @notice Gas forwarded to the points ledger; a ledger that needs more fails without blocking the sale.
    uint256 public constant PURCHASE_HOOK_GAS = 100_000;
    /// @notice Gas forwarded to the coupon restore, which may run the holder's ERC-1155 receiver hook.
    uint256 public constant RESTORE_GAS = 200_000;
    uint40 public constant MIN_REFUND_AFTER = 30 days;
    uint40 public constant MAX_REFUND_AFTER = 730 days;
    /// @notice Default of `refundAfter`.
    uint40 public constant DEFAULT_REFUND_AFTER = 180 days;

    // ---------------------------------------------------------------- storage

    IFiringCertificate public immutable certificate;
    IGlazeCoupons public immutable coupons;

    mapping(uint256 voucherId => Voucher) private _vouchers;
    mapping(address collection => Range[]) private _ranges;
    mapping(address collection => mapping(uint256 tokenId => uint256 used)) private _piecesUsed;
    mapping(address account => uint256 amount) private _refunds;
    uint128 private _reservedPrices;
    uint128 private _unclaimedRefunds;
    uint256 private _lastVoucherId;
    uint40 public deliveryTimeout;
    IPurchaseRecorder public pointsLedger;
    /// @notice Seconds without a status change after which the holder of an Issued, Requested,
    /// InKiln or Failed voucher may refund it (`refundExpired`). Packed with the two fields above.
    uint40 public refundAfter;
    string private _baseTokenURI;
    string private _contractURI;

    // ---------------------------------------------------------------- errors

    /// @notice `tokenId` cannot move from status `from` to status `to`.
    error VoucherIllegalTransition(uint256 tokenId, Status from, Status to);
    error VoucherInvalidAdmin(address admin);
    error VoucherInvalidDependency(address certificate, address coupons);
    error VoucherInvalidDeliveryTimeout(uint256 timeout);
    error VoucherInvalidCollection(address collection);
    error VoucherInvalidRange(uint256 fromTokenId, uint256 toTokenId);
    error VoucherRangeOverlap(address collection, uint256 index);
    error VoucherTooManyRanges(address collection);
    error VoucherUnknownRange(address collection, uint256 index);
    /// @notice `tokenId` of `collection` is in no open customizable range.
    error VoucherNotCustomizable(address collection, uint256 tokenId);
    /// @notice `tokenId` of `collection` has used all `allowance` of its physical pieces.
    error VoucherAllowanceUsed(address collection, uint256 tokenId, uint256 allowance);
    error VoucherNotTokenOwner(address collection, uint256 tokenId, address account);
    error VoucherNoCertificate(address account);
    error VoucherWrongPayment(uint256 expected, uint256 sent);
    error VoucherOrderExpired(uint256 nonce, uint256 expiry);
    error VoucherInvalidOrderSignature(uint256 nonce);
    error VoucherInvalidBuyer(address buyer);
    error VoucherNotHolder(uint256 tokenId, address account);
    error VoucherUnknownGlaze(uint256 glazeId);
    error VoucherNoCoupon(address holder, uint256 glazeId);
    error VoucherEmptyCommitment();
    error VoucherEmptyPhotoCid();
    error VoucherDeliveryNotDue(uint256 tokenId, uint256 dueAt);
    error VoucherLocked(uint256 tokenId);
    error VoucherNonexistent(uint256 tokenId);
    error VoucherNothingToClaim(address account);
    error VoucherInvalidRecipient(address recipient);
    error VoucherNoCouponPending(uint256 tokenId);
    error VoucherInsufficientGasForHook();
    error VoucherRefundNotDue(uint256 tokenId, uint256 dueAt);
    error VoucherInvalidRefundAfter(uint256 refundAfter);

    // ---------------------------------------------------------------- events

    /// @notice Range `index` of `collection` was set (new or changed).
    event RangeSet(
        address indexed collection, uint256 indexed index, uint256 fromTokenId, uint256 toTokenId, uint256 price,
        uint256 piecesPerToken
    );
    /// @notice Range `index` of `collection` stopped selling vouchers.
    event RangeClosed(address indexed collection, uint256 indexed index);
    /// @notice Voucher `tokenId` was bought by `buyer` for `sourceTokenId` of `collection`; `price` 0 = fiat.
    event VoucherBought(
        uint256 indexed tokenId, address indexed buyer, address indexed collection, uint256 sourceTokenId, uint256 price
    );
    /// @notice A signed fiat order with `nonce` was filled as voucher `tokenId`.
    event OrderFilled(uint256 indexed nonce, uint256 indexed tokenId, address indexed buyer);
    /// @notice An order signer cancelled an unused order.
    event OrderCancelled(uint256 indexed nonce);
    /// @notice Every lifecycle step, with the block time (reports compute time in each state from it).
    event StatusChanged(uint256 indexed tokenId, Status from, Status to);
    /// @notice The holder redeemed, spending a `glazeId` coupon; only a commitment to the address is stored.
    event RedemptionRequested(uint256 indexed tokenId, address indexed holder, uint256 indexed glazeId, bytes32 shippingCommitment);
    /// @notice The piece went into kiln batch `kilnBatchId`.
    event PutInKiln(uint256 indexed tokenId, uint256 indexed kilnBatchId);
    /// @notice The piece came out well; `photoCid` is the IPFS CID of a photo of it.
    event PieceFired(uint256 indexed tokenId, uint256 indexed kilnBatchId, string photoCid);
    /// @notice The firing failed; `reason` describes the defect (never personal data).
    event FiringFailed(uint256 indexed tokenId, uint256 indexed kilnBatchId, string reason);
    /// @notice The piece was shipped; only a commitment to the tracking number is published.
    event PieceShipped(uint256 indexed tokenId, bytes32 trackingCommitment);
    /// @notice Delivery was confirmed by `by` (the holder, or anyone after the timeout).
    event PieceDelivered(uint256 indexed tokenId, address indexed by);
    /// @notice The redemption was refunded: `amount` credited to `holder`, coupon returned.
    event VoucherRefunded(uint256 indexed tokenId, address indexed holder, uint256 amount);
    /// @notice `account` withdrew `amount` of refunds.
    event RefundClaimed(address indexed account, uint256 amount);
    /// @notice `account` had its refund of `amount` paid to `to` (`claimRefundTo`).
    event RefundPaidTo(address indexed account, address indexed to, uint256 amount);
    /// @notice Returning the coupon to `holder` failed (its receiver hook rejected it); it can reclaim it.
    event CouponRestoreFailed(uint256 indexed tokenId, address indexed holder, uint256 glazeId);
    /// @notice The coupon of refunded voucher `tokenId` was returned to `to`.
    event CouponReturned(uint256 indexed tokenId, address indexed to, uint256 glazeId);
    event DeliveryTimeoutSet(uint256 timeout);
    /// @notice The holder-initiated refund delay (`refundAfter`) changed.
    event RefundAfterSet(uint256 refundAfter);
    event PointsLedgerSet(address ledger);
    event BaseURISet(string baseURI);
    /// @notice The points ledger rejected a purchase record; the sale still stands.
    event PurchaseHookFailed(address indexed ledger, address indexed buyer);
    /// @notice `granter` issued voucher `tokenId` unpaid, its right having been paid for there
    /// (a crowdfund's physical tier). A `VoucherBought` with price 0 precedes it, as for fiat orders.
    event VoucherGranted(uint256 indexed tokenId, address indexed granter);

    // ---------------------------------------------------------------- construction

    constructor(VoucherInit memory init)
        ERC721(init.name, init.symbol)
        EIP712("GaolingVouchers", "1")
        RevenueSplit(init.payees, init.payeeBps)
    {
        if (init.admin == address(0)) revert VoucherInvalidAdmin(init.admin);
        if (address(init.certificate).code.length == 0 || address(init.coupons).code.length == 0) {
            revert VoucherInvalidDependency(address(init.certificate), address(init.coupons));
        }
        certificate = init.certificate;
        coupons = init.coupons;
        _setDeliveryTimeout(init.deliveryTimeout);
        _setRefundAfter(DEFAULT_REFUND_AFTER);
        _baseTokenURI = init.baseURI;
        _grantRole(DEFAULT_ADMIN_ROLE, init.admin);
        _grantRole(ISSUER_ROLE, init.admin);
        _grantRole(ORDER_SIGNER_ROLE, init.admin);
        _grantRole(FULFILMENT_ROLE, init.admin);
        _grantRole(PAUSER_ROLE, init.admin);
    }

    // ---------------------------------------------------------------- issuer

    /// @notice Adds (index == number of ranges) or replaces range `index` of `collection`, and opens it.
    /// @param piecesPerToken physical pieces each digital token may yield; 0 means the default, 1.
    /// Changing it or the price never affects vouchers already sold.
    function setRange(
        address collection,
        uint256 index,
        uint256 fromTokenId,
        uint256 toTokenId,
        uint96 price,
        uint32 piecesPerToken
    ) external onlyRole(ISSUER_ROLE) {
        if (collection.code.length == 0) revert VoucherInvalidCollection(collection);
        if (fromTokenId > toTokenId) revert VoucherInvalidRange(fromTokenId, toTokenId);
        Range[] storage ranges = _ranges[collection];
        uint256 n = ranges.length;
        if (index > n) revert VoucherUnknownRange(collection, index);
        if (index == n && n == MAX_RANGES) revert VoucherTooManyRanges(collection);
        for (uint256 i; i < n; ++i) {
            if (i != index && ranges[i].fromTokenId <= toTokenId && fromTokenId <= ranges[i].toTokenId) {
                revert VoucherRangeOverlap(collection, i);
            }
        }
        if (piecesPerToken == 0) piecesPerToken = 1;
        Range memory r = Range(fromTokenId, toTokenId, price, piecesPerToken, true);
        if (index == n) ranges.push(r);
        else ranges[index] = r;
        emit RangeSet(collection, index, fromTokenId, toTokenId, price, piecesPerToken);
    }

    /// @notice Stops range `index` of `collection` from selling vouchers. Sold vouchers are unaffected.
    function closeRange(address collection, uint256 index) external onlyRole(ISSUER_ROLE) {
        if (index >= _ranges[collection].length) revert VoucherUnknownRange(collection, index);
        _ranges[collection][index].open = false;
        emit RangeClosed(collection, index);
    }

    // ---------------------------------------------------------------- buying

    /// @notice Buys a voucher for `tokenId` of `collection`, paying exactly its price. The caller must
    /// own that token and hold a firing certificate.
    /// @return voucherId the new voucher's id
    function buy(address collection, uint256 tokenId) external payable nonReentrant whenNotPaused returns (uint256 voucherId) {
        Range memory r = _eligible(msg.sender, collection, tokenId);
        if (msg.value != r.price) revert VoucherWrongPayment(r.price, msg.value);
        voucherId = _issue(msg.sender, collection, tokenId, uint96(msg.value));
    }

    /// @notice Issues a fiat-paid voucher to `order.buyer`. Anyone may relay: the signature binds the
    /// buyer, the source token, this contract and this chain, and each nonce works once.
    function buyWithOrder(VoucherOrder calldata order, bytes calldata signature)
        external
        nonReentrant
        whenNotPaused
        returns (uint256 voucherId)
    {
        if (block.timestamp > order.expiry) revert VoucherOrderExpired(order.nonce, order.expiry);
        if (order.buyer == address(0)) revert VoucherInvalidBuyer(order.buyer);
        (address signer,,) = ECDSA.tryRecoverCalldata(hashVoucherOrder(order), signature);
        if (signer == address(0) || !hasRole(ORDER_SIGNER_ROLE, signer)) revert VoucherInvalidOrderSignature(order.nonce);
        _useNonce(order.nonce);
        _eligible(order.buyer, order.collection, order.tokenId);
        voucherId = _issue(order.buyer, order.collection, order.tokenId, 0);
        emit OrderFilled(order.nonce, voucherId, order.buyer);
    }

    /// @notice Cancels an issued, unfilled order. Only an order signer.
    function cancelOrder(uint256 nonce) external onlyRole(ORDER_SIGNER_ROLE) {
        _useNonce(nonce);
        emit OrderCancelled(nonce);
    }

    /// @notice The EIP-712 digest an order signer signs for `order`.
    function hashVoucherOrder(VoucherOrder calldata order) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(_VOUCHER_ORDER_TYPEHASH, order.buyer, order.collection, order.tokenId, order.nonce, order.expiry)
            )
        );
    }

    // ---------------------------------------------------------------- grants (crowdfund)

    /// @notice Issues a voucher for token `sourceTokenId` of `collection` to its owner `to`,
    /// without payment: the right was paid for elsewhere, in a crowdfund's physical tier. Only
    /// GRANTER_ROLE. No customizable range and no certificate are needed to receive it (the
    /// certificate matters when customizing); the token's physical-piece count goes up by one,
    /// as with a purchase. The price recorded is 0, as for a fiat order, so a refund after a failed
    /// firing returns the coupon and no ETH (the money went to the campaign's payees). Not
    /// pausable: a pause of voucher sales must not block the crowdfund's claims. No points here:
    /// the granter records the purchase.
    /// @return voucherId The new voucher.
    function grant(address to, address collection, uint256 sourceTokenId)
        external
        onlyRole(GRANTER_ROLE)
        returns (uint256 voucherId)
    {
        address owner;
        try IERC721(collection).ownerOf(sourceTokenId) returns (address o) {
            owner = o;
        } catch {}
        if (owner != to || to == address(0)) revert VoucherNotTokenOwner(collection, sourceTokenId, to);
        _piecesUsed[collection][sourceTokenId] += 1;
        voucherId = ++_lastVoucherId;
        Voucher storage v = _vouchers[voucherId];
        v.collection = collection;
        v.sourceTokenId = sourceTokenId;
        v.updatedAt = uint40(block.timestamp);
        _mint(to, voucherId);
        emit VoucherBought(voucherId, to, collection, sourceTokenId, 0);
        emit VoucherGranted(voucherId, msg.sender);
    }

    // ---------------------------------------------------------------- redemption (holder)

    /// @notice Redeems voucher `tokenId`: spends one `glazeId` coupon of the caller and records
    /// `shippingCommitment`, a hash of the shipping details kept off chain. The voucher is locked from now on.
    /// The caller must hold a firing certificate: passing the quiz is a condition of customizing.
    function redeem(uint256 tokenId, uint256 glazeId, bytes32 shippingCommitment) external nonReentrant whenNotPaused {
        if (_ownerOf(tokenId) != msg.sender) revert VoucherNotHolder(tokenId, msg.sender);
        if (!certificate.hasCertificate(msg.sender)) revert VoucherNoCertificate(msg.sender);
        if (shippingCommitment == bytes32(0)) revert VoucherEmptyCommitment();
        if (glazeId > type(uint32).max || !coupons.glazeExists(glazeId)) revert VoucherUnknownGlaze(glazeId);
        if (IERC1155(address(coupons)).balanceOf(msg.sender, glazeId) == 0) revert VoucherNoCoupon(msg.sender, glazeId);
        Voucher storage v = _vouchers[tokenId];
        v.glazeId = uint32(glazeId);
        v.shippingCommitment = shippingCommitment;
        _move(tokenId, v, Status.Issued, Status.Requested);
        emit RedemptionRequested(tokenId, msg.sender, glazeId, shippingCommitment);
        emit Locked(tokenId);
        coupons.consume(msg.sender, glazeId);
    }

    /// @notice Confirms delivery of `tokenId`. The holder may confirm once shipped; anyone may once
    /// `deliveryTimeout` has passed since shipping. The price becomes revenue.
    function confirmDelivery(uint256 tokenId) external {
        Voucher storage v = _vouchers[tokenId];
        if (msg.sender != _ownerOf(tokenId) && v.status == Status.Shipped) {
            uint256 due = uint256(v.updatedAt) + deliveryTimeout;
            if (block.timestamp < due) revert VoucherDeliveryNotDue(tokenId, due);
        }
        _move(tokenId, v, Status.Shipped, Status.Delivered);
        _reservedPrices -= v.price;
        emit PieceDelivered(tokenId, msg.sender);
    }

    /// @notice Pays the caller every refund credited to it.
    function claimRefund() external nonReentrant {
        _claimRefund(payable(msg.sender));
    }

    /// @notice Pays every refund credited to the caller to `to`, the caller's choice: a holder
    /// contract that cannot receive ETH itself would otherwise never get its refund out.
    function claimRefundTo(address payable to) external nonReentrant {
        if (to == address(0)) revert VoucherInvalidRecipient(to);
        _claimRefund(to);
    }

    /// @notice Returns the coupon of refunded voucher `tokenId` to `to` after the automatic return
    /// failed. Only the voucher's holder.
    function reclaimCoupon(uint256 tokenId, address to) external nonReentrant {
        if (_ownerOf(tokenId) != msg.sender) revert VoucherNotHolder(tokenId, msg.sender);
        Voucher storage v = _vouchers[tokenId];
        if (!v.couponPending) revert VoucherNoCouponPending(tokenId);
        v.couponPending = false;
        emit CouponReturned(tokenId, to, v.glazeId);
        coupons.restore(to, v.glazeId);
    }

    // ---------------------------------------------------------------- lifecycle (studio)

    /// @notice Puts redemption `tokenId` into kiln batch `kilnBatchId` (from Requested, or from Failed to re-fire).
    function putInKiln(uint256 tokenId, uint64 kilnBatchId) external onlyRole(FULFILMENT_ROLE) {
        Voucher storage v = _vouchers[tokenId];
        Status from = v.status;
        if (from != Status.Failed) from = Status.Requested;
        _move(tokenId, v, from, Status.InKiln);
        v.kilnBatchId = kilnBatchId;
        emit PutInKiln(tokenId, kilnBatchId);
    }

    /// @notice Records a successful firing, with the IPFS CID of a photo of the piece.
    function markFired(uint256 tokenId, string calldata photoCid) external onlyRole(FULFILMENT_ROLE) {
        if (bytes(photoCid).length == 0) revert VoucherEmptyPhotoCid();
        Voucher storage v = _vouchers[tokenId];
        _move(tokenId, v, Status.InKiln, Status.Fired);
        emit PieceFired(tokenId, v.kilnBatchId, photoCid);
    }

    /// @notice Records a failed firing. `reason` is published: describe the defect, never the holder.
    function markFailed(uint256 tokenId, string calldata reason) external onlyRole(FULFILMENT_ROLE) {
        Voucher storage v = _vouchers[tokenId];
        _move(tokenId, v, Status.InKiln, Status.Failed);
        emit FiringFailed(tokenId, v.kilnBatchId, reason);
    }

    /// @notice Records shipping, publishing only a commitment to the tracking number.
    function markShipped(uint256 tokenId, bytes32 trackingCommitment) external onlyRole(FULFILMENT_ROLE) {
        if (trackingCommitment == bytes32(0)) revert VoucherEmptyCommitment();
        _move(tokenId, _vouchers[tokenId], Status.Fired, Status.Shipped);
        emit PieceShipped(tokenId, trackingCommitment);
    }

    /// @notice Refunds a failed redemption: the price is credited to the holder (claim with
    /// `claimRefund`) and the coupon is returned. Allowed while paused.
    function refund(uint256 tokenId) external nonReentrant onlyRole(FULFILMENT_ROLE) {
        Voucher storage v = _vouchers[tokenId];
        _move(tokenId, v, Status.Failed, Status.Refunded);
        // The voucher is locked since redemption, so its owner is the holder who redeemed.
        _creditRefund(tokenId, v, _ownerOf(tokenId), true);
    }

    /// @notice Refunds voucher `tokenId` that has been Issued, Requested, InKiln or Failed for
    /// `refundAfter` seconds without a status change. Only its holder; allowed while paused. The
    /// price is credited (claim with `claimRefund`), the source token's allowance is returned, and
    /// a coupon spent on a redemption is restored.
    function refundExpired(uint256 tokenId) external nonReentrant {
        if (_ownerOf(tokenId) != msg.sender) revert VoucherNotHolder(tokenId, msg.sender);
        Voucher storage v = _vouchers[tokenId];
        Status from = v.status;
        if (from != Status.Issued && from != Status.Requested && from != Status.InKiln && from != Status.Failed) {
            revert VoucherIllegalTransition(tokenId, from, Status.Refunded);
        }
        uint256 due = uint256(v.updatedAt) + refundAfter;
        if (block.timestamp < due) revert VoucherRefundNotDue(tokenId, due);
        _move(tokenId, v, from, Status.Refunded);
        if (from == Status.Issued) emit Locked(tokenId);
        _creditRefund(tokenId, v, msg.sender, from != Status.Issued);
    }

    /// @dev Credits the price of refunded `tokenId` to `holder`, returns the source token's piece
    /// and, if one was spent, the coupon (gas-capped: a hostile receiver hook parks it for
    /// `reclaimCoupon` instead of blocking the refund).
    function _creditRefund(uint256 tokenId, Voucher storage v, address holder, bool restoreCoupon) private {
        uint128 price = v.price;
        _reservedPrices -= price;
        _unclaimedRefunds += price;
        _refunds[holder] += price;
        // No physical piece was made: the digital token gets its allowance back.
        _piecesUsed[v.collection][v.sourceTokenId] -= 1;
        uint256 glazeId = v.glazeId;
        emit VoucherRefunded(tokenId, holder, price);
        if (!restoreCoupon) return;
        // The restore may run the holder's receiver hook: cap its gas and never let it block the refund.
        try coupons.restore{gas: RESTORE_GAS}(holder, glazeId) {
            emit CouponReturned(tokenId, holder, glazeId);
        } catch {
            v.couponPending = true;
            emit CouponRestoreFailed(tokenId, holder, glazeId);
        }
    }

    // ---------------------------------------------------------------- administration

    /// @notice Sets how long after shipping anyone may confirm delivery (1 to 365 days).
    function setDeliveryTimeout(uint40 timeout) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setDeliveryTimeout(timeout);
    }

    /// @notice Sets how long a voucher may sit without a status change before its holder may
    /// refund it (30 to 730 days).
    function setRefundAfter(uint40 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRefundAfter(seconds_);
    }

    /// @notice Points purchases at a points ledger, or turns points off with the zero address.
    function setPointsLedger(IPurchaseRecorder ledger) external onlyRole(DEFAULT_ADMIN_ROLE) {
        pointsLedger = ledger;
        emit PointsLedgerSet(address(ledger));
    }

    /// @notice Sets the base of every token URI (`<base><status name>.json`), e.g. the
    /// `ipfs://<CID>/` of a directory holding one metadata JSON per status.
    function setBaseURI(string calldata baseURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _baseTokenURI = baseURI;
        emit BaseURISet(baseURI);
        if (_lastVoucherId != 0) emit BatchMetadataUpdate(1, _lastVoucherId);
    }

    /// @notice Sets the ERC-7572 collection metadata URI (e.g. `ipfs://<CID of the JSON>`).
    function setContractURI(string calldata newContractURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _contractURI = newContractURI;
        emit ContractURIUpdated();
    }

    /// @notice Stops buying and redeeming. Lifecycle steps, refunds and withdrawals continue.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resumes buying and redeeming.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ---------------------------------------------------------------- views

    /// @notice The full record of voucher `tokenId`.
    function voucher(uint256 tokenId) external view returns (Voucher memory) {
        _requireOwned(tokenId);
        return _vouchers[tokenId];
    }

    /// @notice The status of voucher `tokenId`.
    function statusOf(uint256 tokenId) external view returns (Status) {
        _requireOwned(tokenId);
        return _vouchers[tokenId].status;
    }

    /// @notice The customizable ranges of `collection`.
    function ranges(address collection) external view returns (Range[] memory) {
        return _ranges[collection];
    }

    /// @notice Pieces used and the allowance of `tokenId` of `collection` (allowance 0 = not customizable now).
    function allowanceOf(address collection, uint256 tokenId) external view returns (uint256 used, uint256 allowance) {
        used = _piecesUsed[collection][tokenId];
        (bool found, Range memory r) = _findRange(collection, tokenId);
        if (found) allowance = r.piecesPerToken;
    }

    /// @notice Refund credited to `account` and not yet claimed.
    function refundOf(address account) external view returns (uint256) {
        return _refunds[account];
    }

    /// @notice Prices of vouchers neither delivered nor refunded, and refunds not yet claimed: ETH that is not revenue.
    function reserved() external view returns (uint256 prices, uint256 refunds) {
        return (_reservedPrices, _unclaimedRefunds);
    }

    /// @notice Number of vouchers ever issued (ids run 1..totalIssued).
    function totalIssued() external view returns (uint256) {
        return _lastVoucherId;
    }

    /// @notice The lowercase name of `status` used in token URIs.
    function statusName(Status status) public pure returns (string memory) {
        if (status == Status.Issued) return "issued";
        if (status == Status.Requested) return "requested";
        if (status == Status.InKiln) return "in-kiln";
        if (status == Status.Fired) return "fired";
        if (status == Status.Shipped) return "shipped";
        if (status == Status.Delivered) return "delivered";
        if (status == Status.Failed) return "failed";
        return "refunded";
    }

    /// @notice `<baseURI><status name>.json`, e.g. `ipfs://<CID>/in-kiln.json`: each status has one
    /// metadata JSON, published once for all vouchers, and every status change emits ERC-4906
    /// `MetadataUpdate`. Per-voucher facts (source token, glaze, kiln batch) are in `voucher(id)`,
    /// the fired piece's photo in the `PieceFired` event.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        return string.concat(_baseTokenURI, statusName(_vouchers[tokenId].status), ".json");
    }

    /// @inheritdoc IERC7572
    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    /// @inheritdoc IERC5192
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return _vouchers[tokenId].status != Status.Issued;
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl, IERC165) returns (bool) {
        return interfaceId == bytes4(0x49064906) || interfaceId == type(IERC5192).interfaceId
            || ERC721.supportsInterface(interfaceId) || AccessControl.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internals

    function _reservedBalance() internal view override returns (uint256) {
        return uint256(_reservedPrices) + _unclaimedRefunds;
    }

    /// @dev Checks the range, the allowance, ownership of the source token and the certificate.
    function _eligible(address buyer, address collection, uint256 tokenId) private view returns (Range memory r) {
        bool found;
        (found, r) = _findRange(collection, tokenId);
        if (!found) revert VoucherNotCustomizable(collection, tokenId);
        if (_piecesUsed[collection][tokenId] >= r.piecesPerToken) {
            revert VoucherAllowanceUsed(collection, tokenId, r.piecesPerToken);
        }
        // The collection was vetted by the issuer; a nonexistent token must read as "not the owner".
        address owner;
        try IERC721(collection).ownerOf(tokenId) returns (address o) {
            owner = o;
        } catch {}
        if (owner != buyer) revert VoucherNotTokenOwner(collection, tokenId, buyer);
        if (!certificate.hasCertificate(buyer)) revert VoucherNoCertificate(buyer);
    }

    function _findRange(address collection, uint256 tokenId) private view returns (bool, Range memory r) {
        Range[] storage rs = _ranges[collection];
        for (uint256 i; i < rs.length; ++i) {
            r = rs[i];
            if (r.open && r.fromTokenId <= tokenId && tokenId <= r.toTokenId) return (true, r);
        }
        return (false, r);
    }

    function _issue(address buyer, address collection, uint256 tokenId, uint96 paid)
        private
        returns (uint256 voucherId)
    {
        _piecesUsed[collection][tokenId] += 1;
        voucherId = ++_lastVoucherId;
        Voucher storage v = _vouchers[voucherId];
        v.collection = collection;
        v.price = paid;
        v.sourceTokenId = tokenId;
        v.updatedAt = uint40(block.timestamp);
        _reservedPrices += paid;
        // _mint, not _safeMint: no callback into the buyer while the voucher is being issued.
        _mint(buyer, voucherId);
        emit VoucherBought(voucherId, buyer, collection, tokenId, paid);
        _recordPurchase(buyer, paid);
    }

    /// @dev Effects, then the payment: the credit is zeroed before any ETH leaves.
    function _claimRefund(address payable to) private {
        uint256 amount = _refunds[msg.sender];
        if (amount == 0) revert VoucherNothingToClaim(msg.sender);
        _refunds[msg.sender] = 0;
        _unclaimedRefunds -= uint128(amount);
        emit RefundClaimed(msg.sender, amount);
        if (to != msg.sender) emit RefundPaidTo(msg.sender, to, amount);
        Address.sendValue(to, amount);
    }

    /// @dev The only place a status changes: checks `from`, then writes status and time, then emits.
    function _move(uint256 tokenId, Voucher storage v, Status from, Status to) private {
        if (_ownerOf(tokenId) == address(0)) revert VoucherNonexistent(tokenId);
        Status current = v.status;
        if (current != from) revert VoucherIllegalTransition(tokenId, current, to);
        v.status = to;
        v.updatedAt = uint40(block.timestamp);
        emit StatusChanged(tokenId, from, to);
        emit MetadataUpdate(tokenId);
    }

    function _recordPurchase(address buyer, uint256 value) private {
        IPurchaseRecorder ledger = pointsLedger;
        if (address(ledger) == address(0)) return;
        if (gasleft() < PURCHASE_HOOK_GAS + PURCHASE_HOOK_GAS / 63 + 5_000) revert VoucherInsufficientGasForHook();
        try ledger.recordPurchase{gas: PURCHASE_HOOK_GAS}(buyer, value, 1) {}
        catch {
            emit PurchaseHookFailed(address(ledger), buyer);
        }
    }

    function _setRefundAfter(uint40 seconds_) private {
        if (seconds_ < MIN_REFUND_AFTER || seconds_ > MAX_REFUND_AFTER) revert VoucherInvalidRefundAfter(seconds_);
        refundAfter = seconds_;
        emit RefundAfterSet(seconds_);
    }

    function _setDeliveryTimeout(uint40 timeout) private {
        if (timeout < MIN_DELIVERY_TIMEOUT || timeout > MAX_DELIVERY_TIMEOUT) revert VoucherInvalidDeliveryTimeout(timeout);
        deliveryTimeout = timeout;
        emit DeliveryTimeoutSet(timeout);
    }

    /// @dev A redeemed voucher (any status but Issued) cannot be transferred; minting is always allowed.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (_ownerOf(tokenId) != address(0) && _vouchers[tokenId].status != Status.Issued) revert VoucherLocked(tokenId);
        return super._update(to, tokenId, auth);
    }
}
