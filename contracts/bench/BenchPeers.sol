// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Benchmark peers only: the bare libraries with the least code needed to mint, so that
// `make bench` can set our sale paths side by side with them. Never deployed outside benchmarks.

import {ERC721A} from "erc721a/contracts/ERC721A.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice Bare ERC721A with an unguarded `_mint`.
contract BenchERC721A is ERC721A {
    constructor() ERC721A("Bench ERC721A", "B721A") {}

    /// @notice Mints `quantity` tokens to the caller.
    function mint(uint256 quantity) external {
        _mint(msg.sender, quantity);
    }

    function _startTokenId() internal pure override returns (uint256) {
        return 1;
    }
}

/// @notice Bare OpenZeppelin ERC721 with an unguarded `_mint` loop.
contract BenchOZERC721 is ERC721 {
    uint256 private _nextId = 1;

    constructor() ERC721("Bench OZ ERC721", "BOZ") {}

    /// @notice Mints `quantity` tokens to the caller, one `_mint` each.
    function mint(uint256 quantity) external {
        uint256 id = _nextId;
        for (uint256 end = id + quantity; id < end; ++id) _mint(msg.sender, id);
        _nextId = id;
    }
}
