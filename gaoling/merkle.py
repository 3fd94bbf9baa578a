"""Allowlist Merkle trees in the `@openzeppelin/merkle-tree` StandardMerkleTree format.

The edition contract checks allowlist mints with OpenZeppelin's `MerkleProof`, against a root that
the issuer computes off chain. Issuers, wallets and minting sites already use the npm library
`@openzeppelin/merkle-tree` (1.0.x) for that, so our roots, proofs and dump files match it byte for
byte: a tree built here loads in `StandardMerkleTree.load` and the reverse.

This is written out by hand because there is no maintained Python port of that library; the
format is small and fully specified by its source:
- leaf  = keccak256(keccak256(abi.encode(values...)))   (double hashing: no leaf is a valid node)
- node  = keccak256(sort(a, b))                          (sorted pairs: proofs need no directions)
- leaves are sorted by hash, then laid out as a complete binary tree in one array: leaf i (in
  sorted order) sits at tree[len - 1 - i], node i has children 2i+1 and 2i+2, root at tree[0].
- `dump()` is {"format": "standard-v1", "leafEncoding", "tree" (hex), "values": [{"value",
  "treeIndex"}]} with values in input order.
A test cross-checks all of this against the npm library (tests/edition_py).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_abi import encode as abi_encode
from eth_utils import is_hex_address, keccak, to_checksum_address

from gaoling.inputs import UINT32_MAX, parse_address, parse_uint

FORMAT = "standard-v1"
ALLOWLIST_ENCODING = ("address", "uint256")
ALLOWLIST_HEADER = ("address", "quantity")
_UINT_TYPE = re.compile(r"^uint(\d+)$")


class MerkleTreeError(ValueError):
    """A tree that cannot be built or loaded, or a leaf that is not in it."""


class AllowlistError(ValueError):
    """A problem in an allowlist CSV, located by file, line and (where it applies) column."""

    def __init__(self, path: str | Path, line: int, message: str, column: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = f"{self.path}:{line}" if line else self.path
        if column is not None:
            name = ALLOWLIST_HEADER[column - 1] if column <= len(ALLOWLIST_HEADER) else "extra"
            where += f": column {column} ({name})"
        super().__init__(f"{where}: {message}")


# -- hashing ---------------------------------------------------------------------------------------

def _normalize(leaf_encoding: Sequence[str], value: Sequence[Any]) -> list[Any]:
    """Turns a leaf value (as JSON or the npm library holds it) into what eth_abi encodes."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise MerkleTreeError(f"a leaf value must be a list of {len(leaf_encoding)} items, got {value!r}")
    if len(value) != len(leaf_encoding):
        raise MerkleTreeError(
            f"leaf {list(value)!r} has {len(value)} items but the encoding {list(leaf_encoding)} has "
            f"{len(leaf_encoding)}"
        )
    out: list[Any] = []
    for kind, item in zip(leaf_encoding, value):
        if kind == "address":
            if not isinstance(item, str) or not is_hex_address(item):
                raise MerkleTreeError(f"{item!r} is not an address")
            out.append(to_checksum_address(item))
        elif match := _UINT_TYPE.match(kind):
            bits = int(match.group(1))
            if isinstance(item, str):
                text = item.strip()
                try:
                    item = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
                except ValueError:
                    raise MerkleTreeError(f"{item!r} is not a {kind}") from None
            if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item < 2**bits:
                raise MerkleTreeError(f"{item!r} is not a {kind}")
            out.append(item)
        else:
            # Only what allowlists need, and what the cross-check test covers.
            raise MerkleTreeError(f"leaf type {kind!r} is not supported (only address and uint<N>)")
    return out


def standard_leaf_hash(leaf_encoding: Sequence[str], value: Sequence[Any]) -> bytes:
    """keccak256(keccak256(abi.encode(value))), as the library and OZ's docs prescribe."""
    return keccak(keccak(abi_encode(list(leaf_encoding), _normalize(leaf_encoding, value))))


def standard_node_hash(a: bytes, b: bytes) -> bytes:
    """keccak256 of the two children in ascending order (OZ `MerkleProof`'s commutative hash)."""
    return keccak(a + b if a <= b else b + a)


def _to_bytes32(node: str | bytes) -> bytes:
    if isinstance(node, str):
        text = node[2:] if node.lower().startswith("0x") else node
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raise MerkleTreeError(f"{node!r} is not hex") from None
    else:
        raw = bytes(node)
    if len(raw) != 32:
        raise MerkleTreeError(f"Merkle tree nodes must be 32 bytes, got {len(raw)} in {node!r}")
    return raw


def _hex(node: bytes) -> str:
    return "0x" + node.hex()


def process_proof(leaf_hash: str | bytes, proof: Sequence[str | bytes]) -> bytes:
    """Folds a proof into the root it implies (what `MerkleProof.processProof` computes)."""
    node = _to_bytes32(leaf_hash)
    for sibling in proof:
        node = standard_node_hash(node, _to_bytes32(sibling))
    return node


