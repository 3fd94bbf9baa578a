// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title Revenue split by basis points, withdrawn by pull payment.
/// @notice Sales send ETH to the inheriting contract and write nothing: the split costs no gas at
/// sale time. On each release the not-yet-credited revenue is credited to every payee by its bps,
/// the rounding dust going to the first payee (the issuer), so that at every moment
///     totalReceived() == totalReleased() + sum over payees of releasable(payee)
/// holds exactly. A payee that cannot receive ETH only blocks its own `release`, and can take its
/// share out with `releaseTo` to an address of its choice (review finding F-05).
/// @dev OpenZeppelin 5 removed PaymentSplitter and its successor (VestingWallet) does not split,
/// so this small contract is written here.
abstract contract RevenueSplit is ReentrancyGuard {
    uint256 private constant _BPS = 10_000;
    uint256 private constant _MAX_PAYEES = 16;

    address[] private _payees;
    mapping(address payee => uint256 bps) private _bps;
    mapping(address payee => uint256 amount) private _credited;
    mapping(address payee => uint256 amount) private _released;
    /// @dev Sum of `_credited` over all payees; the rest of the balance is not yet credited.
    uint256 private _totalCredited;
    uint256 private _totalReleased;

    /// @notice The payee list is empty, too long, or its lengths differ.
    error RevenueSplitInvalidPayees(uint256 payees, uint256 shares);
    /// @notice A payee is the zero address, listed twice, or has a zero share.
    error RevenueSplitInvalidPayee(address payee, uint256 bps);
    /// @notice The shares do not add up to 10,000 bps.
    error RevenueSplitSharesNotTotal(uint256 totalBps);
    /// @notice `account` is not a payee of this split.
    error RevenueSplitNotPayee(address account);
    /// @notice `payee` has nothing to release.
    error RevenueSplitNothingDue(address payee);
    /// @notice Only `payee` itself may send its share elsewhere; `caller` is not it.
    error RevenueSplitUnauthorized(address caller, address payee);
    /// @notice `releaseTo` needs a nonzero destination.
    error RevenueSplitInvalidRecipient(address to);

    /// @notice Emitted once per payee at construction.
    event PayeeAdded(address indexed payee, uint256 bps);
    /// @notice Emitted when `amount` of new revenue is credited to the payees.
    event RevenueCredited(uint256 amount);
    /// @notice Emitted when `amount` is paid out to `payee`.
    event PaymentReleased(address indexed payee, uint256 amount);
    /// @notice Emitted with `PaymentReleased` when `payee` had its `amount` sent to `to` instead.
    event PaymentReleasedTo(address indexed payee, address indexed to, uint256 amount);

    constructor(address[] memory payees_, uint256[] memory bps_) {
        if (payees_.length == 0 || payees_.length > _MAX_PAYEES || payees_.length != bps_.length) {
            revert RevenueSplitInvalidPayees(payees_.length, bps_.length);
        }
        uint256 total;
        for (uint256 i; i < payees_.length; ++i) {
            address payee = payees_[i];
            if (payee == address(0) || bps_[i] == 0 || _bps[payee] != 0) revert RevenueSplitInvalidPayee(payee, bps_[i]);
            _bps[payee] = bps_[i];
            _payees.push(payee);
            total += bps_[i];
            emit PayeeAdded(payee, bps_[i]);
        }
        if (total != _BPS) revert RevenueSplitSharesNotTotal(total);
    }

    /// @notice Pays `payee` everything due to it. Anyone may call; the ETH always goes to `payee`.
    function release(address payable payee) external nonReentrant {
        Address.sendValue(payee, _settle(payee));
    }

    /// @notice Pays everything due to `payee` to `to`. Only `payee` itself may call it: a payee
    /// contract that cannot receive ETH (for example a multisig module) takes its share out this way.
    function releaseTo(address payee, address payable to) external nonReentrant {
        if (_bps[payee] == 0) revert RevenueSplitNotPayee(payee);
        if (msg.sender != payee) revert RevenueSplitUnauthorized(msg.sender, payee);
        if (to == address(0)) revert RevenueSplitInvalidRecipient(to);
        uint256 amount = _settle(payee);
        emit PaymentReleasedTo(payee, to, amount);
        Address.sendValue(to, amount);
    }

    /// @notice What `payee` could release now, including its share of revenue not yet credited.
    function releasable(address payee) public view returns (uint256) {
        uint256 bps = _bps[payee];
        if (bps == 0) return 0;
        uint256 pending = _pendingRevenue();
        uint256 share = pending * bps / _BPS;
        if (payee == _payees[0]) share = pending - _othersShare(pending);
        return _credited[payee] + share;
    }

    /// @notice Everything this split has received: released plus still held.
    function totalReceived() public view returns (uint256) {
        return _totalReleased + _totalCredited + _pendingRevenue();
    }

    /// @notice Everything paid out so far.
    function totalReleased() external view returns (uint256) {
        return _totalReleased;
    }

    /// @notice Everything paid out to `payee` so far.
    function released(address payee) external view returns (uint256) {
        return _released[payee];
    }

    /// @notice The payees and their shares in bps, in construction order (the first takes rounding dust).
    function payees() external view returns (address[] memory accounts, uint256[] memory shares) {
        accounts = _payees;
        shares = new uint256[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) shares[i] = _bps[accounts[i]];
    }

    /// @dev ETH held for other purposes (for example refundable deposits) that is not revenue.
    function _reservedBalance() internal view virtual returns (uint256) {
        return 0;
    }

    function _pendingRevenue() private view returns (uint256) {
        return address(this).balance - _totalCredited - _reservedBalance();
    }

    /// @dev Effects of a release: credits pending revenue, zeroes `payee`'s credit, books it as
    /// released and returns the amount to send (the caller sends it last).
    function _settle(address payee) private returns (uint256 amount) {
        if (_bps[payee] == 0) revert RevenueSplitNotPayee(payee);
        _creditPending();
        amount = _credited[payee];
        if (amount == 0) revert RevenueSplitNothingDue(payee);
        _credited[payee] = 0;
        _totalCredited -= amount;
        _released[payee] += amount;
        _totalReleased += amount;
        emit PaymentReleased(payee, amount);
    }

    function _othersShare(uint256 pending) private view returns (uint256 sum) {
        for (uint256 i = 1; i < _payees.length; ++i) sum += pending * _bps[_payees[i]] / _BPS;
    }

    function _creditPending() private {
        uint256 pending = _pendingRevenue();
        if (pending == 0) return;
        uint256 rest = pending;
        for (uint256 i = 1; i < _payees.length; ++i) {
            uint256 share = pending * _bps[_payees[i]] / _BPS;
            _credited[_payees[i]] += share;
            rest -= share;
        }
        _credited[_payees[0]] += rest;
        _totalCredited += pending;
        emit RevenueCredited(pending);
    }
}
