"""Platform service benchmark: check-in intake over real HTTP (uvicorn on loopback), and end-to-end relay.

Intake: N concurrent httpx clients POST distinct, validly signed check-ins; each request is parsed,
its signature recovered (gaoling.fan's own check), its day, chain and contract checked, and the
message committed to the database (the intake's group commit, gaoling.service.messages.Intake)
before the 202. The peer is a bare endpoint of the same stack (same app and middleware, same body
model, async like the real one) that answers 202 without verifying or storing anything, measured in
the same run, in alternating slices (`_interleaved`) so that the load of other jobs on a shared
machine falls on both sides alike; each database's ratio is against the bare endpoint measured
alongside it (`service.bare_rps` is the SQLite run's, `service.bare_rps_postgres` the other).
End to end: 100 check-ins relayed in one batch; gas per check-in from the receipt, and seconds from
the last 202 to all 100 confirmed.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CLIENTS = 16
REQUESTS = 1200
SLICES = 4
WARMUP = 64


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """uvicorn in a thread on a free loopback port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "_Server":
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _add_bare(app: Any) -> None:
    from fastapi.responses import JSONResponse

    from gaoling.service.api.relay import CheckInBody

    # Same stack, body model and kind of endpoint as POST /api/v1/checkins (async, on the event loop),
    # no work: an async peer is the cheapest thing the stack does, so the ratio is not flattered.
    async def bare(body: CheckInBody) -> JSONResponse:
        return JSONResponse({"id": "0" * 32, "status": "queued"}, status_code=202)

    # this module postpones annotations; give FastAPI the model itself, not its name
    bare.__annotations__ = {"body": CheckInBody, "return": JSONResponse}
    app.post("/bench/bare", status_code=202)(bare)


async def _load(port: int, path: str, bodies: list[dict]) -> tuple[float, list[float], int]:
    import httpx

    queue: asyncio.Queue = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)
    latencies: list[float] = []
    accepted = 0

    async def client() -> None:
        nonlocal accepted
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            while not queue.empty():
                body = queue.get_nowait()
                t = time.perf_counter()
                r = await c.post(path, json=body)
                latencies.append(time.perf_counter() - t)
                accepted += r.status_code == 202

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return time.perf_counter() - started, latencies, accepted


def _interleaved(port: int, bodies: list[dict]) -> tuple[tuple[float, list[float], int], ...]:
    """Bare and check-in load in alternating slices on the same server, each side's times summed, so a
    change in the machine's load (other jobs on shared cores) falls on both sides alike."""
    sides = {"/bench/bare": [0.0, [], 0], "/api/v1/checkins": [0.0, [], 0]}
    warm, bodies = bodies[:WARMUP], bodies[WARMUP:]
    for path in sides:  # untimed: first connections, lazy imports, caches
        asyncio.run(_load(port, path, warm))
    step = len(bodies) // SLICES
    for i in range(SLICES):
        chunk = bodies[i * step:(i + 1) * step] if i < SLICES - 1 else bodies[i * step:]
        for path in list(sides)[:: 1 if i % 2 == 0 else -1]:  # alternate which side goes first
            acc = sides[path]
            seconds, lat, ok = asyncio.run(_load(port, path, chunk))
            acc[0] += seconds
            acc[1].extend(lat)
            acc[2] += ok
    return tuple(tuple(acc) for acc in sides.values())


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _signed_bodies(ledger: Any, n: int) -> list[dict]:
    from eth_account import Account

    from gaoling.fan.checkin import sign_check_in

    return [json.loads(sign_check_in(Account.create(), ledger).to_json()) for _ in range(n)]


def measure_throughput(project: Any, accounts: Any, chain: Any, deployment: Path) -> dict[str, Any]:
    """Keys service.* of benchmarks/throughput.json. `deployment` is a manifest on the connected chain."""
    from gaoling.bench.analytics import _postgres_launcher
    from gaoling.service import ServiceConfig, build_context, create_app
    from gaoling.service.database import open_engine

    start_postgres = _postgres_launcher(Path(project.path))
    server = start_postgres()
    out: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="gaoling-bench-service-") as tmp:
            urls = {"sqlite": f"sqlite:///{tmp}/bench.sqlite3", "postgres": server.create_database("bench_service")}
            for name, url in urls.items():
                config = ServiceConfig(deployment=deployment, database_url=url, role="api",
                                       rate_per_address=10**6, rate_per_ip=10**9)
                svc = build_context(config, project, chain.provider, engine=open_engine(url))
                app = create_app(svc, include_web=False)
                _add_bare(app)
                bodies = _signed_bodies(svc.platform.get("points"), WARMUP + REQUESTS)
                with _Server(app) as srv:
                    bare, intake = _interleaved(srv.port, bodies)
                for label, (seconds, lat, ok) in (("bare", bare), (name, intake)):
                    if ok != REQUESTS:
                        raise RuntimeError(f"{label}: only {ok} of {REQUESTS} requests were answered 202")
                bare_rps = round(REQUESTS / bare[0], 1)
                if name == "sqlite":
                    out["service.bare_rps"] = bare_rps
                    out["service.bare_p99_ms"] = round(_p(bare[1], 0.99), 2)
                else:
                    out[f"service.bare_rps_{name}"] = bare_rps
                seconds, lat, ok = intake
                out[f"service.checkin_rps_{name}"] = round(ok / seconds, 1)
                out[f"service.p50_ms_{name}"] = round(statistics.median(lat) * 1000, 2)
                out[f"service.p99_ms_{name}"] = round(_p(lat, 0.99), 2)
                out[f"service.intake_ratio_{name}"] = round(out[f"service.checkin_rps_{name}"] / bare_rps, 3)
                svc.engine.dispose()
            out.update(_end_to_end(project, chain, deployment, f"sqlite:///{tmp}/e2e.sqlite3"))
    finally:
        server.stop()
    return out


def _end_to_end(project: Any, chain: Any, deployment: Path, url: str) -> dict[str, Any]:
    from starlette.testclient import TestClient

    import sqlalchemy as sa

    from gaoling.service import ServiceConfig, build_context, create_app
    from gaoling.service.models import messages, relay_batches

    config = ServiceConfig(deployment=deployment, database_url=url, relayer_account="TEST::5", batch_size=100,
                           batch_seconds=60, rate_per_address=10**6, rate_per_ip=10**9)
    svc = build_context(config, project, chain.provider)
    bodies = _signed_bodies(svc.platform.get("points"), 100)
    with TestClient(create_app(svc, include_web=False)) as client:
        for b in bodies:
            assert client.post("/api/v1/checkins", json=b).status_code == 202
    accepted_at = time.perf_counter()
    while True:
        svc.relayer.step()
        with svc.engine.connect() as conn:
            left = conn.execute(sa.select(sa.func.count()).select_from(messages)
                                .where(messages.c.status != "confirmed")).scalar()
        if not left:
            break
        if time.perf_counter() - accepted_at > 120:
            raise RuntimeError(f"{left} check-ins not confirmed after 120 s")
    seconds = time.perf_counter() - accepted_at
    with svc.engine.connect() as conn:
        gas = conn.execute(sa.select(sa.func.sum(relay_batches.c.gas_used))).scalar()
    svc.engine.dispose()
    return {"service.seconds_to_confirmed_batch_100": round(seconds, 3),
            "service.gas_per_checkin_batch_100": int(gas) // 100}
