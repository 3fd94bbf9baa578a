// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {IPurchaseRecorder} from "../../interfaces/IPurchaseRecorder.sol";
import {IPointsLedger} from "./IPointsLedger.sol";

/// @title Gaoling points ledger ("fragments")
/// @notice Non-transferable points earned by a daily check-in (China Standard Time days), by
/// purchases, and by referring a member who then makes a first purchase. Points leave only through
/// `spend`, called by the glaze coupon shop. There is deliberately no transfer of any kind.
/// @dev Gasless check-ins: a member signs the EIP-712 message `CheckIn(address member,uint256 day)`
/// and anyone relays a batch of them. The day inside the signed message plus the once-per-day rule
/// make a nonce unnecessary: a signature is valid only on its own CST day, and on that day it can
/// credit at most once. The domain binds chain id and this contract's address. No ERC-2771, no
/// multicall.
/// Purchase points are capped per member per CST day (`purchaseDailyCap`), so a recorder that is
/// tricked into recording fake sales (review finding F-01) can mint only a bounded amount.
contract PointsLedger is AccessControl, Pausable, EIP712, IPurchaseRecorder, IPointsLedger {
    /// @notice Sale contracts (edition, auction house, voucher shop) that report purchases.
    bytes32 public constant PURCHASE_RECORDER_ROLE = keccak256("PURCHASE_RECORDER_ROLE");
    /// @notice Contracts that spend points on a member's behalf (the glaze coupon shop).
    bytes32 public constant SPENDER_ROLE = keccak256("SPENDER_ROLE");

    /// @notice EIP-712 type hash of `CheckIn(address member,uint256 day)`.
    bytes32 public constant CHECK_IN_TYPEHASH = keccak256("CheckIn(address member,uint256 day)");

    /// @notice China Standard Time is UTC+8 all year (no daylight saving).
    uint256 public constant CST_OFFSET = 8 hours;

    /// @notice Award rules, set by the admin. All amounts are in whole points.
    /// @dev Packed by the compiler into one slot (192 bits), in declaration order:
    /// checkIn 0..31 | streakBonus 32..63 | streakMaxDays 64..79 | referral 80..111 |
    /// referralDailyCap 112..127 | purchaseFlat 128..159 | purchasePerItem 160..191.
    struct Rules {
        uint32 checkIn; //           points for a check-in
        uint32 streakBonus; //       extra points per consecutive day after the first
        uint16 streakMaxDays; //     at most this many days of streak bonus (0 = no bonus)
        uint32 referral; //          points to the referrer on the referee's first purchase
        uint16 referralDailyCap; //  referral rewards per referrer per CST day (0 = none paid)
        uint32 purchaseFlat; //      points per recorded purchase
        uint32 purchasePerItem; //   plus points per item bought in it
    }

    /// @notice One relayed check-in: the member and their EIP-2098 compact signature (r, vs).
    struct SignedCheckIn {
        address member;
        bytes32 r;
        bytes32 vs;
    }

    /// @notice The member view returned by `memberOf`.
    struct Member {
        uint256 points;
        uint256 lastCheckInDay;
        uint256 streak;
        bool purchased;
        address referrer;
        uint256 referralDay;
        uint256 referralsOnDay;
    }

    /// @notice Why a relayed check-in was skipped.
    enum SkipReason {
        InvalidSignature, // malformed, or not signed by `member` for this day, contract and chain
        AlreadyCheckedIn // the member has already checked in today
    }

    // Per-member state, one slot per member (written on every check-in, purchase and spend):
    //   bits   0..95   points          uint96  spendable balance
    //   bits  96..127  lastCheckInDay  uint32  CST day number of the latest check-in (0 = never)
    //   bits 128..143  streak          uint16  consecutive CST days checked in, saturating
    //   bits 144..175  referralDay     uint32  CST day of this member's latest referral reward
    //   bits 176..191  referralsOnDay  uint16  referral rewards paid to this member on referralDay
    //   bit  192       purchased       first purchase made (makes the member eligible as a referrer)
    //   bit  193       hasReferrer     the member named a referrer (address in `_referrerOf`)
    //   bits 194..225  purchaseDay     uint32  CST day of this member's latest purchase points
    //   bits 226..255  purchasedOnDay  uint30  purchase points awarded to this member on purchaseDay
    mapping(address member => uint256 packed) private _members;
    mapping(address member => address referrer) private _referrerOf;

    uint256 private constant _POINTS_MASK = (1 << 96) - 1;
    uint256 private constant _DAY_SHIFT = 96;
    uint256 private constant _STREAK_SHIFT = 128;
    uint256 private constant _REF_DAY_SHIFT = 144;
    uint256 private constant _REF_COUNT_SHIFT = 176;
    uint256 private constant _U32 = 0xffffffff;
    uint256 private constant _U16 = 0xffff;
    uint256 private constant _PURCHASED = 1 << 192;
    uint256 private constant _HAS_REFERRER = 1 << 193;
    uint256 private constant _PURCHASE_DAY_SHIFT = 194;
    uint256 private constant _PURCHASE_POINTS_SHIFT = 226;
    uint256 private constant _U30 = (1 << 30) - 1;
    uint256 private constant _PURCHASE_FIELDS =
        _POINTS_MASK | (_U32 << _PURCHASE_DAY_SHIFT) | (_U30 << _PURCHASE_POINTS_SHIFT);

    /// @notice Default of `purchaseDailyCap`.
    uint256 public constant DEFAULT_PURCHASE_DAILY_CAP = 500;
    uint256 private constant _CHECK_IN_FIELDS = _POINTS_MASK | (_U32 << _DAY_SHIFT) | (_U16 << _STREAK_SHIFT);
    uint256 private constant _REFERRAL_FIELDS =
        _POINTS_MASK | (_U32 << _REF_DAY_SHIFT) | (_U16 << _REF_COUNT_SHIFT);

    Rules private _rules;

    /// @notice Points ever awarded. `totalIssued - totalSpent` equals the sum of all balances.
    uint128 public totalIssued;
    /// @notice Points ever spent.
    uint128 public totalSpent;

    /// @notice Most purchase points one member can earn per CST day (0 = purchases earn none).
    /// Referral rewards have their own cap (`Rules.referralDailyCap`).
    uint32 public purchaseDailyCap;

    /// @notice A member checked in on CST `day` (directly or relayed) and earned `points`.
    event CheckedIn(address indexed member, uint256 day, uint256 streak, uint256 points);
    /// @notice A relayed check-in was not credited; the rest of the batch went on.
    event CheckInSkipped(address indexed member, uint256 day, SkipReason reason);
    /// @notice A recorder reported a purchase; `points` were awarded to `buyer`.
    event PurchaseRewarded(
        address indexed buyer, address indexed recorder, uint256 value, uint256 quantity, uint256 points
    );
    /// @notice `member` named `referrer`; the referrer is paid when `member` makes a first purchase.
    event ReferrerSet(address indexed member, address indexed referrer);
    /// @notice `referrer` earned `points` because `referee` made a first purchase.
    event ReferralRewarded(address indexed referrer, address indexed referee, uint256 points);
    /// @notice `referee` made a first purchase but `referrer` already reached today's cap; no reward.
    event ReferralCapped(address indexed referrer, address indexed referee, uint256 day);
    /// @notice `spender` spent `amount` of `member`'s points.
    event PointsSpent(address indexed member, address indexed spender, uint256 amount);
    /// @notice The admin changed the award rules.
    event RulesUpdated(Rules rules);
    /// @notice The admin changed the daily cap of purchase points per member.
    event PurchaseDailyCapUpdated(uint256 cap);
    /// @notice `buyer` reached today's purchase-point cap: `requested` points were due, `awarded` given.
    event PurchasePointsCapped(address indexed buyer, uint256 day, uint256 requested, uint256 awarded);

    error PointsLedgerZeroAddress(string argument);
    error PointsLedgerAlreadyCheckedIn(address member, uint256 day);
    error PointsLedgerWrongDay(uint256 day, uint256 today);
    error PointsLedgerEmptyBatch();
    error PointsLedgerSelfReferral(address member);
    error PointsLedgerReferrerAlreadySet(address member, address referrer);
    error PointsLedgerReferralAfterFirstPurchase(address member);
    error PointsLedgerReferrerNotEligible(address referrer);
    error PointsLedgerInsufficientPoints(address member, uint256 points, uint256 needed);
    error PointsLedgerZeroAmount();
    error PointsLedgerQuantityTooLarge(uint256 quantity);
    error PointsLedgerBalanceOverflow(address member);
    error PointsLedgerDailyCapTooLarge(uint256 cap);

    /// @param admin receives DEFAULT_ADMIN_ROLE (rules, roles, pause)
    /// @param initialRules the award rules in force from deployment
    constructor(address admin, Rules memory initialRules) EIP712("Gaoling Points", "1") {
        if (admin == address(0)) revert PointsLedgerZeroAddress("admin");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _rules = initialRules;
        emit RulesUpdated(initialRules);
        _setPurchaseDailyCap(DEFAULT_PURCHASE_DAILY_CAP);
    }

    // ------------------------------------------------------------------ check-in

    /// @notice The current CST day number: (unix time + 8 h) / 1 day. Day d starts at 00:00:00 CST.
    function today() public view returns (uint256) {
        return (block.timestamp + CST_OFFSET) / 1 days;
    }

    /// @notice Checks the caller in for today. Works for any account, contract wallets included.
    /// Reverts with `PointsLedgerAlreadyCheckedIn` on a second check-in the same CST day.
    function checkIn() external whenNotPaused {
        uint256 day = today();
        (bool done, uint256 points) = _checkIn(msg.sender, day, _rules);
        if (!done) revert PointsLedgerAlreadyCheckedIn(msg.sender, day);
        _issue(points);
    }

    /// @notice Relays signed check-ins for `day`, which must be today (CST). Anyone may relay:
    /// a signature can only credit its own signer, once, today. An entry with a bad signature or
    /// a member who already checked in is skipped with `CheckInSkipped`; the batch goes on.
    /// @param day the CST day the batch was signed for; guards against a batch mined after midnight
    /// @param batch members with their compact (EIP-2098) signatures over `CheckIn(member, day)`
    /// @return credited how many entries were credited
    function relayCheckIns(uint256 day, SignedCheckIn[] calldata batch)
        external
        whenNotPaused
        returns (uint256 credited)
    {
        uint256 today_ = today();
        if (day != today_) revert PointsLedgerWrongDay(day, today_);
        if (batch.length == 0) revert PointsLedgerEmptyBatch();
        Rules memory rules_ = _rules;
        bytes32 domainSeparator = _domainSeparatorV4();
        uint256 issued;
        for (uint256 i; i < batch.length; ++i) {
            address member = batch[i].member;
            if (!_signedBy(domainSeparator, batch[i], day)) {
                emit CheckInSkipped(member, day, SkipReason.InvalidSignature);
                continue;
            }
            (bool done, uint256 points) = _checkIn(member, day, rules_);
            if (!done) {
                emit CheckInSkipped(member, day, SkipReason.AlreadyCheckedIn);
                continue;
            }
            issued += points;
            ++credited;
        }
        _issue(issued);
    }

    /// @dev True if `entry` carries a valid signature by `entry.member` over `CheckIn(member, day)`.
    function _signedBy(bytes32 domainSeparator, SignedCheckIn calldata entry, uint256 day)
        private
        pure
        returns (bool)
    {
        bytes32 typeHash = CHECK_IN_TYPEHASH;
        address member = entry.member;
        bytes32 structHash;
        // keccak256(abi.encode(CHECK_IN_TYPEHASH, member, day)) in scratch memory past the free
        // pointer, without allocating: a batch of 100 would otherwise grow memory 100 times.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), member)
            mstore(add(ptr, 0x40), day)
            structHash := keccak256(ptr, 0x60)
        }
        bytes32 digest = MessageHashUtils.toTypedDataHash(domainSeparator, structHash);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, entry.r, entry.vs);
        return err == ECDSA.RecoverError.NoError && signer == member;
    }

    /// @notice The EIP-712 digest a member signs to check in on `day`.
    function checkInDigest(address member, uint256 day) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CHECK_IN_TYPEHASH, member, day)));
    }

    /// @dev Credits a check-in; returns done = false (and changes nothing) if already checked in.
    function _checkIn(address member, uint256 day, Rules memory rules_) private returns (bool, uint256) {
        uint256 m = _members[member];
        uint256 last = (m >> _DAY_SHIFT) & _U32;
        if (last == day) return (false, 0);
        uint256 streak = 1;
        if (last + 1 == day) {
            streak = ((m >> _STREAK_SHIFT) & _U16) + 1;
            if (streak > _U16) streak = _U16;
        }
        uint256 bonusDays = streak - 1;
        if (bonusDays > rules_.streakMaxDays) bonusDays = rules_.streakMaxDays;
        uint256 points = uint256(rules_.checkIn) + uint256(rules_.streakBonus) * bonusDays;
        uint256 balance = (m & _POINTS_MASK) + points;
        if (balance > _POINTS_MASK) revert PointsLedgerBalanceOverflow(member);
        _members[member] = (m & ~_CHECK_IN_FIELDS) | balance | (day << _DAY_SHIFT) | (streak << _STREAK_SHIFT);
        emit CheckedIn(member, day, streak, points);
        return (true, points);
    }

    // ------------------------------------------------------------------ referral

    /// @notice Names the caller's referrer, once, before the caller's first purchase. The referrer
    /// must already have made a purchase. Every referral edge therefore points from a member who
    /// has not purchased to one who has, so following edges strictly goes back in first-purchase
    /// time and can never return to its start: cycles (and self-referral) are impossible.
    /// @param referrer a member who has made at least one purchase
    function setReferrer(address referrer) external whenNotPaused {
        if (referrer == msg.sender) revert PointsLedgerSelfReferral(msg.sender);
        uint256 m = _members[msg.sender];
        if (m & _HAS_REFERRER != 0) revert PointsLedgerReferrerAlreadySet(msg.sender, _referrerOf[msg.sender]);
        if (m & _PURCHASED != 0) revert PointsLedgerReferralAfterFirstPurchase(msg.sender);
        if (_members[referrer] & _PURCHASED == 0) revert PointsLedgerReferrerNotEligible(referrer);
        _members[msg.sender] = m | _HAS_REFERRER;
        _referrerOf[msg.sender] = referrer;
        emit ReferrerSet(msg.sender, referrer);
    }

    /// @dev Pays `buyer`'s referrer if under today's cap; returns the points issued.
    function _payReferral(address buyer, Rules memory rules_) private returns (uint256) {
        address referrer = _referrerOf[buyer];
        uint256 day = today();
        uint256 rm = _members[referrer];
        uint256 count = ((rm >> _REF_DAY_SHIFT) & _U32) == day ? (rm >> _REF_COUNT_SHIFT) & _U16 : 0;
        if (count >= rules_.referralDailyCap) {
            emit ReferralCapped(referrer, buyer, day);
            return 0;
        }
        uint256 reward = rules_.referral;
        uint256 balance = (rm & _POINTS_MASK) + reward;
        if (balance > _POINTS_MASK) revert PointsLedgerBalanceOverflow(referrer);
        _members[referrer] =
            (rm & ~_REFERRAL_FIELDS) | balance | (day << _REF_DAY_SHIFT) | ((count + 1) << _REF_COUNT_SHIFT);
        emit ReferralRewarded(referrer, buyer, reward);
        return reward;
    }

    // ------------------------------------------------------------------ purchases and spending

    /// @notice Awards purchase points: `purchaseFlat + purchasePerItem * quantity`, cut to what is
    /// left of the buyer's `purchaseDailyCap` today (CST). On the buyer's first purchase, also pays
    /// their referrer (subject to the referral daily cap). Only recorders.
    /// @param buyer who paid
    /// @param value wei paid (0 for a fiat order); recorded in the event, not used for points
    /// @param quantity items bought
    function recordPurchase(address buyer, uint256 value, uint256 quantity)
        external
        onlyRole(PURCHASE_RECORDER_ROLE)
    {
        if (buyer == address(0)) revert PointsLedgerZeroAddress("buyer");
        if (quantity > type(uint64).max) revert PointsLedgerQuantityTooLarge(quantity);
        Rules memory rules_ = _rules;
        uint256 points = uint256(rules_.purchaseFlat) + uint256(rules_.purchasePerItem) * quantity;
        uint256 m = _members[buyer];
        uint256 day = today();
        uint256 earned = ((m >> _PURCHASE_DAY_SHIFT) & _U32) == day ? (m >> _PURCHASE_POINTS_SHIFT) & _U30 : 0;
        uint256 cap = purchaseDailyCap;
        uint256 room = cap > earned ? cap - earned : 0;
        if (points > room) {
            emit PurchasePointsCapped(buyer, day, points, room);
            points = room;
        }
        uint256 balance = (m & _POINTS_MASK) + points;
        if (balance > _POINTS_MASK) revert PointsLedgerBalanceOverflow(buyer);
        // earned + points <= cap < 2^30, so the day's counter cannot overflow its field.
        _members[buyer] = (m & ~_PURCHASE_FIELDS) | balance | _PURCHASED | (day << _PURCHASE_DAY_SHIFT)
            | ((earned + points) << _PURCHASE_POINTS_SHIFT);
        emit PurchaseRewarded(buyer, msg.sender, value, quantity, points);
        if (m & (_PURCHASED | _HAS_REFERRER) == _HAS_REFERRER) points += _payReferral(buyer, rules_);
        _issue(points);
    }

    /// @inheritdoc IPointsLedger
    function spend(address member, uint256 amount) external onlyRole(SPENDER_ROLE) whenNotPaused {
        if (amount == 0) revert PointsLedgerZeroAmount();
        uint256 m = _members[member];
        uint256 balance = m & _POINTS_MASK;
        if (balance < amount) revert PointsLedgerInsufficientPoints(member, balance, amount);
        _members[member] = m - amount; // balance sits in the low bits and amount <= balance
        totalSpent += uint128(amount);
        emit PointsSpent(member, msg.sender, amount);
    }

    function _issue(uint256 points) private {
        if (points != 0) totalIssued += uint128(points);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPointsLedger
    function pointsOf(address member) external view returns (uint256) {
        return _members[member] & _POINTS_MASK;
    }

    /// @notice Everything the ledger knows about `member`.
    function memberOf(address member) external view returns (Member memory info) {
        uint256 m = _members[member];
        info.points = m & _POINTS_MASK;
        info.lastCheckInDay = (m >> _DAY_SHIFT) & _U32;
        info.streak = (m >> _STREAK_SHIFT) & _U16;
        info.purchased = m & _PURCHASED != 0;
        info.referrer = _referrerOf[member];
        info.referralDay = (m >> _REF_DAY_SHIFT) & _U32;
        info.referralsOnDay = (m >> _REF_COUNT_SHIFT) & _U16;
    }

    /// @notice True if `member` has already checked in today (CST).
    function checkedInToday(address member) external view returns (bool) {
        return (_members[member] >> _DAY_SHIFT) & _U32 == today();
    }

    /// @notice The award rules in force.
    function rules() external view returns (Rules memory) {
        return _rules;
    }

    // ------------------------------------------------------------------ admin

    /// @notice Replaces the award rules. Takes effect for every later award.
    function setRules(Rules calldata newRules) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _rules = newRules;
        emit RulesUpdated(newRules);
    }

    /// @notice Sets the most purchase points one member can earn per CST day (at most 2^30 - 1).
    function setPurchaseDailyCap(uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setPurchaseDailyCap(cap);
    }

    function _setPurchaseDailyCap(uint256 cap) private {
        if (cap > _U30) revert PointsLedgerDailyCapTooLarge(cap);
        purchaseDailyCap = uint32(cap);
        emit PurchaseDailyCapUpdated(cap);
    }

    /// @notice Stops check-ins, referrals and spending. Purchases are still recorded, so buyers
    /// keep earning; revoke a recorder's role to stop a misbehaving one.
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Resumes after `pause`.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }
}
