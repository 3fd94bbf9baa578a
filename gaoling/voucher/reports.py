"""Studio reports built only from the voucher contract's events (no private data needed):

- pieces per glaze: redeemed, delivered, refunded, still in progress;
- failure rate per kiln batch: firings started in the batch that ended Failed;
- time spent in each state: from each voucher's transitions, the current state counted up to `now`.

`fetch_events` reads the chain; every report function takes plain `VoucherEvent`s, so reports can be
built from a log export as well.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from gaoling.voucher.status import Status

#: Event name -> the status a voucher is in after it.
EVENT_STATUS = {
    "VoucherPurchased": Status.ISSUED,
    "RedemptionRequested": Status.REQUESTED,
    "FiringStarted": Status.IN_KILN,
    "PieceFired": Status.FIRED,
    "FiringFailed": Status.FAILED,
    "PieceShipped": Status.SHIPPED,
    "PieceDelivered": Status.DELIVERED,
    "RedemptionRefunded": Status.REFUNDED,
}


@dataclass(frozen=True, order=True)
class VoucherEvent:
    block_number: int
    log_index: int
    name: str = field(compare=False)
    voucher_id: int = field(compare=False)
    timestamp: int = field(compare=False)
    args: dict[str, Any] = field(compare=False, default_factory=dict)

    @property
    def status(self) -> Status:
        return EVENT_STATUS[self.name]


def fetch_events(vouchers: Any, start_block: int = 0, stop_block: int | None = None) -> list[VoucherEvent]:
    """Every lifecycle event of `vouchers` between the blocks, in chain order, with block timestamps."""
    from ape import chain

    stop = chain.blocks.head.number if stop_block is None else stop_block
    timestamps: dict[int, int] = {}
    out = []
    for name in EVENT_STATUS:
        for log in getattr(vouchers, name).range(start_block, stop + 1):
            block = int(log.block_number)
            if block not in timestamps:
                timestamps[block] = int(chain.blocks[block].timestamp)
            args = dict(log.event_arguments)
            out.append(VoucherEvent(block, int(log.log_index), name, int(args["voucherId"]), timestamps[block], args))
    return sorted(out)


@dataclass(frozen=True)
class GlazeRow:
    glaze_id: int
    redeemed: int
    delivered: int
    refunded: int

    @property
    def in_progress(self) -> int:
        return self.redeemed - self.delivered - self.refunded


def pieces_per_glaze(events: Iterable[VoucherEvent]) -> list[GlazeRow]:
    glaze_of: dict[int, int] = {}
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in sorted(events):
        if e.name == "RedemptionRequested":
            glaze_of[e.voucher_id] = int(e.args["glazeId"])
            counts[glaze_of[e.voucher_id]][0] += 1
        elif e.name == "PieceDelivered" and e.voucher_id in glaze_of:
            counts[glaze_of[e.voucher_id]][1] += 1
        elif e.name == "RedemptionRefunded" and e.voucher_id in glaze_of:
            counts[glaze_of[e.voucher_id]][2] += 1
    return [GlazeRow(g, *counts[g]) for g in sorted(counts)]


@dataclass(frozen=True)
class KilnRow:
    kiln_batch_id: int
    firings: int
    fired: int
    failed: int

    @property
    def in_kiln(self) -> int:
        return self.firings - self.fired - self.failed

    @property
    def failure_rate(self) -> float | None:
        """Failed / finished firings (None while nothing in the batch has come out of the kiln)."""
        done = self.fired + self.failed
        return None if done == 0 else self.failed / done


def failure_rate_per_batch(events: Iterable[VoucherEvent]) -> list[KilnRow]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in sorted(events):
        if e.name == "FiringStarted":
            counts[int(e.args["kilnBatchId"])][0] += 1
        elif e.name == "PieceFired":
            counts[int(e.args["kilnBatchId"])][1] += 1
        elif e.name == "FiringFailed":
            counts[int(e.args["kilnBatchId"])][2] += 1
    return [KilnRow(b, *counts[b]) for b in sorted(counts)]


def timelines(events: Iterable[VoucherEvent]) -> dict[int, list[tuple[int, Status]]]:
    """Per voucher, its (timestamp, status entered) steps in chain order."""
    out: dict[int, list[tuple[int, Status]]] = defaultdict(list)
    for e in sorted(events):
        out[e.voucher_id].append((e.timestamp, e.status))
    return dict(out)


@dataclass(frozen=True)
class StateTime:
    status: Status
    stays: int  # how many times a voucher was in this state (a re-fire counts InKiln twice)
    total_seconds: int
    mean_seconds: float
    median_seconds: float
    max_seconds: int


def time_in_states(events: Iterable[VoucherEvent], now: int) -> list[StateTime]:
    """Seconds spent in each non-final state; a voucher's current state counts up to `now`."""
    durations: dict[Status, list[int]] = defaultdict(list)
    for steps in timelines(events).values():
        for (start, status), nxt in zip(steps, steps[1:] + [None]):
            if status.final:
                continue
            end = now if nxt is None else nxt[0]
            durations[status].append(max(0, end - start))
    rows = []
    for status in Status:
        values = durations.get(status)
        if values:
            rows.append(StateTime(status, len(values), sum(values), statistics.fmean(values),
                                  statistics.median(values), max(values)))
    return rows


def human_duration(seconds: float) -> str:
    """`3d 4h`, `5h 12m`, `42s`: readable in a table."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"
