"""`deployments/<chainId>.json`: what is deployed where, written atomically after every step.

Layout:
    {"chain_id": 1, "deployer": "0x…", "complete": false, "admin": null, "handover": false,
     "compilers": {"GaolingEdition": {"name": "solidity", "version": "0.8.37+commit…", "settings": {…}}},
     "steps": {"<step id>": {"status": "confirmed" | "pending", "kind": "deploy" | "call",
                             "contract": "…", "method": null, "args": […], "tx_hash": "0x…",
                             "block": 12, "nonce": 3, "address": "0x…", "bytecode_hash": "0x…"}},
     "contracts": {"<step id>": "0x…"}}

A step is written as `pending` (with its signed transaction hash and nonce) before it is sent and
as `confirmed` once mined, so a run killed at any moment can tell on restart whether the
transaction happened.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def to_jsonable(value: Any) -> Any:
    """bytes -> 0x hex, tuples -> lists, addresses/ints as they are."""
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (tuple, list)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def atomic_write_json(path: Path, data: Any) -> None:
    """Temp file in the same directory, fsync, os.replace, fsync the directory: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class Manifest:
    """In-memory manifest; `save()` writes it atomically."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    @classmethod
    def load(cls, directory: str | Path, chain_id: int) -> "Manifest":
        path = Path(directory) / f"{chain_id}.json"
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: not valid JSON ({exc}); restore it from version control") from None
            if data.get("chain_id") != chain_id:
                raise ValueError(f"{path}: records chain {data.get('chain_id')}, connected to {chain_id}")
            return cls(path, data)
        return cls(path, {"chain_id": chain_id, "deployer": None, "complete": False, "admin": None,
                          "handover": False, "compilers": {}, "steps": {}, "contracts": {}})

    @property
    def steps(self) -> dict[str, dict[str, Any]]:
        return self.data["steps"]

    @property
    def contracts(self) -> dict[str, str]:
        return self.data["contracts"]

    def confirmed(self, step_id: str) -> dict[str, Any] | None:
        entry = self.steps.get(step_id)
        return entry if entry and entry.get("status") == "confirmed" else None

    def save(self) -> None:
        atomic_write_json(self.path, to_jsonable(self.data))
