// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The points ledger, as seen by contracts that spend points (the glaze coupon shop).
interface IPointsLedger {
    /// @notice The spendable points of `member`.
    function pointsOf(address member) external view returns (uint256);

    /// @notice Removes `amount` points from `member`. Only a holder of the spender role.
    /// Reverts if `member` holds fewer than `amount` points.
    function spend(address member, uint256 amount) external;
}
