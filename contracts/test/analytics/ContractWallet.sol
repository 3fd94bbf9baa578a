// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ContractWallet
/// @notice Test-only contract account that signs as a Safe does towards a verifier: through ERC-1271,
/// a signature is valid when its one owner made it. Used to sign in to the issuer dashboard as a
/// contract admin.
contract ContractWallet is IERC1271 {
    /// @notice The key holder whose signatures this wallet accepts.
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice ERC-1271: the magic value when `owner` signed `hash`, else 0xffffffff.
    /// @param hash The digest that was signed (for a sign-in, its EIP-191 hash).
    /// @param signature The owner's 65-byte ECDSA signature.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecoverCalldata(hash, signature);
        return error == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
