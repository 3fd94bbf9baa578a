"""Allowlist CSVs and tree behaviour that the npm cross-check does not cover: located CSV errors,
proofs that must fail, and dumps that must be refused."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from gaoling.merkle import (
    ALLOWLIST_ENCODING,
    AllowlistError,
    MerkleTreeError,
    StandardMerkleTree,
    allowlist_proof,
    build_allowlist,
    read_allowlist_csv,
    verify,
)

A1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
A2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
A3 = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"


def _csv(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_sample_allowlist_reads(sample_allowlist: Path, test_address) -> None:
    entries = read_allowlist_csv(sample_allowlist)
    assert len(entries) == 8
    assert [(e.address, e.quantity) for e in entries[:3]] == [
        (test_address(1), 3), (test_address(2), 2), (test_address(3), 1)]
    assert entries[0].line == 6  # comments count as lines, so errors point at the right row


def test_comments_blank_lines_bom_and_lowercase(tmp_path: Path) -> None:
    text = f"\ufeff# note\nAddress , Quantity\n\n{A1.lower()}, 2\n# skipped\n{A2},1\n"
    entries = read_allowlist_csv(_csv(tmp_path, text))
    assert [(e.address, e.quantity, e.line) for e in entries] == [(A1, 2, 4), (A2, 1, 6)]


@pytest.mark.parametrize("text, line, column, words", [
    (f"{A1},1\n", 1, None, "header"),
    ("wallet,amount\n", 1, None, "header"),
    ("", 1, None, "empty"),
    ("# only a comment\n", 1, None, "empty"),
    ("address,quantity\n", 1, None, "no rows"),
    (f"address,quantity\n{A1},1\n0x1234,1\n", 3, 1, "40 hex digits"),
    (f"address,quantity\n{A1[:-1]}9,1\n", 2, 1, "checksum"),
    (f"address,quantity\n{'0x' + '00' * 20},1\n", 2, 1, "zero address"),
    (f"address,quantity\n{A1},0\n", 2, 2, "out of range"),
    (f"address,quantity\n{A1},-1\n", 2, 2, "whole number"),
    (f"address,quantity\n{A1},1.5\n", 2, 2, "whole number"),
    (f"address,quantity\n{A1},{2**32}\n", 2, 2, "out of range"),
    (f"address,quantity\n{A1}\n", 2, 2, "missing quantity"),
    (f"address,quantity\n{A1},\n", 2, 2, "missing quantity"),
    (f"address,quantity\n{A1},1,x\n", 2, 3, "extra value"),
    (f"address,quantity\n{A1},1\n{A2},1\n{A1.lower()},2\n", 4, 1, "already listed on line 2"),
])
def test_csv_errors_are_located(tmp_path: Path, text: str, line: int, column: int | None, words: str) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(AllowlistError) as caught:
        read_allowlist_csv(path)
    error = caught.value
    assert (error.path, error.line, error.column) == (str(path), line, column)
    assert words in str(error)
    prefix = f"{path}:{line}" + (f": column {column} (" if column else ": ")
    assert str(error).startswith(prefix)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"address,quantity\n\xff\xfe,1\n")
    with pytest.raises(AllowlistError, match="not UTF-8"):
        read_allowlist_csv(path)


def test_proofs_verify_and_forgeries_do_not(sample_allowlist: Path) -> None:
    tree = build_allowlist(sample_allowlist)
    quantity, proof = allowlist_proof(tree, A1.lower())
    assert quantity == 3
    assert verify(tree.root, ALLOWLIST_ENCODING, [A1, 3], proof)
    assert tree.verify([A1, "3"], proof)
    # A larger allowance, another wallet, a changed proof element or a truncated proof all fail.
    assert not verify(tree.root, ALLOWLIST_ENCODING, [A1, 4], proof)
    assert not verify(tree.root, ALLOWLIST_ENCODING, ["0x" + "12" * 20, 3], proof)
    flipped = proof[:-1] + ["0x" + ("0" if proof[-1][2] != "0" else "1") + proof[-1][3:]]
    assert not verify(tree.root, ALLOWLIST_ENCODING, [A1, 3], flipped)
    assert not verify(tree.root, ALLOWLIST_ENCODING, [A1, 3], proof[:-1])
    with pytest.raises(MerkleTreeError, match="not on the allowlist"):
        allowlist_proof(tree, "0x" + "12" * 20)
    with pytest.raises(MerkleTreeError, match="Leaf is not in tree"):
        tree.get_proof([A1, "4"])


def test_dump_round_trip_and_tampering(sample_allowlist: Path) -> None:
    tree = build_allowlist(sample_allowlist)
    dump = tree.dump()
    assert StandardMerkleTree.load(dump).root == tree.root

    wrong_value = copy.deepcopy(dump)
    wrong_value["values"][0]["value"][1] = "99"
    with pytest.raises(MerkleTreeError, match="does not contain the expected value"):
        StandardMerkleTree.load(wrong_value)

    wrong_node = copy.deepcopy(dump)
    wrong_node["tree"][0] = "0x" + "00" * 32
    with pytest.raises(MerkleTreeError, match="node 0 is not the hash of its children"):
        StandardMerkleTree.load(wrong_node)

    wrong_index = copy.deepcopy(dump)
    wrong_index["values"][0]["treeIndex"] = 0
    with pytest.raises(MerkleTreeError, match="not a leaf"):
        StandardMerkleTree.load(wrong_index)

    with pytest.raises(MerkleTreeError, match="Unknown format"):
        StandardMerkleTree.load({**dump, "format": "simple-v1"})
    with pytest.raises(MerkleTreeError, match="leaf encoding"):
        StandardMerkleTree.load({k: v for k, v in dump.items() if k != "leafEncoding"})


def test_load_json_file(tmp_path: Path, sample_allowlist: Path) -> None:
    tree = build_allowlist(sample_allowlist)
    path = tmp_path / "tree.json"
    path.write_text(tree.to_json())
    assert StandardMerkleTree.load_json(path).root == tree.root
    path.write_text("{not json")
    with pytest.raises(MerkleTreeError, match=f"{path}: cannot read"):
        StandardMerkleTree.load_json(path)


def test_tree_rejects_bad_leaves() -> None:
    with pytest.raises(MerkleTreeError, match="non-zero number of leaves"):
        StandardMerkleTree.of([], ALLOWLIST_ENCODING)
    with pytest.raises(MerkleTreeError, match="is not an address"):
        StandardMerkleTree.of([["0x12", "1"]], ALLOWLIST_ENCODING)
    with pytest.raises(MerkleTreeError, match="is not a uint256"):
        StandardMerkleTree.of([[A1, str(2**256)]], ALLOWLIST_ENCODING)
    with pytest.raises(MerkleTreeError, match="has 1 items"):
        StandardMerkleTree.of([[A1]], ALLOWLIST_ENCODING)
    with pytest.raises(MerkleTreeError, match="not supported"):
        StandardMerkleTree.of([["x"]], ["string"])


def test_three_leaves_layout_by_hand() -> None:
    """The layout for an odd count, written out: sorted leaves fill the array from its end."""
    from gaoling.merkle import standard_leaf_hash, standard_node_hash

    values = [[A1, "1"], [A2, "2"], [A3, "3"]]
    tree = StandardMerkleTree.of(values, ALLOWLIST_ENCODING)
    leaves = sorted(standard_leaf_hash(ALLOWLIST_ENCODING, v) for v in values)
    # tree = [root, n1, leaf2, leaf1, leaf0]; n1 = H(leaf1, leaf0); root = H(n1, leaf2)
    n1 = standard_node_hash(leaves[1], leaves[0])
    assert tree.dump()["tree"] == ["0x" + h.hex() for h in
                                   (standard_node_hash(n1, leaves[2]), n1, leaves[2], leaves[1], leaves[0])]
