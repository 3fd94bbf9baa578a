// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title A sink for purchase events, implemented by the points ledger.
/// @notice Sale contracts (edition, auction house, voucher shop) call this after a buyer paid.
/// The callee must be cheap and must not call back into the caller. Callers wrap the call in
/// try/catch with a gas cap, so a broken recorder can never block a sale or a settlement.
interface IPurchaseRecorder {
    /// @notice Records that `buyer` paid `value` wei (0 for a fiat-paid order) for `quantity` items.
    function recordPurchase(address buyer, uint256 value, uint256 quantity) external;
}
