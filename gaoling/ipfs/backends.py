"""Pinning backends: Kubo RPC, the IPFS Pinning Services API, IPFS Cluster.

Each backend takes a CAR (or, for the Pinning Services API, which moves no data, the CID plus
the origins that hold it), gets the root pinned, and confirms the pin. Every request goes
through `_Http.request`, which retries connection errors, timeouts, HTTP 429 and 5xx with
exponential backoff, and never puts a token in a message: tokens travel only in the
Authorization header, and errors name the backend by its kind and URL.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from . import cid as cids
from .config import ConfigError, IpfsConfig, RetryPolicy


class BackendError(RuntimeError):
    """A backend refused or failed an operation; the message names backend and item."""


class PinFailed(BackendError):
    """The backend reported the pin as failed (retrying the same request will not help)."""


@dataclass
class PinOutcome:
    status: str  # "pinned" or an in-progress state when `wait=False`
    requestid: str | None = None


class _Http:
    def __init__(self, name: str, base: str, token: str | None, retry: RetryPolicy,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = name
        self.base = base
        self._session = requests.Session()
        if token:
            self._session.headers["Authorization"] = f"Bearer {token}"
        self.retry = retry
        self.sleep = sleep

    def request(self, method: str, path: str, what: str, body_factory=None,
                final: Callable[[requests.Response], bool] | None = None, **kw) -> requests.Response:
        """`body_factory()` builds a fresh body per attempt (a file upload cannot be re-read
        from a half-consumed stream). `what` names the item in error messages."""
        delay = self.retry.backoff
        last = ""
        for attempt in range(1, self.retry.attempts + 1):
            if body_factory is not None:
                kw.update(body_factory())
            try:
                resp = self._session.request(method, self.base + path, timeout=self.retry.timeout, **kw)
            except requests.Timeout:
                last = f"timed out after {self.retry.timeout:g}s"
            except requests.ConnectionError as exc:
                last = f"connection failed ({type(exc).__name__})"
            else:
                if resp.status_code < 400:
                    return resp
                detail = _error_detail(resp)
                if (resp.status_code != 429 and resp.status_code < 500) or (final and final(resp)):
                    hint = " (check the token)" if resp.status_code in (401, 403) else ""
                    raise BackendError(f"{self.name}: {what}: HTTP {resp.status_code}{hint}: {detail}")
                last = f"HTTP {resp.status_code}: {detail}"
            if attempt < self.retry.attempts:
                self.sleep(delay)
                delay = min(delay * 2, self.retry.max_backoff) if delay else 0
        raise BackendError(f"{self.name}: {what}: gave up after {self.retry.attempts} attempts; last error: {last}")


def _error_detail(resp: requests.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200].strip() or resp.reason or ""
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):  # Pinning Services API: {"error": {"reason", "details"}}
            return f"{err.get('reason', '')} {err.get('details', '')}".strip()
        return str(body.get("Message") or body.get("message") or err or body)[:200]
    return str(body)[:200]


def _ndjson(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class KuboBackend:
    """Kubo RPC: `POST /api/v0/dag/import?pin-roots=true` with the CAR as multipart `file`,
    then `POST /api/v0/pin/ls?arg=<root>&type=recursive` to confirm the pin."""

    kind = "kubo"

    def __init__(self, api: str, token: str | None, retry: RetryPolicy, sleep=time.sleep) -> None:
        self.id = f"kubo:{api}"
        self.http = _Http(f"Kubo RPC at {api}", api, token, retry, sleep)

    def pin_car(self, car: Path, root: bytes, label: str, wait: bool = True) -> PinOutcome:
        root_s = cids.to_str(root)
        what = f"{label} {root_s}"

        data = car.read_bytes()

        def body():
            return {"files": {"file": (car.name, data, "application/vnd.ipld.car")}}

        resp = self.http.request("POST", "/api/v0/dag/import", what, body_factory=body,
                                 params={"pin-roots": "true"})
        for line in _ndjson(resp.text):
            r = line.get("Root")
            if r and r.get("PinErrorMsg"):
                raise PinFailed(f"{self.http.name}: {what}: pin failed: {r['PinErrorMsg']}")
        if not self.is_pinned(root, what):
            raise BackendError(f"{self.http.name}: {what}: imported but not pinned recursively")
        return PinOutcome("pinned")

    def is_pinned(self, root: bytes, what: str) -> bool:
        # Kubo answers HTTP 500 "... is not pinned" for an unpinned CID: final, not retried.
        try:
            resp = self.http.request("POST", "/api/v0/pin/ls", what,
                                     final=lambda r: "not pinned" in r.text,
                                     params={"arg": cids.to_str(root), "type": "recursive"})
        except BackendError as exc:
            if "not pinned" in str(exc):
                return False
            raise
        keys = resp.json().get("Keys") or {}
        return any(cids.parse(k) == root or _same_multihash(k, root) for k in keys)

    def get_block(self, c: bytes) -> bytes:
        return self.http.request("POST", "/api/v0/block/get", f"block {cids.to_str(c)}",
                                 params={"arg": cids.to_str(c)}).content


def _same_multihash(text: str, root: bytes) -> bool:
    # Kubo may answer with the CIDv1 form of a CIDv0 root (or the reverse); same multihash.
    try:
        other = cids.parse(text)
    except cids.CIDError:
        return False
    return other[-32:] == root[-32:] and cids.codec_of(other) == cids.codec_of(root)


class PinningServiceBackend:
    """IPFS Pinning Services API (Pinata, Filebase, 4EVERLAND, ...): `POST /pins` with the CID
    and the origins that hold the data, then poll `GET /pins/{requestid}` until `pinned` or
    `failed`, within `pin_timeout`. A rerun first looks the CID up (`GET /pins?cid=`), so a
    request already queued is followed instead of duplicated."""

    kind = "pinning"

    def __init__(self, endpoint: str, token: str, origins: list[str], retry: RetryPolicy,
                 pin_timeout: float, poll: float = 2.0, sleep=time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.id = f"pinning:{endpoint}"
        self.http = _Http(f"pinning service at {endpoint}", endpoint, token, retry, sleep)
        self.origins = origins
        self.pin_timeout = pin_timeout
        self.poll = poll
        self.sleep = sleep
        self.clock = clock

    def find(self, root: bytes, what: str) -> dict | None:
        resp = self.http.request("GET", "/pins", what, params={
            "cid": cids.to_str(root), "status": "queued,pinning,pinned", "limit": 1})
        results = resp.json().get("results") or []
        return results[0] if results else None

    def pin_car(self, car: Path | None, root: bytes, label: str, wait: bool = True,
                requestid: str | None = None) -> PinOutcome:
        what = f"{label} {cids.to_str(root)}"
        status = None
        if requestid:
            status = self.http.request("GET", f"/pins/{requestid}", what).json()
        if status is None or status.get("status") == "failed":
            status = self.find(root, what)
        if status is None:
            body = {"cid": cids.to_str(root), "name": label[:255]}
            if self.origins:
                body["origins"] = self.origins
            status = self.http.request("POST", "/pins", what, json=body).json()
        return self._follow(status, what, wait)

    def _follow(self, status: dict, what: str, wait: bool) -> PinOutcome:
        rid = status.get("requestid")
        if not rid:
            raise BackendError(f"{self.http.name}: {what}: response without requestid")
        deadline = self.clock() + self.pin_timeout
        while True:
            state = status.get("status")
            if state == "pinned":
                return PinOutcome("pinned", rid)
            if state == "failed":
                info = status.get("info") or {}
                raise PinFailed(f"{self.http.name}: {what}: the service reports the pin failed"
                                + (f" ({info})" if info else ""))
            if state not in ("queued", "pinning"):
                raise BackendError(f"{self.http.name}: {what}: unknown pin status {state!r}")
            if not wait:
                return PinOutcome(state, rid)
            if self.clock() >= deadline:
                raise BackendError(f"{self.http.name}: {what}: still {state} after "
                                   f"{self.pin_timeout:g}s (request {rid}); rerun to keep waiting")
            self.sleep(self.poll)
            status = self.http.request("GET", f"/pins/{rid}", what).json()


class ClusterBackend:
    """IPFS Cluster REST API: `POST /add?format=car` (multipart CAR; the cluster imports and
    pins it), then `GET /pins/{cid}` until every peer reports `pinned`."""

    kind = "cluster"

    def __init__(self, api: str, token: str | None, retry: RetryPolicy, pin_timeout: float,
                 poll: float = 1.0, sleep=time.sleep, clock=time.monotonic) -> None:
        self.id = f"cluster:{api}"
        self.http = _Http(f"IPFS Cluster at {api}", api, token, retry, sleep)
        self.pin_timeout = pin_timeout
        self.poll = poll
        self.sleep = sleep
        self.clock = clock

    def pin_car(self, car: Path, root: bytes, label: str, wait: bool = True) -> PinOutcome:
        root_s = cids.to_str(root)
        what = f"{label} {root_s}"

        data = car.read_bytes()

        def body():
            return {"files": {"file": (car.name, data, "application/vnd.ipld.car")}}

        resp = self.http.request("POST", "/add", what, body_factory=body,
                                 params={"format": "car", "name": label[:255]})
        added = [cids.parse(a["cid"]["/"] if isinstance(a.get("cid"), dict) else a["cid"])
                 for a in _ndjson(resp.text) if a.get("cid")]
        if root not in added and not any(a[-32:] == root[-32:] for a in added):
            raise BackendError(f"{self.http.name}: {what}: cluster added {len(added)} roots, not this one")
        deadline = self.clock() + self.pin_timeout
        while True:
            info = self.http.request("GET", f"/pins/{root_s}", what).json()
            states = {peer: (p.get("status"), p.get("error")) for peer, p in (info.get("peer_map") or {}).items()}
            errors = {peer: err or st for peer, (st, err) in states.items() if st and st.endswith("error")}
            if errors:
                raise PinFailed(f"{self.http.name}: {what}: pin failed on {errors}")
            if states and all(st == "pinned" for st, _ in states.values()):
                return PinOutcome("pinned")
            if not wait:
                return PinOutcome("pinning")
            if self.clock() >= deadline:
                raise BackendError(f"{self.http.name}: {what}: not pinned on every peer after "
                                   f"{self.pin_timeout:g}s; rerun to keep waiting")
            self.sleep(self.poll)


Backend = KuboBackend | PinningServiceBackend | ClusterBackend


def make_backend(cfg: IpfsConfig, kind: str | None = None, sleep=time.sleep) -> Backend | None:
    """The configured backend, or None for the local store only."""
    kind = kind or cfg.backend
    if kind == "local":
        return None
    cfg.require(kind)  # type: ignore[arg-type]
    tok = lambda s: s.get_secret_value() if s else None  # noqa: E731
    if kind == "kubo":
        return KuboBackend(cfg.kubo_api, tok(cfg.kubo_token), cfg.retry, sleep)
    if kind == "pinning":
        return PinningServiceBackend(cfg.pinning_endpoint, tok(cfg.pinning_token), cfg.pinning_origins,
                                     cfg.retry, cfg.pin_timeout, sleep=sleep)
    if kind == "cluster":
        return ClusterBackend(cfg.cluster_api, tok(cfg.cluster_token), cfg.retry, cfg.pin_timeout, sleep=sleep)
    raise ConfigError(f"unknown backend {kind!r}: use local, kubo, pinning or cluster (GAOLING_IPFS_BACKEND)")
