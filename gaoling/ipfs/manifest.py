"""The pin manifest: what is pinned where, so that reruns skip finished work.

It is one JSON file, rewritten atomically (temporary file, fsync, rename, fsync of the
directory) after every change, so a crash at any point leaves either the old or the new
version on disk, never a torn one. Entries are keyed by root CID, then by backend id
(`kind:url`, never a token).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path


class ManifestError(ValueError):
    """The manifest file cannot be read."""


class PinManifest:
    VERSION = 1

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.data: dict = {"version": self.VERSION, "items": {}}
        if self.path.exists():
            try:
                loaded = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise ManifestError(
                    f"{self.path}: cannot read the pin manifest ({exc}); restore it or delete it "
                    "(pins are idempotent, so the next run rebuilds it)") from None
            if not isinstance(loaded, dict) or loaded.get("version") != self.VERSION:
                raise ManifestError(f"{self.path}: unknown manifest version; expected {self.VERSION}")
            self.data = loaded

    def item(self, cid: str) -> dict | None:
        return self.data["items"].get(cid)

    def pin(self, cid: str, backend: str) -> dict | None:
        item = self.item(cid)
        return None if item is None else item.get("pins", {}).get(backend)

    def is_pinned(self, cid: str, backend: str) -> bool:
        p = self.pin(cid, backend)
        return bool(p and p.get("status") == "pinned")

    def record_item(self, cid: str, label: str, **info) -> None:
        item = self.data["items"].setdefault(cid, {"label": label, "pins": {}})
        item["label"] = label
        item.update(info)
        self.save()

    def record_pin(self, cid: str, backend: str, status: str, requestid: str | None = None,
                   error: str | None = None) -> None:
        item = self.data["items"].setdefault(cid, {"label": "", "pins": {}})
        entry = {"status": status, "updated": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if requestid:
            entry["requestid"] = requestid
        if error:
            entry["error"] = error
        item.setdefault("pins", {})[backend] = entry
        self.save()

    def save(self) -> None:
        atomic_write(self.path, json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False).encode())


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
