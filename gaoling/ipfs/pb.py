"""dag-pb and UnixFS protobuf encoding, written by hand.

No maintained Python library encodes dag-pb nodes with UnixFS data the way Kubo does
(links before data, names always present, Tsize on every link), so the few protobuf messages
involved are encoded here directly. Field numbers follow the dag-pb spec and unixfs.proto:

    PBNode { 2: repeated PBLink Links; 1: bytes Data }      -- Links are serialised first
    PBLink { 1: bytes Hash; 2: string Name; 3: uint64 Tsize }
    Data   { 1: Type; 2: bytes Data; 3: filesize; 4: repeated blocksizes; 5: hashType; 6: fanout }

The decoder is deliberately strict: it is used to walk DAGs that come back from remote
backends, so anything unexpected raises `PBDecodeError` instead of being skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# UnixFS Data.Type values.
T_RAW, T_DIRECTORY, T_FILE, T_METADATA, T_SYMLINK, T_HAMT = 0, 1, 2, 3, 4, 5


class PBDecodeError(ValueError):
    """A block is not valid dag-pb / UnixFS."""


_SMALL = [bytes([i]) for i in range(128)]


def varint(n: int) -> bytes:
    if n < 128:
        return _SMALL[n]
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def encode_link(cid: bytes, name: bytes, tsize: int) -> bytes:
    """One PBNode.Links entry, including its field tag and length prefix."""
    inner = b"".join(
        (b"\x0a", varint(len(cid)), cid, b"\x12", varint(len(name)), name, b"\x18", varint(tsize))
    )
    return b"\x12" + varint(len(inner)) + inner


def encode_node(links: list[bytes], data: bytes | None) -> bytes:
    """A PBNode from pre-encoded links (see `encode_link`) and an optional Data field."""
    if data is None:
        return b"".join(links)
    return b"".join(links) + b"\x0a" + varint(len(data)) + data


def unixfs_data(
    type_: int,
    data: bytes | None = None,
    filesize: int | None = None,
    blocksizes: list[int] | None = None,
    hash_type: int | None = None,
    fanout: int | None = None,
) -> bytes:
    parts = [b"\x08", varint(type_)]
    if data:
        parts += [b"\x12", varint(len(data)), data]
    if filesize is not None:
        parts += [b"\x18", varint(filesize)]
    if blocksizes:
        for size in blocksizes:
            parts += [b"\x20", varint(size)]
    if hash_type is not None:
        parts += [b"\x28", varint(hash_type)]
    if fanout is not None:
        parts += [b"\x30", varint(fanout)]
    return b"".join(parts)


# --- decoding -------------------------------------------------------------------------------


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if i >= len(buf):
            raise PBDecodeError("truncated varint")
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7
        if shift > 63:
            raise PBDecodeError("varint too long")


def _fields(buf: bytes):
    i = 0
    n = len(buf)
    while i < n:
        key, i = _read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = _read_varint(buf, i)
        elif wire == 2:
            ln, i = _read_varint(buf, i)
            if i + ln > n:
                raise PBDecodeError("truncated length-delimited field")
            val = buf[i : i + ln]
            i += ln
        else:
            raise PBDecodeError(f"unsupported protobuf wire type {wire}")
        yield num, wire, val


@dataclass
class PBLink:
    cid: bytes
    name: str
    tsize: int | None


@dataclass
class PBNode:
    links: list[PBLink] = field(default_factory=list)
    data: bytes | None = None


@dataclass
class UnixFSData:
    type: int
    data: bytes = b""
    filesize: int | None = None
    blocksizes: list[int] = field(default_factory=list)
    hash_type: int | None = None
    fanout: int | None = None


def decode_node(block: bytes) -> PBNode:
    node = PBNode()
    for num, wire, val in _fields(block):
        if num == 2 and wire == 2:
            cid, name, tsize = None, "", None
            for lnum, lwire, lval in _fields(val):
                if lnum == 1 and lwire == 2:
                    cid = bytes(lval)
                elif lnum == 2 and lwire == 2:
                    name = bytes(lval).decode("utf-8")
                elif lnum == 3 and lwire == 0:
                    tsize = lval
                else:
                    raise PBDecodeError(f"unexpected PBLink field {lnum}")
            if cid is None:
                raise PBDecodeError("PBLink without Hash")
            node.links.append(PBLink(cid, name, tsize))
        elif num == 1 and wire == 2:
            node.data = bytes(val)
        else:
            raise PBDecodeError(f"unexpected PBNode field {num}")
    return node


def decode_unixfs(data: bytes) -> UnixFSData:
    out = UnixFSData(type=-1)
    for num, wire, val in _fields(data):
        if num == 1 and wire == 0:
            out.type = val
        elif num == 2 and wire == 2:
            out.data = bytes(val)
        elif num == 3 and wire == 0:
            out.filesize = val
        elif num == 4 and wire == 0:
            out.blocksizes.append(val)
        elif num == 5 and wire == 0:
            out.hash_type = val
        elif num == 6 and wire == 0:
            out.fanout = val
        # mode (7) and mtime (8) are legal but carry nothing we check
    if out.type < 0:
        raise PBDecodeError("UnixFS Data without Type")
    return out
