// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

interface IFanTestCouponShop {
    function exchange(uint256 glazeId, uint256 amount) external;
}

/// @title TEST ONLY: a member contract that re-enters `exchange` from its ERC-1155 receiver hook.
/// @notice Used by tests/fan to show the re-entry is refused (the whole exchange reverts).
contract ReentrantCouponReceiver is IERC1155Receiver {
    IFanTestCouponShop public immutable coupons;
    bool public reenter = true;

    constructor(IFanTestCouponShop coupons_) {
        coupons = coupons_;
    }

    function exchange(uint256 glazeId, uint256 amount) external {
        coupons.exchange(glazeId, amount);
    }

    function setReenter(bool on) external {
        reenter = on;
    }

    function onERC1155Received(address, address, uint256 id, uint256 value, bytes calldata)
        external
        returns (bytes4)
    {
        if (reenter) coupons.exchange(id, value);
        return IERC1155Receiver.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        pure
        returns (bytes4)
    {
        return IERC1155Receiver.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }
}
