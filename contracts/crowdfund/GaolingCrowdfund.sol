// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

import {IPurchaseRecorder} from "../../interfaces/IPurchaseRecorder.sol";
import {ICrowdfundEdition, ICrowdfundVouchers} from "./ICrowdfundTargets.sol";

/// @title GaolingCrowdfund: all-or-nothing campaigns that decide whether a design is fired.
/// @notice One contract holds many campaigns. A campaign sells pieces of one edition in tiers
/// (price, quantity cap, and whether the tier includes the fired physical piece), towards a goal
/// in wei, until a deadline, with a per-wallet limit on pieces. Collectors pledge the exact price;
/// the ETH stays here. Until the deadline a pledger may withdraw the whole pledge, and the issuer
/// may cancel, which opens refunds. After the deadline anyone finalizes:
///   raised >= goal -> Succeeded: pledgers claim their tokens (or the issuer delivers them in
///                     batches), physical tiers also get a voucher per token without paying the
///                     voucher price again, the points ledger is told of the purchase, and the
///                     payees release their shares (pull);
///   raised <  goal -> Failed: every pledger pulls a full refund, forever, with no fee.
/// A pledge at the deadline's exact second still counts; finalize is possible from the next.
/// @dev Money: the contract's balance is, at every moment, the sum over campaigns of
///   Funding: the pledges still escrowed | Succeeded: what payees have not released |
///   Failed/Cancelled: the refunds still owed
/// and every one of those is `raised` minus what was paid out (`owed(id)` reports it). No
/// function sends escrowed money anywhere but back to its pledger before a campaign succeeds.
/// Pause stops new campaigns, pledges and mints; withdrawals, cancel, finalize, refunds and
/// releases always work, so a pause never freezes anybody's money.
///
/// Packed storage (the packing is what keeps a pledge under 70,000 gas and a claim near a mint):
///   _campaigns[id] slot 0: [0..159] edition | [160..199] deadline | [200..207] status |
///                          [208..215] tier count | [216..231] wallet limit (0 = none) |
///                          [232..239] physical tier mask (bit i = tier i includes the piece)
///                  slot 1 (funding): [0..95] raised wei | [96+16i..111+16i] pieces pledged in tier i
///                  slot 2: [0..127] goal wei | [128..159] sum of tier caps (pieces reserved)
///   _tiers[id][i]       : [0..95] price wei | [96..111] cap | [112..119] physical flag
///   _pledges[id][wallet]: [0..95] wei paid  | [96+16i..111+16i] pieces in tier i -- the same
///                          layout as `funding`, so a pledge is added to and taken from the
///                          campaign with one addition or subtraction; zero once claimed/refunded
///   _payees[id][k]      : [0..159] payee | [160..175] bps | [176..183] released flag
///   _control            : [0..159] points ledger | [160..167] paused | [168..231] campaign count
/// Lanes cannot overflow: a tier cap is at most 65,535 (16 bits) and creation checks that the
/// campaign's maximum raise (sum of price x cap) fits in 96 bits.
contract GaolingCrowdfund is AccessControl, ReentrancyGuardTransient {
    // ---------------------------------------------------------------- types

    /// @notice Lifecycle of a campaign. Succeeded, Failed and Cancelled are final.
    enum Status {
        None,
        Funding,
        Succeeded,
        Failed,
        Cancelled
    }

    /// @notice A tier as the issuer writes it. `cap` is at most 65,535 pieces.
    struct TierInit {
        uint256 price;
        uint256 cap;
        bool physical;
    }

    /// @notice Everything fixed at creation. Empty `payees` means the edition's own split.
    struct CampaignInit {
        address edition;
        uint256 deadline;
        uint256 goal;
        uint256 walletLimit;
        TierInit[] tiers;
        address[] payees;
        uint256[] payeeBps;
    }

    /// @notice A campaign as the views return it.
    struct CampaignView {
        address edition;
        uint256 deadline;
        Status status;
        uint256 goal;
        uint256 raised;
        uint256 pieces;
        uint256 walletLimit;
        uint256 tierCount;
    }

    /// @notice A tier as the views return it, with the pieces pledged so far.
    struct TierView {
        uint256 price;
        uint256 cap;
        bool physical;
        uint256 pledged;
    }

    /// @dev Slot 0 and slot 2 of a campaign; slot 1 is the packed funding word.
    struct Campaign {
        address edition;
        uint40 deadline;
        Status status;
        uint8 tierCount;
        uint16 walletLimit;
        uint8 physicalMask;
        uint256 funding;
        uint128 goal;
        uint32 totalCap;
    }

    // ---------------------------------------------------------------- roles and constants

    /// @notice Creates, cancels and delivers campaigns.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @notice Pauses and unpauses new campaigns, pledges and mints.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @dev The role the edition and the vouchers give this contract (same ids as theirs).
    bytes32 private constant _MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 private constant _GRANTER_ROLE = keccak256("GRANTER_ROLE");

    /// @notice At most this many tiers per campaign (one 16-bit lane each in the packed words).
    uint256 public constant MAX_TIERS = 8;
    /// @notice At most this many pieces per tier.
    uint256 public constant MAX_TIER_CAP = type(uint16).max;
    /// @notice At most this many payees per campaign.
    uint256 public constant MAX_PAYEES = 16;
    /// @notice The longest campaign, counted from creation.
    uint256 public constant MAX_DURATION = 90 days;
    /// @notice At most this many pledgers per `deliver` batch.
    uint256 public constant MAX_DELIVERY_BATCH = 50;
    /// @notice Gas forwarded to the points ledger; a ledger that needs more fails without blocking a claim.
    uint256 public constant PURCHASE_HOOK_GAS = 100_000;

    uint256 private constant _BPS = 10_000;
    uint256 private constant _AMOUNT_MASK = type(uint96).max;
    uint256 private constant _LANE_MASK = 0xffff;
    uint256 private constant _LANES_SHIFT = 96;
    uint256 private constant _PAUSED_FLAG = 1 << 160;
    uint256 private constant _COUNT_SHIFT = 168;
    uint256 private constant _RELEASED_FLAG = 1 << 176;

    // ---------------------------------------------------------------- storage

    /// @notice Where physical tiers' vouchers are granted (zero: physical tiers are refused).
    ICrowdfundVouchers public immutable vouchers;

    mapping(uint256 campaignId => Campaign) private _campaigns;
    mapping(uint256 campaignId => uint256[MAX_TIERS]) private _tiers;
    mapping(uint256 campaignId => mapping(address pledger => uint256)) private _pledges;
    mapping(uint256 campaignId => uint256[]) private _payees;
    /// @notice Pieces of `edition` this contract may still have to mint: the tier caps of its
    /// campaigns in funding plus the unclaimed pieces of its succeeded ones. A new campaign must
    /// fit in what the edition's cap leaves after them.
    mapping(address edition => uint256) public reservedPieces;
    uint256 private _control;

    // ---------------------------------------------------------------- errors

    error GaolingCrowdfundInvalidAdmin(address admin);
    error GaolingCrowdfundInvalidEdition(address edition);
    error GaolingCrowdfundNotMinter(address edition);
    error GaolingCrowdfundNoVoucherGrant(address vouchers);
    error GaolingCrowdfundInvalidDeadline(uint256 deadline, uint256 earliest, uint256 latest);
    error GaolingCrowdfundInvalidTierCount(uint256 count);
    error GaolingCrowdfundInvalidTier(uint256 index, uint256 price, uint256 cap);
    error GaolingCrowdfundInvalidWalletLimit(uint256 limit);
    error GaolingCrowdfundInvalidGoal(uint256 goal, uint256 maxRaise);
    error GaolingCrowdfundRaiseTooLarge(uint256 maxRaise);
    /// @notice The edition's cap leaves `available` pieces; the tiers need `required`.
    error GaolingCrowdfundEditionCapTooSmall(address edition, uint256 required, uint256 available);
    error GaolingCrowdfundInvalidPayees(uint256 payees, uint256 shares);
    error GaolingCrowdfundInvalidPayee(address payee, uint256 bps);
    error GaolingCrowdfundSharesNotTotal(uint256 totalBps);
    error GaolingCrowdfundUnknownCampaign(uint256 campaignId);
    /// @notice The campaign is `status`, not in funding (or its deadline `deadline` has passed).
    error GaolingCrowdfundNotFunding(uint256 campaignId, Status status, uint256 deadline);
    error GaolingCrowdfundNotEnded(uint256 campaignId, uint256 deadline);
    error GaolingCrowdfundNotSucceeded(uint256 campaignId, Status status);
    error GaolingCrowdfundNotRefundable(uint256 campaignId, Status status);
    error GaolingCrowdfundUnknownTier(uint256 campaignId, uint256 tier);
    error GaolingCrowdfundZeroQuantity();
    error GaolingCrowdfundTierSoldOut(uint256 campaignId, uint256 tier, uint256 remaining);
    error GaolingCrowdfundWalletLimitExceeded(uint256 campaignId, address wallet, uint256 remaining);
    error GaolingCrowdfundWrongPayment(uint256 expected, uint256 sent);
    error GaolingCrowdfundNothingPledged(uint256 campaignId, address pledger);
    error GaolingCrowdfundNotPayee(uint256 campaignId, address account);
    error GaolingCrowdfundAlreadyReleased(uint256 campaignId, address payee);
    error GaolingCrowdfundInvalidRecipient(address recipient);
    error GaolingCrowdfundBatchTooLarge(uint256 size, uint256 max);
    error GaolingCrowdfundInsufficientGasForHook();
    error GaolingCrowdfundPaused();
    error GaolingCrowdfundNotPaused();

    // ---------------------------------------------------------------- events

    /// @notice Campaign `campaignId` opened by `creator` for `edition`.
    event CampaignCreated(
        uint256 indexed campaignId,
        address indexed edition,
        address indexed creator,
        uint256 goal,
        uint256 deadline,
        uint256 walletLimit
    );
    /// @notice Tier `index` of a new campaign.
    event TierAdded(uint256 indexed campaignId, uint256 indexed index, uint256 price, uint256 cap, bool physical);
    /// @notice A payee of a new campaign and its share.
    event PayeeAdded(uint256 indexed campaignId, address indexed payee, uint256 bps);
    /// @notice `pledger` pledged `quantity` pieces of `tier` for `amount` wei, escrowed here.
    event Pledged(uint256 indexed campaignId, address indexed pledger, uint256 indexed tier, uint256 quantity, uint256 amount);
    /// @notice `pledger` took back its whole pledge of `amount` wei before the deadline, paid to `to`.
    event Withdrawn(uint256 indexed campaignId, address indexed pledger, address to, uint256 amount);
    /// @notice The issuer `by` cancelled the campaign with `raised` wei escrowed; refunds are open.
    event CampaignCancelled(uint256 indexed campaignId, address indexed by, uint256 raised);
    /// @notice The campaign ended as `status` (Succeeded or Failed) with `raised` wei for `pieces` pieces.
    event CampaignFinalized(uint256 indexed campaignId, Status status, uint256 raised, uint256 pieces);
    /// @notice `pledger` received tokens `firstTokenId`..+`quantity`-1; `by` is the pledger or the issuer.
    event Claimed(uint256 indexed campaignId, address indexed pledger, address indexed by, uint256 firstTokenId, uint256 quantity);
    /// @notice `pledger` was refunded `amount` wei, paid to `to`.
    event Refunded(uint256 indexed campaignId, address indexed pledger, address to, uint256 amount);
    /// @notice `payee` was paid its share `amount` of a succeeded campaign, to `to`.
    event Released(uint256 indexed campaignId, address indexed payee, address to, uint256 amount);
    /// @notice The points ledger rejected a purchase record; the claim still stands.
    event PurchaseHookFailed(uint256 indexed campaignId, address indexed ledger, address indexed buyer);
    /// @notice The points ledger changed (zero turns points off).
    event PointsLedgerSet(address ledger);
    /// @notice `account` paused new campaigns, pledges and mints.
    event Paused(address account);
    /// @notice `account` resumed them.
    event Unpaused(address account);

    // ---------------------------------------------------------------- construction

    /// @param admin Receives DEFAULT_ADMIN_ROLE, ISSUER_ROLE and PAUSER_ROLE.
    /// @param vouchers_ The voucher contract that grants physical tiers' vouchers, or zero for none.
    constructor(address admin, ICrowdfundVouchers vouchers_) {
        if (admin == address(0)) revert GaolingCrowdfundInvalidAdmin(admin);
        vouchers = vouchers_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ISSUER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    // ---------------------------------------------------------------- issuer

    /// @notice Opens a campaign. The edition must have granted this contract MINTER_ROLE, and its
    /// cap must leave room for every tier's cap on top of what exists and what other campaigns
    /// reserved; physical tiers need the voucher contract's GRANTER_ROLE. The goal is in wei
    /// (see docs/crowdfund.md) and must be reachable with every tier sold out.
    /// @return campaignId The new campaign's id (ids start at 1).
    function createCampaign(CampaignInit calldata init) external onlyRole(ISSUER_ROLE) returns (uint256 campaignId) {
        uint256 control = _requireNotPaused();
        _checkSchedule(init);
        campaignId = (control >> _COUNT_SHIFT) + 1;
        _control = (control & ((1 << _COUNT_SHIFT) - 1)) | (campaignId << _COUNT_SHIFT);
        (uint256 totalCap, uint256 physicalMask) = _setTiers(campaignId, init);
        _setPayees(campaignId, init.edition, init.payees, init.payeeBps);
        Campaign storage c = _campaigns[campaignId];
        c.edition = init.edition;
        c.deadline = uint40(init.deadline);
        c.status = Status.Funding;
        c.tierCount = uint8(init.tiers.length);
        c.walletLimit = uint16(init.walletLimit);
        c.physicalMask = uint8(physicalMask);
        // `funding` starts at zero: the campaign's first pledge pays the zero-to-nonzero write once.
        c.goal = uint128(init.goal);
        c.totalCap = uint32(totalCap);
        emit CampaignCreated(campaignId, init.edition, msg.sender, init.goal, init.deadline, init.walletLimit);
    }

    /// @notice Cancels a campaign before its deadline, also after its goal was reached: no piece
    /// has been promised until the deadline, and every pledger gets a full refund (`refund`).
    /// Nothing is paid to anyone else. Works while paused.
    function cancel(uint256 campaignId) external onlyRole(ISSUER_ROLE) {
        Campaign storage c = _campaigns[campaignId];
        _requireFunding(campaignId, c);
        c.status = Status.Cancelled;
        reservedPieces[c.edition] -= c.totalCap;
        emit CampaignCancelled(campaignId, msg.sender, c.funding & _AMOUNT_MASK);
    }

    /// @notice Mints the pieces of up to MAX_DELIVERY_BATCH pledgers of a succeeded campaign to
    /// them (with their vouchers and points), so that nobody has to claim. Pledgers who already
    /// claimed, or never pledged, are skipped. Tokens are minted without the receiver hook, so no
    /// pledger contract can block the batch.
    /// @return delivered How many pledgers received their pieces in this batch.
    function deliver(uint256 campaignId, address[] calldata pledgers)
        external
        onlyRole(ISSUER_ROLE)
        nonReentrant
        returns (uint256 delivered)
    {
        if (pledgers.length > MAX_DELIVERY_BATCH) revert GaolingCrowdfundBatchTooLarge(pledgers.length, MAX_DELIVERY_BATCH);
        uint256 control = _requireNotPaused();
        Campaign storage c = _campaigns[campaignId];
        _requireSucceeded(campaignId, c);
        uint256 pieces;
        for (uint256 i; i < pledgers.length; ++i) {
            uint256 n = _mintPledge(campaignId, c, pledgers[i], false, control);
            if (n != 0) {
                pieces += n;
                ++delivered;
            }
        }
        if (pieces != 0) reservedPieces[c.edition] -= pieces;
    }

    // ---------------------------------------------------------------- collector

    /// @notice Pledges `quantity` pieces of tier `tier`, paying exactly price x quantity. The ETH
    /// is escrowed until the campaign ends. Accepted until the deadline's second inclusive.
    function pledge(uint256 campaignId, uint256 tier, uint256 quantity) external payable nonReentrant {
        _requireNotPaused();
        Campaign storage c = _campaigns[campaignId];
        _requireFunding(campaignId, c);
        if (tier >= c.tierCount) revert GaolingCrowdfundUnknownTier(campaignId, tier);
        if (quantity == 0) revert GaolingCrowdfundZeroQuantity();
        uint256 t = _tiers[campaignId][tier];
        uint256 shift = _LANES_SHIFT + 16 * tier;
        uint256 funding = c.funding;
        uint256 remaining = ((t >> 96) & _LANE_MASK) - ((funding >> shift) & _LANE_MASK);
        if (quantity > remaining) revert GaolingCrowdfundTierSoldOut(campaignId, tier, remaining);
        uint256 cost = (t & _AMOUNT_MASK) * quantity;
        if (msg.value != cost) revert GaolingCrowdfundWrongPayment(cost, msg.value);
        uint256 p = _pledges[campaignId][msg.sender];
        uint256 limit = c.walletLimit;
        if (limit != 0) {
            uint256 held = _pieces(p);
            if (held + quantity > limit) {
                revert GaolingCrowdfundWalletLimitExceeded(campaignId, msg.sender, limit > held ? limit - held : 0);
            }
        }
        // quantity <= remaining <= cap < 2^16 and cost <= max raise < 2^96: no lane overflows.
        uint256 add = cost | (quantity << shift);
        c.funding = funding + add;
        _pledges[campaignId][msg.sender] = p + add;
        emit Pledged(campaignId, msg.sender, tier, quantity, cost);
    }

    /// @notice Takes back the caller's whole pledge before the deadline (inclusive), to the caller.
    /// To pledge less, withdraw and pledge again. Works while paused.
    function withdraw(uint256 campaignId) external nonReentrant {
        _withdraw(campaignId, payable(msg.sender));
    }

    /// @notice As `withdraw`, paid to `to` (for a pledger contract that cannot receive ETH).
    function withdrawTo(uint256 campaignId, address payable to) external nonReentrant {
        if (to == address(0)) revert GaolingCrowdfundInvalidRecipient(to);
        _withdraw(campaignId, to);
    }

    /// @notice Ends a campaign after its deadline: Succeeded if raised >= goal, else Failed.
    /// Anyone may call it, also while paused.
    /// @return outcome Succeeded or Failed.
    function finalize(uint256 campaignId) external returns (Status outcome) {
        Campaign storage c = _campaigns[campaignId];
        Status status = c.status;
        if (status != Status.Funding) revert GaolingCrowdfundNotFunding(campaignId, status, c.deadline);
        if (block.timestamp <= c.deadline) revert GaolingCrowdfundNotEnded(campaignId, c.deadline);
        uint256 funding = c.funding;
        uint256 raised = funding & _AMOUNT_MASK;
        uint256 pieces = _pieces(funding);
        outcome = raised >= c.goal ? Status.Succeeded : Status.Failed;
        c.status = outcome;
        // Succeeded: only the pledged pieces stay reserved (until claimed). Failed: none.
        reservedPieces[c.edition] -= outcome == Status.Succeeded ? c.totalCap - pieces : c.totalCap;
        emit CampaignFinalized(campaignId, outcome, raised, pieces);
    }

    /// @notice Mints the caller's pieces of a succeeded campaign to the caller (with the ERC-721
    /// receiver hook if the caller is a contract), grants a voucher for each piece of a physical
    /// tier, and tells the points ledger about the purchase.
    /// @return firstTokenId The first token minted; the caller's pieces are consecutive from it,
    /// tier by tier in tier order.
    function claim(uint256 campaignId) external nonReentrant returns (uint256 firstTokenId) {
        uint256 control = _requireNotPaused();
        Campaign storage c = _campaigns[campaignId];
        _requireSucceeded(campaignId, c);
        uint256 p = _pledges[campaignId][msg.sender];
        if (p == 0) revert GaolingCrowdfundNothingPledged(campaignId, msg.sender);
        uint256 pieces = _pieces(p);
        reservedPieces[c.edition] -= pieces;
        firstTokenId = _mint(campaignId, c, msg.sender, p, pieces, true, control);
    }

    /// @notice Refunds the caller's whole pledge of a failed or cancelled campaign, to the caller.
    /// No deadline and no fee; works while paused.
    function refund(uint256 campaignId) external nonReentrant {
        _refund(campaignId, payable(msg.sender));
    }

    /// @notice As `refund`, paid to `to` (for a pledger contract that cannot receive ETH).
    function refundTo(uint256 campaignId, address payable to) external nonReentrant {
        if (to == address(0)) revert GaolingCrowdfundInvalidRecipient(to);
        _refund(campaignId, to);
    }

    // ---------------------------------------------------------------- payees

    /// @notice Pays `payee` its whole share of a succeeded campaign. Anyone may call; the ETH
    /// always goes to `payee`. Works while paused.
    function release(uint256 campaignId, address payable payee) external nonReentrant {
        _release(campaignId, payee, payee);
    }

    /// @notice Pays the caller's share of a succeeded campaign to `to` (for a payee contract that
    /// cannot receive ETH). Only the payee itself.
    function releaseTo(uint256 campaignId, address payable to) external nonReentrant {
        if (to == address(0)) revert GaolingCrowdfundInvalidRecipient(to);
        _release(campaignId, msg.sender, to);
    }

    // ---------------------------------------------------------------- administration

    /// @notice Points claims at a points ledger, or turns points off with the zero address. The
    /// ledger must grant this contract its purchase-recorder role.
    function setPointsLedger(IPurchaseRecorder ledger) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _control = (_control & ~uint256(type(uint160).max)) | uint256(uint160(address(ledger)));
        emit PointsLedgerSet(address(ledger));
    }

    /// @notice Stops new campaigns, pledges, claims and deliveries. Every way money leaves
    /// (withdraw, refund, release) and cancel and finalize keep working.
    function pause() external onlyRole(PAUSER_ROLE) {
        _control = _requireNotPaused() | _PAUSED_FLAG;
        emit Paused(msg.sender);
    }

    /// @notice Resumes new campaigns, pledges, claims and deliveries.
    function unpause() external onlyRole(PAUSER_ROLE) {
        uint256 control = _control;
        if (control & _PAUSED_FLAG == 0) revert GaolingCrowdfundNotPaused();
        _control = control & ~_PAUSED_FLAG;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @notice True while paused.
    function paused() external view returns (bool) {
        return _control & _PAUSED_FLAG != 0;
    }

    /// @notice The points ledger told about claims, or zero.
    function pointsLedger() external view returns (address) {
        return address(uint160(_control));
    }

    /// @notice Number of campaigns ever created; ids run from 1 to campaignCount.
    function campaignCount() external view returns (uint256) {
        return _control >> _COUNT_SHIFT;
    }

    /// @notice Campaign `campaignId` (status None for an unknown id).
    function campaign(uint256 campaignId) external view returns (CampaignView memory v) {
        Campaign storage c = _campaigns[campaignId];
        uint256 funding = c.funding;
        v = CampaignView(c.edition, c.deadline, c.status, c.goal, funding & _AMOUNT_MASK, _pieces(funding),
            c.walletLimit, c.tierCount);
    }

    /// @notice The tiers of `campaignId` with the pieces pledged in each.
    function tiers(uint256 campaignId) external view returns (TierView[] memory out) {
        Campaign storage c = _campaigns[campaignId];
        uint256 funding = c.funding;
        out = new TierView[](c.tierCount);
        for (uint256 i; i < out.length; ++i) {
            uint256 t = _tiers[campaignId][i];
            out[i] = TierView(t & _AMOUNT_MASK, (t >> 96) & _LANE_MASK, (t >> 112) & 1 == 1,
                (funding >> (_LANES_SHIFT + 16 * i)) & _LANE_MASK);
        }
    }

    /// @notice What `pledger` has pledged and not yet claimed or been refunded: wei and pieces per tier.
    function pledgeOf(uint256 campaignId, address pledger)
        external
        view
        returns (uint256 amount, uint256[] memory pieces)
    {
        uint256 p = _pledges[campaignId][pledger];
        amount = p & _AMOUNT_MASK;
        pieces = new uint256[](_campaigns[campaignId].tierCount);
        for (uint256 i; i < pieces.length; ++i) pieces[i] = (p >> (_LANES_SHIFT + 16 * i)) & _LANE_MASK;
    }

    /// @notice The payees of `campaignId`, their shares in bps, and whether each has released.
    function payees(uint256 campaignId)
        external
        view
        returns (address[] memory payeeList, uint256[] memory shares, bool[] memory released)
    {
        uint256[] storage list = _payees[campaignId];
        payeeList = new address[](list.length);
        shares = new uint256[](list.length);
        released = new bool[](list.length);
        for (uint256 i; i < list.length; ++i) {
            uint256 e = list[i];
            payeeList[i] = address(uint160(e));
            shares[i] = (e >> 160) & _LANE_MASK;
            released[i] = e & _RELEASED_FLAG != 0;
        }
    }

    /// @notice What `payee` may release from `campaignId` now (zero unless Succeeded).
    function releasable(uint256 campaignId, address payee) external view returns (uint256) {
        if (_campaigns[campaignId].status != Status.Succeeded) return 0;
        (uint256 index, bool found) = _payeeIndex(campaignId, payee);
        if (!found || _payees[campaignId][index] & _RELEASED_FLAG != 0) return 0;
        return _shareOf(campaignId, index);
    }

    /// @notice The ETH this contract holds for `campaignId`, by what it is owed as: pledges still
    /// escrowed (Funding), shares payees have not released (Succeeded), refunds still owed
    /// (Failed, Cancelled). Summed over all campaigns it equals the contract's balance.
    function owed(uint256 campaignId)
        external
        view
        returns (uint256 escrowed, uint256 releasableTotal, uint256 refundsOwed)
    {
        Campaign storage c = _campaigns[campaignId];
        Status status = c.status;
        uint256 raised = c.funding & _AMOUNT_MASK;
        if (status == Status.Funding) return (raised, 0, 0);
        if (status == Status.Failed || status == Status.Cancelled) return (0, 0, raised);
        if (status == Status.Succeeded) {
            releasableTotal = raised;
            uint256[] storage list = _payees[campaignId];
            for (uint256 i; i < list.length; ++i) {
                if (list[i] & _RELEASED_FLAG != 0) releasableTotal -= _shareOf(campaignId, i);
            }
        }
    }

    // ---------------------------------------------------------------- internals

    function _requireNotPaused() private view returns (uint256 control) {
        control = _control;
        if (control & _PAUSED_FLAG != 0) revert GaolingCrowdfundPaused();
    }

    function _requireFunding(uint256 campaignId, Campaign storage c) private view {
        Status status = c.status;
        uint256 deadline = c.deadline;
        if (status != Status.Funding || block.timestamp > deadline) {
            if (status == Status.None) revert GaolingCrowdfundUnknownCampaign(campaignId);
            revert GaolingCrowdfundNotFunding(campaignId, status, deadline);
        }
    }

    function _requireSucceeded(uint256 campaignId, Campaign storage c) private view {
        Status status = c.status;
        if (status != Status.Succeeded) {
            if (status == Status.None) revert GaolingCrowdfundUnknownCampaign(campaignId);
            revert GaolingCrowdfundNotSucceeded(campaignId, status);
        }
    }

    function _hasRole(address target, bytes32 role) private view returns (bool ok) {
        try IAccessControl(target).hasRole(role, address(this)) returns (bool has) {
            ok = has;
        } catch {}
    }

    /// @dev Pieces the edition can still take from this contract's new campaigns.
    function _available(address edition) private view returns (uint256) {
        uint256 cap;
        uint256 minted;
        try ICrowdfundEdition(edition).cap() returns (uint256 value) {
            cap = value;
        } catch {
            revert GaolingCrowdfundInvalidEdition(edition);
        }
        try ICrowdfundEdition(edition).totalMinted() returns (uint256 value) {
            minted = value;
        } catch {
            revert GaolingCrowdfundInvalidEdition(edition);
        }
        uint256 taken = minted + reservedPieces[edition];
        return cap > taken ? cap - taken : 0;
    }

    function _checkSchedule(CampaignInit calldata init) private view {
        address edition = init.edition;
        if (edition.code.length == 0) revert GaolingCrowdfundInvalidEdition(edition);
        if (!_hasRole(edition, _MINTER_ROLE)) revert GaolingCrowdfundNotMinter(edition);
        uint256 latest = block.timestamp + MAX_DURATION;
        if (init.deadline <= block.timestamp || init.deadline > latest) {
            revert GaolingCrowdfundInvalidDeadline(init.deadline, block.timestamp + 1, latest);
        }
        if (init.walletLimit > type(uint16).max) revert GaolingCrowdfundInvalidWalletLimit(init.walletLimit);
        uint256 n = init.tiers.length;
        if (n == 0 || n > MAX_TIERS) revert GaolingCrowdfundInvalidTierCount(n);
    }

    /// @dev Stores the tiers, checks the goal, the voucher grant and the edition's room, and
    /// reserves the campaign's pieces of the edition.
    function _setTiers(uint256 campaignId, CampaignInit calldata init)
        private
        returns (uint256 totalCap, uint256 physicalMask)
    {
        uint256 maxRaise;
        uint256[MAX_TIERS] storage stored = _tiers[campaignId];
        for (uint256 i; i < init.tiers.length; ++i) {
            TierInit calldata t = init.tiers[i];
            if (t.price == 0 || t.price > _AMOUNT_MASK || t.cap == 0 || t.cap > MAX_TIER_CAP) {
                revert GaolingCrowdfundInvalidTier(i, t.price, t.cap);
            }
            totalCap += t.cap;
            maxRaise += t.price * t.cap;
            if (t.physical) physicalMask |= 1 << i;
            stored[i] = t.price | (t.cap << 96) | (t.physical ? 1 << 112 : 0);
            emit TierAdded(campaignId, i, t.price, t.cap, t.physical);
        }
        if (maxRaise > _AMOUNT_MASK) revert GaolingCrowdfundRaiseTooLarge(maxRaise);
        if (init.goal == 0 || init.goal > maxRaise) revert GaolingCrowdfundInvalidGoal(init.goal, maxRaise);
        if (physicalMask != 0 && (address(vouchers) == address(0) || !_hasRole(address(vouchers), _GRANTER_ROLE))) {
            revert GaolingCrowdfundNoVoucherGrant(address(vouchers));
        }
        address edition = init.edition;
        uint256 available = _available(edition);
        if (totalCap > available) revert GaolingCrowdfundEditionCapTooSmall(edition, totalCap, available);
        reservedPieces[edition] += totalCap;
    }

    function _setPayees(uint256 campaignId, address edition, address[] calldata payees_, uint256[] calldata bps_)
        private
    {
        address[] memory list = payees_;
        uint256[] memory shares = bps_;
        if (list.length == 0 && shares.length == 0) (list, shares) = ICrowdfundEdition(edition).payees();
        if (list.length == 0 || list.length > MAX_PAYEES || list.length != shares.length) {
            revert GaolingCrowdfundInvalidPayees(list.length, shares.length);
        }
        uint256 total;
        uint256[] storage stored = _payees[campaignId];
        for (uint256 i; i < list.length; ++i) {
            address payee = list[i];
            uint256 bps = shares[i];
            if (payee == address(0) || bps == 0 || bps > _BPS) revert GaolingCrowdfundInvalidPayee(payee, bps);
            for (uint256 j; j < i; ++j) {
                if (list[j] == payee) revert GaolingCrowdfundInvalidPayee(payee, bps);
            }
            total += bps;
            stored.push(uint256(uint160(payee)) | (bps << 160));
            emit PayeeAdded(campaignId, payee, bps);
        }
        if (total != _BPS) revert GaolingCrowdfundSharesNotTotal(total);
    }

    function _pieces(uint256 packed) private pure returns (uint256 sum) {
        packed >>= _LANES_SHIFT;
        while (packed != 0) {
            sum += packed & _LANE_MASK;
            packed >>= 16;
        }
    }

    /// @dev Zeroes `pledger`'s pledge and takes it out of the campaign's funding word (same layout).
    function _takePledge(uint256 campaignId, Campaign storage c, address pledger) private returns (uint256 amount) {
        uint256 p = _pledges[campaignId][pledger];
        if (p == 0) revert GaolingCrowdfundNothingPledged(campaignId, pledger);
        delete _pledges[campaignId][pledger];
        c.funding -= p;
        amount = p & _AMOUNT_MASK;
    }

    function _withdraw(uint256 campaignId, address payable to) private {
        Campaign storage c = _campaigns[campaignId];
        _requireFunding(campaignId, c);
        uint256 amount = _takePledge(campaignId, c, msg.sender);
        emit Withdrawn(campaignId, msg.sender, to, amount);
        Address.sendValue(to, amount);
    }

    function _refund(uint256 campaignId, address payable to) private {
        Campaign storage c = _campaigns[campaignId];
        Status status = c.status;
        if (status != Status.Failed && status != Status.Cancelled) {
            if (status == Status.None) revert GaolingCrowdfundUnknownCampaign(campaignId);
            revert GaolingCrowdfundNotRefundable(campaignId, status);
        }
        uint256 amount = _takePledge(campaignId, c, msg.sender);
        emit Refunded(campaignId, msg.sender, to, amount);
        Address.sendValue(to, amount);
    }

    /// @dev For `deliver`: skips an empty pledge instead of reverting. Returns the pieces minted.
    function _mintPledge(uint256 campaignId, Campaign storage c, address pledger, bool safe, uint256 control)
        private
        returns (uint256 pieces)
    {
        uint256 p = _pledges[campaignId][pledger];
        if (p == 0) return 0;
        pieces = _pieces(p);
        _mint(campaignId, c, pledger, p, pieces, safe, control);
    }

    /// @dev Effects first (the pledge is zeroed), then the mint, the vouchers and the points record.
    /// The campaign's funding word is left alone: after success it records what was raised.
    function _mint(
        uint256 campaignId,
        Campaign storage c,
        address pledger,
        uint256 p,
        uint256 pieces,
        bool safe,
        uint256 control
    ) private returns (uint256 firstTokenId) {
        delete _pledges[campaignId][pledger];
        address edition = c.edition;
        firstTokenId = ICrowdfundEdition(edition).mintByMinter(pledger, pieces, safe);
        emit Claimed(campaignId, pledger, msg.sender, firstTokenId, pieces);
        uint256 mask = c.physicalMask;
        if (mask != 0) {
            uint256 tokenId = firstTokenId;
            uint256 lanes = p >> _LANES_SHIFT;
            for (uint256 i; lanes != 0; ++i) {
                uint256 count = lanes & _LANE_MASK;
                if (mask & (1 << i) != 0) {
                    for (uint256 k; k < count; ++k) vouchers.grant(pledger, edition, tokenId + k);
                }
                tokenId += count;
                lanes >>= 16;
            }
        }
        _recordPurchase(campaignId, control, pledger, p & _AMOUNT_MASK, pieces);
    }

    function _release(uint256 campaignId, address payee, address payable to) private {
        Campaign storage c = _campaigns[campaignId];
        _requireSucceeded(campaignId, c);
        (uint256 index, bool found) = _payeeIndex(campaignId, payee);
        if (!found) revert GaolingCrowdfundNotPayee(campaignId, payee);
        uint256 entry = _payees[campaignId][index];
        if (entry & _RELEASED_FLAG != 0) revert GaolingCrowdfundAlreadyReleased(campaignId, payee);
        _payees[campaignId][index] = entry | _RELEASED_FLAG;
        uint256 amount = _shareOf(campaignId, index);
        emit Released(campaignId, payee, to, amount);
        Address.sendValue(to, amount);
    }

    function _payeeIndex(uint256 campaignId, address payee) private view returns (uint256, bool) {
        uint256[] storage list = _payees[campaignId];
        for (uint256 i; i < list.length; ++i) {
            if (address(uint160(list[i])) == payee) return (i, true);
        }
        return (0, false);
    }

    /// @dev Payee `index`'s share of what was raised; the first payee takes the rounding dust, so
    /// the shares add up to `raised` exactly.
    function _shareOf(uint256 campaignId, uint256 index) private view returns (uint256 share) {
        uint256 raised = _campaigns[campaignId].funding & _AMOUNT_MASK;
        uint256[] storage list = _payees[campaignId];
        if (index != 0) return raised * ((list[index] >> 160) & _LANE_MASK) / _BPS;
        share = raised;
        for (uint256 i = 1; i < list.length; ++i) share -= raised * ((list[i] >> 160) & _LANE_MASK) / _BPS;
    }

    /// @dev Interaction last, capped and caught: a broken ledger never blocks a claim.
    function _recordPurchase(uint256 campaignId, uint256 control, address buyer, uint256 value, uint256 quantity)
        private
    {
        IPurchaseRecorder ledger = IPurchaseRecorder(address(uint160(control)));
        if (address(ledger) == address(0)) return;
        // Without enough gas the capped call could fail for lack of gas alone and lose the points.
        if (gasleft() < PURCHASE_HOOK_GAS + PURCHASE_HOOK_GAS / 63 + 5_000) revert GaolingCrowdfundInsufficientGasForHook();
        try ledger.recordPurchase{gas: PURCHASE_HOOK_GAS}(buyer, value, quantity) {}
        catch {
            emit PurchaseHookFailed(campaignId, address(ledger), buyer);
        }
    }
}