def verify(root: str | bytes, leaf_encoding: Sequence[str], leaf: Sequence[Any],
           proof: Sequence[str | bytes]) -> bool:
    """True when `proof` proves `leaf` under `root` (the library's static `StandardMerkleTree.verify`)."""
    return process_proof(standard_leaf_hash(leaf_encoding, leaf), proof) == _to_bytes32(root)


# -- the tree --------------------------------------------------------------------------------------

class StandardMerkleTree:
    """A StandardMerkleTree: build with `of`, restore with `load`, export with `dump`."""

    def __init__(self, tree: Sequence[bytes], values: Sequence[tuple[Any, int]],
                 leaf_encoding: Sequence[str]) -> None:
        self._tree = list(tree)
        self._values = [(value, int(index)) for value, index in values]
        self.leaf_encoding = list(leaf_encoding)
        # Same lookup as the library (an object built in value order): for a repeated leaf the
        # last one wins.
        self._lookup = {self._tree[index]: i for i, (_, index) in enumerate(self._values)}

    @classmethod
    def of(cls, values: Sequence[Sequence[Any]], leaf_encoding: Sequence[str]) -> "StandardMerkleTree":
        """Builds the tree of `values` (each a list matching `leaf_encoding`)."""
        if not values:
            raise MerkleTreeError("Expected non-zero number of leaves")
        hashed = [(standard_leaf_hash(leaf_encoding, v), i) for i, v in enumerate(values)]
        hashed.sort(key=lambda item: item[0])  # stable, like the library's Array.prototype.sort
        size = 2 * len(hashed) - 1
        tree: list[bytes] = [b""] * size
        for leaf_index, (leaf_hash, _) in enumerate(hashed):
            tree[size - 1 - leaf_index] = leaf_hash
        for i in range(size - 1 - len(hashed), -1, -1):
            tree[i] = standard_node_hash(tree[2 * i + 1], tree[2 * i + 2])
        tree_index = [0] * len(values)
        for leaf_index, (_, value_index) in enumerate(hashed):
            tree_index[value_index] = size - 1 - leaf_index
        return cls(tree, [(list(v), tree_index[i]) for i, v in enumerate(values)], leaf_encoding)

    @classmethod
    def load(cls, data: dict[str, Any]) -> "StandardMerkleTree":
        """Restores a tree from `dump()` output (ours or the npm library's) and validates it."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            got = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise MerkleTreeError(f"Unknown format {got!r}; expected {FORMAT!r}")
        if "leafEncoding" not in data:
            raise MerkleTreeError("Expected leaf encoding")
        try:
            tree = [_to_bytes32(node) for node in data["tree"]]
            values = [(entry["value"], int(entry["treeIndex"])) for entry in data["values"]]
        except (KeyError, TypeError) as exc:
            raise MerkleTreeError(f"malformed tree dump: {exc}") from None
        loaded = cls(tree, values, data["leafEncoding"])
        loaded.validate()
        return loaded

    @classmethod
    def load_json(cls, path: str | Path) -> "StandardMerkleTree":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise MerkleTreeError(f"{path}: cannot read the tree dump: {exc}") from None
        try:
            return cls.load(data)
        except MerkleTreeError as exc:
            raise MerkleTreeError(f"{path}: {exc}") from None

    # -- reading -----------------------------------------------------------------------------------

    @property
    def root(self) -> str:
        return _hex(self._tree[0])

    @property
    def root_bytes(self) -> bytes:
        return self._tree[0]

    def __len__(self) -> int:
        return len(self._values)

    def at(self, index: int) -> Any:
        return self._values[index][0]

    def entries(self) -> Iterator[tuple[int, Any]]:
        for i, (value, _) in enumerate(self._values):
            yield i, value

    def leaf_hash(self, leaf: Sequence[Any]) -> str:
        return _hex(standard_leaf_hash(self.leaf_encoding, leaf))

    def validate(self) -> None:
        """Checks every value sits at its index and every node hashes its children."""
        size = len(self._tree)
        if size == 0:
            raise MerkleTreeError("Merkle tree is invalid: it has no nodes")
        for i in range(len(self._values)):
            self._validate_value_at(i)
        for i, node in enumerate(self._tree):
            left, right = 2 * i + 1, 2 * i + 2
            if right >= size:
                if left < size:
                    raise MerkleTreeError("Merkle tree is invalid: a node has one child")
            elif node != standard_node_hash(self._tree[left], self._tree[right]):
                raise MerkleTreeError(f"Merkle tree is invalid: node {i} is not the hash of its children")

    def _validate_value_at(self, index: int) -> None:
        if not 0 <= index < len(self._values):
            raise MerkleTreeError("Index out of bounds")
        value, tree_index = self._values[index]
        size = len(self._tree)
        if not 0 <= tree_index < size or 2 * tree_index + 1 < size:
            raise MerkleTreeError(f"value {index} points at {tree_index}, which is not a leaf")
        if self._tree[tree_index] != standard_leaf_hash(self.leaf_encoding, value):
            raise MerkleTreeError("Merkle tree does not contain the expected value")

    def _value_index(self, leaf: int | Sequence[Any]) -> int:
        if isinstance(leaf, int) and not isinstance(leaf, bool):
            return leaf
        found = self._lookup.get(standard_leaf_hash(self.leaf_encoding, leaf))
        if found is None:
            raise MerkleTreeError("Leaf is not in tree")
        return found

    def get_proof(self, leaf: int | Sequence[Any]) -> list[str]:
        """The sibling hashes from the leaf up to the root (a value, or its index in input order)."""
        index = self._value_index(leaf)
        self._validate_value_at(index)
        node = self._values[index][1]
        proof: list[str] = []
        while node > 0:
            sibling = node - 1 if node % 2 == 0 else node + 1
            proof.append(_hex(self._tree[sibling]))
            node = (node - 1) // 2
        if process_proof(self._tree[self._values[index][1]], proof) != self._tree[0]:
            raise MerkleTreeError("Unable to prove value")  # cannot happen for a validated tree
        return proof

    def verify(self, leaf: int | Sequence[Any], proof: Sequence[str | bytes]) -> bool:
        value = self._values[leaf][0] if isinstance(leaf, int) and not isinstance(leaf, bool) else leaf
        return verify(self._tree[0], self.leaf_encoding, value, proof)

    def dump(self) -> dict[str, Any]:
        """The library's `dump()` object, keys in the same order."""
        return {
            "format": FORMAT,
            "leafEncoding": list(self.leaf_encoding),
            "tree": [_hex(node) for node in self._tree],
            "values": [{"value": value, "treeIndex": index} for value, index in self._values],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """`JSON.stringify(tree.dump(), null, indent)`; indent=None gives the compact form."""
        if indent is None:
            return json.dumps(self.dump(), separators=(",", ":"))
        return json.dumps(self.dump(), indent=indent)


# -- allowlists ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AllowlistEntry:
    address: str
    quantity: int
    line: int

    @property
    def leaf(self) -> list[str]:
        """The leaf value as the tree (and its dump) holds it: checksummed address, decimal text."""
        return [self.address, str(self.quantity)]


def read_allowlist_csv(path: str | Path) -> list[AllowlistEntry]:
    """Reads `address,quantity` rows. The header row is required; blank lines and lines starting
    with `#` are skipped; an address may appear only once (merge duplicate rows by hand, so that
    nobody's allowance is silently the sum or the last of two rows)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # utf-8-sig: spreadsheet exports add a BOM
    except OSError as exc:
        raise AllowlistError(path, 0, f"cannot read the allowlist: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise AllowlistError(path, 0, "the file is not UTF-8 text; export it as CSV UTF-8") from None

    entries: list[AllowlistEntry] = []
    seen: dict[str, int] = {}
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in next(csv.reader([raw]))]
        if not header_seen:
            if tuple(c.lower() for c in cells) != ALLOWLIST_HEADER:
                raise AllowlistError(
                    path, number, f"expected the header row 'address,quantity', got {raw.strip()!r}; "
                    "add it as the first row"
                )
            header_seen = True
            continue
        if len(cells) > len(ALLOWLIST_HEADER):
            raise AllowlistError(path, number, f"unexpected extra value {cells[2]!r}; each row is "
                                 "address,quantity", column=3)
        if len(cells) < len(ALLOWLIST_HEADER) or cells[1] == "":
            raise AllowlistError(path, number, "missing quantity; each row is address,quantity", column=2)
        try:
            address = parse_address(cells[0])
        except ValueError as exc:
            raise AllowlistError(path, number, str(exc), column=1) from None
        try:
            quantity = parse_uint(cells[1], minimum=1, maximum=UINT32_MAX)
        except ValueError as exc:
            raise AllowlistError(path, number, f"quantity {cells[1]!r}: {exc}", column=2) from None
        if address in seen:
            raise AllowlistError(
                path, number, f"{address} is already listed on line {seen[address]}; keep one row per "
                "address (merge the quantities into it)", column=1,
            )
        seen[address] = number
        entries.append(AllowlistEntry(address, quantity, number))
    if not header_seen:
        raise AllowlistError(path, 1, "the file is empty; expected the header 'address,quantity' and rows")
    if not entries:
        raise AllowlistError(path, number, "the allowlist has a header but no rows")
    return entries


def allowlist_tree(entries: Sequence[AllowlistEntry]) -> StandardMerkleTree:
    """The tree whose root the contract stores for the allowlist phase."""
    return StandardMerkleTree.of([entry.leaf for entry in entries], ALLOWLIST_ENCODING)


def build_allowlist(path: str | Path) -> StandardMerkleTree:
    return allowlist_tree(read_allowlist_csv(path))


def allowlist_proof(tree: StandardMerkleTree, address: str) -> tuple[int, list[str]]:
    """The allowance and proof of `address`, as the allowlist mint takes them."""
    wanted = parse_address(address, allow_zero=True)
    for i, value in tree.entries():
        if to_checksum_address(value[0]) == wanted:
            return _normalize(tree.leaf_encoding, value)[1], tree.get_proof(i)
    raise MerkleTreeError(f"{wanted} is not on the allowlist")
