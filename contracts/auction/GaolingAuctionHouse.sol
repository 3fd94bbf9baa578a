// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IPurchaseRecorder} from "../../interfaces/IPurchaseRecorder.sol";

/// @title Gaoling auction house: English auctions in the native currency for any ERC-721.
/// @notice A seller escrows a token with a reserve and a duration. The timer starts at the first
/// bid at or above the reserve; later bids must beat the highest by `minIncrementBps`, and a bid
/// inside the last `timeBuffer` seconds pushes the end out so that `timeBuffer` remains. After the
/// end anyone settles: the token goes to the winner, then the artist royalty, the platform fee and
/// the seller's remainder are paid. Royalty (ERC-2981, looked up with a gas cap and clamped) and
/// fee (rate and recipient) are snapshotted when the auction is listed, so nothing anyone changes
/// later, neither the collection's royalty data nor the house's fee settings, moves a live auction's
/// money (review findings F-03, F-04).
/// Settled sales are reported to the points ledger only for collections the platform registered,
/// only when the winner is not the seller, and only at or above `minRecordedPrice` (finding F-01:
/// wash auctions of junk NFTs must not mint points).
/// While the house is paused nobody can bid, so the clock of every auction still running when the
/// pause began stops too: it cannot be settled during the pause, and after the unpause it ends no
/// earlier than `timeBuffer` after bidding resumed.
/// @dev Every payment to an address someone else controls is a call with `PUSH_GAS` gas that
/// copies no return data; if it fails the amount is credited to `pendingWithdrawals` and the payee
/// pulls it with `withdraw`/`withdrawTo`. So no bidder, seller, artist or collection can block a
/// higher bid or a settlement. Pausing stops listings and bids only; cancel, withdrawals and the
/// settlement of auctions that ended before the pause always work, so funds and tokens are never
/// frozen. A token sent to the house without `createAuction` can be rescued by the admin.
contract GaolingAuctionHouse is AccessControl, Pausable, ReentrancyGuardTransient {
    /// @notice May pause and unpause listings and bids.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint256 private constant BPS = 10_000;
    /// @notice Upper bound of the platform fee. With MAX_ROYALTY_BPS it keeps royalty + fee <= 30% of the price.
    uint256 public constant MAX_FEE_BPS = 2_000;
    /// @notice Royalties are clamped to 10% of the price (the upper end of the artist range), so the
    /// seller's share has a floor that no mutable royalty data can lower.
    uint256 public constant MAX_ROYALTY_BPS = 1_000;
    /// @notice Bounds of the minimum bid increment.
    uint256 public constant MIN_INCREMENT_BPS_FLOOR = 100;
    uint256 public constant MIN_INCREMENT_BPS_CEILING = 2_500;
    /// @notice Bounds of the anti-sniping time buffer.
    uint256 public constant MIN_TIME_BUFFER = 1 minutes;
    uint256 public constant MAX_TIME_BUFFER = 1 days;
    /// @notice Bounds of a listing's duration (counted from the first bid).
    uint256 public constant MIN_DURATION = 15 minutes;
    uint256 public constant MAX_DURATION = 30 days;
    /// @notice Bounds of a listing's reserve. The upper bound is what the packed slot holds (~1.2M ether).
    uint256 public constant MIN_RESERVE = 1;
    uint256 public constant MAX_RESERVE = type(uint80).max;
    /// @notice Gas forwarded to each pushed payment (refund, royalty, fee, proceeds). As Nouns does.
    uint256 public constant PUSH_GAS = 30_000;
    /// @notice Gas forwarded to `royaltyInfo`.
    uint256 public constant ROYALTY_GAS = 50_000;
    /// @notice Gas forwarded to the token transfer to the winner at settlement.
    uint256 public constant TRANSFER_GAS = 200_000;
    /// @notice Gas forwarded to the purchase recorder (points ledger).
    uint256 public constant RECORDER_GAS = 150_000;
    /// @notice Sale price at which the royalty rate is read at listing (ERC-2981 answers amounts,
    /// not rates): rate = royaltyInfo(tokenId, probe).amount * 10,000 / probe.
    uint256 public constant ROYALTY_PROBE_PRICE = 10_000 ether;
    /// @notice Default of `minRecordedPrice`: sales below it earn no points.
    uint256 public constant DEFAULT_MIN_RECORDED_PRICE = 0.001 ether;
    /// @dev Covers the cost of making a call (cold account, value transfer, argument setup) on top
    /// of the 64/63 rule, so a capped callee always gets its full cap.
    uint256 private constant CALL_OVERHEAD = 15_000;

    /// @notice Lifecycle of an auction. `Failed` means the token could not be delivered to the
    /// winner; the winner was refunded and the seller may take the token back with `cancel`.
    enum Status {
        None,
        Live,
        Settled,
        Cancelled,
        Failed
    }

    /// @notice Why a settled sale was not reported to the points ledger.
    enum RecordSkip {
        None,
        UnregisteredCollection, // the platform did not register the collection
        SelfPurchase, // the winner is the seller
        BelowMinimumPrice // the price is below minRecordedPrice
    }

    /// @dev Six storage slots per auction. A bid touches only slots 0 and 2; settle reads all six.
    ///   slot 0: nft (160) | endTime (40) | duration (32) | status (8)       -- 240 bits
    ///   slot 1: tokenId (256)
    ///   slot 2: bidder (160) | amount (96)                                  -- amount holds the
    ///           reserve until the first bid (bidder == 0), then the highest bid. Keeping the
    ///           reserve here makes the first bid a nonzero-to-nonzero write (2,900 gas, not 20,000).
    ///   slot 3: seller (160) | feeBps (16) | reserve (80)                     -- fee snapshot at
    ///           listing, so a later fee change never touches a live auction.
    ///   slot 4: royaltyReceiver (160) | royaltyBps (16)                    -- royalty snapshot at listing
    ///   slot 5: feeRecipient (160)                                         -- fee recipient snapshot
    /// The snapshots are appended after the original fields, so readers of `auction()` by position
    /// keep working.
    struct Auction {
        address nft;
        uint40 endTime;
        uint32 duration;
        Status status;
        uint256 tokenId;
        address bidder;
        uint96 amount;
        address seller;
        uint16 feeBps;
        uint80 reserve;
        address royaltyReceiver;
        uint16 royaltyBps;
        address feeRecipient;
    }

    // Storage layout (checked in tests/auction/test_layout.py):
    //   slot 0: AccessControl._roles
    //   slot 1: Pausable._paused (8) | feeRecipient (160) | feeBps (16) | minIncrementBps (16) | timeBuffer (32)
    //           -- one cold read serves whenNotPaused and every bid/settle parameter
    //   slot 2: purchaseRecorder (160) | auctionCount (64)
    //   slot 3: totalPending
    //   slot 4: pendingWithdrawals mapping
    //   slot 5: _auctions mapping
    //   slot 6: pausedAt (40) | resumedAt (40) | minRecordedPrice (96)
    //           -- settle reads it once, for the paused clock and the recording rule
    //   slot 7: registeredCollection mapping
    //   slot 8: _escrowAuction mapping

    /// @notice Receives the platform fee.
    address public feeRecipient;
    /// @notice Platform fee in basis points, applied to auctions listed from now on.
    uint16 public feeBps;
    /// @notice A bid must be at least the highest bid plus this share of it.
    uint16 public minIncrementBps;
    /// @notice A bid placed less than this many seconds before the end moves the end to now + timeBuffer.
    uint32 public timeBuffer;

    /// @notice Optional points ledger told about every settled sale; zero when none.
    address public purchaseRecorder;
    /// @notice Number of auctions ever created; auction ids run from 1 to auctionCount.
    uint64 public auctionCount;

    /// @notice Sum of all pendingWithdrawals: what the house owes besides live highest bids.
    uint256 public totalPending;
    /// @notice Amounts whose push failed, claimable by the payee.
    mapping(address payee => uint256) public pendingWithdrawals;

    mapping(uint256 auctionId => Auction) private _auctions;

    /// @notice Start of the latest pause (merged with an earlier one if it began inside its grace
    /// window); 0 if the house was never paused.
    uint40 public pausedAt;
    /// @notice End of the latest pause; auctions still running at `pausedAt` end no earlier than
    /// `resumedAt + timeBuffer`.
    uint40 public resumedAt;
    /// @notice Settled sales below this price (wei) are not reported to the points ledger.
    uint96 public minRecordedPrice;

    /// @notice Collections whose settled sales are reported to the points ledger.
    mapping(address nft => bool) public registeredCollection;
    /// @dev The latest auction that escrowed a token, keyed by keccak256(nft, tokenId). The token
    /// is escrowed while that auction is Live or Failed; otherwise a token the house owns is stray.
    mapping(bytes32 nftToken => uint256 auctionId) private _escrowAuction;

    /// @notice A listing was created and its token escrowed.
    event AuctionCreated(
        uint256 indexed auctionId,
        address indexed nft,
        uint256 indexed tokenId,
        address seller,
        uint256 reserve,
        uint256 duration
    );
    /// @notice A bid became the highest; `endTime` is the (possibly new) end of the auction.
    event AuctionBid(uint256 indexed auctionId, address indexed bidder, uint256 amount, uint256 endTime);
    /// @notice The seller cancelled and took the token back.
    event AuctionCancelled(uint256 indexed auctionId);
    /// @notice The auction was settled and everybody was paid (or credited).
    event AuctionSettled(
        uint256 indexed auctionId,
        address indexed winner,
        address indexed seller,
        uint256 price,
        address royaltyReceiver,
        uint256 royalty,
        uint256 fee,
        uint256 sellerProceeds
    );
    /// @notice The token could not be delivered to the winner; the winner's bid was refunded.
    event AuctionFailed(uint256 indexed auctionId, address indexed winner, uint256 refund);
    /// @notice A push to `payee` failed; `amount` is now claimable with `withdraw`.
    event PaymentDeferred(address indexed payee, uint256 amount);
    /// @notice `payee` withdrew `amount` to `to`.
    event Withdrawal(address indexed payee, address indexed to, uint256 amount);
    /// @notice The purchase recorder rejected or ran out of gas recording a settled sale.
    event PurchaseRecordFailed(uint256 indexed auctionId, address indexed recorder);
    /// @notice Fee recipient or fee changed (applies to auctions listed afterwards).
    event FeeUpdated(address recipient, uint256 bps);
    /// @notice The minimum bid increment changed.
    event MinIncrementUpdated(uint256 bps);
    /// @notice The anti-sniping time buffer changed.
    event TimeBufferUpdated(uint256 secondsBuffer);
    /// @notice The purchase recorder changed.
    event PurchaseRecorderUpdated(address recorder);
    /// @notice A settled sale was not reported to the points ledger, for `reason`.
    event PurchaseRecordSkipped(uint256 indexed auctionId, RecordSkip reason);
    /// @notice `nft` was registered (its sales earn points) or unregistered.
    event CollectionRegistered(address indexed nft, bool registered);
    /// @notice The minimum price of a sale that earns points changed.
    event MinRecordedPriceUpdated(uint256 price);
    /// @notice A stray token (sent to the house without `createAuction`) was returned to `to`.
    event TokenRescued(address indexed nft, uint256 indexed tokenId, address indexed to);

    error GaolingAuctionHouseReserveOutOfBounds(uint256 reserve, uint256 min, uint256 max);
    error GaolingAuctionHouseDurationOutOfBounds(uint256 duration, uint256 min, uint256 max);
    error GaolingAuctionHouseNotTokenOwner(address nft, uint256 tokenId, address caller);
    error GaolingAuctionHouseNotApproved(address nft, uint256 tokenId);
    error GaolingAuctionHouseEscrowFailed(address nft, uint256 tokenId);
    error GaolingAuctionHouseNotLive(uint256 auctionId, Status status);
    error GaolingAuctionHouseAuctionEnded(uint256 auctionId, uint256 endTime);
    error GaolingAuctionHouseAuctionNotEnded(uint256 auctionId, uint256 endTime);
    error GaolingAuctionHouseBidTooLow(uint256 auctionId, uint256 bid, uint256 minimum);
    error GaolingAuctionHouseBidTooHigh(uint256 bid);
    error GaolingAuctionHouseNoBids(uint256 auctionId);
    error GaolingAuctionHouseHasBids(uint256 auctionId);
    error GaolingAuctionHouseNotSeller(uint256 auctionId, address caller);
    error GaolingAuctionHouseNothingToWithdraw(address payee);
    error GaolingAuctionHouseWithdrawalFailed(address to, uint256 amount);
    error GaolingAuctionHouseInsufficientGas(uint256 needed);
    error GaolingAuctionHouseFeeOutOfBounds(uint256 bps, uint256 max);
    error GaolingAuctionHouseZeroFeeRecipient();
    error GaolingAuctionHouseIncrementOutOfBounds(uint256 bps, uint256 min, uint256 max);
    error GaolingAuctionHouseTimeBufferOutOfBounds(uint256 secondsBuffer, uint256 min, uint256 max);
    error GaolingAuctionHouseZeroAdmin();
    error GaolingAuctionHouseClockPaused(uint256 auctionId, uint256 pausedAt);
    error GaolingAuctionHouseMinRecordedPriceTooHigh(uint256 price);
    error GaolingAuctionHouseTokenEscrowed(uint256 auctionId);
    error GaolingAuctionHouseZeroRecipient();

    /// @param admin Receives DEFAULT_ADMIN_ROLE (fees, increment, buffer, recorder) and PAUSER_ROLE.
    /// @param feeRecipient_ Receives platform fees; may be zero only when `feeBps_` is zero.
    /// @param feeBps_ Platform fee, at most MAX_FEE_BPS.
    constructor(address admin, address feeRecipient_, uint256 feeBps_) {
        if (admin == address(0)) revert GaolingAuctionHouseZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _setFee(feeRecipient_, feeBps_);
        minIncrementBps = 500;
        timeBuffer = 15 minutes;
        minRecordedPrice = uint96(DEFAULT_MIN_RECORDED_PRICE);
        emit MinIncrementUpdated(500);
        emit TimeBufferUpdated(15 minutes);
        emit MinRecordedPriceUpdated(DEFAULT_MIN_RECORDED_PRICE);
    }

    // ---------------------------------------------------------------- listing

    /// @notice Lists `tokenId` of `nft` and escrows it. The proceeds go to the token's owner.
    /// @dev The caller must be the owner, an operator the owner approved for all, or the collection
    /// contract itself (which can move its own tokens anyway; GaolingArtworks uses this to mint
    /// straight into an auction). The house must be approved for the token. The collection's
    /// ERC-2981 royalty and the house's fee rate and recipient are snapshotted here and paid at
    /// settlement whatever changes in between.
    /// @param reserve Lowest acceptable first bid, in wei (MIN_RESERVE..MAX_RESERVE).
    /// @param duration Seconds from the first bid to the end (MIN_DURATION..MAX_DURATION).
    /// @return auctionId The new auction's id.
    function createAuction(address nft, uint256 tokenId, uint256 reserve, uint256 duration)
        external
        whenNotPaused
        nonReentrant
        returns (uint256 auctionId)
    {
        if (reserve < MIN_RESERVE || reserve > MAX_RESERVE) {
            revert GaolingAuctionHouseReserveOutOfBounds(reserve, MIN_RESERVE, MAX_RESERVE);
        }
        if (duration < MIN_DURATION || duration > MAX_DURATION) {
            revert GaolingAuctionHouseDurationOutOfBounds(duration, MIN_DURATION, MAX_DURATION);
        }
        address seller = IERC721(nft).ownerOf(tokenId);
        if (
            seller == address(this)
                || (msg.sender != seller && msg.sender != nft && !IERC721(nft).isApprovedForAll(seller, msg.sender))
        ) revert GaolingAuctionHouseNotTokenOwner(nft, tokenId, msg.sender);
        if (IERC721(nft).getApproved(tokenId) != address(this) && !IERC721(nft).isApprovedForAll(seller, address(this)))
        {
            revert GaolingAuctionHouseNotApproved(nft, tokenId);
        }

        (address royaltyReceiver, uint256 royaltyBps) = _royaltyRateOf(nft, tokenId);
        auctionId = ++auctionCount;
        uint16 fee = feeBps;
        _escrowAuction[_escrowKey(nft, tokenId)] = auctionId;
        _auctions[auctionId] = Auction({
            nft: nft,
            endTime: 0,
            duration: uint32(duration),
            status: Status.Live,
            tokenId: tokenId,
            bidder: address(0),
            amount: uint96(reserve),
            seller: seller,
            feeBps: fee,
            reserve: uint80(reserve),
            royaltyReceiver: royaltyReceiver,
            royaltyBps: uint16(royaltyBps),
            feeRecipient: feeRecipient
        });
        emit AuctionCreated(auctionId, nft, tokenId, seller, reserve, duration);

        IERC721(nft).transferFrom(seller, address(this), tokenId);
        if (IERC721(nft).ownerOf(tokenId) != address(this)) revert GaolingAuctionHouseEscrowFailed(nft, tokenId);
    }

    /// @notice Cancels a live auction that has no bid yet, or closes a failed one, and returns the
    /// token to the seller. Works while paused.
    function cancel(uint256 auctionId) external nonReentrant {
        Auction storage a = _auctions[auctionId];
        Status status = a.status;
        if (status != Status.Live && status != Status.Failed) revert GaolingAuctionHouseNotLive(auctionId, status);
        address seller = a.seller;
        if (msg.sender != seller) revert GaolingAuctionHouseNotSeller(auctionId, msg.sender);
        if (status == Status.Live && a.bidder != address(0)) revert GaolingAuctionHouseHasBids(auctionId);

        a.status = Status.Cancelled;
        emit AuctionCancelled(auctionId);
        IERC721(a.nft).transferFrom(address(this), seller, a.tokenId);
    }

    // ---------------------------------------------------------------- bidding

    /// @notice Bids `msg.value` on `auctionId`. The first bid must reach the reserve and starts the
    /// timer; later bids must reach `minimumBid`. The previous highest bidder is refunded by a
    /// gas-capped push, or credited for `withdraw` if the push fails.
    function createBid(uint256 auctionId) external payable whenNotPaused nonReentrant {
        Auction storage a = _auctions[auctionId];
        Status status = a.status;
        if (status != Status.Live) revert GaolingAuctionHouseNotLive(auctionId, status);
        if (msg.value > type(uint96).max) revert GaolingAuctionHouseBidTooHigh(msg.value);

        address previousBidder = a.bidder;
        uint256 previousAmount = a.amount;
        uint256 endTime;
        if (previousBidder == address(0)) {
            // First bid: `amount` still holds the reserve. The timer starts now.
            if (msg.value < previousAmount) {
                revert GaolingAuctionHouseBidTooLow(auctionId, msg.value, previousAmount);
            }
            endTime = block.timestamp + a.duration;
            a.endTime = uint40(endTime);
        } else {
            uint256 storedEnd = a.endTime;
            endTime = storedEnd;
            // Past the stored end, a pause may have stopped the clock: only then read the pause window.
            if (block.timestamp >= endTime) {
                endTime = _pauseAdjustedEnd(auctionId, endTime);
                if (block.timestamp >= endTime) revert GaolingAuctionHouseAuctionEnded(auctionId, endTime);
            }
            uint256 minimum = _minimumAfter(previousAmount);
            if (msg.value < minimum) revert GaolingAuctionHouseBidTooLow(auctionId, msg.value, minimum);
            uint256 buffer = timeBuffer;
            if (endTime - block.timestamp < buffer) endTime = block.timestamp + buffer;
            if (endTime != storedEnd) a.endTime = uint40(endTime);
        }
        a.bidder = msg.sender;
        a.amount = uint96(msg.value);
        emit AuctionBid(auctionId, msg.sender, msg.value, endTime);

        if (previousBidder != address(0)) _pay(previousBidder, previousAmount);
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Settles an ended auction. Anyone may call it, also while paused, unless the auction
    /// was still running when the pause began (its clock is stopped until the unpause).
    /// @dev Order: token to the winner (capped call; if it fails the winner is refunded and the
    /// auction is marked Failed), royalty at the listing's snapshot, fee at the listing's rate to
    /// the listing's recipient, seller remainder, then the purchase record if the sale qualifies.
    /// Every capped call first checks that enough gas is left to give the callee its whole cap,
    /// so a settler cannot starve a call on purpose to fail a delivery or lose a record.
    function settle(uint256 auctionId) external nonReentrant {
        Auction storage a = _auctions[auctionId];
        Status status = a.status;
        if (status != Status.Live) revert GaolingAuctionHouseNotLive(auctionId, status);
        address winner = a.bidder;
        if (winner == address(0)) revert GaolingAuctionHouseNoBids(auctionId);
        uint256 endTime = _pauseAdjustedEnd(auctionId, a.endTime);
        if (block.timestamp < endTime) revert GaolingAuctionHouseAuctionNotEnded(auctionId, endTime);

        address nft = a.nft;
        uint256 tokenId = a.tokenId;
        uint256 price = a.amount;
        address seller = a.seller;
        uint256 fee = (price * a.feeBps) / BPS;
        a.status = Status.Settled;

        if (!_deliver(nft, winner, tokenId)) {
            a.status = Status.Failed;
            emit AuctionFailed(auctionId, winner, price);
            _pay(winner, price);
            return;
        }

        address royaltyReceiver = a.royaltyReceiver;
        // Royalty + fee <= price: royaltyBps <= MAX_ROYALTY_BPS and feeBps <= MAX_FEE_BPS.
        uint256 royalty = (price * a.royaltyBps) / BPS;
        // A primary sale by the artist would pay the artist twice: fold it into the proceeds.
        if (royaltyReceiver == seller) royalty = 0;
        uint256 proceeds = price - fee - royalty;
        emit AuctionSettled(auctionId, winner, seller, price, royaltyReceiver, royalty, fee, proceeds);

        if (royalty != 0) _pay(royaltyReceiver, royalty);
        // A nonzero fee always has a nonzero recipient (_setFee), snapshotted with it at listing.
        if (fee != 0) _pay(a.feeRecipient, fee);
        _pay(seller, proceeds);

        address recorder = purchaseRecorder;
        if (recorder != address(0)) {
            RecordSkip skip = _recordSkip(nft, winner, seller, price);
            if (skip == RecordSkip.None) _record(auctionId, recorder, winner, price);
            else emit PurchaseRecordSkipped(auctionId, skip);
        }
    }

    // ---------------------------------------------------------------- withdrawals

    /// @notice Sends the caller's pending balance to the caller. Works while paused.
    function withdraw() external nonReentrant {
        _withdraw(payable(msg.sender));
    }

    /// @notice Sends the caller's pending balance to `to` (for payees that cannot receive ether
    /// themselves, such as a contract without a receive function). Works while paused.
    function withdrawTo(address payable to) external nonReentrant {
        _withdraw(to);
    }

    // ---------------------------------------------------------------- views

    /// @notice The full record of `auctionId` (all zero for an unknown id).
    function auction(uint256 auctionId) external view returns (Auction memory) {
        return _auctions[auctionId];
    }

    /// @notice When `auctionId` ends, counting a pause that stopped its clock: `type(uint256).max`
    /// while such a pause lasts, 0 before the first bid.
    function effectiveEndTime(uint256 auctionId) external view returns (uint256) {
        uint256 endTime = _auctions[auctionId].endTime;
        return endTime == 0 ? 0 : _effectiveEnd(endTime);
    }

    /// @notice The lowest bid `createBid` accepts now: the reserve before the first bid, then the
    /// highest bid plus the increment.
    function minimumBid(uint256 auctionId) external view returns (uint256) {
        Auction storage a = _auctions[auctionId];
        if (a.bidder == address(0)) return a.amount;
        return _minimumAfter(a.amount);
    }

    // ---------------------------------------------------------------- admin

    /// @notice Sets the fee recipient and the fee for auctions listed from now on. Live auctions
    /// keep the recipient and rate of their listing. A zero recipient needs a zero fee.
    function setFee(address recipient, uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFee(recipient, bps);
    }

    /// @notice Sets the minimum increment (basis points of the highest bid) for every later bid.
    function setMinIncrementBps(uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps < MIN_INCREMENT_BPS_FLOOR || bps > MIN_INCREMENT_BPS_CEILING) {
            revert GaolingAuctionHouseIncrementOutOfBounds(bps, MIN_INCREMENT_BPS_FLOOR, MIN_INCREMENT_BPS_CEILING);
        }
        minIncrementBps = uint16(bps);
        emit MinIncrementUpdated(bps);
    }

    /// @notice Sets the anti-sniping buffer in seconds for every later bid.
    function setTimeBuffer(uint256 secondsBuffer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (secondsBuffer < MIN_TIME_BUFFER || secondsBuffer > MAX_TIME_BUFFER) {
            revert GaolingAuctionHouseTimeBufferOutOfBounds(secondsBuffer, MIN_TIME_BUFFER, MAX_TIME_BUFFER);
        }
        timeBuffer = uint32(secondsBuffer);
        emit TimeBufferUpdated(secondsBuffer);
    }

    /// @notice Sets (or clears, with zero) the points ledger told about every settled sale.
    function setPurchaseRecorder(address recorder) external onlyRole(DEFAULT_ADMIN_ROLE) {
        purchaseRecorder = recorder;
        emit PurchaseRecorderUpdated(recorder);
    }

    /// @notice Registers `nft` (its settled sales earn points) or unregisters it. The platform
    /// registers its own collections; a foreign or junk collection can still be auctioned but earns
    /// no points.
    function setCollectionRegistered(address nft, bool registered) external onlyRole(DEFAULT_ADMIN_ROLE) {
        registeredCollection[nft] = registered;
        emit CollectionRegistered(nft, registered);
    }

    /// @notice Sets the lowest price (wei) of a settled sale that is reported to the points ledger.
    function setMinRecordedPrice(uint256 price) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (price > type(uint96).max) revert GaolingAuctionHouseMinRecordedPriceTooHigh(price);
        minRecordedPrice = uint96(price);
        emit MinRecordedPriceUpdated(price);
    }

    /// @notice Returns a token that was sent to the house without `createAuction` (a plain
    /// `transferFrom`; safe transfers are refused because the house is no ERC-721 receiver) to
    /// `to`, the sender the admin identified from the collection's Transfer event. Refuses a
    /// token escrowed by a live or failed auction.
    function rescueToken(address nft, uint256 tokenId, address to)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        nonReentrant
    {
        if (to == address(0)) revert GaolingAuctionHouseZeroRecipient();
        uint256 auctionId = _escrowAuction[_escrowKey(nft, tokenId)];
        Status status = _auctions[auctionId].status;
        if (auctionId != 0 && (status == Status.Live || status == Status.Failed)) {
            revert GaolingAuctionHouseTokenEscrowed(auctionId);
        }
        emit TokenRescued(nft, tokenId, to);
        IERC721(nft).transferFrom(address(this), to, tokenId);
    }

    /// @notice Stops new listings and bids, and the clock of every running auction. Cancel,
    /// withdrawals and the settlement of auctions that ended before the pause keep working.
    function pause() external onlyRole(PAUSER_ROLE) {
        // A pause that begins inside the grace window of the previous one extends that window:
        // auctions it protected stay protected.
        if (block.timestamp >= uint256(resumedAt) + timeBuffer) pausedAt = uint40(block.timestamp);
        _pause();
    }

    /// @notice Resumes listings and bids. Auctions that were running when the pause began end no
    /// earlier than `timeBuffer` seconds from now.
    function unpause() external onlyRole(PAUSER_ROLE) {
        resumedAt = uint40(block.timestamp);
        _unpause();
    }

    // ---------------------------------------------------------------- internals

    function _setFee(address recipient, uint256 bps) private {
        if (bps > MAX_FEE_BPS) revert GaolingAuctionHouseFeeOutOfBounds(bps, MAX_FEE_BPS);
        if (bps != 0 && recipient == address(0)) revert GaolingAuctionHouseZeroFeeRecipient();
        feeRecipient = recipient;
        feeBps = uint16(bps);
        emit FeeUpdated(recipient, bps);
    }

    function _minimumAfter(uint256 highest) private view returns (uint256 minimum) {
        minimum = highest + (highest * minIncrementBps) / BPS;
        // Tiny bids round the increment to zero; a bid must still strictly raise the price.
        if (minimum == highest) minimum = highest + 1;
    }

    function _requireGas(uint256 cap) private view {
        uint256 needed = cap + cap / 63 + CALL_OVERHEAD;
        if (gasleft() < needed) revert GaolingAuctionHouseInsufficientGas(needed);
    }

    /// @dev Pushes `amount` with PUSH_GAS gas and no return-data copy, so a reverting, gas-burning
    /// or return-bombing payee costs at most PUSH_GAS; on failure the amount becomes claimable.
    function _pay(address to, uint256 amount) private {
        bool ok;
        assembly ("memory-safe") {
            ok := call(PUSH_GAS, to, amount, 0, 0, 0, 0)
        }
        if (!ok) {
            pendingWithdrawals[to] += amount;
            totalPending += amount;
            emit PaymentDeferred(to, amount);
        }
    }

    /// @dev `transferFrom(this, winner, tokenId)` with a gas cap and no return-data copy. Plain
    /// transferFrom: a winner contract without onERC721Received must not be able to block settlement.
    function _deliver(address nft, address to, uint256 tokenId) private returns (bool ok) {
        _requireGas(TRANSFER_GAS);
        bytes memory data = abi.encodeCall(IERC721.transferFrom, (address(this), to, tokenId));
        assembly ("memory-safe") {
            ok := call(TRANSFER_GAS, nft, 0, add(data, 0x20), mload(data), 0, 0)
        }
    }

    /// @dev ERC-2981 rate lookup at listing, as a capped staticcall that copies at most 64 bytes
    /// back, asked at ROYALTY_PROBE_PRICE. A revert, short answer, dirty address or zero receiver
    /// means no royalty; the rate is clamped to MAX_ROYALTY_BPS. Since MAX_ROYALTY_BPS +
    /// MAX_FEE_BPS <= 10,000, royalty + fee never exceed the price.
    function _royaltyRateOf(address nft, uint256 tokenId) private view returns (address receiver, uint256 bps) {
        _requireGas(ROYALTY_GAS);
        bytes memory data = abi.encodeWithSelector(0x2a55205a, tokenId, ROYALTY_PROBE_PRICE); // royaltyInfo(uint256,uint256)
        bool ok;
        uint256 rawReceiver;
        uint256 amount;
        assembly ("memory-safe") {
            let out := mload(0x40)
            ok := staticcall(ROYALTY_GAS, nft, add(data, 0x20), mload(data), out, 0x40)
            if and(ok, iszero(lt(returndatasize(), 0x40))) {
                rawReceiver := mload(out)
                amount := mload(add(out, 0x20))
            }
        }
        if (!ok || rawReceiver == 0 || rawReceiver >> 160 != 0) return (address(0), 0);
        receiver = address(uint160(rawReceiver));
        // Compare before multiplying: a hostile answer may be near 2^256.
        bps = amount >= ROYALTY_PROBE_PRICE ? MAX_ROYALTY_BPS : (amount * BPS) / ROYALTY_PROBE_PRICE;
        if (bps > MAX_ROYALTY_BPS) bps = MAX_ROYALTY_BPS;
    }

    /// @dev Why a settled sale must not earn points (F-01), or None.
    function _recordSkip(address nft, address winner, address seller, uint256 price)
        private
        view
        returns (RecordSkip)
    {
        if (!registeredCollection[nft]) return RecordSkip.UnregisteredCollection;
        if (winner == seller) return RecordSkip.SelfPurchase;
        if (price < minRecordedPrice) return RecordSkip.BelowMinimumPrice;
        return RecordSkip.None;
    }

    /// @dev `endTime`, moved by a pause that began while the auction was running: reverts while
    /// that pause lasts, and gives at least `timeBuffer` after the unpause.
    function _pauseAdjustedEnd(uint256 auctionId, uint256 endTime) private view returns (uint256) {
        uint256 effective = _effectiveEnd(endTime);
        if (effective == type(uint256).max) revert GaolingAuctionHouseClockPaused(auctionId, pausedAt);
        return effective;
    }

    function _effectiveEnd(uint256 endTime) private view returns (uint256) {
        uint256 pauseStart = pausedAt;
        // Ended before the latest pause began (or never paused): the pause changes nothing.
        if (endTime <= pauseStart || pauseStart == 0) return endTime;
        if (paused()) return type(uint256).max;
        uint256 grace = uint256(resumedAt) + timeBuffer;
        return endTime > grace ? endTime : grace;
    }

    function _escrowKey(address nft, uint256 tokenId) private pure returns (bytes32 key) {
        assembly ("memory-safe") {
            mstore(0x00, nft)
            mstore(0x20, tokenId)
            key := keccak256(0x00, 0x40)
        }
    }

    /// @dev Tells the points ledger about the sale; a failure is reported, never propagated.
    function _record(uint256 auctionId, address recorder, address buyer, uint256 price) private {
        _requireGas(RECORDER_GAS);
        bytes memory data = abi.encodeCall(IPurchaseRecorder.recordPurchase, (buyer, price, 1));
        bool ok;
        assembly ("memory-safe") {
            ok := call(RECORDER_GAS, recorder, 0, add(data, 0x20), mload(data), 0, 0)
        }
        if (!ok) emit PurchaseRecordFailed(auctionId, recorder);
    }

    function _withdraw(address payable to) private {
        uint256 amount = pendingWithdrawals[msg.sender];
        if (amount == 0) revert GaolingAuctionHouseNothingToWithdraw(msg.sender);
        pendingWithdrawals[msg.sender] = 0;
        totalPending -= amount;
        emit Withdrawal(msg.sender, to, amount);
        bool ok;
        // Full gas (the payee chose the destination), still no return-data copy.
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
        if (!ok) revert GaolingAuctionHouseWithdrawalFailed(to, amount);
    }
}
