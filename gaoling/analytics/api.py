"""The issuer dashboard's data: a FastAPI router the platform service mounts at /api/v1/analytics
behind its admin gate (gaoling.analytics.access, which calls `make_router(engine, gate.require_admin)`).

`require_admin` decides who is an admin; this module never does. Every report is `Report.to_json()`:
the same numbers as `ape run analytics report` writes to <name>.json, shaped for Chart.js
(`charts[i].data.labels/datasets`), plus stable keys the page's message catalogues translate: `key`
per chart and table (its English title, lower-case, runs of other characters as one "-") and
`columnKeys` per table.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import sqlalchemy as sa
from fastapi import APIRouter, Depends
from sqlalchemy.engine import Engine

from gaoling.analytics import schema
from gaoling.analytics.reports import REPORTS
from gaoling.service.problems import Problem


def text_key(text: str) -> str:
    """"dealers (acquired >= 5, ...)" -> "dealers-acquired-5-..."."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def report_json(engine: Engine, name: str) -> dict[str, Any]:
    """One report as JSON (KeyError for an unknown name), with the keys its texts are translated by."""
    data = REPORTS[name](engine).to_json()
    for item in (*data["charts"], *data["tables"]):
        item["key"] = text_key(item["title"])
    for table in data["tables"]:
        table["columnKeys"] = [text_key(c) for c in table["columns"]]
    return data


def synced(engine: Engine) -> dict[str, Any]:
    """How far the indexer got: contracts indexed and the last block read for every one of them."""
    c = schema.contracts
    with engine.connect() as conn:
        count, lowest = conn.execute(sa.select(sa.func.count(), sa.func.min(c.c.next_block))).one()
    return {"contracts": int(count or 0), "throughBlock": int(lowest) - 1 if lowest is not None else None}


def make_router(engine: Engine, require_admin: Callable[..., Any]) -> APIRouter:
    router = APIRouter(tags=["analytics"], dependencies=[Depends(require_admin)])

    @router.get("/reports", summary="The dashboard's reports, and how far the indexer has read")
    def list_reports() -> dict[str, Any]:
        return {"reports": [{"name": n, "url": f"reports/{n}"} for n in REPORTS], "synced": synced(engine)}

    @router.get("/reports/{name}", summary="One report: totals, tables and Chart.js data")
    def get_report(name: str) -> dict[str, Any]:
        if name not in REPORTS:
            names = ", ".join(REPORTS)
            raise Problem("not-found", "name", en=f"name: there is no report {name!r}; ask for one of {names}.",
                          zh=f"name：没有名为 {name!r} 的报表；可用的报表：{names}。")
        return report_json(engine, name)

    return router
