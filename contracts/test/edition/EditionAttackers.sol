// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Test-only attacker contracts for the edition's revenue split and purchase hook.

interface IRelease {
    function release(address payable payee) external;
}

/// @notice A payee whose receive() always reverts.
contract RevertingPayee {
    receive() external payable {
        revert("RevertingPayee: no");
    }
}

/// @notice A payee that tries to release again from inside its receive().
contract ReentrantPayee {
    IRelease public target;
    uint256 public reentryAttempts;
    bool public reentrySucceeded;

    function setTarget(IRelease target_) external {
        target = target_;
    }

    receive() external payable {
        if (reentryAttempts == 0) {
            ++reentryAttempts;
            try target.release(payable(address(this))) {
                reentrySucceeded = true;
            } catch {}
        }
    }
}

/// @notice A points recorder that always reverts.
contract RevertingRecorder {
    function recordPurchase(address, uint256, uint256) external pure {
        revert("RevertingRecorder: no");
    }
}

/// @notice A points recorder that burns all the gas it is given.
contract GasBurningRecorder {
    uint256 public sink;

    function recordPurchase(address, uint256, uint256) external {
        while (true) ++sink;
    }
}

/// @notice A points recorder that counts calls, to see the hook fire.
contract CountingRecorder {
    uint256 public calls;
    address public lastBuyer;
    uint256 public lastValue;
    uint256 public lastQuantity;

    function recordPurchase(address buyer, uint256 value, uint256 quantity) external {
        ++calls;
        lastBuyer = buyer;
        lastValue = value;
        lastQuantity = quantity;
    }
}
