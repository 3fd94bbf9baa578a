"""Deployment checks, standards, metadata, royalty and the transfer policy."""

import ape
import pytest

from tests.edition.conftest import DAY, FREE, HOLDING, PRICE, SOULBOUND

INTERFACES = {
    "ERC165": "0x01ffc9a7",
    "ERC721": "0x80ac58cd",
    "ERC721Metadata": "0x5b5e139f",
    "ERC2981": "0x2a55205a",
    "ERC4906": "0x49064906",
    "ERC5192": "0xb45a3c0e",
    "AccessControl": "0x7965db0b",
}


@pytest.mark.parametrize("name", INTERFACES)
def test_supports_interface(edition, name):
    assert edition.supportsInterface(INTERFACES[name])


def test_does_not_claim_unknown_interfaces(edition):
    assert not edition.supportsInterface("0xffffffff")
    assert not edition.supportsInterface("0x12345678")


@pytest.mark.parametrize(
    "overrides, error",
    [
        (dict(cap=0), "EditionInvalidCap"),
        (dict(royaltyBps=249), "EditionRoyaltyOutOfRange"),
        (dict(royaltyBps=1001), "EditionRoyaltyOutOfRange"),
        (dict(royaltyReceiver="0x" + "00" * 20), "EditionInvalidRoyaltyReceiver"),
        (dict(admin="0x" + "00" * 20), "EditionInvalidAdmin"),
        (dict(transferPolicy=HOLDING, holdingPeriod=0), "EditionInvalidHoldingPeriod"),
        (dict(transferPolicy=HOLDING, holdingPeriod=3651 * DAY), "EditionInvalidHoldingPeriod"),
        (dict(transferPolicy=FREE, holdingPeriod=DAY), "EditionInvalidHoldingPeriod"),
        (dict(payeeBps=[6000, 2500, 1000]), "RevenueSplitSharesNotTotal"),
        (dict(payeeBps=[6000, 4000]), "RevenueSplitInvalidPayees"),
        (dict(payees=[], payeeBps=[]), "RevenueSplitInvalidPayees"),
    ],
)
def test_bad_deploy_arguments_revert(project, admin, make_init, overrides, error):
    with ape.reverts(getattr(project.GaolingEdition, error)):
        admin.deploy(project.GaolingEdition, make_init(**overrides))


def test_duplicate_payee_reverts(project, admin, make_init, issuer):
    init = make_init(payees=[issuer.address, issuer.address], payeeBps=[5000, 5000])
    with ape.reverts(project.GaolingEdition.RevenueSplitInvalidPayee):
        admin.deploy(project.GaolingEdition, init)


def test_roles_granted_to_admin(edition, admin, stranger):
    for role in ("DEFAULT_ADMIN_ROLE", "SALE_MANAGER_ROLE", "METADATA_ROLE", "ORDER_SIGNER_ROLE", "PAUSER_ROLE"):
        assert edition.hasRole(getattr(edition, role)(), admin)
        assert not edition.hasRole(getattr(edition, role)(), stranger)


# ------------------------------------------------------------------ metadata


def test_token_uri_is_base_plus_id(edition, alice):
    edition.mintPublic(2, value=2 * PRICE, sender=alice)
    assert edition.tokenURI(2) == edition.baseURI() + "2"
    with ape.reverts():
        edition.tokenURI(3)


def test_base_uri_update_emits_erc4906_until_frozen(edition, admin, stranger):
    new = "ipfs://bafybeihkoviema7g3gxyt6la7vd5ho32ictqbilu3wnlo3rs7ewhnp7lly/"
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.setBaseURI(new, sender=stranger)
    tx = edition.setBaseURI(new, sender=admin)
    batch = tx.decode_logs(edition.BatchMetadataUpdate)[0]
    assert (batch._fromTokenId, batch._toTokenId) == (1, 2**256 - 1)
    assert edition.baseURI() == new
    tx = edition.freezeMetadata(sender=admin)
    assert tx.decode_logs(edition.MetadataFrozen)[0].baseURI == new
    assert edition.metadataFrozen()
    with ape.reverts(edition.EditionMetadataFrozen):
        edition.setBaseURI("ipfs://x/", sender=admin)
    with ape.reverts(edition.EditionMetadataFrozen):
        edition.freezeMetadata(sender=admin)


