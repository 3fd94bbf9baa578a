// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721A} from "erc721a/contracts/ERC721A.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";

import {IERC5192} from "../../interfaces/IERC5192.sol";
import {IERC7572} from "../../interfaces/IERC7572.sol";
import {IPurchaseRecorder} from "../../interfaces/IPurchaseRecorder.sol";
import {RevenueSplit} from "../finance/RevenueSplit.sol";
import {SingleUseNonces} from "../utils/SingleUseNonces.sol";

/// @title GaolingEdition: a capped-edition ERC-721 collection with its own sale.
/// @notice At most `cap` tokens, ids 1..cap. Tokens are sold in two phases (an allowlist phase
/// whose Merkle root is in the OpenZeppelin merkle-tree StandardMerkleTree format over
/// (address, uint256 allowance), and a public phase), each with its own price, window and
/// per-wallet limit, and through EIP-712 orders signed by the issuer for buyers who paid in fiat.
/// Proceeds are split among the issuer, the museum and the artists by pull payment.
/// @dev Built on ERC721A so that a batch mint writes one ownership slot and one address slot
/// whatever its size. Packed storage:
///   _phases[id]  one slot:  [0..95] price (wei) | [96..135] start | [136..175] end | [176..207] maxPerWallet
///   _saleControl one slot:  [0..159] points ledger | [160..167] paused flag | [168..199] maxMintQuantity
///                (read once per sale; OpenZeppelin's Pausable would cost a second cold slot on every mint)
///   ERC721A aux  64 bits in the buyer's address-data slot, already written by `_mint`:
///                [0..31] tokens bought in the allowlist phase | [32..63] tokens bought in the public phase
///   ERC721A extraData 24 bits per ownership: 0 while the token sits with its minter, 1 once transferred
///                (under HoldingPeriod the period counts from mint, so a transferred token is past it
///                for good; under HoldingPeriodEveryTransfer it counts from the ownership's
///                startTimestamp, which ERC721A rewrites on every transfer, so no extra storage).
/// Batches are bounded by `maxMintQuantity` (review finding F-07): the first transfer of a token
/// deep in an ERC-721A batch scans back to the batch's first slot, so an unbounded batch makes
/// that transfer cost gas linear in the token's position.
/// ERC-5192 and holding periods: a token is announced `Locked` when minted and, under
/// HoldingPeriodEveryTransfer, again on every transfer. No `Unlocked` event is emitted when a
/// holding period ends (nothing happens on chain at that moment). Indexers apply the rule:
/// locked while block time < `unlocksAt(tokenId)`; equivalently, unlock time = the token's mint
/// time (HoldingPeriod) or its latest Transfer's block time (HoldingPeriodEveryTransfer) plus
/// `holdingPeriod`. See docs/security.md.
contract GaolingEdition is
    ERC721A,
    ERC2981,
    AccessControl,
    EIP712,
    RevenueSplit,
    SingleUseNonces,
    IERC5192,
    IERC7572
{
    // ---------------------------------------------------------------- types

    /// @notice Chosen at deploy. HoldingPeriod: a token must be held `holdingPeriod` after mint.
    /// HoldingPeriodEveryTransfer: as practised on Chinese digital-collection platforms, every
    /// acquisition (mint or transfer) starts a new holding period. NonTransferable: soulbound.
    enum TransferPolicy {
        Free,
        HoldingPeriod,
        NonTransferable,
        HoldingPeriodEveryTransfer
    }

    enum PhaseId {
        Allowlist,
        Public
    }

    /// @notice Everything fixed or first set at deploy.
    struct EditionInit {
        string name;
        string symbol;
        uint256 cap;
        string baseURI;
        string contractURI;
        address royaltyReceiver;
        uint96 royaltyBps;
        address[] payees;
        uint256[] payeeBps;
        TransferPolicy transferPolicy;
        uint64 holdingPeriod;
        address admin;
    }

    /// @notice A sale phase. `maxPerWallet` 0 means no per-wallet limit. Active while start <= now < end.
    struct Phase {
        uint96 price;
        uint40 start;
        uint40 end;
        uint32 maxPerWallet;
    }

    /// @notice A mint paid off-chain (for example in RMB through a payment app), signed by an order signer.
    struct MintOrder {
        address recipient;
        uint256 quantity;
        uint256 nonce;
        uint256 expiry;
    }

    // ---------------------------------------------------------------- roles and constants

    /// @notice Configures sale phases and the points ledger.
    bytes32 public constant SALE_MANAGER_ROLE = keccak256("SALE_MANAGER_ROLE");
    /// @notice Updates and freezes token metadata.
    bytes32 public constant METADATA_ROLE = keccak256("METADATA_ROLE");
    /// @notice Signs fiat mint orders.
    bytes32 public constant ORDER_SIGNER_ROLE = keccak256("ORDER_SIGNER_ROLE");
    /// @notice Pauses and unpauses minting.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Contracts that sell on their own terms and mint here (the crowdfund).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    bytes32 private constant _MINT_ORDER_TYPEHASH =
        keccak256("MintOrder(address recipient,uint256 quantity,uint256 nonce,uint256 expiry)");

    /// @notice Royalty bounds from the platform's rules: 2.5% to 10%.
    uint96 public constant MIN_ROYALTY_BPS = 250;
    uint96 public constant MAX_ROYALTY_BPS = 1000;
    uint256 public constant MAX_HOLDING_PERIOD = 3650 days;
    /// @notice Gas forwarded to the points ledger; a ledger that needs more fails without blocking the sale.
    uint256 public constant PURCHASE_HOOK_GAS = 100_000;
    /// @notice Default of `maxMintQuantity`: the most tokens one mint call or fiat order may create.
    uint256 public constant DEFAULT_MAX_MINT_QUANTITY = 20;
    /// @notice Upper bound of `maxMintQuantity` (keeps the worst first transfer bounded, F-07).
    uint256 public constant MAX_MINT_QUANTITY_LIMIT = 100;

    /// @dev ERC-4906. OpenZeppelin's IERC4906 inherits its IERC721, whose events clash with IERC721A's,
    /// so the interface id and event are declared here.
    bytes4 private constant _ERC4906_INTERFACE_ID = 0x49064906;

    uint256 private constant _PAUSED_FLAG = 1 << 160;
    uint256 private constant _MAX_QUANTITY_SHIFT = 168;
    uint256 private constant _MAX_QUANTITY_FIELD = uint256(0xffffffff) << 168;
    uint256 private constant _PUBLIC_COUNT_SHIFT = 32;
    uint64 private constant _COUNT_MASK = 0xffffffff;

    // ---------------------------------------------------------------- storage

    uint256 public immutable cap;
    TransferPolicy public immutable transferPolicy;
    uint64 public immutable holdingPeriod;

    mapping(PhaseId => Phase) private _phases;
    bytes32 public allowlistRoot;
    uint256 private _saleControl;
    bool public metadataFrozen;
    string private _baseTokenURI;
    string private _contractURI;

    // ---------------------------------------------------------------- errors

    error EditionInvalidCap(uint256 cap);
    error EditionRoyaltyOutOfRange(uint256 bps);
    error EditionInvalidRoyaltyReceiver(address receiver);
    error EditionInvalidAdmin(address admin);
    error EditionInvalidHoldingPeriod(uint256 holdingPeriod);
    error EditionInvalidPhaseWindow(uint256 start, uint256 end);
    error EditionPhaseNotActive(PhaseId phase);
    error EditionZeroQuantity();
    error EditionCapExceeded(uint256 requested, uint256 remaining);
    error EditionWalletLimitExceeded(address wallet, uint256 requested, uint256 remaining);
    error EditionWrongPayment(uint256 expected, uint256 sent);
    error EditionInvalidProof(address wallet, uint256 allowance);
    error EditionOrderExpired(uint256 nonce, uint256 expiry);
    error EditionInvalidOrderSignature(uint256 nonce);
    error EditionInvalidRecipient(address recipient);
    error EditionMetadataFrozen();
    error EditionTokenLocked(uint256 tokenId, uint256 unlocksAt);
    error EditionSoulbound(uint256 tokenId);
    error EditionNonexistentToken(uint256 tokenId);
    error EditionInsufficientGasForHook();
    error EditionQuantityTooLarge(uint256 quantity, uint256 max);
    error EditionInvalidMaxMintQuantity(uint256 quantity);
    /// @notice Token approvals and transfers carry no ETH (ERC721A makes them payable; F-08).
    error EditionValueNotAccepted(uint256 value);
    /// @notice Minting is paused (same name and selector as OpenZeppelin's Pausable).
    error EnforcedPause();
    /// @notice The sale is not paused (same name and selector as OpenZeppelin's Pausable).
    error ExpectedPause();

    // ---------------------------------------------------------------- events

    /// @notice ERC-4906: the metadata of tokens `_fromTokenId` to `_toTokenId` changed.
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);

    /// @notice Emitted when a sale phase is configured.
    event PhaseConfigured(PhaseId indexed phase, uint256 price, uint256 start, uint256 end, uint256 maxPerWallet);
    /// @notice Emitted when the allowlist Merkle root changes.
    event AllowlistRootUpdated(bytes32 root);
    /// @notice Emitted on every sale: `quantity` tokens from `firstTokenId` for `paid` wei.
    event Purchased(address indexed buyer, PhaseId indexed phase, uint256 firstTokenId, uint256 quantity, uint256 paid);
    /// @notice Emitted when a signed fiat order is filled.
    event OrderFilled(uint256 indexed nonce, address indexed recipient, uint256 firstTokenId, uint256 quantity);
    /// @notice Emitted when an order signer cancels an unused order.
    event OrderCancelled(uint256 indexed nonce);
    /// @notice Emitted when the token base URI changes.
    event BaseURIUpdated(string baseURI);
    /// @notice Emitted once, when token metadata is frozen for good.
    event MetadataFrozen(string baseURI);
    /// @notice Emitted when the default royalty changes.
    event RoyaltyUpdated(address receiver, uint96 bps);
    /// @notice Emitted when the points ledger changes (zero turns points off).
    event PointsLedgerUpdated(address ledger);
    /// @notice Emitted when `account` pauses minting (same signature as OpenZeppelin's Pausable).
    event Paused(address account);
    /// @notice Emitted when `account` resumes minting.
    event Unpaused(address account);
    /// @notice Emitted when the most tokens per mint call or order changes.
    event MaxMintQuantityUpdated(uint256 quantity);
    /// @notice Emitted when the points ledger rejected a purchase record; the sale still stands.
    event PurchaseHookFailed(address indexed ledger, address indexed buyer);
    /// @notice Emitted when `minter` (a MINTER_ROLE contract) mints `quantity` tokens from `firstTokenId` to `to`.
    event MinterMinted(address indexed minter, address indexed to, uint256 firstTokenId, uint256 quantity);

    // ---------------------------------------------------------------- construction

    constructor(EditionInit memory init)
        ERC721A(init.name, init.symbol)
        EIP712("GaolingEdition", "1")
        RevenueSplit(init.payees, init.payeeBps)
    {
        if (init.cap == 0 || init.cap > type(uint32).max) revert EditionInvalidCap(init.cap);
        if (init.admin == address(0)) revert EditionInvalidAdmin(init.admin);
        if (
            init.transferPolicy == TransferPolicy.HoldingPeriod
                || init.transferPolicy == TransferPolicy.HoldingPeriodEveryTransfer
        ) {
            if (init.holdingPeriod == 0 || init.holdingPeriod > MAX_HOLDING_PERIOD) {
                revert EditionInvalidHoldingPeriod(init.holdingPeriod);
            }
        } else if (init.holdingPeriod != 0) {
            revert EditionInvalidHoldingPeriod(init.holdingPeriod);
        }
        cap = init.cap;
        transferPolicy = init.transferPolicy;
        holdingPeriod = init.holdingPeriod;
        _setRoyalty(init.royaltyReceiver, init.royaltyBps);
        _baseTokenURI = init.baseURI;
        _contractURI = init.contractURI;
        _saleControl = DEFAULT_MAX_MINT_QUANTITY << _MAX_QUANTITY_SHIFT;
        emit MaxMintQuantityUpdated(DEFAULT_MAX_MINT_QUANTITY);

        _grantRole(DEFAULT_ADMIN_ROLE, init.admin);
        _grantRole(SALE_MANAGER_ROLE, init.admin);
        _grantRole(METADATA_ROLE, init.admin);
        _grantRole(ORDER_SIGNER_ROLE, init.admin);
        _grantRole(PAUSER_ROLE, init.admin);
    }

    // ---------------------------------------------------------------- sale

    /// @notice Buys `quantity` tokens in the public phase, paying exactly price × quantity.
    function mintPublic(uint256 quantity) external payable {
        uint256 control = _requireNotPaused();
        Phase memory phase = _activePhase(PhaseId.Public);
        _buy(PhaseId.Public, phase, quantity, phase.maxPerWallet, control);
    }

    /// @notice Buys `quantity` tokens in the allowlist phase.
    /// @param allowance The caller's allowance from the allowlist leaf (address, allowance).
    /// @param proof The Merkle proof of that leaf, as StandardMerkleTree's `getProof` gives it.
    function mintAllowlist(uint256 quantity, uint256 allowance, bytes32[] calldata proof)
        external
        payable
    {
        uint256 control = _requireNotPaused();
        Phase memory phase = _activePhase(PhaseId.Allowlist);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(msg.sender, allowance))));
        if (!MerkleProof.verifyCalldata(proof, allowlistRoot, leaf)) revert EditionInvalidProof(msg.sender, allowance);
        uint256 limit = phase.maxPerWallet == 0 || allowance < phase.maxPerWallet ? allowance : phase.maxPerWallet;
        _buy(PhaseId.Allowlist, phase, quantity, limit, control);
    }

    /// @notice Mints a fiat-paid order to its recipient. Anyone may relay it: the signature binds the
    /// recipient, the quantity, this contract and this chain, and each nonce works once.
    function mintWithOrder(MintOrder calldata order, bytes calldata signature) external {
        uint256 control = _requireNotPaused();
        if (block.timestamp > order.expiry) revert EditionOrderExpired(order.nonce, order.expiry);
        if (order.recipient == address(0)) revert EditionInvalidRecipient(order.recipient);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(_MINT_ORDER_TYPEHASH, order.recipient, order.quantity, order.nonce, order.expiry))
        );
        // The signer is never taken from calldata: recover it, then check that it holds the role.
        // Order signers are the payment backend's hot keys (EOAs); a malformed signature recovers
        // to address(0), which holds no role.
        (address signer,,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (signer == address(0) || !hasRole(ORDER_SIGNER_ROLE, signer)) {
            revert EditionInvalidOrderSignature(order.nonce);
        }
        _useNonce(order.nonce);
        uint256 firstTokenId = _mintCapped(order.recipient, order.quantity, control);
        emit OrderFilled(order.nonce, order.recipient, firstTokenId, order.quantity);
        _recordPurchase(control, order.recipient, 0, order.quantity);
    }

    /// @notice Cancels an issued order that has not been filled. Only an order signer.
    function cancelOrder(uint256 nonce) external onlyRole(ORDER_SIGNER_ROLE) {
        _useNonce(nonce);
        emit OrderCancelled(nonce);
    }

    /// @notice The EIP-712 digest an order signer signs for `order` (for off-chain tooling and wallets).
    function hashMintOrder(MintOrder calldata order) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(_MINT_ORDER_TYPEHASH, order.recipient, order.quantity, order.nonce, order.expiry))
        );
    }

    /// @notice Mints `quantity` tokens to `to` for a MINTER_ROLE contract that took payment on its
    /// own terms (the crowdfund). Counts against the cap; no phase, price, wallet limit or points
    /// here, the minter applies its own. Stops while minting is paused.
    /// @param safe Runs `onERC721Received` on a contract recipient (a claim by the recipient
    /// itself); false for batch deliveries, which no recipient may block.
    /// @return firstTokenId The first token minted; the others follow it.
    function mintByMinter(address to, uint256 quantity, bool safe)
        external
        onlyRole(MINTER_ROLE)
        returns (uint256 firstTokenId)
    {
        uint256 control = _requireNotPaused();
        if (to == address(0)) revert EditionInvalidRecipient(to);
        if (quantity == 0) revert EditionZeroQuantity();
        // A minter's order (a pledger's pieces) may exceed maxMintQuantity: it is minted in batches of
        // at most that size, so ownership is still initialised every maxMintQuantity tokens (F-07).
        uint256 maxQuantity = (control >> _MAX_QUANTITY_SHIFT) & 0xffffffff;
        firstTokenId = _nextTokenId();
        for (uint256 left = quantity; left != 0;) {
            uint256 batch = left < maxQuantity ? left : maxQuantity;
            _mintCapped(to, batch, control);
            left -= batch;
        }
        emit MinterMinted(msg.sender, to, firstTokenId, quantity);
        if (safe && to.code.length != 0) {
            for (uint256 id = firstTokenId; id < firstTokenId + quantity; ++id) {
                ERC721Utils.checkOnERC721Received(msg.sender, address(0), to, id, "");
            }
        }
    }

    // ---------------------------------------------------------------- sale configuration

    /// @notice Configures a sale phase. Setting start = end = 0 closes it.
    function setPhase(PhaseId id, Phase calldata phase) external onlyRole(SALE_MANAGER_ROLE) {
        if (phase.start >= phase.end && !(phase.start == 0 && phase.end == 0)) {
            revert EditionInvalidPhaseWindow(phase.start, phase.end);
        }
        _phases[id] = phase;
        emit PhaseConfigured(id, phase.price, phase.start, phase.end, phase.maxPerWallet);
    }

    /// @notice Sets the allowlist Merkle root (StandardMerkleTree over (address, uint256)).
    function setAllowlistRoot(bytes32 root) external onlyRole(SALE_MANAGER_ROLE) {
        allowlistRoot = root;
        emit AllowlistRootUpdated(root);
    }

    /// @notice Points the sale at a points ledger, or turns points off with the zero address.
    /// The ledger must grant this contract its purchase-recorder role.
    function setPointsLedger(IPurchaseRecorder ledger) external onlyRole(SALE_MANAGER_ROLE) {
        _saleControl = (_saleControl & ~uint256(type(uint160).max)) | uint256(uint160(address(ledger)));
        emit PointsLedgerUpdated(address(ledger));
    }

    /// @notice Sets the most tokens one mint call or fiat order may create (1..MAX_MINT_QUANTITY_LIMIT).
    function setMaxMintQuantity(uint256 quantity) external onlyRole(SALE_MANAGER_ROLE) {
        if (quantity == 0 || quantity > MAX_MINT_QUANTITY_LIMIT) revert EditionInvalidMaxMintQuantity(quantity);
        _saleControl = (_saleControl & ~_MAX_QUANTITY_FIELD) | (quantity << _MAX_QUANTITY_SHIFT);
        emit MaxMintQuantityUpdated(quantity);
    }

    /// @notice The most tokens one mint call or fiat order may create.
    function maxMintQuantity() external view returns (uint256) {
        return (_saleControl >> _MAX_QUANTITY_SHIFT) & 0xffffffff;
    }

    /// @notice Stops all minting. Transfers and revenue withdrawals continue.
    function pause() external onlyRole(PAUSER_ROLE) {
        uint256 control = _requireNotPaused();
        _saleControl = control | _PAUSED_FLAG;
        emit Paused(msg.sender);
    }

    /// @notice Resumes minting.
    function unpause() external onlyRole(PAUSER_ROLE) {
        uint256 control = _saleControl;
        if (control & _PAUSED_FLAG == 0) revert ExpectedPause();
        _saleControl = control & ~_PAUSED_FLAG;
        emit Unpaused(msg.sender);
    }

    /// @notice True while minting is paused.
    function paused() external view returns (bool) {
        return _saleControl & _PAUSED_FLAG != 0;
    }

    /// @notice The points ledger that sales report to, or zero.
    function pointsLedger() external view returns (IPurchaseRecorder) {
        return IPurchaseRecorder(address(uint160(_saleControl)));
    }

    // ---------------------------------------------------------------- views

    /// @notice The configuration of sale phase `id`.
    function phase(PhaseId id) external view returns (Phase memory) {
        return _phases[id];
    }

    /// @notice True while phase `id` accepts purchases.
    function phaseActive(PhaseId id) public view returns (bool) {
        Phase memory p = _phases[id];
        return p.start <= block.timestamp && block.timestamp < p.end;
    }

    /// @notice How many tokens `wallet` has bought in each phase.
    function purchasedBy(address wallet) external view returns (uint256 allowlist, uint256 publicSale) {
        uint64 aux = _getAux(wallet);
        return (aux & _COUNT_MASK, aux >> _PUBLIC_COUNT_SHIFT);
    }

    /// @notice How many tokens `wallet` minted by any path (sale or order).
    function numberMinted(address wallet) external view returns (uint256) {
        return _numberMinted(wallet);
    }

    /// @notice How many tokens exist.
    function totalMinted() external view returns (uint256) {
        return _totalMinted();
    }

    /// @inheritdoc IERC7572
    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    /// @notice The base of every token URI, `ipfs://<dirCID>/`.
    function baseURI() external view returns (string memory) {
        return _baseTokenURI;
    }

    /// @inheritdoc IERC5192
    /// @dev No `Unlocked` event marks the end of a holding period; see the contract notes.
    function locked(uint256 tokenId) external view returns (bool) {
        if (!_exists(tokenId)) revert EditionNonexistentToken(tokenId);
        if (transferPolicy == TransferPolicy.Free) return false;
        if (transferPolicy == TransferPolicy.NonTransferable) return true;
        return block.timestamp < _unlocksAt(tokenId);
    }

    /// @notice When `tokenId` may next be transferred; 0 if it already may (or never may, if soulbound).
    /// Under HoldingPeriodEveryTransfer a transfer locks the token again until this time.
    function unlocksAt(uint256 tokenId) external view returns (uint256) {
        if (!_exists(tokenId)) revert EditionNonexistentToken(tokenId);
        if (transferPolicy == TransferPolicy.Free || transferPolicy == TransferPolicy.NonTransferable) return 0;
        uint256 at = _unlocksAt(tokenId);
        return block.timestamp < at ? at : 0;
    }

    // ---------------------------------------------------------------- metadata and royalty

    /// @notice Points every token at a new metadata directory. Reverts once metadata is frozen.
    function setBaseURI(string calldata newBaseURI) external onlyRole(METADATA_ROLE) {
        if (metadataFrozen) revert EditionMetadataFrozen();
        _baseTokenURI = newBaseURI;
        emit BaseURIUpdated(newBaseURI);
        emit BatchMetadataUpdate(_startTokenId(), type(uint256).max);
    }

    /// @notice Freezes the base URI for good.
    function freezeMetadata() external onlyRole(METADATA_ROLE) {
        if (metadataFrozen) revert EditionMetadataFrozen();
        metadataFrozen = true;
        emit MetadataFrozen(_baseTokenURI);
    }

    /// @notice Updates the collection-level metadata (ERC-7572). Allowed after the token freeze:
    /// it describes the collection, not the works.
    function setContractURI(string calldata newContractURI) external onlyRole(METADATA_ROLE) {
        _contractURI = newContractURI;
        emit ContractURIUpdated();
    }

    /// @notice Changes the royalty receiver or rate, within 250–1000 bps.
    function setRoyalty(address receiver, uint96 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRoyalty(receiver, bps);
    }

    /// @inheritdoc ERC721A
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721A, ERC2981, AccessControl)
        returns (bool)
    {
        return interfaceId == _ERC4906_INTERFACE_ID || interfaceId == type(IERC5192).interfaceId
            || ERC721A.supportsInterface(interfaceId) || ERC2981.supportsInterface(interfaceId)
            || AccessControl.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- approvals and transfers

    /// @notice ERC-721 approve. Rejects ETH (F-08) and, on a non-transferable collection, any
    /// approval: a soulbound token can never be moved, as the firing certificate also says.
    function approve(address to, uint256 tokenId) public payable override {
        if (msg.value != 0) revert EditionValueNotAccepted(msg.value);
        if (transferPolicy == TransferPolicy.NonTransferable) revert EditionSoulbound(tokenId);
        super.approve(to, tokenId);
    }

    /// @notice ERC-721 setApprovalForAll; refused on a non-transferable collection (tokenId 0 in the error).
    function setApprovalForAll(address operator, bool approved) public override {
        if (transferPolicy == TransferPolicy.NonTransferable) revert EditionSoulbound(0);
        super.setApprovalForAll(operator, approved);
    }

    /// @notice ERC-721 transferFrom; rejects ETH (F-08).
    function transferFrom(address from, address to, uint256 tokenId) public payable override {
        if (msg.value != 0) revert EditionValueNotAccepted(msg.value);
        super.transferFrom(from, to, tokenId);
    }

    /// @notice ERC-721 safeTransferFrom with data; rejects ETH (F-08). The three-argument form
    /// calls this one.
    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data)
        public
        payable
        override
    {
        if (msg.value != 0) revert EditionValueNotAccepted(msg.value);
        super.safeTransferFrom(from, to, tokenId, data);
    }

    // ---------------------------------------------------------------- internals

    function _activePhase(PhaseId id) private view returns (Phase memory p) {
        p = _phases[id];
        if (block.timestamp < p.start || block.timestamp >= p.end) revert EditionPhaseNotActive(id);
    }

    function _requireNotPaused() private view returns (uint256 control) {
        control = _saleControl;
        if (control & _PAUSED_FLAG != 0) revert EnforcedPause();
    }

    function _buy(PhaseId id, Phase memory phase, uint256 quantity, uint256 walletLimit, uint256 control) private {
        uint256 cost = uint256(phase.price) * quantity;
        if (msg.value != cost) revert EditionWrongPayment(cost, msg.value);

        uint64 aux = _getAux(msg.sender);
        uint256 shift = id == PhaseId.Public ? _PUBLIC_COUNT_SHIFT : 0;
        uint256 bought = (aux >> shift) & _COUNT_MASK;
        if (walletLimit != 0 || id == PhaseId.Allowlist) {
            if (bought + quantity > walletLimit) {
                revert EditionWalletLimitExceeded(msg.sender, quantity, walletLimit > bought ? walletLimit - bought : 0);
            }
        }
        // Mint first (it checks quantity and cap), so `bought + quantity` is bounded by the cap (< 2^32).
        uint256 firstTokenId = _mintCapped(msg.sender, quantity, control);
        _setAux(msg.sender, uint64(aux + (quantity << shift)));

        emit Purchased(msg.sender, id, firstTokenId, quantity, cost);
        _recordPurchase(control, msg.sender, cost, quantity);
    }

    function _mintCapped(address to, uint256 quantity, uint256 control) private returns (uint256 firstTokenId) {
        if (quantity == 0) revert EditionZeroQuantity();
        uint256 maxQuantity = (control >> _MAX_QUANTITY_SHIFT) & 0xffffffff;
        if (quantity > maxQuantity) revert EditionQuantityTooLarge(quantity, maxQuantity);
        uint256 minted = _totalMinted();
        if (quantity > cap - minted) revert EditionCapExceeded(quantity, cap - minted);
        firstTokenId = _nextTokenId();
        _mint(to, quantity);
        if (transferPolicy != TransferPolicy.Free) {
            // ERC-5192: tokens born locked announce it.
            for (uint256 id = firstTokenId; id < firstTokenId + quantity; ++id) emit Locked(id);
        }
    }

    /// @dev Interaction last: the ledger is ours, but it is called with capped gas inside try/catch
    /// so that a broken or misconfigured ledger can never block a sale.
    function _recordPurchase(uint256 control, address buyer, uint256 value, uint256 quantity) private {
        IPurchaseRecorder ledger = IPurchaseRecorder(address(uint160(control)));
        if (address(ledger) == address(0)) return;
        // Without enough gas the capped call could fail for lack of gas alone and lose the points.
        if (gasleft() < PURCHASE_HOOK_GAS + PURCHASE_HOOK_GAS / 63 + 5_000) revert EditionInsufficientGasForHook();
        try ledger.recordPurchase{gas: PURCHASE_HOOK_GAS}(buyer, value, quantity) {}
        catch {
            emit PurchaseHookFailed(address(ledger), buyer);
        }
    }

    function _unlocksAt(uint256 tokenId) private view returns (uint256) {
        TokenOwnership memory ownership = _ownershipOf(tokenId);
        // HoldingPeriod, extraData != 0: transferred at least once, which the holding period only
        // allowed after it ended. HoldingPeriodEveryTransfer: startTimestamp is the latest acquisition.
        if (ownership.extraData != 0 && transferPolicy == TransferPolicy.HoldingPeriod) return 0;
        return uint256(ownership.startTimestamp) + holdingPeriod;
    }

    function _setRoyalty(address receiver, uint96 bps) private {
        if (bps < MIN_ROYALTY_BPS || bps > MAX_ROYALTY_BPS) revert EditionRoyaltyOutOfRange(bps);
        if (receiver == address(0)) revert EditionInvalidRoyaltyReceiver(receiver);
        _setDefaultRoyalty(receiver, bps);
        emit RoyaltyUpdated(receiver, bps);
    }

    function _beforeTokenTransfers(address from, address to, uint256 startTokenId, uint256) internal view override {
        if (from == address(0) || transferPolicy == TransferPolicy.Free) return;
        if (transferPolicy == TransferPolicy.NonTransferable) revert EditionSoulbound(startTokenId);
        uint256 at = _unlocksAt(startTokenId);
        if (block.timestamp < at) revert EditionTokenLocked(startTokenId, at);
        to; // every destination is treated alike
    }

    /// @dev Under HoldingPeriodEveryTransfer a transfer locks the token again: announce it (ERC-5192).
    function _afterTokenTransfers(address from, address, uint256 startTokenId, uint256) internal override {
        if (from != address(0) && transferPolicy == TransferPolicy.HoldingPeriodEveryTransfer) emit Locked(startTokenId);
    }

    function _extraData(address from, address, uint24) internal pure override returns (uint24) {
        return from == address(0) ? 0 : 1;
    }

    function _startTokenId() internal pure override returns (uint256) {
        return 1;
    }

    function _baseURI() internal view override returns (string memory) {
        return _baseTokenURI;
    }
}
