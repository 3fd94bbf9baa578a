"""Helpers for fault tests: `ape run serve --role relayer` as a real subprocess, a TCP proxy in front
of the test chain (closing it is what a relayer sees when its node goes down), and chain reads."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def ape() -> str:
    return shutil.which("ape") or str(Path(sys.executable).with_name("ape"))


def start_relayer(uri: str, deployment: Path, database_url: str, account: str, log: Path,
                  fault: str | None = None, batch_size: int = 5, extra: tuple[str, ...] = ()) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("GAOLING_RELAYER_FAULT", None)
    if fault:
        env["GAOLING_RELAYER_FAULT"] = fault
    # A bare RPC URL is an ad-hoc Ape network whose chain id is the node's own (31337 for anvil);
    # `ethereum:local:<url>` would sign for the local network's configured id instead.
    cmd = [ape(), "run", "serve", "--network", uri, "--deployment", str(deployment),
           "--role", "relayer", "--relayer", account, "--database-url", database_url,
           "--batch-size", str(batch_size), "--batch-seconds", "0.2", "--log-level", "info", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for(condition, what: str, timeout: float = 90.0, procs: tuple = (), log: Path | None = None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"gave up waiting for {what}\n{tail}")


def statuses(engine, ids: list[str]) -> dict[str, str]:
    from gaoling.service.models import messages

    with engine.connect() as conn:
        return {r.id: r.status for r in conn.execute(sa.select(messages.c.id, messages.c.status)
                                                      .where(messages.c.id.in_(ids)))}


def all_final(engine, ids: list[str]) -> bool:
    st = statuses(engine, ids)
    return len(st) == len(ids) and all(s in ("confirmed", "rejected") for s in st.values())


class Proxy:
    """A TCP forwarder 127.0.0.1:<port> -> the chain's RPC port. `down()` closes the listener and every
    open connection (the node is unreachable); `up()` listens again on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() blocked in its thread
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        for c in self._conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
