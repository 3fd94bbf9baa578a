"""`deployments/<chainId>.json`: what is deployed where, written after every confirmed step.

The file is replaced atomically (temp file in the same directory, fsync, `os.replace`, fsync of
the directory), so a crash or a kill leaves either the previous manifest or the new one, never a
torn file. Layout (JSON):

    chain_id, genesis_hash     which chain this is (a restarted local node has a new genesis)
    deployer, admin            who deployed, and who the roles were handed to (or null)
    complete                   true only once every step of the plan is confirmed
    compiler                   {name, version, settings} the contracts were compiled with
    contracts.<key>            {contract, address, tx_hash, block, constructor_args,
                                constructor_args_encoded, bytecode_hash, compiler, verify}
    steps.<step id>            {status: pending|confirmed, kind, nonce, predicted_address,
                                tx_hash, block, args, note}

A step is written `pending` (with the nonce it will use) before its transaction is sent, and
`confirmed` once its receipt is in; see engine.py for how a rerun settles a pending step.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class ManifestError(RuntimeError):
    """The manifest cannot be used for this chain or this plan; the message says why and what to do."""


def to_json(value: Any) -> Any:
    """Ape/ABI values -> JSON: bytes as 0x hex, tuples and structs as lists, addresses as text."""
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return value
    return str(value)


class Manifest:
    """The deployment record of one plan on one chain."""

    def __init__(self, path: Path, data: dict[str, Any]):
        self.path = path
        self.data = data
        self.writes = 0

    @classmethod
    def load(cls, path: str | Path) -> "Manifest":
        path = Path(path)
        if not path.exists():
            return cls(path, {"complete": False, "contracts": {}, "steps": {}})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ManifestError(f"{path}: cannot read the manifest ({exc}); it is written atomically, so "
                                "this file was edited by hand: restore it from a backup") from None
        if not isinstance(data, dict) or not isinstance(data.get("steps"), dict):
            raise ManifestError(f"{path}: not a Gaoling deployment manifest (no `steps`)")
        data.setdefault("contracts", {})
        return cls(path, data)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @property
    def steps(self) -> dict[str, dict[str, Any]]:
        return self.data["steps"]

    @property
    def contracts(self) -> dict[str, dict[str, Any]]:
        return self.data["contracts"]

    @property
    def complete(self) -> bool:
        return bool(self.data.get("complete"))

    def address(self, key: str) -> str | None:
        entry = self.contracts.get(key)
        return entry["address"] if entry else None

    def step(self, step_id: str) -> dict[str, Any] | None:
        return self.steps.get(step_id)

    def confirmed(self, step_id: str) -> bool:
        entry = self.steps.get(step_id)
        return bool(entry) and entry.get("status") == "confirmed"

    def save(self) -> None:
        """Atomic replace: readers (and a rerun after a crash) see the old file or the new one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(to_json(self.data), indent=2, sort_keys=False) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        try:  # make the rename itself durable
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            pass
        else:
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        self.writes += 1
