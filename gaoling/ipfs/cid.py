"""CID helpers. Parsing and text encoding go through the `multiformats` library; inside the
importer CIDs stay as their binary form (the bytes a dag-pb link carries), which is what the hot
path needs. Only sha2-256 is produced, as Kubo does by default."""

from __future__ import annotations

import base64
import hashlib

from multiformats import CID, multihash

DAG_PB = 0x70
RAW = 0x55
SHA2_256 = 0x12

_V0_PREFIX = b"\x12\x20"
_V1_PB_PREFIX = b"\x01\x70\x12\x20"
_V1_RAW_PREFIX = b"\x01\x55\x12\x20"


class CIDError(ValueError):
    """A string or byte sequence is not a CID we can use."""


def pb_cid(block: bytes, version: int) -> bytes:
    """Binary CID of a dag-pb block (CIDv0 is the bare multihash)."""
    digest = hashlib.sha256(block).digest()
    return (_V0_PREFIX if version == 0 else _V1_PB_PREFIX) + digest


def raw_cid(block: bytes) -> bytes:
    return _V1_RAW_PREFIX + hashlib.sha256(block).digest()


def to_str(cid: bytes) -> str:
    """Canonical text form: base58btc for CIDv0, lowercase base32 multibase for CIDv1."""
    if cid[:2] == _V0_PREFIX and len(cid) == 34:
        return str(CID.decode(cid))
    # base32 through the C implementation in the stdlib: the same alphabet multibase uses,
    # lowercased and unpadded, with the 'b' multibase prefix.
    return "b" + base64.b32encode(cid).decode("ascii").lower().rstrip("=")


def parse(text: str | bytes) -> bytes:
    """Binary CID from its text or binary form; raises CIDError with the offending value."""
    try:
        cid = CID.decode(text)
    except Exception as exc:  # multiformats raises several exception types
        raise CIDError(f"not a valid CID: {text!r} ({exc})") from None
    return bytes(cid)


def codec_of(cid: bytes) -> int:
    if len(cid) == 34 and cid[:2] == _V0_PREFIX:
        return DAG_PB
    try:
        return CID.decode(cid).codec.code
    except Exception as exc:
        raise CIDError(f"not a valid CID: {cid.hex()} ({exc})") from None


def version_of(cid: bytes) -> int:
    return 0 if (len(cid) == 34 and cid[:2] == _V0_PREFIX) else 1


def block_matches(cid: bytes, block: bytes) -> bool:
    """True when `block` hashes to the multihash inside `cid`."""
    if len(cid) == 34 and cid[:2] == _V0_PREFIX:
        return hashlib.sha256(block).digest() == cid[2:]
    if len(cid) == 36 and cid[0] == 1 and cid[2:4] == b"\x12\x20":  # v1, sha2-256: the hot case
        return hashlib.sha256(block).digest() == cid[4:]
    try:
        c = CID.decode(cid)
        return bytes(multihash.digest(block, c.hashfun.name)) == bytes(c.digest)
    except Exception:
        return False
