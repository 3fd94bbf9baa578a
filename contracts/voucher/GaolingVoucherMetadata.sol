// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title GaolingVoucherMetadata: renders a voucher's on-chain JSON metadata.
/// @notice Stateless and pure. GaolingVouchers deploys one from its constructor and calls it from
/// `tokenURI`, which keeps the voucher contract under the 24 KB code-size limit (EIP-170).
contract GaolingVoucherMetadata {
    using Strings for uint256;
    using Strings for address;

    /// @notice What the metadata shows. `photoCid` is empty until the piece is fired; it and
    /// `imageBase` are inserted into JSON unescaped, so the voucher contract only accepts CIDs made
    /// of letters and digits, and the image base is set by its issuer role.
    struct Input {
        uint256 voucherId;
        uint8 status;
        address collection;
        uint256 sourceTokenId;
        uint256 glazeId;
        uint256 kilnBatchId;
        string photoCid;
        string imageBase;
    }

    /// @notice The lower-case status names used in metadata and image file names, by status number.
    function statusName(uint8 status) public pure returns (string memory) {
        if (status == 0) return "issued";
        if (status == 1) return "requested";
        if (status == 2) return "in-kiln";
        if (status == 3) return "fired";
        if (status == 4) return "failed";
        if (status == 5) return "shipped";
        if (status == 6) return "delivered";
        return "refunded";
    }

    /// @notice A `data:application/json;base64,` URI: name, description, image (the photo of the
    /// fired piece once there is one, else `<imageBase><status>.png`) and attributes.
    function tokenURI(Input calldata input) external pure returns (string memory) {
        string memory status = statusName(input.status);
        string memory image = bytes(input.photoCid).length != 0
            ? string.concat("ipfs://", input.photoCid)
            : string.concat(input.imageBase, status, ".png");
        string memory json = string.concat(
            '{"name":"Gaoling voucher #',
            input.voucherId.toString(),
            '","description":"The right to have a digital piece made into a real fired ceramic.","image":"',
            image,
            '","attributes":[{"trait_type":"Status","value":"',
            status,
            '"},{"trait_type":"Source collection","value":"',
            input.collection.toHexString(),
            '"},{"trait_type":"Source token","value":"',
            input.sourceTokenId.toString(),
            '"},{"trait_type":"Glaze","value":"',
            input.glazeId.toString(),
            '"},{"trait_type":"Kiln batch","value":"',
            input.kilnBatchId.toString(),
            '"}]}'
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }
}
