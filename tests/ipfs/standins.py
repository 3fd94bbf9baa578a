"""STAND-INS for Kubo RPC, an IPFS Pinning Services API provider and IPFS Cluster.

Kubo cannot be installed on these machines, so the backend clients are tested against these
small HTTP servers instead. They are stand-ins, not the real services: each implements only
the documented endpoints our clients call, but implements them honestly:

* multipart bodies are really parsed, CAR files are really decoded (with a decoder written
  here, independent of gaoling's), every block is re-hashed against its CID, and a DAG whose
  blocks are not all present is not pinned;
* the blocks received are kept, so later fetches (block/get, gateway, pinning-service origin
  fetches) serve them back;
* faults can be queued per route: "500" (HTTP 500), "timeout" (answer after the client gave up),
  "drop" (close the connection half-way through reading the upload), "failed" (the pin ends
  in a failed state).
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from multiformats import CID

# --- independent decoders ---------------------------------------------------------------------


def _uvarint(buf: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def _cbor(buf: bytes, i: int):
    ib = buf[i]
    major, info = ib >> 5, ib & 31
    i += 1
    if info >= 24:
        w = 1 << (info - 24)
        n = int.from_bytes(buf[i : i + w], "big")
        i += w
    else:
        n = info
    if major == 0:
        return n, i
    if major in (2, 3):
        v = buf[i : i + n]
        return (v if major == 2 else v.decode()), i + n
    if major == 4:
        out = []
        for _ in range(n):
            v, i = _cbor(buf, i)
            out.append(v)
        return out, i
    if major == 5:
        out = {}
        for _ in range(n):
            k, i = _cbor(buf, i)
            out[k], i = _cbor(buf, i)
        return out, i
    if major == 6:
        v, i = _cbor(buf, i)
        assert n == 42 and v[0] == 0, "only CID tags in CAR headers"
        return CID.decode(bytes(v[1:])), i
    raise ValueError(f"CBOR major {major} not expected in a CAR header")


class BadCar(ValueError):
    pass


def parse_car(data: bytes) -> tuple[list[CID], dict[bytes, bytes]]:
    """Decode a CARv1 and check every block's hash. Returns (roots, {cid bytes: block})."""
    try:
        hlen, i = _uvarint(data, 0)
        header, _ = _cbor(data[i : i + hlen], 0)
        i += hlen
        if header.get("version") != 1:
            raise BadCar("not a CARv1")
        blocks = {}
        while i < len(data):
            n, i = _uvarint(data, i)
            section = data[i : i + n]
            if len(section) != n:
                raise BadCar("truncated block section")
            i += n
            if section[0] == 0x12:  # CIDv0
                cid_len = 34
            else:
                j = 0
                for _ in range(3):
                    _, j = _uvarint(section, j)
                dlen, j = _uvarint(section, j)
                cid_len = j + dlen
            c = CID.decode(bytes(section[:cid_len]))
            block = bytes(section[cid_len:])
            if hashlib.sha256(block).digest() != bytes(c.raw_digest):
                raise BadCar(f"block {c} does not match its CID")
            blocks[bytes(c)] = block
        return header["roots"], blocks
    except (IndexError, KeyError, AssertionError) as exc:
        raise BadCar(f"malformed CAR: {exc!r}") from None


def pb_links(block: bytes) -> list[bytes]:
    """CIDs linked from a dag-pb block (PBNode field 2, PBLink field 1)."""
    links, i = [], 0
    while i < len(block):
        key, i = _uvarint(block, i)
        n, i = _uvarint(block, i)
        if key >> 3 == 2:
            inner, j = block[i : i + n], 0
            while j < len(inner):
                k2, j = _uvarint(inner, j)
                if k2 & 7 == 0:
                    _, j = _uvarint(inner, j)
                    continue
                m, j = _uvarint(inner, j)
                if k2 >> 3 == 1:
                    links.append(bytes(inner[j : j + m]))
                j += m
        i += n
    return links


def complete(root: bytes, blocks: dict[bytes, bytes]) -> bool:
    stack, seen = [root], set()
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        if c not in blocks:
            return False
        if CID.decode(c).codec.name == "dag-pb":
            stack.extend(pb_links(blocks[c]))
    return True


