"""Per-address and per-IP rate limits for writes: a sliding one-minute window per key.

Kept in memory per API process (cheap on the hot path); with N workers behind a proxy the effective
limit is up to N times the configured one, so production also limits at the proxy (docs/service.md).
Duplicate check-ins cost nothing on chain (they are idempotent), so the limits protect the database
and the relayer's budget, not correctness.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float | None:
        """Counts one request for `key`; returns None if allowed, else seconds until allowed."""
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits.setdefault(key, deque())
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.per_minute:
                return max(0.0, q[0] + self.window - now)
            q.append(now)
            if len(self._hits) > 100_000:  # forget idle keys
                for k in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                    del self._hits[k]
            return None
