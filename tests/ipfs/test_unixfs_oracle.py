"""Our CIDs against the reference importer (ipfs-unixfs-importer 17.1.1, which reproduces
Kubo's `ipfs add`), for CIDv0 (Kubo's default) and CIDv1 with raw leaves."""

from __future__ import annotations

import random

import pytest

from gaoling.ipfs.cid import to_str
from gaoling.ipfs.unixfs import CHUNK_SIZE, Importer, ImportOptions, MAX_LINKS


def _bytes(seed: int, n: int) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Files and trees covering the layout's edges, generated deterministically."""
    d = tmp_path_factory.mktemp("corpus")
    cases = {}

    def file(name: str, data: bytes):
        p = d / name
        p.write_bytes(data)
        cases[name] = p

    file("empty", b"")
    file("one-byte", b"x")
    file("exactly-256KiB", _bytes(1, CHUNK_SIZE))
    file("256KiB-plus-1", _bytes(2, CHUNK_SIZE + 1))
    file("174-chunks", _bytes(3, CHUNK_SIZE * MAX_LINKS))          # one full parent
    file("174-chunks-plus-1", _bytes(4, CHUNK_SIZE * MAX_LINKS + 1))  # second level starts

    tree = d / "nested"
    (tree / "a" / "b" / "c").mkdir(parents=True)
    (tree / "empty-dir").mkdir()
    (tree / "hello.txt").write_bytes(b"hello\n")
    (tree / "a" / "青花.json").write_text('{"釉": "青花"}', encoding="utf-8")
    (tree / "a" / "b" / "big").write_bytes(_bytes(5, CHUNK_SIZE * 2 + 17))
    (tree / "a" / "b" / "c" / "empty").write_bytes(b"")
    (tree / ".hidden").write_bytes(b"skipped like ipfs add -r does")
    cases["nested"] = tree

    # 10,000 token metadata files named by bare token id: Kubo shards this directory.
    shard = d / "tokens"
    shard.mkdir()
    for i in range(1, 10_001):
        (shard / str(i)).write_bytes(b'{"name":"piece %d","image":"ipfs://x/%d.png"}' % (i, i))
    cases["tokens-10000"] = shard

    # Either side of the shard threshold (name bytes + CID bytes > 256 KiB) with 200-byte names:
    # the switch comes after 1120 entries (CIDv0, 34-byte CIDs) or 1110 (CIDv1, 36 bytes).
    for label, count in (("under-threshold", 1100), ("over-threshold", 1130)):
        p = d / label
        p.mkdir()
        for i in range(count):
            (p / f"{i:0200d}").write_bytes(b"%d" % i)
        cases[label] = p
    return cases


@pytest.mark.parametrize("version", [0, 1])
def test_cids_match_reference_importer(corpus, oracle, version):
    names = list(corpus)
    expected = oracle(version, [corpus[n] for n in names])
    importer = Importer(ImportOptions(cid_version=version))
    got = [to_str(importer.add_path(corpus[n]).cid) for n in names]
    mismatches = {n: (g, e) for n, g, e in zip(names, got, expected) if g != e}
    assert not mismatches, mismatches

    # and the corpus really covers both directory forms
    from gaoling.ipfs.blockstore import MemoryBlockstore
    from gaoling.ipfs.pb import T_DIRECTORY, T_HAMT, decode_node, decode_unixfs

    for name, kind in (("under-threshold", T_DIRECTORY), ("over-threshold", T_HAMT), ("tokens-10000", T_HAMT)):
        store = MemoryBlockstore()
        root = Importer(ImportOptions(cid_version=version), store.put).add_path(corpus[name]).cid
        assert decode_unixfs(decode_node(store.get(root)).data).type == kind, name


def test_known_kubo_cids():
    """CIDs that `ipfs add` is documented to give (empty file, empty directory)."""
    v0 = Importer(ImportOptions(cid_version=0))
    assert to_str(v0.add_bytes(b"").cid) == "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
    assert to_str(v0.directory({}).cid) == "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
    v1 = Importer(ImportOptions(cid_version=1))
    assert to_str(v1.add_bytes(b"").cid) == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"


def test_sharding_switches_exactly_past_threshold():
    """The directory becomes a HAMT when name bytes + CID bytes exceed 256 KiB, not before."""
    imp = Importer(ImportOptions(cid_version=0))
    leaf = imp.add_bytes(b"x")
    per_entry = 34 + 8  # CIDv0 bytes + 8-byte names
    n = 262_144 // per_entry  # 6241 entries: 262,122 bytes, not over
    from gaoling.ipfs.pb import T_DIRECTORY, T_HAMT, decode_node, decode_unixfs
    from gaoling.ipfs.blockstore import MemoryBlockstore

    for count, kind in ((n, T_DIRECTORY), (n + 1, T_HAMT)):
        store = MemoryBlockstore()
        imp = Importer(ImportOptions(cid_version=0), store.put)
        entry = imp.directory({b"%08d" % i: leaf for i in range(count)})
        assert decode_unixfs(decode_node(store.get(entry.cid)).data).type == kind


@pytest.mark.slow
@pytest.mark.parametrize("version", [0, 1])
def test_multi_level_file_over_50_MB(tmp_path, oracle, version):
    """A 52 MiB file: 208 leaves, so two levels of parents under the root."""
    p = tmp_path / "big.bin"
    with open(p, "wb") as fh:
        rng = random.Random(42)
        for _ in range(52):
            fh.write(rng.randbytes(1 << 20))
    assert to_str(Importer(ImportOptions(cid_version=version)).add_path(p).cid) == oracle(version, [p])[0]


def test_options_reject_nonsense():
    with pytest.raises(ValueError, match="cid_version"):
        ImportOptions(cid_version=2)
    with pytest.raises(ValueError, match="raw_leaves needs cid_version=1"):
        ImportOptions(cid_version=0, raw_leaves=True)


def test_symlinks_are_refused_by_name(tmp_path):
    from gaoling.ipfs.unixfs import ImportError_

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "link").symlink_to(tmp_path)
    with pytest.raises(ImportError_, match="link: symlinks are not imported"):
        Importer().add_path(tmp_path / "d")
