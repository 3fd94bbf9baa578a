// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title TEST ONLY: a contract wallet that holds a voucher and misbehaves on demand.
/// @notice Used by tests/voucher to show that a holder who rejects or burns gas in its ERC-1155
/// receiver hook cannot block its own refund, that one rejecting ETH can withdraw elsewhere, and that
/// re-entering `withdrawRefund` from `receive` fails. Never deploy outside tests.
contract VoucherTestHolder {
    enum Mode {
        Accept,
        RejectCoupons,
        BurnGasOnCoupons,
        RejectEth,
        ReenterWithdraw
    }

    Mode public mode;
    address public target;

    function setMode(Mode mode_, address target_) external {
        mode = mode_;
        target = target_;
    }

    /// @notice Calls `to` with `data` and `msg.value` as this wallet (anyone may drive it in tests).
    function exec(address to, bytes calldata data) external payable returns (bytes memory) {
        return Address.functionCallWithValue(to, data, msg.value);
    }

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external view returns (bytes4) {
        _couponHook();
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        view
        returns (bytes4)
    {
        _couponHook();
        return this.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x4e2312e0 || interfaceId == 0x01ffc9a7; // ERC1155Receiver, ERC165
    }

    receive() external payable {
        if (mode == Mode.RejectEth) revert("TEST: no ETH");
        if (mode == Mode.ReenterWithdraw) {
            (bool ok, bytes memory ret) = target.call(abi.encodeWithSignature("withdrawRefund(address)", address(this)));
            if (!ok) {
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
        }
    }

    function _couponHook() private view {
        if (mode == Mode.RejectCoupons) revert("TEST: no coupons");
        if (mode == Mode.BurnGasOnCoupons) {
            // Burns every unit of gas it is given, then fails out of gas.
            uint256 n;
            while (true) {
                n++;
            }
        }
    }
}
