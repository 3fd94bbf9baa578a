"""The issuer dashboard's data: a FastAPI router the platform service includes.

    from gaoling.analytics.api import make_router
    app.include_router(make_router(engine, require_admin), prefix="/api/analytics")

`require_admin` is the service's own dependency (Sign-In with Ethereum session + admin-role check on
chain); this module never decides who is an admin. Every endpoint returns `Report.to_json()`: the
same numbers as `ape run analytics report`, shaped for Chart.js (`charts[i].data.labels/datasets`).
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.engine import Engine

from gaoling.analytics.reports import REPORTS


def report_json(engine: Engine, name: str) -> dict[str, Any]:
    """One report as JSON (KeyError for an unknown name)."""
    return REPORTS[name](engine).to_json()


def make_router(engine: Engine, require_admin: Callable[..., Any]) -> APIRouter:
    router = APIRouter(tags=["analytics"], dependencies=[Depends(require_admin)])

    @router.get("/reports")
    def list_reports() -> dict[str, Any]:
        return {"reports": [{"name": n, "url": f"reports/{n}"} for n in REPORTS]}

    @router.get("/reports/{name}")
    def get_report(name: str) -> dict[str, Any]:
        if name not in REPORTS:
            raise HTTPException(status_code=404, detail=f"no report {name!r}; one of {', '.join(REPORTS)}")
        return report_json(engine, name)

    return router