def test_contract_uri_erc7572(edition, admin, stranger):
    assert edition.contractURI().startswith("ipfs://")
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.setContractURI("ipfs://new", sender=stranger)
    tx = edition.setContractURI("ipfs://new", sender=admin)
    assert len(tx.decode_logs(edition.ContractURIUpdated)) == 1
    assert edition.contractURI() == "ipfs://new"


# ------------------------------------------------------------------ royalty


def test_royalty_info(edition, artist, alice):
    edition.mintPublic(1, value=PRICE, sender=alice)
    receiver, amount = edition.royaltyInfo(1, 10**18)
    assert receiver == artist and amount == 5 * 10**16


@pytest.mark.parametrize("bps, ok", [(249, False), (250, True), (1000, True), (1001, False)])
def test_royalty_bounds_on_update(edition, admin, artist, bps, ok):
    if ok:
        tx = edition.setRoyalty(artist, bps, sender=admin)
        assert tx.decode_logs(edition.RoyaltyUpdated)[0].bps == bps
        assert edition.royaltyInfo(1, 10_000)[1] == bps
    else:
        with ape.reverts(edition.EditionRoyaltyOutOfRange, bps=bps):
            edition.setRoyalty(artist, bps, sender=admin)


def test_only_admin_sets_royalty(edition, stranger):
    with ape.reverts(edition.AccessControlUnauthorizedAccount):
        edition.setRoyalty(stranger, 500, sender=stranger)


# ------------------------------------------------------------------ transfer policy


def test_free_policy_never_locks(edition, alice, bob):
    edition.mintPublic(1, value=PRICE, sender=alice)
    assert edition.locked(1) is False and edition.unlocksAt(1) == 0
    edition.transferFrom(alice, bob, 1, sender=alice)
    assert edition.ownerOf(1) == bob


def test_locked_reverts_for_nonexistent_token(edition):
    with ape.reverts(edition.EditionNonexistentToken, tokenId=1):
        edition.locked(1)


def test_soulbound_policy(deploy_edition, alice, bob):
    edition = deploy_edition(transferPolicy=SOULBOUND)
    tx = edition.mintPublic(2, value=2 * PRICE, sender=alice)
    assert [e.tokenId for e in tx.decode_logs(edition.Locked)] == [1, 2]
    assert edition.locked(1) and edition.locked(2)
    with ape.reverts(edition.EditionSoulbound, tokenId=1):
        edition.transferFrom(alice, bob, 1, sender=alice)
    with ape.reverts(edition.EditionSoulbound, tokenId=2):
        edition.safeTransferFrom(alice, bob, 2, sender=alice)


def test_holding_period_counts_from_mint(deploy_edition, alice, bob, carol, chain):
    period = 180 * DAY
    edition = deploy_edition(transferPolicy=HOLDING, holdingPeriod=period)
    tx = edition.mintPublic(3, value=3 * PRICE, sender=alice)
    minted_at = chain.blocks[tx.block_number].timestamp
    unlocks = minted_at + period
    assert len(tx.decode_logs(edition.Locked)) == 3
    assert edition.locked(3) and edition.unlocksAt(3) == unlocks

    chain.pending_timestamp = unlocks - 1
    with ape.reverts(edition.EditionTokenLocked, tokenId=2, unlocksAt=unlocks):
        edition.transferFrom(alice, bob, 2, sender=alice)

    chain.pending_timestamp = unlocks
    edition.transferFrom(alice, bob, 2, sender=alice)
    chain.mine()
    # once past the period, a token stays free with every later owner
    assert edition.locked(2) is False and edition.unlocksAt(2) == 0
    edition.transferFrom(bob, carol, 2, sender=bob)
    assert edition.ownerOf(2) == carol
    # its untransferred neighbours of the same batch are unlocked by time, not by the transfer
    assert edition.locked(3) is False and edition.ownerOf(3) == alice


def test_holding_period_transferred_token_not_relocked(deploy_edition, alice, bob, chain):
    period = DAY
    edition = deploy_edition(transferPolicy=HOLDING, holdingPeriod=period)
    edition.mintPublic(1, value=PRICE, sender=alice)
    chain.pending_timestamp += period + 1
    edition.transferFrom(alice, bob, 1, sender=alice)
    chain.mine()
    # Bob acquired it just now; the period counts from mint, so it is still free.
    assert edition.locked(1) is False
    edition.transferFrom(bob, alice, 1, sender=bob)
