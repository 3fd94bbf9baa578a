// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC5192} from "../../interfaces/IERC5192.sol";
import {IERC7572} from "../../interfaces/IERC7572.sol";
import {IFiringCertificate} from "../../interfaces/IFiringCertificate.sol";

/// @title FiringCertificate
/// @notice A soulbound ERC-721 badge (ERC-5192, always locked) proving that its holder passed the
/// platform's firing-process quiz. It is minted by submitting a `QuizPass` attestation signed
/// (EIP-712) by a holder of ATTESTER_ROLE. Anyone may relay the submission; the badge always goes
/// to the `holder` named in the attestation, so a relayer cannot redirect it.
/// @dev At most one live certificate per holder. Revocation burns the token and bars the holder
/// from minting again until an admin calls `reinstate`; see docs/quiz.md for the reasons.
contract FiringCertificate is ERC721, AccessControl, EIP712, IERC5192, IERC7572, IFiringCertificate {
    /// @notice Role whose signatures over `QuizPass` attestations are accepted.
    bytes32 public constant ATTESTER_ROLE = keccak256("ATTESTER_ROLE");

    /// @notice EIP-712 type hash of the attestation the quiz grader signs.
    bytes32 public constant QUIZ_PASS_TYPEHASH =
        keccak256("QuizPass(address holder,uint256 quizVersion,uint256 score,uint256 expiry,uint256 nonce)");

    /// @notice The signed statement that `holder` passed version `quizVersion` of the quiz.
    struct QuizPass {
        address holder;
        uint256 quizVersion;
        uint256 score;
        uint256 expiry;
        uint256 nonce;
    }

    /// @dev Everything about a holder in one slot, so a mint writes one slot here instead of two:
    /// tokenId (bits 0-63, 0 = none) | quizVersion (64-127) | score (128-159) | mintedAt (160-199)
    /// | barred (200). A token's record is found through its owner.
    struct HolderState {
        uint64 tokenId;
        uint64 quizVersion;
        uint32 score;
        uint40 mintedAt;
        bool barred;
    }

    mapping(address holder => HolderState) private _holders;
    mapping(uint256 nonce => bool) private _nonceUsed;

    /// @dev Packed in one slot: last token id (bits 0-63) | live supply (64-127) | minQuizVersion (128-191).
    uint64 private _lastTokenId;
    uint64 private _liveSupply;
    uint64 private _minQuizVersion;

    string private _tokenURI;
    string private _contractURI;

    /// @notice A certificate was minted to `holder`.
    event CertificateMinted(
        address indexed holder, uint256 indexed tokenId, uint256 quizVersion, uint256 score, uint256 nonce
    );
    /// @notice An admin revoked `holder`'s certificate; the token was burned and the holder barred.
    event CertificateRevoked(address indexed holder, uint256 indexed tokenId, string reason);
    /// @notice An admin lifted the bar on `holder`, who may mint again with a fresh attestation.
    event HolderReinstated(address indexed holder);
    /// @notice An attester voided `nonce` before anyone submitted it.
    event NonceInvalidated(uint256 indexed nonce);
    /// @notice Attestations for quiz versions below `minQuizVersion` are no longer accepted.
    event MinQuizVersionSet(uint256 minQuizVersion);
    /// @notice ERC-4906: metadata of tokens `fromTokenId`..`toTokenId` changed.
    event BatchMetadataUpdate(uint256 fromTokenId, uint256 toTokenId);
    /// @notice The metadata URI every certificate shares changed.
    event TokenURISet(string tokenURI);

    /// @notice The attestation's expiry has passed.
    error FiringCertificateExpired(uint256 expiry, uint256 nowTimestamp);
    /// @notice The attestation's nonce was already used or invalidated.
    error FiringCertificateNonceUsed(uint256 nonce);
    /// @notice The signature is malformed (wrong length or non-canonical).
    error FiringCertificateInvalidSignature();
    /// @notice The signature recovers to `signer`, who does not hold ATTESTER_ROLE.
    error FiringCertificateInvalidSigner(address signer);
    /// @notice The attestation names the zero address as holder.
    error FiringCertificateInvalidHolder(address holder);
    /// @notice The attestation's quiz version is older than the minimum accepted one.
    error FiringCertificateQuizVersionRetired(uint256 quizVersion, uint256 minQuizVersion);
    /// @notice A quiz version or score does not fit the packed record.
    error FiringCertificateValueTooLarge(uint256 quizVersion, uint256 score);
    /// @notice `holder` already holds a certificate.
    error FiringCertificateAlreadyCertified(address holder, uint256 tokenId);
    /// @notice `holder` was revoked and may not mint until reinstated.
    error FiringCertificateHolderBarred(address holder);
    /// @notice `holder` holds no certificate.
    error FiringCertificateNotCertified(address holder);
    /// @notice `holder` is not barred.
    error FiringCertificateNotBarred(address holder);
    /// @notice Certificates cannot be transferred or approved.
    error FiringCertificateSoulbound();
    /// @notice The admin must not be the zero address: nobody could revoke or rotate the attester (F-09).
    error FiringCertificateZeroAdmin();

    /// @param admin Receives DEFAULT_ADMIN_ROLE (configuration, revocation, role management); nonzero.
    /// @param attester Receives ATTESTER_ROLE (the grader's signing key); may be the zero address.
    /// @param tokenURI_ The metadata JSON every certificate shares (e.g. `ipfs://<CID>`).
    /// @param contractURI_ ERC-7572 collection metadata URI.
    constructor(address admin, address attester, string memory tokenURI_, string memory contractURI_)
        ERC721("Gaoling Firing Certificate", "GLFIRE")
        EIP712("Gaoling Firing Certificate", "1")
    {
        if (admin == address(0)) revert FiringCertificateZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (attester != address(0)) _grantRole(ATTESTER_ROLE, attester);
        _tokenURI = tokenURI_;
        _contractURI = contractURI_;
    }

    // ------------------------------------------------------------------ minting

    /// @notice Mints a certificate to `pass.holder` if `signature` is an ATTESTER_ROLE holder's
    /// EIP-712 signature over `pass`, the pass has not expired, its nonce is unused and its quiz
    /// version is still accepted. Callable by anyone (relayers included).
    /// @return tokenId The new certificate's token id.
    function mint(QuizPass calldata pass, bytes calldata signature) external returns (uint256 tokenId) {
        if (block.timestamp > pass.expiry) revert FiringCertificateExpired(pass.expiry, block.timestamp);
        if (pass.holder == address(0)) revert FiringCertificateInvalidHolder(pass.holder);
        if (_nonceUsed[pass.nonce]) revert FiringCertificateNonceUsed(pass.nonce);
        uint256 minVersion = _minQuizVersion;
        if (pass.quizVersion < minVersion) revert FiringCertificateQuizVersionRetired(pass.quizVersion, minVersion);
        if (pass.quizVersion > type(uint64).max || pass.score > type(uint32).max) {
            revert FiringCertificateValueTooLarge(pass.quizVersion, pass.score);
        }
        HolderState memory state = _holders[pass.holder];
        if (state.barred) revert FiringCertificateHolderBarred(pass.holder);
        if (state.tokenId != 0) revert FiringCertificateAlreadyCertified(pass.holder, state.tokenId);

        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(hashQuizPass(pass), signature);
        if (err != ECDSA.RecoverError.NoError) revert FiringCertificateInvalidSignature();
        if (!hasRole(ATTESTER_ROLE, signer)) revert FiringCertificateInvalidSigner(signer);

        _nonceUsed[pass.nonce] = true;
        tokenId = ++_lastTokenId;
        ++_liveSupply;
        _holders[pass.holder] = HolderState({
            tokenId: uint64(tokenId),
            quizVersion: uint64(pass.quizVersion),
            score: uint32(pass.score),
            mintedAt: uint40(block.timestamp),
            barred: false
        });
        // _mint, not _safeMint: no receiver callback, so no re-entry; a soulbound badge held by a
        // contract wallet cannot be "stuck" in any way that matters.
        _mint(pass.holder, tokenId);
        emit Locked(tokenId);
        emit CertificateMinted(pass.holder, tokenId, pass.quizVersion, pass.score, pass.nonce);
    }

    /// @notice The EIP-712 digest an attester signs for `pass` on this contract and chain.
    function hashQuizPass(QuizPass calldata pass) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(QUIZ_PASS_TYPEHASH, pass.holder, pass.quizVersion, pass.score, pass.expiry, pass.nonce)
            )
        );
    }

    /// @notice Voids an unused attestation nonce (e.g. a pass found to be obtained dishonestly).
    /// Only ATTESTER_ROLE.
    function invalidateNonce(uint256 nonce) external onlyRole(ATTESTER_ROLE) {
        if (_nonceUsed[nonce]) revert FiringCertificateNonceUsed(nonce);
        _nonceUsed[nonce] = true;
        emit NonceInvalidated(nonce);
    }

    // --------------------------------------------------------------- revocation

    /// @notice Revokes `holder`'s certificate: burns the token and bars the holder from minting
    /// again until `reinstate`. Only DEFAULT_ADMIN_ROLE.
    /// @param reason A short human-readable reason, kept in the event only.
    function revoke(address holder, string calldata reason) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 tokenId = _holders[holder].tokenId;
        if (tokenId == 0) revert FiringCertificateNotCertified(holder);
        _holders[holder] = HolderState({tokenId: 0, quizVersion: 0, score: 0, mintedAt: 0, barred: true});
        --_liveSupply;
        _burn(tokenId);
        emit CertificateRevoked(holder, tokenId, reason);
    }

    /// @notice Lifts a revoked holder's bar; they need a valid, unused attestation to mint again.
    /// Only DEFAULT_ADMIN_ROLE.
    function reinstate(address holder) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_holders[holder].barred) revert FiringCertificateNotBarred(holder);
        _holders[holder].barred = false;
        emit HolderReinstated(holder);
    }

    // ------------------------------------------------------------ configuration

    /// @notice Retires attestations for every quiz version below `minQuizVersion`. Certificates
    /// already minted stay valid. Only DEFAULT_ADMIN_ROLE.
    function setMinQuizVersion(uint64 minQuizVersion_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _minQuizVersion = minQuizVersion_;
        emit MinQuizVersionSet(minQuizVersion_);
    }

    /// @notice Sets the metadata URI every certificate shares. Only DEFAULT_ADMIN_ROLE.
    function setTokenURI(string calldata newTokenURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _tokenURI = newTokenURI;
        emit TokenURISet(newTokenURI);
        if (_lastTokenId != 0) emit BatchMetadataUpdate(1, _lastTokenId);
    }

    /// @notice Sets the ERC-7572 collection metadata URI. Only DEFAULT_ADMIN_ROLE.
    function setContractURI(string calldata contractURI_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _contractURI = contractURI_;
        emit ContractURIUpdated();
    }

    // -------------------------------------------------------------------- views

    /// @inheritdoc IFiringCertificate
    function hasCertificate(address holder) external view returns (bool) {
        return _holders[holder].tokenId != 0;
    }

    /// @notice `holder`'s certificate: token id (0 if none), quiz version, score, mint time, and
    /// whether the holder is barred after a revocation.
    function certificateOf(address holder)
        external
        view
        returns (uint256 tokenId, uint256 quizVersion, uint256 score, uint256 mintedAt, bool barred)
    {
        HolderState memory state = _holders[holder];
        return (state.tokenId, state.quizVersion, state.score, state.mintedAt, state.barred);
    }

    /// @notice True once `nonce` was used by a mint or invalidated.
    function nonceUsed(uint256 nonce) external view returns (bool) {
        return _nonceUsed[nonce];
    }

    /// @notice The lowest quiz version whose attestations are accepted.
    function minQuizVersion() external view returns (uint256) {
        return _minQuizVersion;
    }

    /// @notice Number of live (minted and not revoked) certificates.
    function totalSupply() external view returns (uint256) {
        return _liveSupply;
    }

    /// @inheritdoc IERC5192
    /// @dev Always true; reverts with ERC721NonexistentToken for an unknown token.
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return true;
    }

    /// @inheritdoc IERC7572
    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721, AccessControl)
        returns (bool)
    {
        return interfaceId == type(IERC5192).interfaceId || interfaceId == bytes4(0x49064906) // ERC-4906
            || interfaceId == type(IFiringCertificate).interfaceId || ERC721.supportsInterface(interfaceId)
            || AccessControl.supportsInterface(interfaceId);
    }

    // --------------------------------------------------------------- soulbound

    /// @notice Always reverts: certificates cannot be approved.
    function approve(address, uint256) public pure override {
        revert FiringCertificateSoulbound();
    }

    /// @notice Always reverts: certificates cannot be approved.
    function setApprovalForAll(address, bool) public pure override {
        revert FiringCertificateSoulbound();
    }

    /// @dev Only mint (from == 0) and burn (to == 0) pass; every transfer path ends here.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        address from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) revert FiringCertificateSoulbound();
        return super._update(to, tokenId, auth);
    }

    /// @notice The metadata of certificate `tokenId`: one JSON shared by every certificate (they
    /// are identical badges; each holder's quiz version and score are in `certificateOf`).
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        return _tokenURI;
    }
}
