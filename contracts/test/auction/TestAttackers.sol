// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// TEST-ONLY attacker contracts for the auction house. Never deploy them outside tests.

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {GaolingAuctionHouse} from "../../auction/GaolingAuctionHouse.sol";

/// @notice TEST ONLY. Shared helpers: list or bid through the house, pull pending funds elsewhere.
abstract contract TestParticipantBase {
    GaolingAuctionHouse public immutable house;

    constructor(GaolingAuctionHouse house_) {
        house = house_;
    }

    function bid(uint256 auctionId) external payable {
        house.createBid{value: msg.value}(auctionId);
    }

    function list(IERC721 nft, uint256 tokenId, uint256 reserve, uint256 duration) external returns (uint256) {
        nft.approve(address(house), tokenId);
        return house.createAuction(address(nft), tokenId, reserve, duration);
    }

    function withdrawTo(address payable to) external {
        house.withdrawTo(to);
    }

    function withdraw() external {
        house.withdraw();
    }
}

/// @notice TEST ONLY. Rejects every ether transfer (a bidder, seller or royalty receiver that reverts).
contract TestRevertingReceiver is TestParticipantBase {
    constructor(GaolingAuctionHouse house_) TestParticipantBase(house_) {}

    receive() external payable {
        revert("no ether, thanks");
    }
}

/// @notice TEST ONLY. Burns every unit of gas it is given when receiving ether.
contract TestGasBurner is TestParticipantBase {
    uint256 private _sink;

    constructor(GaolingAuctionHouse house_) TestParticipantBase(house_) {}

    receive() external payable {
        uint256 x;
        while (true) {
            x = uint256(keccak256(abi.encode(x, _sink)));
        }
    }
}

/// @notice TEST ONLY. Answers every ether transfer with ~90 KB of return data (or revert data),
/// which a caller that copies return data pays for in memory expansion.
contract TestReturnBomb is TestParticipantBase {
    bool public revertInstead;

    constructor(GaolingAuctionHouse house_) TestParticipantBase(house_) {}

    function setRevertInstead(bool value) external {
        revertInstead = value;
    }

    receive() external payable {
        bool r = revertInstead;
        assembly {
            if r { revert(0, 90000) }
            return(0, 90000)
        }
    }
}

/// @notice TEST ONLY. When refunded, tries to re-enter the house (bid again, settle or withdraw)
/// and reports through an event whether the nested call succeeded.
contract TestReentrantBidder is TestParticipantBase {
    enum Target {
        Bid,
        Settle,
        Withdraw
    }

    Target public target;
    uint256 public auctionId;

    event ReentryAttempt(bool succeeded);

    constructor(GaolingAuctionHouse house_) TestParticipantBase(house_) {}

    function arm(Target target_, uint256 auctionId_) external payable {
        target = target_;
        auctionId = auctionId_;
    }

    receive() external payable {
        bytes memory data;
        Target t = target;
        if (t == Target.Bid) data = abi.encodeCall(GaolingAuctionHouse.createBid, (auctionId));
        else if (t == Target.Settle) data = abi.encodeCall(GaolingAuctionHouse.settle, (auctionId));
        else data = abi.encodeCall(GaolingAuctionHouse.withdraw, ());
        uint256 value = t == Target.Bid ? address(this).balance : 0;
        (bool ok,) = address(house).call{value: value}(data);
        emit ReentryAttempt(ok);
    }
}

/// @notice TEST ONLY. A seller contract that, when paid, tries to settle again, cancel or withdraw,
/// and reports through an event whether the nested call succeeded.
contract TestReentrantSeller {
    GaolingAuctionHouse public immutable house;
    uint256 public auctionId;
    uint8 public mode; // 0 settle again, 1 cancel, 2 withdraw

    event ReentryAttempt(bool succeeded);

    constructor(GaolingAuctionHouse house_) {
        house = house_;
    }

    function list(IERC721 nft, uint256 tokenId, uint256 reserve, uint256 duration) external returns (uint256 id) {
        nft.approve(address(house), tokenId);
        id = house.createAuction(address(nft), tokenId, reserve, duration);
        auctionId = id;
    }

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    receive() external payable {
        bytes memory data;
        if (mode == 0) data = abi.encodeCall(GaolingAuctionHouse.settle, (auctionId));
        else if (mode == 1) data = abi.encodeCall(GaolingAuctionHouse.cancel, (auctionId));
        else data = abi.encodeCall(GaolingAuctionHouse.withdraw, ());
        (bool ok,) = address(house).call(data);
        emit ReentryAttempt(ok);
    }
}

/// @notice TEST ONLY. A purchase recorder that counts calls, or reverts, or burns gas.
contract TestPurchaseRecorder {
    uint8 public mode; // 0 record, 1 revert, 2 burn gas
    uint256 public calls;
    address public lastBuyer;
    uint256 public lastValue;
    uint256 public lastQuantity;
    uint256 private _sink;

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function recordPurchase(address buyer, uint256 value, uint256 quantity) external {
        if (mode == 1) revert("recorder down");
        if (mode == 2) {
            uint256 x;
            while (true) {
                x = uint256(keccak256(abi.encode(x, _sink)));
            }
        }
        calls += 1;
        lastBuyer = buyer;
        lastValue = value;
        lastQuantity = quantity;
    }
}
