"""Helpers for the analytics tests: a JSON-RPC proxy in front of anvil that misbehaves on demand."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
import sqlalchemy as sa

from gaoling.analytics import schema


class FlakyNode:
    """Forwards JSON-RPC to `upstream`, but answers eth_getLogs with an error when `refuse(params)` says
    so: `("too many", max_blocks)` refuses ranges wider than max_blocks as public nodes do;
    `("broken", None)` answers every eth_getLogs with an internal error."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.mode: tuple[str, int | None] = ("ok", None)
        self.get_logs_calls = 0
        node = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                answer = [node.answer(b) for b in body] if isinstance(body, list) else node.answer(body)
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, request: dict) -> dict:
        if request.get("method") == "eth_getLogs":
            self.get_logs_calls += 1
            kind, limit = self.mode
            params = request["params"][0]
            width = int(params["toBlock"], 16) - int(params["fromBlock"], 16) + 1
            if kind == "too many" and width > limit:
                return {"jsonrpc": "2.0", "id": request["id"],
                        "error": {"code": -32005, "message": "query returned more than 10000 results"}}
            if kind == "broken":
                return {"jsonrpc": "2.0", "id": request["id"], "error": {"code": -32603, "message": "internal error"}}
        return requests.post(self.upstream, json=request, timeout=30).json()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def reset(engine) -> None:
    """Empties every analytics table (the schema stays)."""
    with engine.begin() as conn:
        for table in [*schema.EVENT_TABLES, schema.blocks, schema.contracts]:
            conn.execute(sa.delete(table))


def cursors(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {r.label: r.next_block for r in conn.execute(sa.select(schema.contracts))}
