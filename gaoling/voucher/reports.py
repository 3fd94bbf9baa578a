"""Reports from the voucher contract's events: pieces per glaze, failure rate per kiln batch, and
time spent in each state. Built only from public events, so anyone can reproduce them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from gaoling.voucher.chain import Status


@dataclass
class Report:
    pieces_per_glaze: dict[int, int] = field(default_factory=dict)
    batches: dict[int, tuple[int, int]] = field(default_factory=dict)  # batch -> (fired, failed)
    seconds_in_state: dict[Status, list[int]] = field(default_factory=dict)

    def failure_rate(self, batch: int) -> float:
        fired, failed = self.batches.get(batch, (0, 0))
        return failed / (fired + failed) if fired + failed else 0.0

    def mean_seconds(self, status: Status) -> float:
        spans = self.seconds_in_state.get(status, [])
        return sum(spans) / len(spans) if spans else 0.0


def build(redemptions: Iterable[tuple[int, int]], outcomes: Iterable[tuple[int, bool]],
          changes: Iterable[tuple[int, int, int, int]]) -> Report:
    """Pure core: `redemptions` (voucher, glaze), `outcomes` (kiln batch, failed?),
    `changes` (voucher, from, to, timestamp) in chain order."""
    report = Report()
    report.pieces_per_glaze = dict(sorted(Counter(g for _, g in redemptions).items()))
    batches: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for batch, failed in outcomes:
        batches[batch][1 if failed else 0] += 1
    report.batches = {b: (v[0], v[1]) for b, v in sorted(batches.items())}
    entered: dict[int, int] = {}
    spans: dict[Status, list[int]] = defaultdict(list)
    for voucher, frm, _to, ts in changes:
        if voucher in entered:
            spans[Status(frm)].append(ts - entered[voucher])
        entered[voucher] = ts
    report.seconds_in_state = dict(spans)
    return report


def from_chain(vouchers: Any, start_block: int = 0) -> Report:
    """Reads the events of `vouchers` since `start_block` and builds the report."""
    redemptions = [(int(log.tokenId), int(log.glazeId)) for log in vouchers.RedemptionRequested.range(start_block, None)]
    outcomes = [(int(log.kilnBatchId), False) for log in vouchers.PieceFired.range(start_block, None)]
    outcomes += [(int(log.kilnBatchId), True) for log in vouchers.FiringFailed.range(start_block, None)]
    changes = []
    for log in vouchers.StatusChanged.range(start_block, None):
        ts = int(log.timestamp) if getattr(log, "timestamp", None) is not None else 0
        changes.append((int(log.tokenId), int(log["from"]), int(log.to), ts))
    # The issue time of every voucher starts its Issued span.
    bought = {int(log.tokenId): int(log.timestamp) for log in vouchers.VoucherBought.range(start_block, None)}
    seeded = [(v, int(Status.ISSUED), int(Status.ISSUED), t) for v, t in bought.items()]
    return build(redemptions, outcomes, seeded + changes)
