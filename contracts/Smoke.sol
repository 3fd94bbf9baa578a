// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721A} from "erc721a/contracts/ERC721A.sol";
contract Smoke is ERC721 { constructor() ERC721("a","b"){} function mint(uint256 id) external { _mint(msg.sender, id);} }
contract SmokeA is ERC721A { constructor() ERC721A("a","b"){} function mint(uint256 n) external { _mint(msg.sender, n);} }
