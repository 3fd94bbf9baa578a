// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title What the crowdfund needs from an edition: its cap, its split and a minter path.
/// @notice Implemented by GaolingEdition; the crowdfund must hold the edition's MINTER_ROLE.
interface ICrowdfundEdition {
    /// @notice The most tokens the edition will ever hold.
    function cap() external view returns (uint256);
    /// @notice How many tokens exist.
    function totalMinted() external view returns (uint256);
    /// @notice The edition's revenue split (the first payee takes rounding dust).
    function payees() external view returns (address[] memory accounts, uint256[] memory shares);
    /// @notice Mints `quantity` tokens to `to`; `safe` runs the recipient's ERC-721 receiver hook.
    function mintByMinter(address to, uint256 quantity, bool safe) external returns (uint256 firstTokenId);
}

/// @title What the crowdfund needs from the voucher contract: a grant path for prepaid rights.
/// @notice Implemented by GaolingVouchers; the crowdfund must hold its GRANTER_ROLE.
interface ICrowdfundVouchers {
    /// @notice Issues a voucher for `sourceTokenId` of `collection` to its owner `to`, without payment.
    function grant(address to, address collection, uint256 sourceTokenId) external returns (uint256 voucherId);
}
