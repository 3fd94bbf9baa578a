"""Upstream and fork anvils for the fork tests (imported as `from tests.fork.chains import ...`).

Each anvil runs on its own free port and is stopped by the pid we started. Ape is pointed at one
of them with `networks.ethereum.local.use_provider("foundry", provider_settings={"host": url})`:
ape-foundry connects to an anvil already listening there instead of starting its own.
"""

from __future__ import annotations

import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

ANVIL = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "anvil"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_anvil(*extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    binary = str(ANVIL) if ANVIL.exists() else "anvil"
    proc = subprocess.Popen([binary, "--port", str(port), "--hardfork", "cancun", "--silent", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(1200):  # wait for the RPC port, at most ~60 s (a forking start on loaded cores is slow)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, url
        if proc.poll() is not None:
            raise RuntimeError(f"anvil exited with {proc.returncode}: {' '.join(extra)}")
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("anvil did not open its port")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def connected(url: str):
    """Ape connected to the anvil at `url` for the duration of the block."""
    from ape import chain, networks

    # Ape caches contract types by address per network, and these anvils are `ethereum:local` too:
    # without a clean cache, an address reused by another chain of the session gets the old type.
    chain.contracts.clear_local_caches()
    try:
        with networks.ethereum.local.use_provider("foundry", provider_settings={"host": url},
                                                  disconnect_after=True) as provider:
            chain.contracts.clear_local_caches()
            yield provider
    finally:
        chain.contracts.clear_local_caches()
