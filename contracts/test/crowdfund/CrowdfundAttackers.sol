// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// TEST-ONLY pledger contracts for the crowdfund. Never deploy them outside tests.

import {GaolingCrowdfund} from "../../crowdfund/GaolingCrowdfund.sol";

/// @notice TEST ONLY. Pledges, withdraws, claims and refunds through the crowdfund.
abstract contract TestPledgerBase {
    GaolingCrowdfund public immutable crowdfund;

    constructor(GaolingCrowdfund crowdfund_) {
        crowdfund = crowdfund_;
    }

    function pledge(uint256 campaignId, uint256 tier, uint256 quantity) external payable {
        crowdfund.pledge{value: msg.value}(campaignId, tier, quantity);
    }

    function withdraw(uint256 campaignId) external {
        crowdfund.withdraw(campaignId);
    }

    function withdrawTo(uint256 campaignId, address payable to) external {
        crowdfund.withdrawTo(campaignId, to);
    }

    function claim(uint256 campaignId) external {
        crowdfund.claim(campaignId);
    }

    function refund(uint256 campaignId) external {
        crowdfund.refund(campaignId);
    }

    function refundTo(uint256 campaignId, address payable to) external {
        crowdfund.refundTo(campaignId, to);
    }
}

/// @notice TEST ONLY. Rejects every ether transfer and every ERC-721 it is sent with the hook.
contract TestRevertingPledger is TestPledgerBase {
    constructor(GaolingCrowdfund crowdfund_) TestPledgerBase(crowdfund_) {}

    receive() external payable {
        revert("no ether, thanks");
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        revert("no tokens, thanks");
    }
}

/// @notice TEST ONLY. Burns every unit of gas it is given, on ether and on the ERC-721 hook.
contract TestGasBurningPledger is TestPledgerBase {
    uint256 private _sink;

    constructor(GaolingCrowdfund crowdfund_) TestPledgerBase(crowdfund_) {}

    receive() external payable {
        _burn();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external view returns (bytes4) {
        _burn();
        return this.onERC721Received.selector;
    }

    /// @dev INVALID consumes every unit of gas the call was given, as an endless loop would, at once.
    function _burn() private view {
        uint256 sink = _sink;
        assembly ("memory-safe") {
            if iszero(sink) { invalid() }
        }
    }
}

/// @notice TEST ONLY. From `onERC721Received` at claim, re-enters the crowdfund (claim again,
/// refund, withdraw, pledge or release) and records what the re-entry got back, then accepts
/// the token so the outer claim can finish.
contract TestReentrantClaimer is TestPledgerBase {
    enum Mode {
        Claim,
        Refund,
        Withdraw,
        Pledge,
        Release
    }

    Mode public mode;
    uint256 public campaign;
    uint256 public hookCalls;
    bool public reentered;
    bytes public reentryError;

    constructor(GaolingCrowdfund crowdfund_) TestPledgerBase(crowdfund_) {}

    function arm(uint256 campaignId, Mode mode_) external {
        campaign = campaignId;
        mode = mode_;
    }

    receive() external payable {}

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        ++hookCalls;
        if (hookCalls == 1) {
            bytes memory call;
            if (mode == Mode.Claim) call = abi.encodeCall(GaolingCrowdfund.claim, (campaign));
            else if (mode == Mode.Refund) call = abi.encodeCall(GaolingCrowdfund.refund, (campaign));
            else if (mode == Mode.Withdraw) call = abi.encodeCall(GaolingCrowdfund.withdraw, (campaign));
            else if (mode == Mode.Pledge) call = abi.encodeCall(GaolingCrowdfund.pledge, (campaign, 0, 1));
            else call = abi.encodeCall(GaolingCrowdfund.release, (campaign, payable(address(this))));
            (bool ok, bytes memory err) = address(crowdfund).call(call);
            reentered = ok;
            reentryError = err;
        }
        return this.onERC721Received.selector;
    }
}
