// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// TEST-ONLY contracts. Never deploy them outside tests.

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice TEST ONLY. A plain foreign ERC-721 without ERC-2981 and without a fallback.
contract TestForeignCollection is ERC721 {
    constructor() ERC721("Foreign", "FRN") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}

/// @notice TEST ONLY. An ERC-721 whose royaltyInfo misbehaves on demand, and whose transfers
/// out of the auction house can be blocked.
contract TestHostileRoyaltyCollection is ERC721 {
    enum Mode {
        Honest, // (receiver, price * bps / 10000)
        Reverts, // revert with a reason
        Excessive, // asks twice the price
        BurnsGas, // loops until out of gas
        ShortAnswer, // returns 32 bytes only
        DirtyAddress, // receiver word with bits above 160 set
        HugeRevert // reverts with ~90 KB of data
    }

    Mode public mode;
    address public receiver;
    uint256 public bps;
    bool public blockTransfers;
    uint256 private _sink;

    constructor(address receiver_, uint256 bps_) ERC721("Hostile", "HST") {
        receiver = receiver_;
        bps = bps_;
    }

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function setBlockTransfers(bool blocked) external {
        blockTransfers = blocked;
    }

    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == 0x2a55205a || super.supportsInterface(interfaceId);
    }

    function royaltyInfo(uint256, uint256 price) external view returns (address, uint256) {
        Mode m = mode;
        if (m == Mode.Reverts) revert("royalty says no");
        if (m == Mode.Excessive) return (receiver, price * 2);
        if (m == Mode.BurnsGas) {
            uint256 x;
            while (true) {
                x = uint256(keccak256(abi.encode(x, _sink)));
            }
        }
        if (m == Mode.ShortAnswer) {
            assembly {
                mstore(0, 1)
                return(0, 32)
            }
        }
        if (m == Mode.DirtyAddress) {
            address r = receiver;
            uint256 amount = (price * bps) / 10_000;
            assembly {
                mstore(0, or(r, shl(200, 1)))
                mstore(32, amount)
                return(0, 64)
            }
        }
        if (m == Mode.HugeRevert) {
            assembly {
                revert(0, 90000)
            }
        }
        return (receiver, (price * bps) / 10_000);
    }

    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (blockTransfers) revert("transfers blocked");
        return super._update(to, tokenId, auth);
    }
}
