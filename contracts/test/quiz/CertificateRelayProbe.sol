// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FiringCertificate} from "../../fan/FiringCertificate.sol";

/// @title TEST ONLY: a contract relayer and contract holder for FiringCertificate tests.
/// @notice It implements no ERC721Receiver hook, so it also shows that a contract wallet can
/// hold the badge, and it tries to replay one attestation inside a single transaction.
contract CertificateRelayProbe {
    /// @notice Relays `pass` once.
    function relay(FiringCertificate certificate, FiringCertificate.QuizPass calldata pass, bytes calldata sig)
        external
        returns (uint256)
    {
        return certificate.mint(pass, sig);
    }

    /// @notice Relays `pass` twice in one transaction; the second call must revert (and with it,
    /// the whole transaction).
    function relayTwice(FiringCertificate certificate, FiringCertificate.QuizPass calldata pass, bytes calldata sig)
        external
    {
        certificate.mint(pass, sig);
        certificate.mint(pass, sig);
    }
}