def multipart_file(content_type: str, body: bytes) -> bytes:
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not m:
        raise BadCar("no multipart boundary")
    boundary = b"--" + m.group(1).encode()
    for part in body.split(boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, payload = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            return payload[:-2] if payload.endswith(b"\r\n") else payload
    raise BadCar("no multipart part named 'file'")


# --- server plumbing --------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class StandIn:
    """Base: a server on 127.0.0.1 with a fault queue per route and a block store."""

    slow_seconds = 1.0  # how long a "timeout" fault holds the answer back

    def __init__(self) -> None:
        self.blocks: dict[bytes, bytes] = {}
        self.faults: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, headers)
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _dispatch(self, method):
                u = urlparse(self.path)
                standin.requests.append((method, u.path, dict(self.headers)))
                standin.handle(self, method, u.path, {k: v[0] for k, v in parse_qs(u.query).items()})

            def do_GET(self):
                self._dispatch("GET")

            def do_POST(self):
                self._dispatch("POST")

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def inject(self, route: str, *faults: str) -> None:
        self.faults.setdefault(route, []).extend(faults)

    def take_fault(self, route: str) -> str | None:
        with self.lock:
            q = self.faults.get(route)
            return q.pop(0) if q else None

    # helpers for handlers
    @staticmethod
    def reply(h, status: int, body, ctype: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def read_body(self, h, fault: str | None) -> bytes | None:
        length = int(h.headers.get("Content-Length") or 0)
        if fault == "drop":
            h.rfile.read(length // 2)
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return None
        return h.rfile.read(length)

    def apply_simple_fault(self, h, fault: str | None) -> bool:
        """Handle 500/timeout faults; True if the request was answered (or abandoned)."""
        if fault == "500":
            self.reply(h, 500, {"Message": "injected failure", "Code": 0, "Type": "error"})
            return True
        if fault == "timeout":
            time.sleep(self.slow_seconds)
            self.reply(h, 500, {"Message": "too late", "Code": 0, "Type": "error"})
            return True
        return False

    def handle(self, h, method, path, query):  # pragma: no cover - overridden
        raise NotImplementedError


class KuboStandIn(StandIn):
    """Kubo RPC stand-in: /api/v0/dag/import, /api/v0/pin/ls, /api/v0/block/get, and a trustless
    gateway (/ipfs/<cid>?format=raw) for verification and as a pinning-service origin."""

    def __init__(self) -> None:
        super().__init__()
        self.pins: set[bytes] = set()
        self.corrupt: set[bytes] = set()

    def handle(self, h, method, path, query):
        if path.startswith("/api/v0/") and method != "POST":
            return self.reply(h, 405, {"Message": "RPC needs POST", "Code": 0, "Type": "error"})
        if path == "/api/v0/dag/import":
            fault = self.take_fault("dag/import")
            body = self.read_body(h, fault)
            if body is None or self.apply_simple_fault(h, fault):
                return
            try:
                roots, blocks = parse_car(multipart_file(h.headers.get("Content-Type"), body))
            except BadCar as exc:
                return self.reply(h, 500, {"Message": str(exc), "Code": 0, "Type": "error"})
            self.blocks.update(blocks)
            lines = []
            for r in roots:
                rb = bytes(r)
                err = "" if complete(rb, self.blocks) else "block was not found locally (offline)"
                if not err and query.get("pin-roots", "true") == "true":
                    self.pins.add(rb)
                lines.append(json.dumps({"Root": {"Cid": {"/": str(r)}, "PinErrorMsg": err}}))
            return self.reply(h, 200, ("\n".join(lines) + "\n").encode(), "application/json")
        if path == "/api/v0/pin/ls":
            if self.apply_simple_fault(h, self.take_fault("pin/ls")):
                return
            c = bytes(CID.decode(query["arg"]))
            if c in self.pins:
                return self.reply(h, 200, {"Keys": {query["arg"]: {"Type": "recursive"}}})
            return self.reply(h, 500, {"Message": f"path '{query['arg']}' is not pinned", "Code": 0, "Type": "error"})
        if path == "/api/v0/block/get":
            return self._serve_block(h, query.get("arg", ""))
        if path.startswith("/ipfs/") and method == "GET":
            return self._serve_block(h, path[len("/ipfs/"):])
        self.reply(h, 404, {"Message": f"no route {path}", "Code": 0, "Type": "error"})

    def _serve_block(self, h, text):
        if self.apply_simple_fault(h, self.take_fault("block")):
            return
        try:
            c = bytes(CID.decode(text))
        except Exception:
            return self.reply(h, 400, {"Message": "invalid CID", "Code": 0, "Type": "error"})
        if c not in self.blocks:
            return self.reply(h, 404, {"Message": "block not found", "Code": 0, "Type": "error"})
        data = self.blocks[c]
        if c in self.corrupt:
            data = data[:-1] + bytes([data[-1] ^ 1]) if data else b"x"
        self.reply(h, 200, data, "application/vnd.ipld.raw")

    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"/ip4/{host}/tcp/{port}/http"


class PinningStandIn(StandIn):
    """IPFS Pinning Services API stand-in. It moves no data from the client: like a real
    provider it fetches the DAG from the `origins` (here: a Kubo stand-in's gateway), re-hashes
    every block, and only then reports `pinned`. Each GET of a pending request advances it one
    state (queued -> pinning -> pinned/failed)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.pins: dict[str, dict] = {}

    def _fetch_dag(self, cid_text: str, origins: list[str]) -> bool:
        for origin in origins:
            m = re.fullmatch(r"/ip4/([\d.]+)/tcp/(\d+)/http", origin)
            if not m:
                continue
            base = f"http://{m.group(1)}:{m.group(2)}"
            stack, got = [bytes(CID.decode(cid_text))], {}
            try:
                while stack:
                    c = stack.pop()
                    if c in got:
                        continue
                    with urllib.request.urlopen(f"{base}/ipfs/{CID.decode(c)}?format=raw", timeout=5) as r:
                        block = r.read()
                    if hashlib.sha256(block).digest() != bytes(CID.decode(c).raw_digest):
                        return False
                    got[c] = block
                    if CID.decode(c).codec.name == "dag-pb":
                        stack.extend(pb_links(block))
            except OSError:
                continue
            self.blocks.update(got)
            return True
        return False

    def handle(self, h, method, path, query):
        if h.headers.get("Authorization") != f"Bearer {self.token}":
            return self.reply(h, 401, {"error": {"reason": "UNAUTHORIZED", "details": "bad access token"}})
        if path == "/pins" and method == "POST":
            fault = self.take_fault("POST /pins")
            body = self.read_body(h, fault)
            if body is None or self.apply_simple_fault(h, fault):
                return
            req = json.loads(body)
            try:
                CID.decode(req["cid"])
            except Exception:
                return self.reply(h, 400, {"error": {"reason": "BAD_REQUEST", "details": "invalid cid"}})
            rid = uuid.uuid4().hex
            self.pins[rid] = {"requestid": rid, "status": "queued", "created": "2026-01-01T00:00:00Z",
                              "pin": {"cid": req["cid"], "name": req.get("name"), "origins": req.get("origins", [])},
                              "delegates": [self.origin_addr()], "fail": fault == "failed"}
            return self.reply(h, 202, self._public(rid))
        if path == "/pins" and method == "GET":
            if self.apply_simple_fault(h, self.take_fault("GET /pins")):
                return
            statuses = query.get("status", "queued,pinning,pinned,failed").split(",")
            results = [self._public(r) for r, p in self.pins.items()
                       if p["pin"]["cid"] == query.get("cid") and p["status"] in statuses]
            return self.reply(h, 200, {"count": len(results), "results": results[: int(query.get("limit", 10))]})
        m = re.fullmatch(r"/pins/([0-9a-f]+)", path)
        if m and method == "GET":
            if self.apply_simple_fault(h, self.take_fault("GET /pins/id")):
                return
            p = self.pins.get(m.group(1))
            if p is None:
                return self.reply(h, 404, {"error": {"reason": "NOT_FOUND", "details": "no such request"}})
            if p["status"] == "queued":
                p["status"] = "pinning"
            elif p["status"] == "pinning":
                ok = not p["fail"] and self._fetch_dag(p["pin"]["cid"], p["pin"]["origins"])
                p["status"] = "pinned" if ok else "failed"
            return self.reply(h, 200, self._public(m.group(1)))
        self.reply(h, 404, {"error": {"reason": "NOT_FOUND", "details": path}})

    def _public(self, rid: str) -> dict:
        return {k: v for k, v in self.pins[rid].items() if k != "fail"}

    def origin_addr(self) -> str:
        return f"/ip4/127.0.0.1/tcp/{self.server.server_address[1]}/p2p/standin"


class ClusterStandIn(StandIn):
    """IPFS Cluster REST API stand-in: POST /add?format=car (multipart CAR) and GET /pins/{cid}.
    A pin reports `pinning` on the first status query and `pinned` (or `pin_error` with the
    "failed" fault) after that, on both of its two pretend peers."""

    PEERS = ("12D3KooWStandInPeerA", "12D3KooWStandInPeerB")

    def __init__(self) -> None:
        super().__init__()
        self.pins: dict[str, dict] = {}

    def handle(self, h, method, path, query):
        if path == "/add" and method == "POST":
            fault = self.take_fault("add")
            body = self.read_body(h, fault)
            if body is None or self.apply_simple_fault(h, fault):
                return
            if query.get("format") != "car":
                return self.reply(h, 400, {"code": 400, "message": "stand-in only takes format=car"})
            try:
                roots, blocks = parse_car(multipart_file(h.headers.get("Content-Type"), body))
            except BadCar as exc:
                return self.reply(h, 400, {"code": 400, "message": str(exc)})
            self.blocks.update(blocks)
            out = []
            for r in roots:
                if not complete(bytes(r), self.blocks):
                    return self.reply(h, 400, {"code": 400, "message": f"DAG under {r} is incomplete"})
                self.pins[bytes(r)] = {"polls": 0, "fail": fault == "failed"}
                out.append(json.dumps({"name": query.get("name", ""), "cid": {"/": str(r)}, "size": len(body)}))
            return self.reply(h, 200, ("\n".join(out) + "\n").encode())
        m = re.fullmatch(r"/pins/(\w+)", path)
        if m and method == "GET":
            if self.apply_simple_fault(h, self.take_fault("pins")):
                return
            try:
                p = self.pins.get(bytes(CID.decode(m.group(1))))
            except Exception:
                return self.reply(h, 400, {"code": 400, "message": "invalid cid"})
            if p is None:
                return self.reply(h, 404, {"code": 404, "message": "not found"})
            p["polls"] += 1
            status = "pinning" if p["polls"] == 1 else ("pin_error" if p["fail"] else "pinned")
            peer_map = {peer: {"status": status, "error": "injected failure" if status == "pin_error" else ""}
                        for peer in self.PEERS}
            return self.reply(h, 200, {"cid": m.group(1), "peer_map": peer_map})
        self.reply(h, 404, {"code": 404, "message": path})
