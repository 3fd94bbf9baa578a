// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {IERC5192} from "../../interfaces/IERC5192.sol";
import {IFiringCertificate} from "../../interfaces/IFiringCertificate.sol";
import {IGlazeCoupons} from "../../interfaces/IGlazeCoupons.sol";
import {IPurchaseRecorder} from "../../interfaces/IPurchaseRecorder.sol";
import {RevenueSplit} from "../finance/RevenueSplit.sol";
import {SingleUseNonces} from "../utils/SingleUseNonces.sol";
import {GaolingVoucherMetadata} from "./GaolingVoucherMetadata.sol";

/// @title GaolingVouchers: the right to have a digital piece made into a real fired ceramic.
/// @notice The issuer marks a collection, or ranges of its token ids, as customizable, with a voucher
/// price and an allowance of physical pieces per digital token. The owner of an eligible token who
/// holds a firing certificate buys a voucher (an ERC-721 recording the source collection and token),
/// paying in ETH or through an EIP-712 order signed for a fiat payment. The voucher holder redeems it
/// by spending one glaze coupon and committing to the shipping details (a hash; the details stay off
/// chain); from then on the voucher is locked (ERC-5192). The studio's fulfilment role moves the piece
///     Requested -> InKiln -> Fired -> Shipped -> Delivered
/// and, when a firing fails, InKiln -> Failed -> InKiln again (re-fire) or -> Refunded. Delivery is
/// confirmed by the holder, or by anyone once `deliveryTimeout` has passed since shipping.
///
/// Money: a voucher's price stays reserved (not revenue) until its piece is Delivered; it then joins
/// the revenue that RevenueSplit shares among the payees. On a refund the price becomes the holder's
/// to withdraw (pull payment) and the coupon is minted back. At every moment
///     balance == reservedForPieces + refundsOwed + (revenue credited or pending to payees).
/// @dev Packed storage:
///   _vouchers[id].state  one slot, rewritten by every lifecycle step:
///       [0..159] source collection | [160..167] status | [168..207] statusSince (unix seconds)
///       | [208..239] kiln batch id | [240..255] glaze id
///   _vouchers[id].sourceTokenId  one slot (token ids of arbitrary collections use all 256 bits)
///   _vouchers[id].paid           uint96 wei, written once at purchase (fiat orders: 0)
///   _saleControl  one slot: [0..159] points ledger | [160..167] paused flag (read once per purchase)
///   _ranges[collection][i]  three slots: fromId | toId | terms = [0..95] price | [96..127] allowance
///       | [128..135] active
contract GaolingVouchers is ERC721, AccessControl, EIP712, RevenueSplit, SingleUseNonces, IERC5192, IERC4906 {
    // ---------------------------------------------------------------- types

    /// @notice Where a voucher is in its life. Delivered and Refunded are final.
    enum Status {
        Issued, //     bought, not redeemed; the only transferable state
        Requested, //  redeemed: coupon spent, shipping commitment recorded
        InKiln, //     in a kiln batch
        Fired, //      fired successfully; photo CID recorded
        Failed, //     the firing failed; re-fire or refund
        Shipped, //    handed to the carrier; tracking commitment recorded
        Delivered, //  final: the price became revenue
        Refunded //    final: the price is the holder's to withdraw, the coupon is back
    }

    /// @notice A customizable range of one collection's token ids (inclusive at both ends).
    struct Range {
        uint256 fromId;
        uint256 toId;
        uint96 price; //      wei per voucher
        uint32 allowance; //  physical pieces each digital token may yield over its whole life
        bool active;
    }

    /// @notice A voucher paid off-chain, signed by an order signer. Binds the buyer (who receives the
    /// voucher and must own the source token), the source token, a single-use nonce and an expiry.
    struct VoucherOrder {
        address buyer;
        address collection;
        uint256 tokenId;
        uint256 nonce;
        uint256 expiry;
    }

    /// @notice Everything about one voucher, as `voucher(id)` returns it.
    struct VoucherInfo {
        address owner;
        address collection;
        uint256 sourceTokenId;
        Status status;
        uint256 statusSince;
        uint256 glazeId;
        uint256 kilnBatchId;
        uint256 paid;
        bytes32 shippingCommitment;
        bytes32 trackingCommitment;
        string photoCid;
        bool couponOwed;
    }

    /// @notice Everything fixed or first set at deploy.
    struct VouchersInit {
        string name;
        string symbol;
        IGlazeCoupons coupons;
        IFiringCertificate certificate;
        address[] payees;
        uint256[] payeeBps;
        uint64 deliveryTimeout;
        string imageBaseURI;
        address admin;
    }

    struct Voucher {
        uint256 state;
        uint256 sourceTokenId;
        uint96 paid;
        bytes32 shippingCommitment;
        bytes32 trackingCommitment;
    }

    // ---------------------------------------------------------------- roles and constants

    /// @notice Marks collections and ranges customizable, sets the points ledger, the delivery timeout
    /// and the image base.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @notice Signs fiat voucher orders.
    bytes32 public constant ORDER_SIGNER_ROLE = keccak256("ORDER_SIGNER_ROLE");
    /// @notice Studio staff: moves redemptions through kiln, firing, shipping, failure and refund.
    bytes32 public constant FULFILMENT_ROLE = keccak256("FULFILMENT_ROLE");
    /// @notice Pauses and unpauses buying and redeeming.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    bytes32 private constant _VOUCHER_ORDER_TYPEHASH =
        keccak256("VoucherOrder(address buyer,address collection,uint256 tokenId,uint256 nonce,uint256 expiry)");

    /// @notice At most this many customizable ranges per collection (bounds the eligibility search).
    uint256 public constant MAX_RANGES_PER_COLLECTION = 8;
    uint64 public constant MIN_DELIVERY_TIMEOUT = 1 days;
    uint64 public constant MAX_DELIVERY_TIMEOUT = 365 days;
    /// @notice Gas forwarded to the points ledger; a ledger that needs more fails without blocking a purchase.
    uint256 public constant PURCHASE_HOOK_GAS = 100_000;
    /// @notice Gas forwarded to the coupon restore on a refund (it runs the holder's ERC-1155 receiver
    /// hook); if it fails the refund still completes and anyone can retry the restore later.
    uint256 public constant COUPON_RESTORE_GAS = 200_000;
    /// @notice Longest failure reason accepted, in bytes. Reasons are public: no personal data.
    uint256 public constant MAX_REASON_LENGTH = 128;

    bytes4 private constant _ERC4906_INTERFACE_ID = 0x49064906;

    uint256 private constant _PAUSED_FLAG = 1 << 160;
    uint256 private constant _STATUS_SHIFT = 160;
    uint256 private constant _SINCE_SHIFT = 168;
    uint256 private constant _BATCH_SHIFT = 208;
    uint256 private constant _GLAZE_SHIFT = 240;
    uint256 private constant _ADDRESS_MASK = (1 << 160) - 1;
    uint256 private constant _SINCE_MASK = (1 << 40) - 1;
    uint256 private constant _BATCH_MASK = (1 << 32) - 1;
    /// @dev Clears status and statusSince, keeping collection, kiln batch and glaze.
    uint256 private constant _CLEAR_STATUS = ~(((1 << 48) - 1) << _STATUS_SHIFT);

    // ---------------------------------------------------------------- storage

    /// @notice The glaze coupons spent on redemption. This contract needs their REDEEMER_ROLE.
    IGlazeCoupons public immutable coupons;
    /// @notice The firing certificate a buyer must hold.
    IFiringCertificate public immutable certificate;
    /// @notice Renders `tokenURI` (deployed by the constructor; stateless).
    GaolingVoucherMetadata public immutable metadataRenderer;

    uint256 private _saleControl;
    uint256 private _lastVoucherId;
    uint64 private _deliveryTimeout;
    string private _imageBaseURI;

    mapping(address collection => Range[]) private _ranges;
    mapping(address collection => mapping(uint256 tokenId => uint256 count)) private _piecesUsed;
    mapping(uint256 voucherId => Voucher) private _vouchers;
    mapping(uint256 voucherId => string cid) private _photoCid;
    mapping(uint256 voucherId => bool) private _couponOwed;

    /// @dev Sum of the prices of vouchers that are neither Delivered nor Refunded.
    uint256 private _reservedForPieces;
    /// @dev Sum of refunds not yet withdrawn, and each holder's part of it.
    uint256 private _refundsOwed;
    mapping(address holder => uint256 amount) private _refundOf;

    // ---------------------------------------------------------------- errors

    error VouchersInvalidAdmin(address admin);
    error VouchersInvalidContract(string argument, address value);
    error VouchersInvalidDeliveryTimeout(uint256 deliveryTimeout);
    error VouchersInvalidRange(uint256 fromId, uint256 toId);
    error VouchersInvalidAllowance(uint256 allowance);
    error VouchersRangeOverlap(address collection, uint256 existingIndex);
    error VouchersTooManyRanges(address collection);
    error VouchersNoSuchRange(address collection, uint256 index);
    error VouchersNotCustomizable(address collection, uint256 tokenId);
    error VouchersNotTokenOwner(address collection, uint256 tokenId, address account);
    error VouchersNoCertificate(address account);
    error VouchersAllowanceUsed(address collection, uint256 tokenId, uint256 allowance);
    error VouchersWrongPayment(uint256 expected, uint256 sent);
    error VouchersOrderExpired(uint256 nonce, uint256 expiry);
    error VouchersInvalidOrderSignature(uint256 nonce);
    error VouchersInvalidBuyer(address buyer);
    error VouchersNonexistentVoucher(uint256 voucherId);
    error VouchersNotHolder(uint256 voucherId, address account);
    error VouchersIllegalTransition(uint256 voucherId, Status from, Status to);
    error VouchersUnknownGlaze(uint256 glazeId);
    error VouchersEmptyCommitment(string argument);
    error VouchersInvalidKilnBatch(uint256 kilnBatchId);
    error VouchersInvalidPhotoCid(string photoCid);
    error VouchersInvalidReason(uint256 length);
    error VouchersDeliveryNotDue(uint256 voucherId, uint256 dueAt);
    error VouchersNoRefund(address holder);
    error VouchersNoCouponOwed(uint256 voucherId);
    error VouchersInvalidRecipient(address recipient);
    error VouchersLocked(uint256 voucherId);
    error VouchersInsufficientGasForHook();
    /// @notice Buying and redeeming are paused (same name and selector as OpenZeppelin's Pausable).
    error EnforcedPause();
    /// @notice Not paused (same name and selector as OpenZeppelin's Pausable).
    error ExpectedPause();

    // ---------------------------------------------------------------- events

    /// @notice Emitted when a range of `collection` becomes customizable (all ids: 0 to 2^256-1).
    event RangeAdded(address indexed collection, uint256 index, uint256 fromId, uint256 toId, uint256 price, uint256 allowance);
    /// @notice Emitted when the price, allowance or active flag of a range changes.
    event RangeUpdated(address indexed collection, uint256 index, uint256 price, uint256 allowance, bool active);
    /// @notice Emitted when a range is removed; the last range takes its index.
    event RangeRemoved(address indexed collection, uint256 index, uint256 fromId, uint256 toId);
    /// @notice Emitted when a voucher is bought for `paid` wei (0 for a fiat order).
    event VoucherPurchased(
        uint256 indexed voucherId, address indexed buyer, address indexed collection, uint256 tokenId, uint256 paid
    );
    /// @notice Emitted when a signed fiat order is filled.
    event OrderFilled(uint256 indexed nonce, uint256 indexed voucherId, address indexed buyer);
    /// @notice Emitted when an order signer cancels an unused order.
    event OrderCancelled(uint256 indexed nonce);
    /// @notice Issued -> Requested: the holder spent a coupon of `glazeId` and committed to shipping details.
    event RedemptionRequested(
        uint256 indexed voucherId, address indexed holder, uint256 indexed glazeId, bytes32 shippingCommitment
    );
    /// @notice Requested or Failed -> InKiln.
    event FiringStarted(uint256 indexed voucherId, uint256 indexed kilnBatchId);
    /// @notice InKiln -> Fired, with the IPFS CID of a photo of the result.
    event PieceFired(uint256 indexed voucherId, uint256 indexed kilnBatchId, string photoCid);
    /// @notice InKiln -> Failed.
    event FiringFailed(uint256 indexed voucherId, uint256 indexed kilnBatchId, string reason);
    /// @notice Fired -> Shipped, with a commitment to the tracking number.
    event PieceShipped(uint256 indexed voucherId, bytes32 trackingCommitment);
    /// @notice Shipped -> Delivered; `revenue` wei of the price became revenue for the split.
    event PieceDelivered(uint256 indexed voucherId, address indexed confirmedBy, bool timedOut, uint256 revenue);
    /// @notice Failed -> Refunded; `amount` wei became withdrawable by `holder`.
    event RedemptionRefunded(uint256 indexed voucherId, address indexed holder, uint256 amount);
    /// @notice The coupon of a refunded redemption could not be minted back; `retryCouponRestore` retries.
    event CouponRestoreDeferred(uint256 indexed voucherId, address indexed holder, uint256 glazeId);
    /// @notice The coupon of a refunded redemption was minted back to `holder`.
    event CouponRestored(uint256 indexed voucherId, address indexed holder, uint256 glazeId);
    /// @notice `holder` withdrew `amount` of refunds to `recipient`.
    event RefundWithdrawn(address indexed holder, address indexed recipient, uint256 amount);
    /// @notice Emitted when the delivery timeout changes.
    event DeliveryTimeoutUpdated(uint256 deliveryTimeout);
    /// @notice Emitted when the image base of token metadata changes.
    event ImageBaseURIUpdated(string imageBaseURI);
    /// @notice Emitted when the points ledger changes (zero turns points off).
    event PointsLedgerUpdated(address ledger);
    /// @notice Emitted when the points ledger rejected a purchase record; the purchase still stands.
    event PurchaseHookFailed(address indexed ledger, address indexed buyer);
    /// @notice Emitted when `account` pauses buying and redeeming (same signature as OpenZeppelin's Pausable).
    event Paused(address account);
    /// @notice Emitted when `account` resumes buying and redeeming.
    event Unpaused(address account);

    // ---------------------------------------------------------------- construction

    constructor(VouchersInit memory init)
        ERC721(init.name, init.symbol)
        EIP712("GaolingVouchers", "1")
        RevenueSplit(init.payees, init.payeeBps)
    {
        if (init.admin == address(0)) revert VouchersInvalidAdmin(init.admin);
        if (address(init.coupons).code.length == 0) revert VouchersInvalidContract("coupons", address(init.coupons));
        if (address(init.certificate).code.length == 0) {
            revert VouchersInvalidContract("certificate", address(init.certificate));
        }
        coupons = init.coupons;
        certificate = init.certificate;
        metadataRenderer = new GaolingVoucherMetadata();
        _setDeliveryTimeout(init.deliveryTimeout);
        _imageBaseURI = init.imageBaseURI;

        _grantRole(DEFAULT_ADMIN_ROLE, init.admin);
        _grantRole(ISSUER_ROLE, init.admin);
        _grantRole(ORDER_SIGNER_ROLE, init.admin);
        _grantRole(FULFILMENT_ROLE, init.admin);
        _grantRole(PAUSER_ROLE, init.admin);
    }

    // ---------------------------------------------------------------- customizable ranges

    /// @notice Makes token ids `fromId`..`toId` (inclusive) of `collection` customizable. A whole
    /// collection is the range 0..2^256-1. Ranges of one collection may not overlap.
    /// @param price Wei per voucher (0: free).
    /// @param allowance Physical pieces each token may yield over its whole life (usually 1).
    /// @return index The range's index in `customizableRanges(collection)`.
    function addRange(address collection, uint256 fromId, uint256 toId, uint96 price, uint32 allowance)
        external
        onlyRole(ISSUER_ROLE)
        returns (uint256 index)
    {
        if (collection.code.length == 0) revert VouchersInvalidContract("collection", collection);
        if (fromId > toId) revert VouchersInvalidRange(fromId, toId);
        if (allowance == 0) revert VouchersInvalidAllowance(allowance);
        Range[] storage ranges = _ranges[collection];
        index = ranges.length;
        if (index == MAX_RANGES_PER_COLLECTION) revert VouchersTooManyRanges(collection);
        for (uint256 i; i < index; ++i) {
            if (fromId <= ranges[i].toId && ranges[i].fromId <= toId) revert VouchersRangeOverlap(collection, i);
        }
        ranges.push(Range({fromId: fromId, toId: toId, price: price, allowance: allowance, active: true}));
        emit RangeAdded(collection, index, fromId, toId, price, allowance);
    }

    /// @notice Changes the terms of a range. Vouchers already bought keep the price they paid.
    /// Lowering the allowance below what a token already used stops further vouchers for it.
    function updateRange(address collection, uint256 index, uint96 price, uint32 allowance, bool active)
        external
        onlyRole(ISSUER_ROLE)
    {
        if (allowance == 0) revert VouchersInvalidAllowance(allowance);
        Range storage range = _range(collection, index);
        (range.price, range.allowance, range.active) = (price, allowance, active);
        emit RangeUpdated(collection, index, price, allowance, active);
    }

    /// @notice Removes a range; the last range of the collection moves to `index`. Pieces already
    /// used stay counted against their tokens.
    function removeRange(address collection, uint256 index) external onlyRole(ISSUER_ROLE) {
        Range memory removed = _range(collection, index);
        Range[] storage ranges = _ranges[collection];
        ranges[index] = ranges[ranges.length - 1];
        ranges.pop();
        emit RangeRemoved(collection, index, removed.fromId, removed.toId);
    }

    // ---------------------------------------------------------------- buying

    /// @notice Buys a voucher for token `tokenId` of `collection`, paying exactly its price. The
    /// caller must own the token and hold a firing certificate.
    /// @return voucherId The new voucher, minted to the caller.
    function buy(address collection, uint256 tokenId) external payable nonReentrant returns (uint256 voucherId) {
        uint256 control = _requireNotPaused();
        uint256 price = _claimPiece(collection, tokenId, msg.sender);
        if (msg.value != price) revert VouchersWrongPayment(price, msg.value);
        voucherId = _issue(msg.sender, collection, tokenId, price);
        _recordPurchase(control, msg.sender, price);
    }

    /// @notice Issues a fiat-paid voucher to `order.buyer`. Anyone may relay it: the signature binds
    /// the buyer, the source token, this contract and this chain, and each nonce works once. The
    /// buyer must still own the token and hold a certificate.
    function buyWithOrder(VoucherOrder calldata order, bytes calldata signature)
        external
        nonReentrant
        returns (uint256 voucherId)
    {
        uint256 control = _requireNotPaused();
        if (block.timestamp > order.expiry) revert VouchersOrderExpired(order.nonce, order.expiry);
        if (order.buyer == address(0)) revert VouchersInvalidBuyer(order.buyer);
        // Recover the signer, then check its role; a malformed signature recovers to address(0).
        (address signer,,) = ECDSA.tryRecoverCalldata(hashVoucherOrder(order), signature);
        if (signer == address(0) || !hasRole(ORDER_SIGNER_ROLE, signer)) {
            revert VouchersInvalidOrderSignature(order.nonce);
        }
        _useNonce(order.nonce);
        _claimPiece(order.collection, order.tokenId, order.buyer);
        voucherId = _issue(order.buyer, order.collection, order.tokenId, 0);
        emit OrderFilled(order.nonce, voucherId, order.buyer);
        _recordPurchase(control, order.buyer, 0);
    }

    /// @notice Cancels an issued order that has not been filled. Only an order signer.
    function cancelOrder(uint256 nonce) external onlyRole(ORDER_SIGNER_ROLE) {
        _useNonce(nonce);
        emit OrderCancelled(nonce);
    }

    /// @notice The EIP-712 digest an order signer signs for `order`.
    function hashVoucherOrder(VoucherOrder calldata order) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _VOUCHER_ORDER_TYPEHASH, order.buyer, order.collection, order.tokenId, order.nonce, order.expiry
                )
            )
        );
    }

    // ---------------------------------------------------------------- redeeming

    /// @notice Redeems a voucher: spends one coupon of `glazeId` from the caller (the holder) and
    /// records `shippingCommitment`, a salted hash of the shipping details kept off chain. The voucher
    /// is locked from now on.
    function redeem(uint256 voucherId, uint256 glazeId, bytes32 shippingCommitment) external nonReentrant {
        _requireNotPaused();
        if (ownerOf(voucherId) != msg.sender) revert VouchersNotHolder(voucherId, msg.sender);
        if (shippingCommitment == bytes32(0)) revert VouchersEmptyCommitment("shippingCommitment");
        if (glazeId > type(uint16).max || !coupons.glazeExists(glazeId)) revert VouchersUnknownGlaze(glazeId);
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        _requireStatus(voucherId, state, Status.Issued, Status.Requested);
        v.state = _withStatus(state, Status.Requested) | (glazeId << _GLAZE_SHIFT);
        v.shippingCommitment = shippingCommitment;
        emit Locked(voucherId);
        emit RedemptionRequested(voucherId, msg.sender, glazeId, shippingCommitment);
        emit MetadataUpdate(voucherId);
        // Trusted coupon contract; burning calls no receiver hook. Reverts if the holder has no coupon.
        coupons.consume(msg.sender, glazeId);
    }

    // ---------------------------------------------------------------- lifecycle (fulfilment role)

    /// @notice Requested -> InKiln, or Failed -> InKiln (a re-fire), in kiln batch `kilnBatchId`.
    function startFiring(uint256 voucherId, uint256 kilnBatchId) external onlyRole(FULFILMENT_ROLE) {
        if (kilnBatchId == 0 || kilnBatchId > _BATCH_MASK) revert VouchersInvalidKilnBatch(kilnBatchId);
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        Status from = _statusOf(voucherId, state);
        if (from != Status.Requested && from != Status.Failed) {
            revert VouchersIllegalTransition(voucherId, from, Status.InKiln);
        }
        v.state = (_withStatus(state, Status.InKiln) & ~(_BATCH_MASK << _BATCH_SHIFT)) | (kilnBatchId << _BATCH_SHIFT);
        emit FiringStarted(voucherId, kilnBatchId);
        emit MetadataUpdate(voucherId);
    }

    /// @notice InKiln -> Fired, recording the IPFS CID of a photo of the fired piece (CIDv0 or CIDv1
    /// as its base-encoded string, without `ipfs://`).
    function markFired(uint256 voucherId, string calldata photoCid) external onlyRole(FULFILMENT_ROLE) {
        _checkCid(photoCid);
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        _requireStatus(voucherId, state, Status.InKiln, Status.Fired);
        v.state = _withStatus(state, Status.Fired);
        _photoCid[voucherId] = photoCid;
        emit PieceFired(voucherId, _batchOf(state), photoCid);
        emit MetadataUpdate(voucherId);
    }

    /// @notice InKiln -> Failed. `reason` is public (for example "crack in the foot ring"); never
    /// put personal data in it.
    function markFailed(uint256 voucherId, string calldata reason) external onlyRole(FULFILMENT_ROLE) {
        if (bytes(reason).length == 0 || bytes(reason).length > MAX_REASON_LENGTH) {
            revert VouchersInvalidReason(bytes(reason).length);
        }
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        _requireStatus(voucherId, state, Status.InKiln, Status.Failed);
        v.state = _withStatus(state, Status.Failed);
        emit FiringFailed(voucherId, _batchOf(state), reason);
        emit MetadataUpdate(voucherId);
    }

    /// @notice Fired -> Shipped, recording a salted hash of the tracking number.
    function markShipped(uint256 voucherId, bytes32 trackingCommitment) external onlyRole(FULFILMENT_ROLE) {
        if (trackingCommitment == bytes32(0)) revert VouchersEmptyCommitment("trackingCommitment");
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        _requireStatus(voucherId, state, Status.Fired, Status.Shipped);
        v.state = _withStatus(state, Status.Shipped);
        v.trackingCommitment = trackingCommitment;
        emit PieceShipped(voucherId, trackingCommitment);
        emit MetadataUpdate(voucherId);
    }

    /// @notice Failed -> Refunded. The price becomes withdrawable by the holder (`withdrawRefund`),
    /// the coupon is minted back, and the source token's allowance is given back (no piece was made).
    function refund(uint256 voucherId) external onlyRole(FULFILMENT_ROLE) nonReentrant {
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        _requireStatus(voucherId, state, Status.Failed, Status.Refunded);
        address holder = _ownerOf(voucherId);
        uint256 amount = v.paid;
        v.state = _withStatus(state, Status.Refunded);
        --_piecesUsed[address(uint160(state))][v.sourceTokenId];
        if (amount != 0) {
            _reservedForPieces -= amount;
            _refundsOwed += amount;
            _refundOf[holder] += amount;
        }
        emit RedemptionRefunded(voucherId, holder, amount);
        emit MetadataUpdate(voucherId);

        // The restore runs the holder's ERC-1155 receiver hook, which the holder controls: capped gas,
        // and a failure defers the coupon instead of blocking the refund.
        uint256 glazeId = state >> _GLAZE_SHIFT;
        if (gasleft() < COUPON_RESTORE_GAS + COUPON_RESTORE_GAS / 63 + 5_000) revert VouchersInsufficientGasForHook();
        try coupons.restore{gas: COUPON_RESTORE_GAS}(holder, glazeId) {
            emit CouponRestored(voucherId, holder, glazeId);
        } catch {
            _couponOwed[voucherId] = true;
            emit CouponRestoreDeferred(voucherId, holder, glazeId);
        }
    }

    /// @notice Mints back the coupon of a refunded redemption whose restore failed. Anyone may call;
    /// the coupon always goes to the voucher's holder.
    function retryCouponRestore(uint256 voucherId) external nonReentrant {
        if (!_couponOwed[voucherId]) revert VouchersNoCouponOwed(voucherId);
        _couponOwed[voucherId] = false;
        address holder = _ownerOf(voucherId);
        uint256 glazeId = _vouchers[voucherId].state >> _GLAZE_SHIFT;
        emit CouponRestored(voucherId, holder, glazeId);
        coupons.restore(holder, glazeId);
    }

    // ---------------------------------------------------------------- delivery and refunds (never paused)

    /// @notice Shipped -> Delivered. The holder may confirm at any time; anyone may once
    /// `deliveryTimeout` has passed since the piece was shipped. The price becomes revenue.
    function confirmDelivery(uint256 voucherId) external {
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        _requireStatus(voucherId, state, Status.Shipped, Status.Delivered);
        bool timedOut = msg.sender != _ownerOf(voucherId);
        if (timedOut) {
            uint256 dueAt = ((state >> _SINCE_SHIFT) & _SINCE_MASK) + _deliveryTimeout;
            if (block.timestamp < dueAt) revert VouchersDeliveryNotDue(voucherId, dueAt);
        }
        uint256 amount = v.paid;
        v.state = _withStatus(state, Status.Delivered);
        _reservedForPieces -= amount;
        emit PieceDelivered(voucherId, msg.sender, timedOut, amount);
        emit MetadataUpdate(voucherId);
    }

    /// @notice Withdraws all of the caller's refunds to `recipient` (the caller's own choice of
    /// address, for holders that cannot receive ETH themselves).
    function withdrawRefund(address payable recipient) external nonReentrant {
        if (recipient == address(0)) revert VouchersInvalidRecipient(recipient);
        uint256 amount = _refundOf[msg.sender];
        if (amount == 0) revert VouchersNoRefund(msg.sender);
        _refundOf[msg.sender] = 0;
        _refundsOwed -= amount;
        emit RefundWithdrawn(msg.sender, recipient, amount);
        Address.sendValue(recipient, amount);
    }

    // ---------------------------------------------------------------- configuration

    /// @notice Sets how long after shipping anyone may confirm delivery (1 to 365 days). Applies to
    /// pieces already shipped too.
    function setDeliveryTimeout(uint64 deliveryTimeout_) external onlyRole(ISSUER_ROLE) {
        _setDeliveryTimeout(deliveryTimeout_);
    }

    /// @notice Sets the base of the status images (`<base><status>.png`) shown until a photo exists.
    function setImageBaseURI(string calldata imageBaseURI_) external onlyRole(ISSUER_ROLE) {
        _imageBaseURI = imageBaseURI_;
        emit ImageBaseURIUpdated(imageBaseURI_);
        emit BatchMetadataUpdate(1, type(uint256).max);
    }

    /// @notice Points purchases at a points ledger, or turns points off with the zero address.
    /// The ledger must grant this contract its purchase-recorder role.
    function setPointsLedger(IPurchaseRecorder ledger) external onlyRole(ISSUER_ROLE) {
        _saleControl = (_saleControl & _PAUSED_FLAG) | uint256(uint160(address(ledger)));
        emit PointsLedgerUpdated(address(ledger));
    }

    /// @notice Stops buying and redeeming. The lifecycle, delivery, refunds and withdrawals continue.
    function pause() external onlyRole(PAUSER_ROLE) {
        uint256 control = _requireNotPaused();
        _saleControl = control | _PAUSED_FLAG;
        emit Paused(msg.sender);
    }

    /// @notice Resumes buying and redeeming.
    function unpause() external onlyRole(PAUSER_ROLE) {
        uint256 control = _saleControl;
        if (control & _PAUSED_FLAG == 0) revert ExpectedPause();
        _saleControl = control & ~_PAUSED_FLAG;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @notice True while buying and redeeming are paused.
    function paused() external view returns (bool) {
        return _saleControl & _PAUSED_FLAG != 0;
    }

    /// @notice The points ledger purchases report to, or zero.
    function pointsLedger() external view returns (IPurchaseRecorder) {
        return IPurchaseRecorder(address(uint160(_saleControl)));
    }

    /// @notice How long after shipping anyone may confirm delivery, in seconds.
    function deliveryTimeout() external view returns (uint256) {
        return _deliveryTimeout;
    }

    /// @notice The base of the status images.
    function imageBaseURI() external view returns (string memory) {
        return _imageBaseURI;
    }

    /// @notice Vouchers ever issued; ids are 1..totalVouchers().
    function totalVouchers() external view returns (uint256) {
        return _lastVoucherId;
    }

    /// @notice The customizable ranges of `collection`.
    function customizableRanges(address collection) external view returns (Range[] memory) {
        return _ranges[collection];
    }

    /// @notice The terms for token `tokenId` of `collection`: whether an active range covers it, the
    /// price and allowance of that range, and how many pieces the token has used.
    function termsOf(address collection, uint256 tokenId)
        external
        view
        returns (bool customizable, uint256 price, uint256 allowance, uint256 used)
    {
        used = _piecesUsed[collection][tokenId];
        (bool found, Range memory range) = _findRange(collection, tokenId);
        if (found) return (range.active, range.price, range.allowance, used);
    }

    /// @notice Physical pieces token `tokenId` of `collection` has used (bought vouchers not refunded).
    function piecesUsed(address collection, uint256 tokenId) external view returns (uint256) {
        return _piecesUsed[collection][tokenId];
    }

    /// @notice Everything about voucher `voucherId`.
    function voucher(uint256 voucherId) external view returns (VoucherInfo memory info) {
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        Status status = _statusOf(voucherId, state);
        info = VoucherInfo({
            owner: _ownerOf(voucherId),
            collection: address(uint160(state)),
            sourceTokenId: v.sourceTokenId,
            status: status,
            statusSince: (state >> _SINCE_SHIFT) & _SINCE_MASK,
            glazeId: state >> _GLAZE_SHIFT,
            kilnBatchId: _batchOf(state),
            paid: v.paid,
            shippingCommitment: v.shippingCommitment,
            trackingCommitment: v.trackingCommitment,
            photoCid: _photoCid[voucherId],
            couponOwed: _couponOwed[voucherId]
        });
    }

    /// @notice The status of voucher `voucherId`.
    function statusOf(uint256 voucherId) external view returns (Status) {
        return _statusOf(voucherId, _vouchers[voucherId].state);
    }

    /// @notice Wei `holder` can withdraw with `withdrawRefund`.
    function refundOf(address holder) external view returns (uint256) {
        return _refundOf[holder];
    }

    /// @notice Wei held for pieces not yet delivered or refunded (not revenue yet).
    function reservedForPieces() external view returns (uint256) {
        return _reservedForPieces;
    }

    /// @notice Wei of refunds not yet withdrawn.
    function refundsOwed() external view returns (uint256) {
        return _refundsOwed;
    }

    /// @inheritdoc IERC5192
    /// @dev A voucher is locked from redemption on, for good.
    function locked(uint256 voucherId) external view returns (bool) {
        return _statusOf(voucherId, _vouchers[voucherId].state) != Status.Issued;
    }

    /// @notice On-chain JSON metadata (a base64 `data:` URI) that follows the voucher's status: the
    /// photo of the fired piece once there is one, else the status image `<imageBase><status>.png`.
    function tokenURI(uint256 voucherId) public view override returns (string memory) {
        Voucher storage v = _vouchers[voucherId];
        uint256 state = v.state;
        Status status = _statusOf(voucherId, state);
        return metadataRenderer.tokenURI(
            GaolingVoucherMetadata.Input({
                voucherId: voucherId,
                status: uint8(status),
                collection: address(uint160(state)),
                sourceTokenId: v.sourceTokenId,
                glazeId: state >> _GLAZE_SHIFT,
                kilnBatchId: _batchOf(state),
                photoCid: _photoCid[voucherId],
                imageBase: _imageBaseURI
            })
        );
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl, IERC165) returns (bool) {
        return interfaceId == _ERC4906_INTERFACE_ID || interfaceId == type(IERC5192).interfaceId
            || ERC721.supportsInterface(interfaceId) || AccessControl.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Checks eligibility of `account` for a piece of (`collection`, `tokenId`) and counts it.
    /// Only view calls leave the contract here (ownerOf, hasCertificate), so they cannot re-enter.
    function _claimPiece(address collection, uint256 tokenId, address account) private returns (uint256 price) {
        (bool found, Range memory range) = _findRange(collection, tokenId);
        if (!found || !range.active) revert VouchersNotCustomizable(collection, tokenId);
        address owner;
        try IERC721(collection).ownerOf(tokenId) returns (address o) {
            owner = o;
        } catch {}
        if (owner != account) revert VouchersNotTokenOwner(collection, tokenId, account);
        if (!certificate.hasCertificate(account)) revert VouchersNoCertificate(account);
        uint256 used = _piecesUsed[collection][tokenId];
        if (used >= range.allowance) revert VouchersAllowanceUsed(collection, tokenId, range.allowance);
        _piecesUsed[collection][tokenId] = used + 1;
        return range.price;
    }

    function _issue(address buyer, address collection, uint256 tokenId, uint256 paid)
        private
        returns (uint256 voucherId)
    {
        voucherId = ++_lastVoucherId;
        Voucher storage v = _vouchers[voucherId];
        v.state = uint256(uint160(collection)) | (block.timestamp << _SINCE_SHIFT); // status Issued = 0
        v.sourceTokenId = tokenId;
        if (paid != 0) {
            v.paid = uint96(paid); // paid is a range price, a uint96
            _reservedForPieces += paid;
        }
        // _mint, not _safeMint: no receiver callback.
        _mint(buyer, voucherId);
        emit VoucherPurchased(voucherId, buyer, collection, tokenId, paid);
    }

    function _findRange(address collection, uint256 tokenId) private view returns (bool, Range memory range) {
        Range[] storage ranges = _ranges[collection];
        uint256 length = ranges.length;
        for (uint256 i; i < length; ++i) {
            Range storage r = ranges[i];
            if (r.fromId <= tokenId && tokenId <= r.toId) return (true, r);
        }
        return (false, range);
    }

    function _range(address collection, uint256 index) private view returns (Range storage) {
        if (index >= _ranges[collection].length) revert VouchersNoSuchRange(collection, index);
        return _ranges[collection][index];
    }

    function _statusOf(uint256 voucherId, uint256 state) private pure returns (Status) {
        if (state == 0) revert VouchersNonexistentVoucher(voucherId);
        return Status(uint8(state >> _STATUS_SHIFT));
    }

    function _requireStatus(uint256 voucherId, uint256 state, Status expected, Status to) private pure {
        Status from = _statusOf(voucherId, state);
        if (from != expected) revert VouchersIllegalTransition(voucherId, from, to);
    }

    /// @dev `state` with a new status, stamped now.
    function _withStatus(uint256 state, Status status) private view returns (uint256) {
        return (state & _CLEAR_STATUS) | (uint256(status) << _STATUS_SHIFT) | (block.timestamp << _SINCE_SHIFT);
    }

    function _batchOf(uint256 state) private pure returns (uint256) {
        return (state >> _BATCH_SHIFT) & _BATCH_MASK;
    }

    /// @dev CIDs are multibase strings (base58btc `Qm...` or base32 `b...`): letters and digits only,
    /// which also keeps them safe inside the JSON of `tokenURI`.
    function _checkCid(string calldata cid) private pure {
        bytes calldata b = bytes(cid);
        if (b.length < 46 || b.length > 128) revert VouchersInvalidPhotoCid(cid);
        for (uint256 i; i < b.length; ++i) {
            bytes1 c = b[i];
            if (!((c >= "0" && c <= "9") || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z"))) {
                revert VouchersInvalidPhotoCid(cid);
            }
        }
    }

    function _setDeliveryTimeout(uint64 deliveryTimeout_) private {
        if (deliveryTimeout_ < MIN_DELIVERY_TIMEOUT || deliveryTimeout_ > MAX_DELIVERY_TIMEOUT) {
            revert VouchersInvalidDeliveryTimeout(deliveryTimeout_);
        }
        _deliveryTimeout = deliveryTimeout_;
        emit DeliveryTimeoutUpdated(deliveryTimeout_);
    }

    function _requireNotPaused() private view returns (uint256 control) {
        control = _saleControl;
        if (control & _PAUSED_FLAG != 0) revert EnforcedPause();
    }

    /// @dev Interaction last, capped and caught, as in GaolingEdition: a broken ledger never blocks a purchase.
    function _recordPurchase(uint256 control, address buyer, uint256 value) private {
        IPurchaseRecorder ledger = IPurchaseRecorder(address(uint160(control)));
        if (address(ledger) == address(0)) return;
        if (gasleft() < PURCHASE_HOOK_GAS + PURCHASE_HOOK_GAS / 63 + 5_000) revert VouchersInsufficientGasForHook();
        try ledger.recordPurchase{gas: PURCHASE_HOOK_GAS}(buyer, value, 1) {}
        catch {
            emit PurchaseHookFailed(address(ledger), buyer);
        }
    }

    /// @dev Vouchers move freely until redeemed, then never again.
    function _update(address to, uint256 voucherId, address auth) internal override returns (address) {
        if (_ownerOf(voucherId) != address(0) && Status(uint8(_vouchers[voucherId].state >> _STATUS_SHIFT)) != Status.Issued) {
            revert VouchersLocked(voucherId);
        }
        return super._update(to, voucherId, auth);
    }

    /// @dev ETH that is not revenue: prices of pieces still in progress and refunds not yet withdrawn.
    function _reservedBalance() internal view override returns (uint256) {
        return _reservedForPieces + _refundsOwed;
    }
}
