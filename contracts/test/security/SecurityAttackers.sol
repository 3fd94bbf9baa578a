// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// TEST-ONLY contracts for tests/security (findings of the external review). Never deploy them
// outside tests.

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";

interface IWashHouse {
    function createAuction(address nft, uint256 tokenId, uint256 reserve, uint256 duration)
        external
        returns (uint256);
    function createBid(uint256 auctionId) external payable;
    function settle(uint256 auctionId) external;
}

interface IWashLedger {
    function setReferrer(address referrer) external;
}

/// @notice TEST ONLY. A worthless ERC-721 that anyone can mint: the "junk NFT" of finding F-01.
contract JunkCollection is ERC721 {
    constructor() ERC721("Junk", "JUNK") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}

/// @notice TEST ONLY. Finding F-01: farms purchase points (and a sybil referral) through the
/// auction house by listing junk NFTs with a 1 wei reserve and the shortest duration, bidding on
/// its own listings, and settling them; every wei comes back as seller proceeds.
contract WashTradeFarmer {
    IWashHouse public immutable house;
    IWashLedger public immutable ledger;
    JunkCollection public immutable junk;
    address private immutable _operator;
    uint256 private _nextTokenId = 1;
    uint256[] public auctionIds;

    constructor(IWashHouse house_, IWashLedger ledger_) {
        house = house_;
        ledger = ledger_;
        junk = new JunkCollection();
        _operator = msg.sender;
    }

    modifier onlyOperator() {
        require(msg.sender == _operator, "farmer: operator only");
        _;
    }

    /// @notice Names an accomplice as referrer, so each fake "first purchase" pays it.
    function nameReferrer(address accomplice) external onlyOperator {
        ledger.setReferrer(accomplice);
    }

    /// @notice Lists `count` junk tokens (reserve 1 wei, 15 minutes); bids 1 wei on each if `selfBid`.
    function list(uint256 count, bool selfBid) external payable onlyOperator {
        for (uint256 i; i < count; ++i) {
            uint256 tokenId = _nextTokenId++;
            junk.mint(address(this), tokenId);
            junk.approve(address(house), tokenId);
            uint256 id = house.createAuction(address(junk), tokenId, 1, 15 minutes);
            auctionIds.push(id);
            if (selfBid) house.createBid{value: 1}(id);
        }
    }

    /// @notice Bids 1 wei on each of `ids` (as an accomplice of another farmer).
    function bid(uint256[] calldata ids) external payable onlyOperator {
        for (uint256 i; i < ids.length; ++i) {
            house.createBid{value: 1}(ids[i]);
        }
    }

    /// @notice Settles every auction this farmer listed.
    function settleAll() external onlyOperator {
        for (uint256 i; i < auctionIds.length; ++i) {
            house.settle(auctionIds[i]);
        }
    }

    function listed() external view returns (uint256[] memory) {
        return auctionIds;
    }

    receive() external payable {}
}

interface IReleasable {
    function release(address payable payee) external;
    function releaseTo(address payee, address payable to) external;
}

/// @notice TEST ONLY. Finding F-05: a payee contract (for example a multisig module) that cannot
/// receive ETH. It can only name another address for its share.
contract EthRejectingPayee {
    address private immutable _operator;

    constructor() {
        _operator = msg.sender;
    }

    /// @notice Asks `split` to release this payee's share to `to`.
    function releaseTo(IReleasable split, address payable to) external {
        require(msg.sender == _operator, "payee: operator only");
        split.releaseTo(address(this), to);
    }

    receive() external payable {
        revert("payee: no ETH");
    }
}

interface IVoucherHolderActions {
    function redeem(uint256 tokenId, uint256 glazeId, bytes32 shippingCommitment) external;
    function reclaimCoupon(uint256 tokenId, address to) external;
}

/// @notice TEST ONLY. The untested RESTORE_GAS guard: a voucher holder whose ERC-1155 hook,
/// once armed, burns every unit of gas it is given.
contract CouponGasBurner is IERC1155Receiver, IERC721Receiver {
    IVoucherHolderActions private immutable _vouchers;
    address private immutable _operator;
    bool public armed;
    uint256 private _sink;
    mapping(uint256 => uint256) private _burned;

    constructor(IVoucherHolderActions vouchers) {
        _vouchers = vouchers;
        _operator = msg.sender;
    }

    function arm(bool on) external {
        require(msg.sender == _operator, "burner: operator only");
        armed = on;
    }

    function redeem(uint256 tokenId, uint256 glazeId, bytes32 commitment) external {
        require(msg.sender == _operator, "burner: operator only");
        _vouchers.redeem(tokenId, glazeId, commitment);
    }

    function reclaimCoupon(uint256 tokenId, address to) external {
        require(msg.sender == _operator, "burner: operator only");
        _vouchers.reclaimCoupon(tokenId, to);
    }

    /// @dev Burns gas with fresh storage writes (about 22,000 gas per step), so a traced node
    /// replays it in a few hundred steps, however much gas it is given.
    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
        if (armed) {
            for (uint256 i = _sink;; ++i) {
                _burned[i] = 1;
            }
        }
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        pure
        returns (bytes4)
    {
        return this.onERC1155BatchReceived.selector;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == type(IERC1155Receiver).interfaceId || id == 0x01ffc9a7;
    }
}
