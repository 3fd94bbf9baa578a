"""GaolingArtworks: the content-hash registry, per-token royalties, metadata and roles."""

import ape
import pytest
from tests.auction.auction_helpers import content_hash, work

IERC721, IERC2981, IERC4906, IACCESS = "0x80ac58cd", "0x2a55205a", "0x49064906", "0x7965db0b"


def test_mint_registers_hash_and_royalty(artworks, admin, alice, artist):
    digest = content_hash("celadon vase master")
    tx = artworks.mint(alice, work(artist, 800, digest, "bafyvase"), sender=admin)
    assert tx.events.filter(artworks.ArtworkRegistered) == [
        artworks.ArtworkRegistered(tokenId=1, contentHash=digest, artist=artist, royaltyBps=800, cid="bafyvase")
    ]
    assert tx.events.filter(artworks.MetadataUpdate) == [artworks.MetadataUpdate(_tokenId=1)]
    assert artworks.ownerOf(1) == alice
    assert artworks.tokenOfContentHash(digest) == 1
    assert artworks.isRegistered(digest)
    assert artworks.contentHashOf(1) == digest
    assert artworks.artistOf(1) == artist
    assert artworks.royaltyInfo(1, 10_000) == (artist.address, 800)
    assert artworks.tokenURI(1) == "ipfs://bafyvase"
    assert artworks.totalMinted() == 1


def test_duplicate_hash_is_refused(artworks, admin, alice, bob, artist):
    digest = content_hash("one master")
    artworks.mint(alice, work(artist, digest=digest), sender=admin)
    with ape.reverts(artworks.GaolingArtworksDuplicateContentHash, contentHash=digest, tokenId=1):
        artworks.mint(bob, work(artist, digest=digest), sender=admin)
    with ape.reverts(artworks.GaolingArtworksDuplicateContentHash):
        artworks.mintToAuction(bob, work(artist, digest=digest), 10**18, 86400, sender=admin)


def test_unknown_hash_lookup(artworks):
    digest = content_hash("never minted")
    assert not artworks.isRegistered(digest)
    with ape.reverts(artworks.GaolingArtworksUnknownContentHash, contentHash=digest):
        artworks.tokenOfContentHash(digest)


@pytest.mark.parametrize("bps", [249, 1_001, 0])
def test_royalty_bounds(artworks, admin, alice, artist, bps):
    with ape.reverts(artworks.GaolingArtworksRoyaltyOutOfBounds, royaltyBps=bps, min=250, max=1_000):
        artworks.mint(alice, work(artist, bps), sender=admin)


@pytest.mark.parametrize("bps", [250, 1_000])
def test_royalty_bound_values_accepted(artworks, admin, alice, artist, bps):
    artworks.mint(alice, work(artist, bps), sender=admin)
    assert artworks.royaltyInfo(1, 10_000)[1] == bps


def test_bad_inputs(artworks, admin, alice, artist):
    zero = ape.utils.ZERO_ADDRESS
    with ape.reverts(artworks.GaolingArtworksZeroAddress, field="to"):
        artworks.mint(zero, work(artist), sender=admin)
    with ape.reverts(artworks.GaolingArtworksZeroAddress, field="artist"):
        artworks.mint(alice, work(zero), sender=admin)
    with ape.reverts(artworks.GaolingArtworksZeroContentHash):
        artworks.mint(alice, (artist.address, 500, bytes(32), "bafy"), sender=admin)
    with ape.reverts(artworks.GaolingArtworksEmptyCID):
        artworks.mint(alice, work(artist, cid=""), sender=admin)


def test_only_curator_mints(artworks, alice, artist):
    with ape.reverts(artworks.AccessControlUnauthorizedAccount):
        artworks.mint(alice, work(artist), sender=alice)
    with ape.reverts(artworks.AccessControlUnauthorizedAccount):
        artworks.mintToAuction(alice, work(artist), 10**18, 86400, sender=alice)


def test_mint_to_auction_needs_house(project, admin, alice, artist):
    fresh = project.GaolingArtworks.deploy("A", "A", admin, "", sender=admin)
    with ape.reverts(fresh.GaolingArtworksNoAuctionHouse):
        fresh.mintToAuction(alice, work(artist), 10**18, 86400, sender=admin)


def test_artist_moves_royalty(artworks, admin, alice, artist, carol):
    artworks.mint(alice, work(artist, 700), sender=admin)
    with ape.reverts(artworks.GaolingArtworksNotArtist, tokenId=1, caller=alice):
        artworks.setArtist(1, carol, sender=alice)
    tx = artworks.setArtist(1, carol, sender=artist)
    assert tx.events == [artworks.ArtistUpdated(tokenId=1, previousArtist=artist, newArtist=carol)]
    assert artworks.royaltyInfo(1, 10_000) == (carol.address, 700)


def test_curator_corrects_cid(artworks, admin, alice, artist):
    artworks.mint(alice, work(artist), sender=admin)
    tx = artworks.setTokenCID(1, "bafynew", sender=admin)
    assert tx.events == [artworks.MetadataUpdate(_tokenId=1)]
    assert artworks.tokenURI(1) == "ipfs://bafynew"
    with ape.reverts(artworks.AccessControlUnauthorizedAccount):
        artworks.setTokenCID(1, "bafyx", sender=alice)
    with ape.reverts(artworks.GaolingArtworksEmptyCID):
        artworks.setTokenCID(1, "", sender=admin)


def test_contract_uri_and_house(artworks, admin, alice, house):
    assert artworks.contractURI() == "ipfs://bafycollection"
    tx = artworks.setContractURI("ipfs://bafyv2", sender=admin)
    assert tx.events == [artworks.ContractURIUpdated()]
    assert artworks.contractURI() == "ipfs://bafyv2"
    tx = artworks.setAuctionHouse(alice, sender=admin)
    assert tx.events == [artworks.AuctionHouseUpdated(auctionHouse=alice)]
    with ape.reverts(artworks.AccessControlUnauthorizedAccount):
        artworks.setContractURI("x", sender=alice)
    with ape.reverts(artworks.AccessControlUnauthorizedAccount):
        artworks.setAuctionHouse(alice, sender=alice)


def test_interfaces(artworks):
    for interface_id in (IERC721, IERC2981, IERC4906, IACCESS):
        assert artworks.supportsInterface(interface_id)
    assert not artworks.supportsInterface("0xffffffff")
