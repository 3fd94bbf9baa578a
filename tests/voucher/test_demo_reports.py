"""The demo story and the event reports."""

from __future__ import annotations

from types import SimpleNamespace

from gaoling.demo.voucher import run
from gaoling.voucher import Status
from gaoling.voucher import reports


def test_demo_alone_delivers_two_pieces_one_refired(project, accounts, chain):
    ctx = SimpleNamespace(project=project, accounts=accounts, chain=chain)
    rows = run(ctx)
    vouchers = ctx.vouchers
    assert [int(vouchers.statusOf(v)) for v in (1, 2)] == [Status.DELIVERED, Status.DELIVERED]
    assert any("re-fired" in r[1] for r in rows)
    assert ("shipping details match the chain", "True") in rows
    report = reports.from_chain(vouchers)
    assert report.pieces_per_glaze == {4: 2}
    assert report.batches == {1: (1, 1), 2: (1, 0)}
    assert report.failure_rate(1) == 0.5
    assert set(report.seconds_in_state) >= {Status.ISSUED, Status.REQUESTED, Status.IN_KILN, Status.SHIPPED}


def test_report_core_counts_time_in_state():
    r = reports.build([(1, 2), (2, 2), (3, 4)], [(5, False), (5, True), (6, True)],
                      [(1, 0, 0, 100), (1, 0, 1, 160), (1, 1, 2, 400), (1, 2, 6, 1000)])
    assert r.pieces_per_glaze == {2: 2, 4: 1}
    assert r.batches == {5: (1, 1), 6: (0, 1)}
    assert r.failure_rate(6) == 1.0 and r.failure_rate(99) == 0.0
    assert r.seconds_in_state[Status.ISSUED] == [60]
    assert r.mean_seconds(Status.IN_KILN) == 600
