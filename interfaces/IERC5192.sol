// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ERC-5192: Minimal Soulbound NFTs
/// @notice Reports whether a token can currently be transferred. Interface id 0xb45a3c0e.
interface IERC5192 {
    /// @notice Emitted when the locking status of `tokenId` changes to locked.
    event Locked(uint256 tokenId);

    /// @notice Emitted when the locking status of `tokenId` changes to unlocked.
    event Unlocked(uint256 tokenId);

    /// @notice Returns true while `tokenId` cannot be transferred. Reverts for a nonexistent token.
    function locked(uint256 tokenId) external view returns (bool);
}
