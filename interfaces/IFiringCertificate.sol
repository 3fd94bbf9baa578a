// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The firing-process certificate, as seen by contracts that gate on it.
interface IFiringCertificate {
    /// @notice True while `holder` owns a certificate that has not been revoked.
    function hasCertificate(address holder) external view returns (bool);
}
