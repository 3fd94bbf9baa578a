// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Glaze coupons, as seen by the voucher contract that spends and returns them.
interface IGlazeCoupons {
    /// @notice Burns one coupon of `glazeId` from `holder`. Only a holder of the redeemer role.
    /// Reverts if `holder` has none.
    function consume(address holder, uint256 glazeId) external;

    /// @notice Mints one coupon of `glazeId` back to `holder` after a refunded redemption.
    /// Only a holder of the redeemer role. Does not count against the glaze's stock.
    function restore(address holder, uint256 glazeId) external;

    /// @notice True if `glazeId` is a configured glaze type.
    function glazeExists(uint256 glazeId) external view returns (bool);
}
