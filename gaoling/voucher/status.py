"""The voucher lifecycle, mirrored from GaolingVouchers.Status, and which step leads where."""

from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    """Same numbers as the contract's enum. Delivered and Refunded are final."""

    ISSUED = 0
    REQUESTED = 1
    IN_KILN = 2
    FIRED = 3
    FAILED = 4
    SHIPPED = 5
    DELIVERED = 6
    REFUNDED = 7

    @property
    def label(self) -> str:
        """The contract's metadata name: issued, requested, in-kiln, fired, failed, shipped, ..."""
        return self.name.lower().replace("_", "-")

    @property
    def final(self) -> bool:
        return self in FINAL

    @classmethod
    def parse(cls, value: "str | int | Status") -> "Status":
        if isinstance(value, Status):
            return value
        if isinstance(value, int):
            return cls(value)
        key = str(value).strip().upper().replace("-", "_")
        try:
            return cls[key]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"status: {value!r} is not a voucher status; use one of {names}") from None


FINAL = frozenset({Status.DELIVERED, Status.REFUNDED})

#: Pending redemptions: work the studio still has to do (or a delivery still to be confirmed).
PENDING = frozenset({Status.REQUESTED, Status.IN_KILN, Status.FIRED, Status.FAILED, Status.SHIPPED})

#: The steps of the lifecycle: step name -> (statuses it starts from, status it leads to, who may take it).
STEPS: dict[str, tuple[frozenset[Status], Status, str]] = {
    "redeem": (frozenset({Status.ISSUED}), Status.REQUESTED, "holder"),
    "kiln": (frozenset({Status.REQUESTED, Status.FAILED}), Status.IN_KILN, "fulfilment"),
    "fired": (frozenset({Status.IN_KILN}), Status.FIRED, "fulfilment"),
    "failed": (frozenset({Status.IN_KILN}), Status.FAILED, "fulfilment"),
    "ship": (frozenset({Status.FIRED}), Status.SHIPPED, "fulfilment"),
    "confirm": (frozenset({Status.SHIPPED}), Status.DELIVERED, "holder, or anyone after the timeout"),
    "refund": (frozenset({Status.FAILED}), Status.REFUNDED, "fulfilment"),
}


def next_steps(status: Status) -> list[str]:
    """The steps allowed from `status`, in lifecycle order."""
    return [name for name, (sources, _, _) in STEPS.items() if status in sources]


def check_step(step: str, status: Status, voucher_id: int) -> Status:
    """The status `step` leads to from `status`; ValueError naming both states if it is illegal."""
    if step not in STEPS:
        raise ValueError(f"step: {step!r} is not a lifecycle step; use one of {', '.join(STEPS)}")
    sources, target, _ = STEPS[step]
    if status not in sources:
        allowed = ", ".join(next_steps(status)) or "none (final state)"
        raise ValueError(f"voucher {voucher_id}: cannot go from {status.label} to {target.label} ({step}); "
                         f"steps allowed from {status.label}: {allowed}")
    return target
