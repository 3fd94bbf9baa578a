"""Reorgs (anvil snapshot/revert replacing blocks with different ones) and bad input."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from gaoling.analytics import schema
from gaoling.analytics.errors import ChainMismatchError, RpcError
from gaoling.analytics.store import dump, open_store
from tests.analytics.helpers import FlakyNode, cursors, reset


def _fresh_dump(make_indexer, engine):
    """What a full sync from scratch gives on the chain as it is now."""
    reset(engine)
    make_indexer().sync()
    return dump(engine)


def test_reorg_rolls_back_to_the_common_ancestor_and_rereads(sample, make_indexer, engine, chain, accounts):
    celadon = sample.contracts["edition:celadon"]
    price = celadon.phase(1).price
    make_indexer().sync()
    snapshot = chain.snapshot()
    # The branch the indexer sees: two blocks of sales by one buyer.
    celadon.mintPublic(2, value=2 * price, sender=accounts[3])
    celadon.mintPublic(1, value=price, sender=accounts[3])
    make_indexer().sync()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.sales)
                            .where(schema.sales.c.buyer == accounts[3].address)).scalar() == 2
    # The chain replaces them: three other blocks, another buyer.
    chain.restore(snapshot)
    for _ in range(3):
        celadon.mintPublic(1, value=price, sender=accounts[2])
    report = make_indexer().sync()
    assert len(report.reorgs) == 1
    stale, ancestor = report.reorgs[0]
    assert ancestor == sample.last_block and stale > ancestor
    after = dump(engine)
    sales = [r for r in after["an_sales"] if accounts[3].address in r]
    assert sales == []
    assert after == _fresh_dump(make_indexer, engine)


def test_confirmations_keep_the_indexer_behind_the_head(sample, make_indexer, engine, chain, accounts):
    celadon = sample.contracts["edition:celadon"]
    price = celadon.phase(1).price
    for _ in range(3):
        celadon.mintPublic(1, value=price, sender=accounts[2])
    head = chain.blocks.head.number
    make_indexer(confirmations=3).sync()
    assert all(n == head - 2 for n in cursors(engine).values())
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.max(schema.blocks.c.number))).scalar() == head - 3
    make_indexer().sync()
    assert all(n == head + 1 for n in cursors(engine).values())


def test_a_node_refusing_large_ranges_makes_the_range_shrink(sample, make_indexer, engine, rpc_url, full_dump):
    node = FlakyNode(rpc_url)
    try:
        node.mode = ("too many", 16)
        report = make_indexer(rpc=node.url, max_range=512, initial_range=512).sync()
        assert report.range_shrinks >= 1
        assert dump(engine) == full_dump
    finally:
        node.close()


def test_a_broken_node_gives_a_clear_error_and_leaves_the_database_consistent(
        sample, make_indexer, engine, rpc_url, full_dump):
    node = FlakyNode(rpc_url)
    try:
        make_indexer(rpc=node.url, max_range=40, initial_range=40).sync(max_batches=2)
        partial, partial_cursors = dump(engine), cursors(engine)
        node.mode = ("broken", None)
        with pytest.raises(RpcError, match="eth_getLogs with an error: internal error"):
            make_indexer(rpc=node.url).sync()
        assert dump(engine) == partial and cursors(engine) == partial_cursors
        node.mode = ("ok", None)
        make_indexer(rpc=node.url).sync()
        assert dump(engine) == full_dump
    finally:
        node.close()


def test_wrong_rpc_and_foreign_manifest_are_refused_before_writing(sample, make_indexer, engine, tmp_path):
    with pytest.raises(RpcError, match="cannot reach http://127.0.0.1:9"):
        make_indexer(rpc="http://127.0.0.1:9").sync()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.contracts)).scalar() == 0

    from gaoling.analytics.abis import load_manifest, sources_from_manifest
    from gaoling.analytics.indexer import Indexer

    data = load_manifest(sample.manifest_path)
    data["chain_id"] = 1
    foreign = tmp_path / "1.json"
    foreign.write_text(json.dumps(data))
    manifest = load_manifest(foreign)
    idx = Indexer(engine, make_indexer().rpc, sources_from_manifest(manifest), manifest["chain_id"])
    with pytest.raises(ChainMismatchError, match="--manifest is for chain 1 but --rpc .* serves chain 31337"):
        idx.sync()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.contracts)).scalar() == 0


@pytest.fixture
def full_dump(make_indexer, engine):
    make_indexer().sync()
    expected = dump(engine)
    reset(engine)
    return expected
