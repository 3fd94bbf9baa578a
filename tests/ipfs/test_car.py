"""CARv1 export: read back by @ipld/car and unpacked by ipfs-car (through ipfs-unixfs-exporter)."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from tests.ipfs.paths import HERE, ROOT

from gaoling.ipfs import cid as cids
from gaoling.ipfs.blockstore import MemoryBlockstore, list_directory, read_file, walk_dag
from gaoling.ipfs.car import CarError, CarWriter, car_bytes, read_car
from gaoling.ipfs.unixfs import Importer, ImportOptions


def _tree(d):
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_bytes(b"kaolin\n")
    (d / "sub" / "b.bin").write_bytes(bytes(range(256)) * 3000)  # 768,000 bytes: 3 chunks
    (d / "sub" / "高岭.txt").write_text("高岭土", encoding="utf-8")
    return d


@pytest.mark.parametrize("version", [0, 1])
def test_car_reads_back_with_ipld_car(tmp_path, node_modules, version):
    src = _tree(tmp_path / "src")
    car_path = tmp_path / "out.car"
    car = CarWriter(car_path, version)
    store = MemoryBlockstore()

    def put(c, b):
        store.put(c, b)
        car.put(c, b)

    root = Importer(ImportOptions(cid_version=version), put).add_path(src).cid
    car.close(root)
    out = subprocess.run(["node", str(HERE / "car_check.mjs"), str(car_path)], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout.splitlines()
    header = json.loads(out[0])
    blocks = [json.loads(line) for line in out[1:]]
    assert header == {"version": 1, "roots": [cids.to_str(root)]}
    assert all(b["ok"] for b in blocks)
    assert {b["cid"] for b in blocks} == {cids.to_str(c) for c, _ in walk_dag(store, root)}
    assert not car_path.with_name("out.car.partial").exists()


def test_ipfs_car_unpacks_our_car_to_the_same_files(tmp_path, node_modules):
    src = _tree(tmp_path / "src")
    car_path = tmp_path / "out.car"
    car = CarWriter(car_path, 1)
    root = Importer(ImportOptions(cid_version=1), car.put).add_path(src).cid
    car.close(root)
    out = tmp_path / "unpacked"
    subprocess.run([str(node_modules / ".bin" / "ipfs-car"), "unpack", str(car_path), "--output", str(out)],
                   check=True, capture_output=True)
    for rel in ("a.txt", "sub/b.bin", "sub/高岭.txt"):
        assert (out / rel).read_bytes() == (src / rel).read_bytes()


def test_reader_round_trip_and_tamper_detection():
    store = MemoryBlockstore()
    imp = Importer(ImportOptions(cid_version=0), store.put)
    root = imp.add_tree({"x": b"1" * 300_000, "d": {"y": b"2"}}).cid
    data = car_bytes([root], walk_dag(store, root))
    roots, blocks = read_car(io.BytesIO(data))
    back = MemoryBlockstore()
    for c, b in blocks:
        back.put(c, b)
    assert roots == [root]
    assert read_file(back, list_directory(back, root)["x"]) == b"1" * 300_000

    tampered = bytearray(data)
    tampered[-1] ^= 1
    roots, blocks = read_car(io.BytesIO(bytes(tampered)))
    with pytest.raises(CarError, match="does not match its CID"):
        list(blocks)


def test_duplicate_content_is_written_once(tmp_path):
    car = CarWriter(tmp_path / "d.car", 1)
    root = Importer(ImportOptions(cid_version=1), car.put).add_tree({"a": b"same", "b": b"same"}).cid
    car.close(root)
    assert car.blocks == 2  # one leaf, one directory


def test_aborted_car_leaves_nothing(tmp_path):
    car = CarWriter(tmp_path / "x.car", 1)
    car.put(*(lambda b: (cids.raw_cid(b), b))(b"data"))
    car.abort()
    assert list(tmp_path.iterdir()) == []
