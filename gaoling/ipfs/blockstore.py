"""Block stores: where imported blocks live until (and after) they are pinned.

`FsBlockstore` is the default local store (no server needed): one file per block under
`<root>/blocks/<2 chars>/<CID>`, written atomically (temporary file + rename) so a crash never
leaves a truncated block that would later be served under a valid CID.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from . import cid as cids
from .pb import T_FILE, T_HAMT, T_DIRECTORY, decode_node, decode_unixfs


class MissingBlock(KeyError):
    """A block the DAG needs is not in the store."""


class Blockstore(Protocol):
    def put(self, cid: bytes, block: bytes) -> None: ...
    def get(self, cid: bytes) -> bytes: ...
    def has(self, cid: bytes) -> bool: ...


class MemoryBlockstore:
    def __init__(self) -> None:
        self.blocks: dict[bytes, bytes] = {}

    def put(self, cid: bytes, block: bytes) -> None:
        self.blocks[cid] = block

    def get(self, cid: bytes) -> bytes:
        try:
            return self.blocks[cid]
        except KeyError:
            raise MissingBlock(cids.to_str(cid)) from None

    def has(self, cid: bytes) -> bool:
        return cid in self.blocks


class FsBlockstore:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self._dir = self.root / "blocks"
        self._made: set[str] = set()

    def _path(self, cid: bytes) -> Path:
        name = cids.to_str(cid)
        return self._dir / name[-3:-1] / name

    def put(self, cid: bytes, block: bytes) -> None:
        path = self._path(cid)
        shard = path.parent.name
        if shard not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(shard)
        if path.exists():
            return  # content-addressed: an existing block is already right
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(block)
        os.replace(tmp, path)

    def get(self, cid: bytes) -> bytes:
        try:
            return self._path(cid).read_bytes()
        except FileNotFoundError:
            raise MissingBlock(cids.to_str(cid)) from None

    def has(self, cid: bytes) -> bool:
        return self._path(cid).exists()


def walk_dag(store: Blockstore, root: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Every block reachable from `root`, depth-first, each once: the order `ipfs dag export`
    uses. Raw blocks have no links; dag-pb blocks are decoded to follow theirs."""
    seen: set[bytes] = set()
    stack = [root]
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        block = store.get(c)
        yield c, block
        if cids.codec_of(c) == cids.DAG_PB:
            links = decode_node(block).links
            stack.extend(link.cid for link in reversed(links))


def read_file(store: Blockstore, root: bytes) -> bytes:
    """The bytes of a UnixFS file (used by verification and by the tests)."""
    if cids.codec_of(root) == cids.RAW:
        return store.get(root)
    node = decode_node(store.get(root))
    fs = decode_unixfs(node.data or b"")
    if fs.type in (T_DIRECTORY, T_HAMT):
        raise IsADirectoryError(cids.to_str(root))
    if fs.type != T_FILE and fs.type != 0:
        raise ValueError(f"{cids.to_str(root)} is UnixFS type {fs.type}, not a file")
    return fs.data + b"".join(read_file(store, link.cid) for link in node.links)


def list_directory(store: Blockstore, root: bytes) -> dict[str, bytes]:
    """Name -> CID of a UnixFS directory, basic or HAMT-sharded (sub-shards flattened)."""
    node = decode_node(store.get(root))
    fs = decode_unixfs(node.data or b"")
    if fs.type == T_DIRECTORY:
        return {link.name: link.cid for link in node.links}
    if fs.type != T_HAMT:
        raise NotADirectoryError(cids.to_str(root))
    out: dict[str, bytes] = {}
    for link in node.links:
        if len(link.name) == 2:  # a bare bucket label: a sub-shard
            out.update(list_directory(store, link.cid))
        else:
            out[link.name[2:]] = link.cid
    return out


def lookup(store: Blockstore, directory: bytes, name: str) -> bytes:
    """The CID that `name` names in a UnixFS directory, found as a gateway finds it: a basic
    directory by its links, a HAMT shard by walking the buckets that murmur3-x64-64(name) selects
    (never by listing all entries). Raises FileNotFoundError when there is no such entry."""
    import mmh3

    key = name.encode()
    node = decode_node(store.get(directory))
    fs = decode_unixfs(node.data or b"")
    if fs.type == T_DIRECTORY:
        for link in node.links:
            if link.name == name:
                return link.cid
        raise FileNotFoundError(f"{cids.to_str(directory)} has no entry {name!r}")
    if fs.type != T_HAMT:
        raise NotADirectoryError(cids.to_str(directory))
    depth = 0
    while True:
        rnd, byte = divmod(depth, 8)
        digest = mmh3.hash64(key + (bytes([rnd]) if rnd else b""), signed=False)[0].to_bytes(8, "big")
        label = "%02X" % digest[byte]
        sub = None
        for link in node.links:
            if link.name == label + name:
                return link.cid
            if link.name == label:
                sub = link.cid
        if sub is None:
            raise FileNotFoundError(f"{cids.to_str(directory)} has no entry {name!r}")
        node = decode_node(store.get(sub))
        depth += 1


def resolve_uri(store: Blockstore, uri: str) -> bytes:
    """The bytes of the file `ipfs://<CID>[/path...]` names, read from `store`."""
    if not uri.startswith("ipfs://"):
        raise ValueError(f"{uri!r} is not an ipfs:// URI")
    root, *parts = uri[len("ipfs://"):].split("/")
    current = cids.parse(root)
    for part in parts:
        if part:
            current = lookup(store, current, part)
    return read_file(store, current)
