// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ERC-7572: Contract-level metadata via `contractURI()`
interface IERC7572 {
    /// @notice Emitted when the contract-level metadata changes.
    event ContractURIUpdated();

    /// @notice The URI of the collection-level metadata JSON.
    function contractURI() external view returns (string memory);
}
