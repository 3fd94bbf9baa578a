"""`create_app()`: the ASGI application (FastAPI) of the platform service.

Routers live in gaoling.service.api; each is mounted under /api/v1 except the IPFS gateway
(/ipfs/...) and the probes (/healthz, /readyz, /metrics). The issuer dashboard's reports are
gaoling.analytics's (/api/v1/analytics, gaoling.analytics.access). The collector page (gaoling.web, if
installed) is mounted last: `gaoling.web.router` (an APIRouter) is included when importable, so the
page and the API are one process and one origin.
"""

from __future__ import annotations

import importlib
import logging
import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

from gaoling.service import problems
from gaoling.service.context import ServiceContext
from gaoling.service.problems import Problem

API = "/api/v1"
log = logging.getLogger("gaoling.service")


class BodyLimit(BaseHTTPMiddleware):
    """413 for bodies over the configured size (by Content-Length, and by reading when chunked)."""

    def __init__(self, app, limit: int) -> None:
        super().__init__(app)
        self.limit = limit

    async def dispatch(self, request: Request, call_next):
        if request.method in ("POST", "PUT", "PATCH"):
            length = request.headers.get("content-length")
            too_big = length is not None and length.isdigit() and int(length) > self.limit
            if not too_big and length is None:
                body = await request.body()
                too_big = len(body) > self.limit
            if too_big:
                return problems.render(request, Problem(
                    "body-too-large", "body", en=f"The body is larger than {self.limit} bytes; send less.",
                    zh=f"请求体超过 {self.limit} 字节；请减少内容。"))
            ctype = request.headers.get("content-type", "")
            if request.url.path.startswith(API) and not ctype.split(";")[0].strip().endswith("json"):
                return problems.render(request, Problem(
                    "unsupported-media-type", "content-type",
                    en=f"Content-Type is {ctype or 'missing'}; send the body as application/json.",
                    zh=f"Content-Type 为 {ctype or '空'}；请以 application/json 发送。"))
        started = time.perf_counter()
        response: Response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        svc: ServiceContext | None = getattr(request.app.state, "svc", None)
        if svc is not None:
            svc.metrics.requests.labels(path, str(response.status_code)).inc()
            svc.metrics.latency.labels(path).observe(time.perf_counter() - started)
        return response


def create_app(svc: ServiceContext, *, include_web: bool = True) -> FastAPI:
    app = FastAPI(
        title="Gaoling platform service",
        version="1",
        description="The studio's own API: catalogue, gasless relaying, quiz, shipping intake, IPFS gateway.",
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
    )
    app.state.svc = svc
    app.add_exception_handler(Problem, problems.problem_handler)
    app.add_exception_handler(RequestValidationError, problems.validation_handler)
    app.add_exception_handler(StarletteHTTPException, problems.http_handler)
    app.add_middleware(BodyLimit, limit=svc.config.max_body_bytes)

    from gaoling.analytics import access
    from gaoling.service.api import catalogue, crowdfund, health, ipfs, quiz, relay, shipping, signin

    app.include_router(catalogue.router, prefix=API)
    app.include_router(relay.router, prefix=API)
    app.include_router(quiz.router, prefix=API)
    app.include_router(shipping.router, prefix=API)
    app.include_router(crowdfund.router, prefix=API)
    app.include_router(signin.router, prefix=API)
    app.include_router(ipfs.router)
    app.include_router(health.router)
    access.mount(app, API + access.PREFIX)  # the issuer dashboard's reports, behind SIWE + admin role
    if include_web:
        mount_web(app)
    return app


def mount_web(app: FastAPI) -> bool:
    """Mounts the collector page (`gaoling.web.mount(app, settings)`) if that package is installed.
    Its settings come from the same deployment manifest and platform config as the API's."""
    try:
        web = importlib.import_module("gaoling.web")
    except ModuleNotFoundError:
        return False
    svc: ServiceContext = app.state.svc
    mount, settings_type = getattr(web, "mount", None), getattr(web, "WebSettings", None)
    if mount is None or settings_type is None:
        return False
    try:
        settings = settings_type.from_manifest(svc.config.deployment, svc.config.rpc_url or "http://127.0.0.1:8545",
                                               svc.config.platform_config)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("collector page not mounted: %s", exc)
        return False
    mount(app, settings)
    return True
