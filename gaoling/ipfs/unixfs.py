"""Build UnixFS DAGs exactly as Kubo's `ipfs add` (and ipfs-unixfs-importer) lay them out.

Defaults match `ipfs add`: 256 KiB fixed-size chunks, a balanced DAG of at most 174 links per
node, dag-pb leaves under CIDv0, raw leaves under CIDv1 (`--cid-version 1`), and directories
that switch to a HAMT shard (fanout 256, murmur3-x64-64) once the estimated size of their
links (name bytes + CID bytes) exceeds 256 KiB. The reference we check against in the tests is
the npm `ipfs-unixfs-importer` with the same settings.

Every block goes to `put(cid, block)` as soon as it exists, so a 50 MB file is never held in
memory, and `put=None` computes CIDs only (`ipfs add --only-hash`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple, Union

import mmh3

from . import pb
from .cid import pb_cid, raw_cid

Put = Callable[[bytes, bytes], None]

CHUNK_SIZE = 262_144
MAX_LINKS = 174
SHARD_THRESHOLD = 262_144
HAMT_FANOUT = 256
HAMT_HASH_MURMUR3_X64_64 = 0x22


class ImportError_(ValueError):
    """An input cannot be imported (symlink, undecodable name, ...). Named with a trailing
    underscore so that it never shadows the builtin ImportError."""


@dataclass(frozen=True)
class ImportOptions:
    """What `ipfs add` flags we reproduce. `raw_leaves=None` follows Kubo: raw leaves exactly
    when CIDv1 is chosen."""

    cid_version: int = 0
    raw_leaves: bool | None = None
    chunk_size: int = CHUNK_SIZE
    max_links: int = MAX_LINKS
    shard_threshold: int = SHARD_THRESHOLD
    hidden: bool = False

    def __post_init__(self) -> None:
        if self.cid_version not in (0, 1):
            raise ValueError(f"cid_version must be 0 or 1, not {self.cid_version!r}")
        if self.raw_leaves and self.cid_version == 0:
            # Kubo upgrades to CIDv1 in this case; we prefer to make the caller say it.
            raise ValueError("raw_leaves needs cid_version=1 (raw blocks have no CIDv0 form)")
        if self.chunk_size <= 0 or self.max_links < 2:
            raise ValueError("chunk_size must be > 0 and max_links >= 2")

    @property
    def leaves_raw(self) -> bool:
        return self.cid_version == 1 if self.raw_leaves is None else self.raw_leaves


class Entry(NamedTuple):
    """A node in the DAG: its binary CID and its cumulative size (the Tsize a parent link
    records). `in_estimate` is False for directories built from content, which the
    reference importer does not count when it estimates the parent's size."""

    cid: bytes
    size: int
    in_estimate: bool = True


# A virtual tree for `add_tree`: a name maps to file bytes or to a sub-tree.
Tree = Mapping[str, Union[bytes, "Tree"]]


