"""`make demo`: the platform story on a local anvil and the local IPFS store.

Each part of the platform contributes a module with `run(ctx) -> list[tuple[str, str]]` that plays
its part of the story on the running chain and returns summary rows (what happened, detail). The
script prints the rows, the contracts, who was paid what, and the total gas of every transaction the
demo sent (summed over the blocks it mined, so no step can forget to count).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ETHER = 10**18


@dataclass
class DemoContext:
    project: Any
    accounts: Any
    chain: Any
    console: Any
    #: contracts the story has deployed so far, by display name
    contracts: dict[str, Any] = field(default_factory=dict)
    #: (payee label, what for, wei)
    payments: list[tuple[str, str, int]] = field(default_factory=list)

    def paid(self, who: str, what: str, wei: int) -> None:
        self.payments.append((who, what, wei))

    def say(self, message: str) -> None:
        self.console.print(f"  {message}")


def eth(wei: int) -> str:
    """Formats wei as ether with up to 6 decimals, e.g. `0.0125 ETH`."""
    text = f"{wei / ETHER:.6f}".rstrip("0").rstrip(".")
    return f"{text} ETH"


def travel_to(chain: Any, timestamp: int) -> None:
    """Moves the local chain's clock forward to `timestamp` (never backward) and mines a block."""
    if timestamp > chain.pending_timestamp:
        chain.pending_timestamp = timestamp
    chain.mine()
