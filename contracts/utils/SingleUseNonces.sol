// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Single-use nonces for signed messages, stored as a bitmap.
/// @notice Signers pick nonces freely (random 256-bit values are fine); each can be used once.
/// A bitmap packs 256 nonces per storage word, so sequential nonces share warm slots.
abstract contract SingleUseNonces {
    /// @dev word index (nonce >> 8) => bitmap of used nonces (bit = nonce & 0xff).
    mapping(uint256 wordIndex => uint256 usedBits) private _usedNonces;

    /// @notice A signed message with this nonce was already used or cancelled.
    error NonceAlreadyUsed(uint256 nonce);

    /// @notice Emitted when `nonce` is used up, by a fill or a cancellation.
    event NonceUsed(uint256 indexed nonce);

    /// @notice True if `nonce` was used or cancelled.
    function nonceUsed(uint256 nonce) public view returns (bool) {
        return _usedNonces[nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @dev Marks `nonce` used, reverting if it already was.
    function _useNonce(uint256 nonce) internal {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 word = _usedNonces[nonce >> 8];
        if (word & bit != 0) revert NonceAlreadyUsed(nonce);
        _usedNonces[nonce >> 8] = word | bit;
        emit NonceUsed(nonce);
    }
}
