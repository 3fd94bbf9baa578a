// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Entry point of the static analysis (tests/static/test_slither.py): crytic-compile's standard-JSON
// mode compiles the *.sol files of one directory, so this file imports every production contract.
// Test contracts (contracts/test) and benchmark peers (contracts/bench) are left out on purpose.

import {GaolingArtworks} from "../../../contracts/artwork/GaolingArtworks.sol";
import {GaolingAuctionHouse} from "../../../contracts/auction/GaolingAuctionHouse.sol";
import {GaolingCrowdfund} from "../../../contracts/crowdfund/GaolingCrowdfund.sol";
import {GaolingEdition} from "../../../contracts/edition/GaolingEdition.sol";
import {FiringCertificate} from "../../../contracts/fan/FiringCertificate.sol";
import {GlazeCoupons} from "../../../contracts/fan/GlazeCoupons.sol";
import {PointsLedger} from "../../../contracts/fan/PointsLedger.sol";
import {GaolingVouchers} from "../../../contracts/voucher/GaolingVouchers.sol";
