"""The throughput benchmark runs end to end and insists on identical root CIDs (small n here;
`make bench` runs the 10,000-item collection). No timing is asserted."""

import pytest

from gaoling.bench.ipfs import generate, measure_throughput
from gaoling.ipfs.blockstore import MemoryBlockstore, list_directory
from gaoling.ipfs.unixfs import Importer, ImportOptions


def test_benchmark_reports_both_tools_with_the_same_root(tmp_path, node_modules):
    result = measure_throughput(tmp_path, n=150, repeats=1)
    assert result["root_cid_ours"] == result["root_cid_ipfs_car"]
    assert result["ipfs.ours_s"] > 0 and result["ipfs.ipfs_car_s"] > 0
    assert result["ipfs.speedup"] == pytest.approx(result["ipfs.ipfs_car_s"] / result["ipfs.ours_s"], abs=0.05)
    # unsharded at this size, so both CARs hold exactly the same blocks
    assert result["ipfs.car_bytes_ours"] == result["ipfs.car_bytes_ipfs_car"]


def test_generated_collection_names_tokens_by_bare_id(tmp_path):
    src = generate(tmp_path, 12)
    store = MemoryBlockstore()
    root = Importer(ImportOptions(cid_version=1), store.put).add_path(src).cid
    top = list_directory(store, root)
    assert sorted(top) == ["images", "metadata"]
    assert sorted(list_directory(store, top["metadata"]), key=int) == [str(i) for i in range(1, 13)]
