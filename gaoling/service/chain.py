"""The deployed platform as the service sees it: the manifest's contracts, opened with exactly the
ABIs the manifest names (gaoling.deploy.engine.instance), plus cached chain reads the hot paths need.

Everything here goes through the Ape provider that `ape run serve` connected, so the service reads
and sends exactly as the CLI does.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaoling.deploy.engine import instance
from gaoling.fan.checkin import cst_day
from gaoling.signing import Domain


class DeploymentError(ValueError):
    """The deployment manifest cannot be used; the message says what to do."""


@dataclass
class Platform:
    chain_id: int
    manifest_path: Path
    manifest: dict[str, Any]
    contracts: dict[str, Any] = field(default_factory=dict)     # component -> ContractInstance
    domains: dict[str, Domain] = field(default_factory=dict)
    _head: tuple[float, int, int] = (0.0, 0, 0)                 # (fetched at, number, timestamp)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, path: str | Path, project: Any, provider: Any) -> "Platform":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DeploymentError(f"--deployment {path}: no such file; `ape run deploy` writes "
                                  f"deployments/<chainId>.json") from None
        except json.JSONDecodeError as exc:
            raise DeploymentError(f"--deployment {path}: not valid JSON ({exc.msg})") from None
        chain_id = int(provider.web3.eth.chain_id)  # the node itself (a custom-URI network may report a default)
        if data.get("chain_id") != chain_id:
            raise DeploymentError(f"--deployment {path} records chain {data.get('chain_id')}, but the network "
                                  f"is chain {chain_id}; pick the manifest of this network")
        platform = cls(chain_id=chain_id, manifest_path=path, manifest=data)
        for component, address in data.get("contracts", {}).items():
            name = data["steps"][component]["contract"]
            platform.contracts[component] = instance(project, name, address)
        for component in ("points", "coupons", "certificate", "vouchers"):
            if component in platform.contracts:
                platform.domains[component] = Domain.of(platform.contracts[component])
        return platform

    def get(self, component: str) -> Any:
        try:
            return self.contracts[component]
        except KeyError:
            raise DeploymentError(f"{self.manifest_path} has no {component!r} contract") from None

    def editions(self) -> dict[str, Any]:
        """collection slug -> GaolingEdition."""
        return {c.split(":", 1)[1]: inst for c, inst in self.contracts.items()
                if c.startswith("edition:") and c.count(":") == 1}

    def head(self, provider: Any, max_age: float = 1.0) -> tuple[int, int]:
        """(block number, timestamp) of the chain head, at most `max_age` seconds old."""
        now = time.monotonic()
        with self._lock:
            if now - self._head[0] < max_age:
                return self._head[1], self._head[2]
        block = provider.web3.eth.get_block("latest")
        with self._lock:
            self._head = (now, int(block["number"]), int(block["timestamp"]))
        return int(block["number"]), int(block["timestamp"])

    def cached_today(self, max_age: float = 1.0) -> int | None:
        """The CST day from a head read at most `max_age` seconds ago, or None (then call today())."""
        with self._lock:
            if time.monotonic() - self._head[0] < max_age:
                return cst_day(self._head[2])
        return None

    def today(self, provider: Any, max_age: float = 1.0) -> int:
        """The ledger's current CST day, computed from the head's timestamp as the contract does."""
        return cst_day(self.head(provider, max_age)[1])
