// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IERC7572} from "../../interfaces/IERC7572.sol";
import {IGlazeCoupons} from "../../interfaces/IGlazeCoupons.sol";
import {IPointsLedger} from "./IPointsLedger.sol";

/// @title Gaoling glaze coupons
/// @notice ERC-1155 coupons for a glaze (transparent, opalescent, colour, crackle, and any the
/// admin adds later, such as celadon). Members exchange points for coupons, directly or through
/// a signed EIP-712 `Exchange` message that anyone may relay. Coupons transfer freely (gifts);
/// the voucher contract consumes one to fire a physical piece and restores it on a refund.
/// @dev Metadata: `uri(id)` is `<base><id>.json` (one JSON per glaze, e.g. on IPFS) carrying the
/// zh-CN and en names; `glazeName(id)` returns both names on chain as well. `contractURI()` is the
/// ERC-7572 collection JSON.
contract GlazeCoupons is ERC1155, AccessControl, Pausable, EIP712, ReentrancyGuardTransient, IGlazeCoupons, IERC7572 {
    using Strings for uint256;

    /// @notice The voucher contract: consumes and restores coupons during a redemption.
    bytes32 public constant REDEEMER_ROLE = keccak256("REDEEMER_ROLE");

    /// @notice EIP-712 type hash of the gasless exchange message.
    bytes32 public constant EXCHANGE_TYPEHASH =
        keccak256(
            "Exchange(address member,uint256 glazeId,uint256 amount,uint256 maxPoints,uint256 nonce,uint256 deadline)"
        );

    /// @notice Collection name shown by wallets and marketplaces.
    string public constant name = "Gaoling Glaze Coupons";
    /// @notice Collection symbol.
    string public constant symbol = "GLAZE";

    /// @notice The glaze configuration given to the constructor and to `addGlaze`.
    struct GlazeConfig {
        string nameZh;
        string nameEn;
        uint96 price; // points per coupon
        uint64 stock; // coupons that can still be exchanged
    }

    /// @notice A gasless exchange request, signed by `member`.
    struct ExchangeRequest {
        address member; // whose points are spent and who receives the coupons
        uint256 glazeId;
        uint256 amount;
        uint256 maxPoints; // the most points the member agreed to pay (a later price rise cannot take more)
        uint256 nonce; // any unused number; single use per member (see `nonceUsed`)
        uint256 deadline; // unix time after which the request is void
    }

    /// @notice Everything about one glaze type, as returned by `glaze`.
    struct GlazeInfo {
        string nameZh;
        string nameEn;
        uint256 price;
        uint256 stock;
        uint256 exchanged;
    }

    // One slot per glaze:
    //   bits   0..95   price      uint96  points per coupon
    //   bits  96..159  stock      uint64  coupons left to exchange
    //   bits 160..223  exchanged  uint64  coupons ever exchanged (restores not counted)
    //   bits 224..231  exists     bool
    struct Glaze {
        uint96 price;
        uint64 stock;
        uint64 exchanged;
        bool exists;
    }

    struct Names {
        string zh;
        string en;
    }

    /// @notice The ledger whose points pay for coupons. This contract needs its SPENDER_ROLE.
    IPointsLedger public immutable ledger;

    /// @notice Glaze ids are 1..glazeCount, in the order they were added.
    uint256 public glazeCount;

    mapping(uint256 id => Glaze) private _glazes;
    mapping(uint256 id => Names) private _names;
    // Unordered single-use nonces: bit (nonce & 255) of word (nonce >> 8), per member.
    mapping(address member => mapping(uint256 word => uint256 bits)) private _nonces;
    string private _baseUri;
    string private _contractURI;

    /// @notice A glaze type was created with id `glazeId`.
    event GlazeAdded(uint256 indexed glazeId, string nameZh, string nameEn, uint256 price, uint256 stock);
    /// @notice The admin changed a glaze's price or remaining stock.
    event GlazeUpdated(uint256 indexed glazeId, uint256 price, uint256 stock);
    /// @notice `member` spent `points` for `amount` coupons of `glazeId`; `relayer` sent the tx.
    event Exchanged(
        address indexed member, uint256 indexed glazeId, uint256 amount, uint256 points, address relayer
    );
    /// @notice `member` cancelled an unused exchange nonce.
    event NonceCancelled(address indexed member, uint256 nonce);
    /// @notice A signed exchange of `member` consumed `nonce`; `relayer` sent the transaction.
    event ExchangeNonceUsed(address indexed member, uint256 indexed nonce, address relayer);
    /// @notice A redeemer burnt one coupon of `glazeId` from `holder`.
    event CouponConsumed(address indexed holder, uint256 indexed glazeId, address redeemer);
    /// @notice A redeemer minted one coupon of `glazeId` back to `holder` after a refund.
    event CouponRestored(address indexed holder, uint256 indexed glazeId, address redeemer);
    /// @notice The metadata base URI changed (ERC-1155 `URI` events follow for every glaze).
    event BaseURIUpdated(string baseUri);

    error GlazeCouponsZeroAddress(string argument);
    error GlazeCouponsEmptyName(string argument);
    error GlazeCouponsZeroPrice(uint256 glazeId);
    error GlazeCouponsUnknownGlaze(uint256 glazeId);
    error GlazeCouponsZeroAmount();
    error GlazeCouponsOutOfStock(uint256 glazeId, uint256 requested, uint256 remaining);
    error GlazeCouponsExpired(uint256 deadline, uint256 timestamp);
    error GlazeCouponsNonceUsed(address member, uint256 nonce);
    error GlazeCouponsInvalidSignature(address member);
    error GlazeCouponsPriceAboveMaximum(uint256 cost, uint256 maxPoints);

    /// @param admin receives DEFAULT_ADMIN_ROLE (glazes, prices, stock, base URI, roles, pause)
    /// @param pointsLedger the ledger to spend points on (grant this contract its SPENDER_ROLE)
    /// @param baseUri metadata base; `uri(id)` is `baseUri + id + ".json"`
    /// @param glazes the initial glaze types, given ids 1, 2, ... in this order
    constructor(address admin, IPointsLedger pointsLedger, string memory baseUri, GlazeConfig[] memory glazes)
        ERC1155("")
        EIP712("Gaoling Glaze Coupons", "1")
    {
        if (admin == address(0)) revert GlazeCouponsZeroAddress("admin");
        if (address(pointsLedger) == address(0)) revert GlazeCouponsZeroAddress("pointsLedger");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        ledger = pointsLedger;
        _baseUri = baseUri;
        emit BaseURIUpdated(baseUri);
        for (uint256 i; i < glazes.length; ++i) {
            _addGlaze(glazes[i]);
        }
    }

    // ------------------------------------------------------------------ exchange

    /// @notice Spends the caller's points on `amount` coupons of `glazeId`.
    function exchange(uint256 glazeId, uint256 amount) external nonReentrant whenNotPaused {
        _exchange(msg.sender, glazeId, amount, type(uint256).max);
    }

    /// @notice Relays a signed exchange. Anyone may call: the points come from, and the coupons
    /// go to, the signer `request.member` only. EOAs sign with ECDSA; contract wallets through
    /// ERC-1271. Reverts if the price rose so that the cost exceeds the signed `maxPoints`.
    /// @param request the signed request (member, glaze, amount, maxPoints, nonce, deadline)
    /// @param signature the member's signature over the EIP-712 `Exchange` message
    function exchangeWithSignature(ExchangeRequest calldata request, bytes calldata signature)
        external
        nonReentrant
        whenNotPaused
    {
        if (block.timestamp > request.deadline) revert GlazeCouponsExpired(request.deadline, block.timestamp);
        bytes32 digest = exchangeDigest(request);
        if (!SignatureChecker.isValidSignatureNowCalldata(request.member, digest, signature)) {
            revert GlazeCouponsInvalidSignature(request.member);
        }
        _useNonce(request.member, request.nonce);
        emit ExchangeNonceUsed(request.member, request.nonce, msg.sender);
        _exchange(request.member, request.glazeId, request.amount, request.maxPoints);
    }

    /// @notice The EIP-712 digest a member signs for `request`.
    function exchangeDigest(ExchangeRequest calldata request) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    EXCHANGE_TYPEHASH,
                    request.member,
                    request.glazeId,
                    request.amount,
                    request.maxPoints,
                    request.nonce,
                    request.deadline
                )
            )
        );
    }

    /// @notice True if `member` has used or cancelled `nonce`.
    function nonceUsed(address member, uint256 nonce) public view returns (bool) {
        return _nonces[member][nonce >> 8] & (1 << (nonce & 255)) != 0;
    }

    /// @notice Voids a signed exchange request of the caller that has not been relayed yet.
    function cancelNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceCancelled(msg.sender, nonce);
    }

    function _useNonce(address member, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 255);
        uint256 word = _nonces[member][nonce >> 8];
        if (word & bit != 0) revert GlazeCouponsNonceUsed(member, nonce);
        _nonces[member][nonce >> 8] = word | bit;
    }

    /// @dev Effects, then the spend on the trusted ledger (reverts on too few points), then the
    /// mint, whose receiver hook is the only call to an untrusted address.
    function _exchange(address member, uint256 glazeId, uint256 amount, uint256 maxPoints) private {
        Glaze memory g = _glazes[glazeId];
        if (!g.exists) revert GlazeCouponsUnknownGlaze(glazeId);
        if (amount == 0) revert GlazeCouponsZeroAmount();
        if (amount > g.stock) revert GlazeCouponsOutOfStock(glazeId, amount, g.stock);
        uint256 cost = uint256(g.price) * amount;
        if (cost > maxPoints) revert GlazeCouponsPriceAboveMaximum(cost, maxPoints);
        // amount <= stock < 2^64, so neither field can overflow.
        g.stock -= uint64(amount);
        g.exchanged += uint64(amount);
        _glazes[glazeId] = g;
        ledger.spend(member, cost);
        emit Exchanged(member, glazeId, amount, cost, msg.sender);
        _mint(member, glazeId, amount, "");
    }

    // ------------------------------------------------------------------ redemption (IGlazeCoupons)

    /// @inheritdoc IGlazeCoupons
    function consume(address holder, uint256 glazeId) external onlyRole(REDEEMER_ROLE) {
        if (!_glazes[glazeId].exists) revert GlazeCouponsUnknownGlaze(glazeId);
        _burn(holder, glazeId, 1);
        emit CouponConsumed(holder, glazeId, msg.sender);
    }

    /// @inheritdoc IGlazeCoupons
    /// @dev Calls `holder`'s ERC-1155 receiver hook if it is a contract; the redeemer calls this
    /// after its own state changes.
    function restore(address holder, uint256 glazeId) external onlyRole(REDEEMER_ROLE) {
        if (!_glazes[glazeId].exists) revert GlazeCouponsUnknownGlaze(glazeId);
        emit CouponRestored(holder, glazeId, msg.sender);
        _mint(holder, glazeId, 1, "");
    }

    /// @inheritdoc IGlazeCoupons
    function glazeExists(uint256 glazeId) external view returns (bool) {
        return _glazes[glazeId].exists;
    }

    // ------------------------------------------------------------------ metadata and views

    /// @notice Metadata JSON of `glazeId`: `<base><id>.json`, with the zh-CN and en names.
    function uri(uint256 glazeId) public view override returns (string memory) {
        if (!_glazes[glazeId].exists) revert GlazeCouponsUnknownGlaze(glazeId);
        return string.concat(_baseUri, glazeId.toString(), ".json");
    }

    /// @notice The glaze's names: `zh` in Simplified Chinese (zh-CN), `en` in English.
    function glazeName(uint256 glazeId) external view returns (string memory zh, string memory en) {
        if (!_glazes[glazeId].exists) revert GlazeCouponsUnknownGlaze(glazeId);
        Names storage n = _names[glazeId];
        return (n.zh, n.en);
    }

    /// @notice Names, price, remaining stock and coupons exchanged so far of `glazeId`.
    function glaze(uint256 glazeId) external view returns (GlazeInfo memory info) {
        Glaze memory g = _glazes[glazeId];
        if (!g.exists) revert GlazeCouponsUnknownGlaze(glazeId);
        Names storage n = _names[glazeId];
        info = GlazeInfo(n.zh, n.en, g.price, g.stock, g.exchanged);
    }

    // ------------------------------------------------------------------ admin

    /// @notice Adds a glaze type (for example celadon) with the next id. Returns the id.
    function addGlaze(GlazeConfig calldata config) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256) {
        return _addGlaze(config);
    }

    /// @notice Sets the points price and the remaining stock of `glazeId`.
    function setGlaze(uint256 glazeId, uint96 price, uint64 stock) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Glaze storage g = _glazes[glazeId];
        if (!g.exists) revert GlazeCouponsUnknownGlaze(glazeId);
        if (price == 0) revert GlazeCouponsZeroPrice(glazeId);
        g.price = price;
        g.stock = stock;
        emit GlazeUpdated(glazeId, price, stock);
    }

    /// @notice Sets the ERC-7572 collection metadata URI (e.g. `ipfs://<CID of the JSON>`).
    function setContractURI(string calldata newContractURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _contractURI = newContractURI;
        emit ContractURIUpdated();
    }

    /// @inheritdoc IERC7572
    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    /// @notice Moves the metadata to a new base (for example a new IPFS directory).
    function setBaseURI(string calldata baseUri) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _baseUri = baseUri;
        emit BaseURIUpdated(baseUri);
        uint256 count = glazeCount;
        for (uint256 id = 1; id <= count; ++id) {
            emit URI(uri(id), id);
        }
    }

    /// @notice Stops exchanges. Transfers, consume and restore keep working.
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Resumes exchanges.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _addGlaze(GlazeConfig memory config) private returns (uint256 glazeId) {
        if (bytes(config.nameZh).length == 0) revert GlazeCouponsEmptyName("nameZh");
        if (bytes(config.nameEn).length == 0) revert GlazeCouponsEmptyName("nameEn");
        glazeId = ++glazeCount;
        if (config.price == 0) revert GlazeCouponsZeroPrice(glazeId);
        _glazes[glazeId] = Glaze({price: config.price, stock: config.stock, exchanged: 0, exists: true});
        _names[glazeId] = Names(config.nameZh, config.nameEn);
        emit GlazeAdded(glazeId, config.nameZh, config.nameEn, config.price, config.stock);
        emit URI(string.concat(_baseUri, glazeId.toString(), ".json"), glazeId);
    }

    /// @inheritdoc ERC1155
    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
