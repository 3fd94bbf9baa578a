"""Fetch a DAG back from a backend or gateway, re-hash every block, and report mismatches.

Blocks are fetched one by one in their raw form (`?format=raw` on a trustless gateway, or
`/api/v0/block/get` on Kubo), so nothing the remote says is trusted: each block must hash to
the CID that named it, and the DAG is walked through the links we decode ourselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from . import cid as cids
from .config import RetryPolicy
from .pb import PBDecodeError, decode_node


@dataclass
class VerifyReport:
    root: str
    source: str
    blocks: int = 0
    bytes: int = 0
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    undecodable: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing or self.undecodable)


class FetchError(RuntimeError):
    pass


def gateway_fetcher(gateway: str, retry: RetryPolicy, sleep=time.sleep) -> Callable[[bytes], bytes]:
    session = requests.Session()

    def fetch(c: bytes) -> bytes:
        url = f"{gateway.rstrip('/')}/ipfs/{cids.to_str(c)}"
        delay = retry.backoff
        last = ""
        for attempt in range(retry.attempts):
            try:
                r = session.get(url, params={"format": "raw"}, timeout=retry.timeout,
                                headers={"Accept": "application/vnd.ipld.raw"})
                if r.status_code == 200:
                    return r.content
                if r.status_code == 404 or (400 <= r.status_code < 500 and r.status_code != 429):
                    raise FetchError(f"HTTP {r.status_code}")
                last = f"HTTP {r.status_code}"
            except requests.RequestException as exc:
                last = type(exc).__name__
            if attempt + 1 < retry.attempts:
                sleep(delay)
                delay = min(delay * 2, retry.max_backoff)
        raise FetchError(last)

    return fetch


def verify_dag(root: bytes, fetch: Callable[[bytes], bytes], source: str,
               progress: Callable[[int], None] | None = None) -> VerifyReport:
    report = VerifyReport(cids.to_str(root), source)
    seen: set[bytes] = set()
    stack = [root]
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        try:
            block = fetch(c)
        except Exception as exc:  # any failure to fetch is reported, the walk goes on
            report.missing.append(f"{cids.to_str(c)} ({exc})")
            continue
        report.blocks += 1
        report.bytes += len(block)
        if progress:
            progress(report.blocks)
        if not cids.block_matches(c, block):
            report.mismatched.append(cids.to_str(c))
            continue  # its links cannot be trusted
        if cids.codec_of(c) == cids.DAG_PB:
            try:
                stack.extend(link.cid for link in reversed(decode_node(block).links))
            except PBDecodeError as exc:
                report.undecodable.append(f"{cids.to_str(c)} ({exc})")
    return report
