"""Idempotence, resumption and ordering: whatever order batches are processed in and wherever a sync
is interrupted, the database ends equal to one full sync."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoling.analytics import indexer as indexer_module
from gaoling.analytics.indexer import SyncReport
from gaoling.analytics.store import dump
from tests.analytics.helpers import cursors, reset


class Interrupted(Exception):
    pass


@pytest.fixture
def full_sync(make_indexer, engine):
    make_indexer().sync()
    expected = dump(engine)
    reset(engine)
    return expected


def test_interrupted_sync_resumes_without_gaps_or_duplicates(sample, make_indexer, engine, full_sync, monkeypatch):
    real = indexer_module.insert_ignore
    calls = {"n": 0}

    def dying(conn, table, rows):
        calls["n"] += 1
        if calls["n"] == 7:  # mid-batch: some tables of the batch already written in its transaction
            raise Interrupted()
        return real(conn, table, rows)

    monkeypatch.setattr(indexer_module, "insert_ignore", dying)
    idx = make_indexer(max_range=20, initial_range=20)
    with pytest.raises(Interrupted):
        idx.sync()
    partial = dump(engine)
    assert sum(map(len, partial.values())) < sum(map(len, full_sync.values()))
    monkeypatch.setattr(indexer_module, "insert_ignore", real)
    make_indexer(max_range=20, initial_range=20).sync()
    assert dump(engine) == full_sync


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_batch_order_and_interruption_ends_equal_to_one_full_sync(sample, make_indexer, engine, full_sync, data):
    reset(engine)
    last = sample.last_block
    cuts = sorted(set(data.draw(st.lists(st.integers(1, last - 1), max_size=8), label="cuts")))
    bounds = [1, *[c + 1 for c in cuts], last + 1]
    ranges = [(bounds[i], bounds[i + 1] - 1) for i in range(len(bounds) - 1)]
    order = data.draw(st.permutations(ranges), label="order")
    stop_at = data.draw(st.integers(0, len(order)), label="interrupt after")
    idx = make_indexer()
    idx.check_chain()
    idx.register()
    for frm, to in order[:stop_at]:
        # Any batch, in any order: rows are inserted idempotently; a cursor only moves when the
        # batch starts exactly at it.
        group = [a for a, n in idx.cursors_all().items() if n <= frm] or list(idx.sources)
        idx._batch(group, frm, to, SyncReport(chain_id=idx.chain_id))
    make_indexer(max_range=data.draw(st.integers(25, 400), label="range")).sync()
    assert dump(engine) == full_sync
    assert all(n == last + 1 for n in cursors(engine).values())
