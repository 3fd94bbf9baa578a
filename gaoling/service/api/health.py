"""Probes and metrics: /healthz (the process answers), /readyz (chain, database, relayer), /metrics."""

from __future__ import annotations

import time

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gaoling.service.context import ServiceContext
from gaoling.service.models import messages

router = APIRouter(tags=["health"])


def _svc(request: Request) -> ServiceContext:
    return request.app.state.svc


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict:
    return {"status": "ok"}


def queue_state(svc: ServiceContext) -> dict:
    with svc.engine.connect() as conn:
        counts = {f"{k}:{s}": int(n) for k, s, n in conn.execute(
            sa.select(messages.c.kind, messages.c.status, sa.func.count()).group_by(messages.c.kind, messages.c.status))}
        oldest = conn.execute(sa.select(sa.func.min(messages.c.created_at))
                              .where(messages.c.status.in_(("queued", "sent")))).scalar()
    return {"counts": counts, "lag_seconds": round(time.time() - oldest, 3) if oldest else 0.0}


@router.get("/readyz", summary="Readiness: chain head, database, relayer lag and balance")
def readyz(request: Request) -> JSONResponse:
    svc = _svc(request)
    report: dict = {"status": "ok", "checks": {}}
    ok = True
    try:
        number, timestamp = svc.platform.head(svc.provider, max_age=0)
        report["checks"]["chain"] = {"ok": True, "chainId": svc.platform.chain_id, "head": number,
                                     "headTimestamp": timestamp}
        svc.metrics.chain_head.set(number)
    except Exception as exc:
        ok = False
        report["checks"]["chain"] = {"ok": False, "error": type(exc).__name__}
    try:
        q = queue_state(svc)
        report["checks"]["database"] = {"ok": True, "dialect": svc.engine.dialect.name}
        report["checks"]["queue"] = q
        svc.metrics.relayer_lag.set(q["lag_seconds"])
        for key, n in q["counts"].items():
            kind, status = key.split(":")
            svc.metrics.queue.labels(kind, status).set(n)
    except Exception as exc:
        ok = False
        report["checks"]["database"] = {"ok": False, "error": type(exc).__name__}
    relayer = svc.relayer
    if relayer is not None:
        st = relayer.state
        report["checks"]["relayer"] = {
            "ok": st.last_error is None and not st.low_balance, "sender": st.sender,
            "balanceWei": str(st.balance_wei), "lowBalance": st.low_balance, "budgetExhausted": st.budget_exhausted,
            "lastStepAgo": round(time.time() - st.last_step_at, 3) if st.last_step_at else None,
            "lastError": st.last_error}
        svc.metrics.relayer_balance.set(st.balance_wei)
        if st.low_balance or st.last_error:
            report["status"] = "degraded"
    if not ok:
        report["status"] = "unavailable"
    return JSONResponse(report, status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus text format")
def metrics(request: Request) -> Response:
    svc = _svc(request)
    try:
        q = queue_state(svc)
        svc.metrics.relayer_lag.set(q["lag_seconds"])
        for key, n in q["counts"].items():
            kind, status = key.split(":")
            svc.metrics.queue.labels(kind, status).set(n)
    except Exception:
        pass
    if svc.relayer is not None:
        svc.metrics.relayer_balance.set(svc.relayer.state.balance_wei)
    return Response(generate_latest(svc.metrics.registry), media_type=CONTENT_TYPE_LATEST)
