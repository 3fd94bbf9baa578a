// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {IERC7572} from "../../interfaces/IERC7572.sol";
import {GaolingAuctionHouse} from "../auction/GaolingAuctionHouse.sol";

/// @title Gaoling artworks: a 1/1 collection and a registry of master-file content hashes.
/// @notice Every token is a unique work. At mint the curator registers the sha256 digest of the
/// work's master file; a digest can be registered exactly once, so the same master can never be
/// minted twice, and anyone can look a digest up to find its token. Each token carries its own
/// artist and royalty (ERC-2981, 250-1000 bps), which every resale through a royalty-respecting
/// market (such as GaolingAuctionHouse) pays.
/// @dev Metadata is per token: `tokenURI` is `ipfs://<cid>`, where `cid` is the metadata JSON's
/// CID. A shared base URI does not fit 1/1 works that are minted one by one, because an IPFS
/// directory is immutable and would need a new CID for every added work.
contract GaolingArtworks is ERC721URIStorage, ERC2981, AccessControl, IERC7572 {
    /// @notice May mint works, and correct a work's metadata CID.
    bytes32 public constant CURATOR_ROLE = keccak256("CURATOR_ROLE");

    /// @notice Bounds of a work's artist royalty (2.5%-10%).
    uint96 public constant MIN_ROYALTY_BPS = 250;
    uint96 public constant MAX_ROYALTY_BPS = 1_000;

    /// @notice A work to mint.
    /// @param artist Receives the royalty on every sale.
    /// @param royaltyBps Royalty in basis points, MIN_ROYALTY_BPS..MAX_ROYALTY_BPS.
    /// @param contentHash sha256 of the master file (image, 3D scan, ...).
    /// @param cid CID of the metadata JSON; tokenURI becomes ipfs://<cid>.
    struct Artwork {
        address artist;
        uint96 royaltyBps;
        bytes32 contentHash;
        string cid;
    }

    /// @notice Number of works minted; token ids run from 1 to totalMinted.
    uint256 public totalMinted;
    /// @notice The auction house used by `mintToAuction`.
    GaolingAuctionHouse public auctionHouse;

    string private _contractURI;
    mapping(bytes32 contentHash => uint256 tokenId) private _tokenOfHash;
    mapping(uint256 tokenId => bytes32 contentHash) private _hashOfToken;

    /// @notice A work was minted and its content hash registered.
    event ArtworkRegistered(
        uint256 indexed tokenId, bytes32 indexed contentHash, address indexed artist, uint256 royaltyBps, string cid
    );
    /// @notice The artist of `tokenId` moved their royalty to a new address.
    event ArtistUpdated(uint256 indexed tokenId, address indexed previousArtist, address indexed newArtist);
    /// @notice The auction house used by `mintToAuction` changed.
    event AuctionHouseUpdated(address auctionHouse);

    error GaolingArtworksRoyaltyOutOfBounds(uint256 royaltyBps, uint256 min, uint256 max);
    error GaolingArtworksDuplicateContentHash(bytes32 contentHash, uint256 tokenId);
    error GaolingArtworksZeroContentHash();
    error GaolingArtworksUnknownContentHash(bytes32 contentHash);
    error GaolingArtworksEmptyCID();
    error GaolingArtworksZeroAddress(string field);
    error GaolingArtworksNoAuctionHouse();
    error GaolingArtworksNotArtist(uint256 tokenId, address caller);

    /// @param admin Receives DEFAULT_ADMIN_ROLE and CURATOR_ROLE.
    /// @param contractURI_ Collection-level metadata (ERC-7572).
    constructor(string memory name_, string memory symbol_, address admin, string memory contractURI_)
        ERC721(name_, symbol_)
    {
        if (admin == address(0)) revert GaolingArtworksZeroAddress("admin");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(CURATOR_ROLE, admin);
        _contractURI = contractURI_;
    }

    // ---------------------------------------------------------------- minting

    /// @notice Registers `work.contentHash` and mints the work to `to`.
    /// @return tokenId The new token.
    function mint(address to, Artwork calldata work) external onlyRole(CURATOR_ROLE) returns (uint256 tokenId) {
        if (to == address(0)) revert GaolingArtworksZeroAddress("to");
        tokenId = _register(to, work);
    }

    /// @notice Registers and mints a work to `seller`, then lists it on the auction house with
    /// `reserve` and `duration`. The seller receives the proceeds; the artist the royalty on
    /// every later sale (not on this one if the seller is the artist).
    /// @return tokenId The new token.
    /// @return auctionId The auction it is listed in.
    function mintToAuction(address seller, Artwork calldata work, uint256 reserve, uint256 duration)
        external
        onlyRole(CURATOR_ROLE)
        returns (uint256 tokenId, uint256 auctionId)
    {
        GaolingAuctionHouse house = auctionHouse;
        if (address(house) == address(0)) revert GaolingArtworksNoAuctionHouse();
        if (seller == address(0)) revert GaolingArtworksZeroAddress("seller");
        tokenId = _register(seller, work);
        // The house lists a token for its owner when the collection itself asks; it escrows
        // the token through this single-token approval.
        _approve(address(house), tokenId, address(0));
        auctionId = house.createAuction(address(this), tokenId, reserve, duration);
    }

    // ---------------------------------------------------------------- registry

    /// @notice The token whose master file has sha256 `contentHash`. Reverts if none.
    function tokenOfContentHash(bytes32 contentHash) external view returns (uint256 tokenId) {
        tokenId = _tokenOfHash[contentHash];
        if (tokenId == 0) revert GaolingArtworksUnknownContentHash(contentHash);
    }

    /// @notice True once `contentHash` has been registered.
    function isRegistered(bytes32 contentHash) external view returns (bool) {
        return _tokenOfHash[contentHash] != 0;
    }

    /// @notice The sha256 of `tokenId`'s master file.
    function contentHashOf(uint256 tokenId) external view returns (bytes32) {
        _requireOwned(tokenId);
        return _hashOfToken[tokenId];
    }

    /// @notice The artist (royalty receiver) of `tokenId`.
    function artistOf(uint256 tokenId) external view returns (address artist) {
        _requireOwned(tokenId);
        (artist,) = royaltyInfo(tokenId, 0);
    }

    // ---------------------------------------------------------------- updates

    /// @notice Lets the artist of `tokenId` move the royalty to a new address (a lost key, a
    /// studio wallet). The royalty rate never changes.
    function setArtist(uint256 tokenId, address newArtist) external {
        _requireOwned(tokenId);
        if (newArtist == address(0)) revert GaolingArtworksZeroAddress("newArtist");
        (address artist, uint256 rate) = royaltyInfo(tokenId, _feeDenominator());
        if (msg.sender != artist) revert GaolingArtworksNotArtist(tokenId, msg.sender);
        _setTokenRoyalty(tokenId, newArtist, uint96(rate));
        emit ArtistUpdated(tokenId, artist, newArtist);
    }

    /// @notice Corrects the metadata CID of `tokenId` (the content hash never changes). Emits
    /// ERC-4906 MetadataUpdate.
    function setTokenCID(uint256 tokenId, string calldata cid) external onlyRole(CURATOR_ROLE) {
        _requireOwned(tokenId);
        if (bytes(cid).length == 0) revert GaolingArtworksEmptyCID();
        _setTokenURI(tokenId, cid);
    }

    /// @notice Sets the collection-level metadata URI (ERC-7572).
    function setContractURI(string calldata uri) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _contractURI = uri;
        emit ContractURIUpdated();
    }

    /// @notice Sets the auction house used by `mintToAuction`.
    function setAuctionHouse(address house) external onlyRole(DEFAULT_ADMIN_ROLE) {
        auctionHouse = GaolingAuctionHouse(house);
        emit AuctionHouseUpdated(house);
    }

    /// @inheritdoc IERC7572
    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    /// @inheritdoc ERC721URIStorage
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721URIStorage, ERC2981, AccessControl)
        returns (bool)
    {
        return ERC721URIStorage.supportsInterface(interfaceId) || ERC2981.supportsInterface(interfaceId)
            || AccessControl.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internals

    function _register(address to, Artwork calldata work) private returns (uint256 tokenId) {
        if (work.artist == address(0)) revert GaolingArtworksZeroAddress("artist");
        if (work.royaltyBps < MIN_ROYALTY_BPS || work.royaltyBps > MAX_ROYALTY_BPS) {
            revert GaolingArtworksRoyaltyOutOfBounds(work.royaltyBps, MIN_ROYALTY_BPS, MAX_ROYALTY_BPS);
        }
        if (work.contentHash == bytes32(0)) revert GaolingArtworksZeroContentHash();
        uint256 existing = _tokenOfHash[work.contentHash];
        if (existing != 0) revert GaolingArtworksDuplicateContentHash(work.contentHash, existing);
        if (bytes(work.cid).length == 0) revert GaolingArtworksEmptyCID();

        tokenId = ++totalMinted;
        _tokenOfHash[work.contentHash] = tokenId;
        _hashOfToken[tokenId] = work.contentHash;
        _setTokenRoyalty(tokenId, work.artist, work.royaltyBps);
        emit ArtworkRegistered(tokenId, work.contentHash, work.artist, work.royaltyBps, work.cid);
        _mint(to, tokenId);
        _setTokenURI(tokenId, work.cid);
    }

    function _baseURI() internal pure override returns (string memory) {
        return "ipfs://";
    }
}