class Importer:
    def __init__(self, options: ImportOptions | None = None, put: Put | None = None) -> None:
        self.options = options or ImportOptions()
        self._put = put
        self._v = self.options.cid_version
        self._raw = self.options.leaves_raw

    # --- files -------------------------------------------------------------------------------

    def add_bytes(self, data: bytes) -> Entry:
        size = self.options.chunk_size
        if len(data) <= size:
            return self._single(data)
        return self._chunks(data[i : i + size] for i in range(0, len(data), size))

    def add_stream(self, stream: BinaryIO) -> Entry:
        size = self.options.chunk_size
        first = stream.read(size)
        if len(first) < size:
            return self._single(first)
        second = stream.read(size)
        if not second:
            return self._single(first)

        def chunks():
            yield first
            yield second
            while chunk := stream.read(size):
                yield chunk

        return self._chunks(chunks())

    def add_file(self, path: str | os.PathLike) -> Entry:
        # Buffered reads: read(n) returns n bytes unless at end of file, which exact chunk
        # boundaries depend on.
        with open(path, "rb") as fh:
            return self.add_stream(fh)

    def _single(self, chunk: bytes) -> Entry:
        """A file of one chunk is its own leaf (reduceSingleLeafToSelf)."""
        cid, tsize, _ = self._leaf(chunk)
        return Entry(cid, tsize)

    def _leaf(self, chunk: bytes) -> tuple[bytes, int, int]:
        if self._raw:
            cid = raw_cid(chunk)
            if self._put is not None:
                self._put(cid, chunk)
            return cid, len(chunk), len(chunk)
        block = pb.encode_node([], pb.unixfs_data(pb.T_FILE, data=chunk, filesize=len(chunk)))
        cid = pb_cid(block, self._v)
        if self._put is not None:
            self._put(cid, block)
        return cid, len(block), len(chunk)

    def _chunks(self, chunks: Iterable[bytes]) -> Entry:
        """Balanced layout: group leaves max_links at a time into parents, then group the
        parents, until one node remains. Each tuple is (cid, tsize, file bytes below)."""
        level = [self._leaf(c) for c in chunks]
        width = self.options.max_links
        while True:
            parents = [self._parent(level[i : i + width]) for i in range(0, len(level), width)]
            if len(parents) == 1:
                cid, tsize, _ = parents[0]
                return Entry(cid, tsize)
            level = parents

    def _parent(self, children: list[tuple[bytes, int, int]]) -> tuple[bytes, int, int]:
        # Zero-length children only arise from an empty chunk, which is always a single leaf;
        # the reference drops such links, and so do we.
        children = [c for c in children if c[2] > 0]
        links = [pb.encode_link(cid, b"", tsize) for cid, tsize, _ in children]
        sizes = [n for _, _, n in children]
        data = pb.unixfs_data(pb.T_FILE, filesize=sum(sizes), blocksizes=sizes)
        block = pb.encode_node(links, data)
        cid = pb_cid(block, self._v)
        if self._put is not None:
            self._put(cid, block)
        return cid, len(block) + sum(c[1] for c in children), sum(sizes)

    # --- directories -------------------------------------------------------------------------

    def directory(self, children: Mapping[bytes, Entry]) -> Entry:
        """A directory node from already-imported children (names as UTF-8 bytes)."""
        estimate = sum(len(name) + len(e.cid) for name, e in children.items() if e.in_estimate)
        if estimate > self.options.shard_threshold:
            return self._hamt(children)
        items = sorted(children.items())
        links = [pb.encode_link(e.cid, name, e.size) for name, e in items]
        block = pb.encode_node(links, pb.unixfs_data(pb.T_DIRECTORY))
        cid = pb_cid(block, self._v)
        if self._put is not None:
            self._put(cid, block)
        # A directory with content is absent from its parent's size estimate (see Entry).
        return Entry(cid, len(block) + sum(e.size for e in children.values()), not children)

    def _hamt(self, children: Mapping[bytes, Entry]) -> Entry:
        items = [(name, e, mmh3.hash64(name, signed=False)[0].to_bytes(8, "big"))
                 for name, e in children.items()]
        cid, size = self._shard(items, 0)
        return Entry(cid, size, False)

    def _shard(self, items: list, depth: int) -> tuple[bytes, int]:
        """One HAMT node. Level `depth` indexes by byte depth%8 of murmur3-x64-64(name) for
        the first 8 levels, then of murmur3(name + bytes([depth // 8])), as hamt-sharding and
        go-unixfs do. A bucket holding one entry links to it as "%02X" + name; a bucket
        holding more becomes a sub-shard linked as "%02X"."""
        byte = depth % 8
        rnd = depth // 8
        buckets: dict[int, list] = {}
        for item in items:
            h = item[2]
            if rnd:
                h = mmh3.hash64(item[0] + bytes([rnd]), signed=False)[0].to_bytes(8, "big")
            buckets.setdefault(h[byte], []).append(item)
        links = []
        bitfield = 0
        total = 0
        for idx in sorted(buckets):
            bitfield |= 1 << idx
            group = buckets[idx]
            label = b"%02X" % idx
            if len(group) == 1:
                name, entry, _ = group[0]
                links.append(pb.encode_link(entry.cid, label + name, entry.size))
                total += entry.size
            else:
                sub_cid, sub_size = self._shard(group, depth + 1)
                links.append(pb.encode_link(sub_cid, label, sub_size))
                total += sub_size
        data = pb.unixfs_data(
            pb.T_HAMT,
            data=bitfield.to_bytes((bitfield.bit_length() + 7) // 8, "big"),
            hash_type=HAMT_HASH_MURMUR3_X64_64,
            fanout=HAMT_FANOUT,
        )
        block = pb.encode_node(links, data)
        cid = pb_cid(block, self._v)
        if self._put is not None:
            self._put(cid, block)
        return cid, len(block) + total

    def add_directory(self, path: str | os.PathLike) -> Entry:
        children: dict[bytes, Entry] = {}
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda d: d.name)
        for d in entries:
            if not self.options.hidden and d.name.startswith("."):
                continue  # `ipfs add -r` skips hidden files unless --hidden
            name = _utf8_name(d.path, d.name)
            st = d.stat(follow_symlinks=False)
            if stat.S_ISLNK(st.st_mode):
                raise ImportError_(f"{d.path}: symlinks are not imported; copy the target in")
            if stat.S_ISDIR(st.st_mode):
                children[name] = self.add_directory(d.path)
            elif stat.S_ISREG(st.st_mode):
                children[name] = self.add_file(d.path)
            else:
                raise ImportError_(f"{d.path}: not a regular file or directory")
        return self.directory(children)

    def add_path(self, path: str | os.PathLike) -> Entry:
        """`ipfs add [-r] PATH`: the CID of the file, or of the directory itself."""
        p = Path(path)
        if p.is_symlink():
            raise ImportError_(f"{p}: symlinks are not imported; copy the target in")
        if p.is_dir():
            return self.add_directory(p)
        if p.is_file():
            return self.add_file(p)
        raise ImportError_(f"{p}: no such file or directory")

    def add_tree(self, tree: Tree) -> Entry:
        """A directory from an in-memory tree: {name: bytes | {name: ...}}."""
        children: dict[bytes, Entry] = {}
        for name, value in tree.items():
            if not name or "/" in name or name in (".", ".."):
                raise ImportError_(f"invalid directory entry name {name!r}")
            key = name.encode("utf-8")
            if isinstance(value, (bytes, bytearray, memoryview)):
                children[key] = self.add_bytes(bytes(value))
            else:
                children[key] = self.add_tree(value)
        return self.directory(children)


def _utf8_name(path: str, name: str) -> bytes:
    try:
        return name.encode("utf-8")
    except UnicodeEncodeError:
        raise ImportError_(f"{path}: file name is not valid UTF-8; rename it") from None
