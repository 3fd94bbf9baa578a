// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

interface IVoucherActions {
    function redeem(uint256 tokenId, uint256 glazeId, bytes32 shippingCommitment) external;
    function claimRefund() external;
    function claimRefundTo(address payable to) external;
    function reclaimCoupon(uint256 tokenId, address to) external;
}

/// @title TEST ONLY: a contract wallet holding a voucher, whose ERC-1155 hook can be switched to
/// reject coupons and whose receive() can reject ETH or try to re-enter `claimRefund`.
contract VoucherHolderProbe is IERC1155Receiver, IERC721Receiver {
    IVoucherActions private immutable _vouchers;
    address private immutable _operator;
    bool public acceptCoupons = true;
    bool public reenter;
    bool public rejectEth;

    constructor(IVoucherActions vouchers) {
        _vouchers = vouchers;
        _operator = msg.sender;
    }

    modifier onlyOperator() {
        require(msg.sender == _operator, "probe: operator only");
        _;
    }

    function setAcceptCoupons(bool accept) external onlyOperator {
        acceptCoupons = accept;
    }

    function setReenter(bool on) external onlyOperator {
        reenter = on;
    }

    function setRejectEth(bool on) external onlyOperator {
        rejectEth = on;
    }

    function claimRefundTo(address payable to) external onlyOperator {
        _vouchers.claimRefundTo(to);
    }

    function redeem(uint256 tokenId, uint256 glazeId, bytes32 commitment) external onlyOperator {
        _vouchers.redeem(tokenId, glazeId, commitment);
    }

    function claimRefund() external onlyOperator {
        _vouchers.claimRefund();
    }

    function reclaimCoupon(uint256 tokenId, address to) external onlyOperator {
        _vouchers.reclaimCoupon(tokenId, to);
    }

    receive() external payable {
        require(!rejectEth, "probe: ETH rejected");
        if (reenter) _vouchers.claimRefund();
    }

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external view returns (bytes4) {
        require(acceptCoupons, "probe: coupons rejected");
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        view
        returns (bytes4)
    {
        require(acceptCoupons, "probe: coupons rejected");
        return this.onERC1155BatchReceived.selector;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == type(IERC1155Receiver).interfaceId || id == 0x01ffc9a7;
    }
}
