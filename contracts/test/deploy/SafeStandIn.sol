// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SafeStandIn
/// @notice Test-only stand-in for a Safe multisig: a contract account that holds the platform's
/// admin roles after a handover. Its owner can make it call anything; the journey tests instead
/// impersonate it on anvil, as one replays a Safe Transaction Builder batch on a fork.
contract SafeStandIn {
    /// @notice The account allowed to make this contract call other contracts.
    address public immutable owner;

    /// @notice The caller is not the owner.
    error SafeStandInNotOwner(address caller);
    /// @notice The call made on behalf of this contract reverted; `reason` is its revert data.
    error SafeStandInCallFailed(address to, bytes reason);

    /// @param owner_ The account allowed to call `execute`.
    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Calls `to` with `data` and `value` as this contract (one Transaction Builder entry).
    /// @param to The contract to call.
    /// @param value Wei to send with the call.
    /// @param data The calldata.
    /// @return result The call's return data.
    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory result) {
        if (msg.sender != owner) revert SafeStandInNotOwner(msg.sender);
        bool ok;
        (ok, result) = to.call{value: value}(data);
        if (!ok) revert SafeStandInCallFailed(to, result);
    }

    receive() external payable {}
}
