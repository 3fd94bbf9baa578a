"""Unique artworks: the sha256 of a master file, validation of a work before it is minted, and
minting it (to the artist, or straight into an auction) on a `GaolingArtworks` collection.

Everything that can be checked before a transaction is checked here, and a bad input raises
`ArtworkInputError` naming the argument, so that a script never sends a doomed transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import is_address, to_checksum_address
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

MIN_ROYALTY_BPS = 250
MAX_ROYALTY_BPS = 1_000
_CHUNK = 1 << 20


class ArtworkInputError(ValueError):
    """A bad input, named by `argument` (the option or field to fix)."""

    def __init__(self, argument: str, message: str):
        self.argument = argument
        super().__init__(f"{argument}: {message}")


def sha256_file(path: str | Path) -> bytes:
    """The sha256 digest of a master file, streamed in 1 MiB chunks."""
    path = Path(path)
    if not path.is_file():
        raise ArtworkInputError("master", f"{path} is not a readable file")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.digest()


def parse_content_hash(value: str | bytes) -> bytes:
    """A 32-byte digest from bytes or a 0x-prefixed / bare 64-digit hex string."""
    if isinstance(value, bytes):
        raw = value
    else:
        text = value[2:] if value.startswith(("0x", "0X")) else value
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raise ArtworkInputError("content_hash", f"{value!r} is not hex") from None
    if len(raw) != 32:
        raise ArtworkInputError("content_hash", f"must be 32 bytes (a sha256 digest), got {len(raw)}")
    if raw == bytes(32):
        raise ArtworkInputError("content_hash", "must not be zero")
    return raw


def normalise_cid(value: str) -> str:
    """The bare CID of `ipfs://<cid>` or `<cid>`, checked to decode as a CID."""
    from multiformats import CID

    cid = value.strip().removeprefix("ipfs://").strip("/")
    if not cid:
        raise ArtworkInputError("cid", "is empty; pass the CID of the work's metadata JSON")
    try:
        CID.decode(cid)
    except Exception as exc:  # multiformats raises several error types
        raise ArtworkInputError("cid", f"{value!r} is not a CID ({exc})") from None
    return cid


class ArtworkSpec(BaseModel):
    """A work to mint: its artist, royalty, master-file digest and metadata CID."""

    model_config = ConfigDict(frozen=True)

    artist: str
    royalty_bps: int
    content_hash: bytes
    cid: str

    @field_validator("artist")
    @classmethod
    def _artist(cls, value: str) -> str:
        if not is_address(value) or int(value, 16) == 0:
            raise ValueError(f"{value!r} is not a nonzero address")
        return to_checksum_address(value)

    @field_validator("royalty_bps")
    @classmethod
    def _royalty(cls, value: int) -> int:
        if not MIN_ROYALTY_BPS <= value <= MAX_ROYALTY_BPS:
            raise ValueError(f"{value} is outside {MIN_ROYALTY_BPS}..{MAX_ROYALTY_BPS} bps (2.5%-10%)")
        return value

    @field_validator("content_hash", mode="before")
    @classmethod
    def _hash(cls, value: Any) -> bytes:
        return parse_content_hash(value)

    @field_validator("cid")
    @classmethod
    def _cid(cls, value: str) -> str:
        return normalise_cid(value)

    @classmethod
    def build(cls, **fields: Any) -> "ArtworkSpec":
        """Validates `fields`; the first problem raises ArtworkInputError naming the field."""
        try:
            return cls(**fields)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else "artwork"
            cause = error.get("ctx", {}).get("error")
            if isinstance(cause, ArtworkInputError):
                raise cause from None
            raise ArtworkInputError(field, str(error["msg"]).removeprefix("Value error, ")) from None

    def as_struct(self) -> tuple[str, int, bytes, str]:
        """The `GaolingArtworks.Artwork` struct argument."""
        return (self.artist, self.royalty_bps, self.content_hash, self.cid)


@dataclass(frozen=True)
class MintResult:
    token_id: int
    auction_id: int | None
    content_hash: bytes
    tx_hash: str


def check_not_registered(artworks: Any, content_hash: bytes) -> None:
    """Raises ArtworkInputError("master") if the digest is already registered."""
    if artworks.isRegistered(content_hash):
        token_id = artworks.tokenOfContentHash(content_hash)
        raise ArtworkInputError(
            "master", f"sha256 0x{content_hash.hex()} is already registered as token #{token_id}; "
            "each master file can be minted once"
        )


def check_curator(artworks: Any, sender: Any) -> None:
    """Raises ArtworkInputError("account") unless `sender` holds CURATOR_ROLE."""
    if not artworks.hasRole(artworks.CURATOR_ROLE(), sender):
        raise ArtworkInputError("account", f"{sender} does not hold CURATOR_ROLE on {artworks.address}")


def mint(artworks: Any, spec: ArtworkSpec, to: str, sender: Any) -> MintResult:
    """Checks and mints `spec` to `to` (usually the artist)."""
    if not is_address(to) or int(to, 16) == 0:
        raise ArtworkInputError("to", f"{to!r} is not a nonzero address")
    check_curator(artworks, sender)
    check_not_registered(artworks, spec.content_hash)
    tx = artworks.mint(to, spec.as_struct(), sender=sender)
    event = tx.events.filter(artworks.ArtworkRegistered)[0]
    return MintResult(event.tokenId, None, spec.content_hash, str(tx.txn_hash))


def mint_to_auction(
    artworks: Any, house: Any, spec: ArtworkSpec, seller: str, reserve: int, duration: int, sender: Any
) -> MintResult:
    """Checks and mints `spec` to `seller`, listed at once on the collection's auction house."""
    from gaoling.auction import check_listing_bounds

    if not is_address(seller) or int(seller, 16) == 0:
        raise ArtworkInputError("seller", f"{seller!r} is not a nonzero address")
    if int(artworks.auctionHouse(), 16) == 0:
        raise ArtworkInputError("collection", "has no auction house; an admin must call setAuctionHouse first")
    check_curator(artworks, sender)
    check_not_registered(artworks, spec.content_hash)
    check_listing_bounds(house, reserve, duration)
    tx = artworks.mintToAuction(seller, spec.as_struct(), reserve, duration, sender=sender)
    token_id = tx.events.filter(artworks.ArtworkRegistered)[0].tokenId
    auction_id = tx.events.filter(house.AuctionCreated)[0].auctionId
    return MintResult(token_id, auction_id, spec.content_hash, str(tx.txn_hash))
