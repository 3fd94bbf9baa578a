"""CARv1 read and write (https://ipld.io/specs/transport/car/carv1/).

A CARv1 file is varint(len(header)) + header, then per block varint(len(cid)+len(data)) + cid +
data. The header is the dag-cbor map {"roots": [CID], "version": 1}. No dag-cbor library is
installed here and this one map is all we need, so its CBOR is written and read by hand
(tag 42 carries a CID as bytes with a leading 0x00, as dag-cbor requires).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from . import cid as cids
from .pb import varint


class CarError(ValueError):
    """A CAR stream is malformed or a block does not match its CID."""


def _cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for extra, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * width):
            return bytes([major << 5 | extra]) + n.to_bytes(width, "big")
    raise ValueError("CBOR length too large")


def encode_header(roots: list[bytes]) -> bytes:
    parts = [b"\xa2", b"\x65roots", _cbor_head(4, len(roots))]
    for root in roots:
        parts += [b"\xd8\x2a", _cbor_head(2, len(root) + 1), b"\x00", root]
    parts += [b"\x67version", b"\x01"]
    return b"".join(parts)


def _cbor_decode(buf: bytes, i: int):
    """Decode one CBOR item (the subset a CAR header uses). Returns (value, next index)."""
    if i >= len(buf):
        raise CarError("truncated CAR header")
    ib = buf[i]
    major, info = ib >> 5, ib & 31
    i += 1
    if info < 24:
        n = info
    elif info in (24, 25, 26, 27):
        width = 1 << (info - 24)
        n = int.from_bytes(buf[i : i + width], "big")
        i += width
    else:
        raise CarError("CAR header uses indefinite-length CBOR, which dag-cbor forbids")
    if major == 0:
        return n, i
    if major in (2, 3):
        raw = buf[i : i + n]
        if len(raw) != n:
            raise CarError("truncated CAR header")
        return (bytes(raw) if major == 2 else raw.decode("utf-8")), i + n
    if major == 4:
        out = []
        for _ in range(n):
            v, i = _cbor_decode(buf, i)
            out.append(v)
        return out, i
    if major == 5:
        m = {}
        for _ in range(n):
            k, i = _cbor_decode(buf, i)
            v, i = _cbor_decode(buf, i)
            m[k] = v
        return m, i
    if major == 6 and n == 42:
        v, i = _cbor_decode(buf, i)
        if not isinstance(v, bytes) or not v.startswith(b"\x00"):
            raise CarError("CID tag 42 without 0x00-prefixed bytes")
        return ("cid", v[1:]), i
    raise CarError(f"unexpected CBOR major type {major} in CAR header")


def _read_varint(fh: BinaryIO) -> int | None:
    shift = result = 0
    while True:
        b = fh.read(1)
        if not b:
            if shift == 0:
                return None
            raise CarError("truncated varint in CAR")
        result |= (b[0] & 0x7F) << shift
        if b[0] < 0x80:
            return result
        shift += 7
        if shift > 63:
            raise CarError("varint too long in CAR")


def _split_cid(section: bytes) -> tuple[bytes, bytes]:
    """Split a block section into (cid, data)."""
    if section[:2] == b"\x12\x20":  # CIDv0: a bare sha2-256 multihash
        return section[:34], section[34:]
    i = 0
    parts = 0
    # version, codec, hash code, digest length: four varints, then the digest
    values = []
    while parts < 4:
        shift = v = 0
        while True:
            if i >= len(section):
                raise CarError("truncated CID in CAR block")
            b = section[i]
            i += 1
            v |= (b & 0x7F) << shift
            if b < 0x80:
                break
            shift += 7
        values.append(v)
        parts += 1
    if values[0] != 1:
        raise CarError(f"unsupported CID version {values[0]} in CAR block")
    end = i + values[3]
    return section[:end], section[end:]


def read_car(fh: BinaryIO, verify: bool = True) -> tuple[list[bytes], Iterator[tuple[bytes, bytes]]]:
    """Roots and an iterator of (cid, block). With `verify`, every block is re-hashed and a
    mismatch raises CarError naming the CID."""
    hlen = _read_varint(fh)
    if hlen is None:
        raise CarError("empty CAR stream")
    header, _ = _cbor_decode(fh.read(hlen), 0)
    if not isinstance(header, dict) or header.get("version") != 1:
        raise CarError("not a CARv1 header (version must be 1)")
    roots = [v[1] for v in header.get("roots", []) if isinstance(v, tuple)]

    def blocks():
        while True:
            n = _read_varint(fh)
            if n is None:
                return
            section = fh.read(n)
            if len(section) != n:
                raise CarError("truncated block in CAR")
            c, data = _split_cid(section)
            if verify and not cids.block_matches(c, data):
                raise CarError(f"block {cids.to_str(c)} does not match its CID")
            yield c, data

    return roots, blocks()


class CarWriter:
    """Streams blocks into a CARv1 file whose root is known only at the end.

    The header is written first with a placeholder root of the right length (34 bytes for
    CIDv0, 36 for CIDv1 sha2-256) and patched in place by `close(root)`; the file is built
    under a temporary name and renamed into place, so a crash never leaves a half CAR behind.
    Duplicate blocks (identical files) are written once."""

    def __init__(self, path: str | os.PathLike, cid_version: int) -> None:
        self.path = Path(path)
        self._tmp = self.path.with_name(self.path.name + ".partial")
        self._fh = open(self._tmp, "wb")
        self._placeholder = b"\x00" * (34 if cid_version == 0 else 36)
        self._fh.write(self._encode_header(self._placeholder))
        self._seen: set[bytes] = set()
        self.blocks = 0

    @staticmethod
    def _encode_header(root: bytes) -> bytes:
        h = encode_header([root])
        return varint(len(h)) + h

    def put(self, cid: bytes, block: bytes) -> None:
        if cid in self._seen:
            return
        self._seen.add(cid)
        self._fh.write(varint(len(cid) + len(block)))
        self._fh.write(cid)
        self._fh.write(block)
        self.blocks += 1

    def close(self, root: bytes) -> Path:
        if len(root) != len(self._placeholder):
            raise ValueError("root CID version differs from the one the CAR was opened for")
        self._fh.seek(0)
        self._fh.write(self._encode_header(root))
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)
        return self.path

    def abort(self) -> None:
        self._fh.close()
        self._tmp.unlink(missing_ok=True)


def write_car(out: BinaryIO, roots: list[bytes], blocks: Iterable[tuple[bytes, bytes]]) -> None:
    h = encode_header(roots)
    out.write(varint(len(h)) + h)
    for c, data in blocks:
        out.write(varint(len(c) + len(data)))
        out.write(c)
        out.write(data)


def car_bytes(roots: list[bytes], blocks: Iterable[tuple[bytes, bytes]]) -> bytes:
    import io

    buf = io.BytesIO()
    write_car(buf, roots, blocks)
    return buf.getvalue()
