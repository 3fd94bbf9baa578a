"""gaoling.merkle against the npm @openzeppelin/merkle-tree 1.0.8 itself: roots, every proof, and
the dump (as an object and as JSON text) must be identical, and each side must load the other's
dump. One node process serves a whole batch of trees, so the property test stays quick."""

from __future__ import annotations

import json
import random
from typing import Any

from eth_utils import to_checksum_address
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoling.merkle import ALLOWLIST_ENCODING, StandardMerkleTree, build_allowlist, verify

ENCODING = list(ALLOWLIST_ENCODING)


def _random_values(rng: random.Random, count: int) -> list[list[str]]:
    values = []
    for _ in range(count):
        address = "0x" + rng.randbytes(20).hex()
        if rng.random() < 0.5:
            address = to_checksum_address(address)
        values.append([address, str(rng.choice([1, 2, 3, rng.randrange(2**256)]))])
    return values


def _compare(values: list[list[Any]], theirs: dict[str, Any]) -> StandardMerkleTree:
    ours = StandardMerkleTree.of(values, ENCODING)
    assert ours.root == theirs["root"]
    proofs = [ours.get_proof(i) for i in range(len(values))]
    assert proofs == theirs["proofsByIndex"]
    assert [ours.get_proof(v) for v in values] == theirs["proofsByValue"]
    assert ours.dump() == theirs["dump"]
    assert ours.to_json(indent=2) == theirs["json2"]
    assert ours.to_json(indent=None) == theirs["json"]
    # Python loads the npm dump and gets the same tree back.
    loaded = StandardMerkleTree.load(json.loads(theirs["json"]))
    assert loaded.root == ours.root and [loaded.get_proof(i) for i in range(len(values))] == proofs
    for value, proof in zip(values, proofs):
        assert verify(ours.root, ENCODING, value, proof)
    return ours


def test_fixed_sizes_match_npm(oz_merkle) -> None:
    rng = random.Random(20261201)
    sets = [_random_values(rng, n) for n in (1, 2, 3, 4, 5, 7, 8, 9, 16, 33)]
    result = oz_merkle(build=[{"values": v, "encoding": ENCODING} for v in sets])
    ours = [_compare(values, theirs) for values, theirs in zip(sets, result["built"])]
    # ...and npm loads our dumps, proves every value and verifies every proof.
    reloaded = oz_merkle(load=[t.dump() for t in ours])["loaded"]
    for tree, theirs in zip(ours, reloaded):
        assert theirs["verified"]
        assert theirs["root"] == tree.root
        assert theirs["proofs"] == [tree.get_proof(i) for i in range(len(tree))]


def test_single_leaf_tree_is_its_leaf(oz_merkle) -> None:
    values = [["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "3"]]
    (theirs,) = oz_merkle(build=[{"values": values, "encoding": ENCODING}])["built"]
    tree = _compare(values, theirs)
    assert tree.get_proof(0) == []
    assert tree.root == tree.leaf_hash(values[0])


def test_sample_allowlist_matches_npm(oz_merkle, sample_allowlist) -> None:
    tree = build_allowlist(sample_allowlist)
    values = [tree.at(i) for i in range(len(tree))]
    (theirs,) = oz_merkle(build=[{"values": values, "encoding": ENCODING}])["built"]
    _compare(values, theirs)


_address = st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
_quantity = st.one_of(st.integers(1, 5), st.integers(0, 2**256 - 1)).map(str)
_values = st.lists(st.tuples(_address, _quantity).map(list), min_size=1, max_size=40)
# Sometimes repeat a value: the library allows it, and then its stable sort and "last one wins"
# lookup must be mirrored exactly.
_tree = st.one_of(_values, _values.flatmap(lambda v: st.just(v + [v[0]])))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(_tree, min_size=1, max_size=8))
def test_random_sets_match_npm(oz_merkle, batch: list[list[list[str]]]) -> None:
    result = oz_merkle(build=[{"values": v, "encoding": ENCODING} for v in batch])
    ours = [_compare(values, theirs) for values, theirs in zip(batch, result["built"])]
    for theirs in oz_merkle(load=[t.dump() for t in ours])["loaded"]:
        assert theirs["verified"]
