"""The page's routes: HTML pages, the page config the browser code reads, and the static files.

Everything here is presentational. Chain state is read by the browser from the chain itself (viem
over the RPC URL named in the config) and from the platform service's API; the page keeps no state
of its own. Every response carries a strict Content-Security-Policy: scripts only from this origin
(no inline script at all), no plugins, no framing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from gaoling.web.i18n import DEFAULT_LANG, LANGS, translator

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
LANG_COOKIE = "gaoling_lang"

# Page name -> template; the path of each page is in PAGES below.
NAV = ("gallery", "me", "checkin", "quiz", "coupons", "custom")


@dataclass
class WebSettings:
    """What the page needs to know; the service fills it from its own settings."""

    chain_id: int
    rpc_url: str                                   # as the browser reaches it
    contracts: dict[str, str]                      # the deployment manifest's "contracts"
    chain_name: str = "Gaoling dev chain"
    currency_name: str = "Ether"
    currency_symbol: str = "ETH"
    explorer_url: str | None = None
    pieces: dict[str, list[int]] = field(default_factory=dict)   # edition key -> catalogue piece ids
    from_block: int = 0                                          # first block of the deployment
    api_base: str = "/api/v1"
    ipfs_gateway: str = "/ipfs"
    eip3085: dict[str, Any] | None = None          # the service's own chain parameters, when it has them

    @classmethod
    def from_manifest(cls, manifest_path: str | Path, rpc_url: str, platform: str | Path | None = None,
                      **extra: Any) -> "WebSettings":
        """From `deployments/<chainId>.json` (and the platform config, for the catalogue's pieces)."""
        data = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
        pieces: dict[str, list[int]] = {}
        if platform is not None:
            from gaoling.catalogue.load import load_catalogue
            from gaoling.deploy.config import load_platform_config

            for slug, _config, catalogue in load_platform_config(platform).collections:
                if catalogue is not None:
                    pieces[slug] = [p.id for p in load_catalogue(catalogue).catalogue.pieces]
        blocks = [int(s["block"]) for s in data.get("steps", {}).values() if isinstance(s, dict) and s.get("block")]
        return cls(chain_id=int(data["chain_id"]), rpc_url=rpc_url, contracts=dict(data["contracts"]),
                   pieces=pieces, from_block=min(blocks) if blocks else 0, **extra)

    def chain_parameters(self) -> dict[str, Any]:
        """EIP-3085 `wallet_addEthereumChain` parameters."""
        if self.eip3085:
            return self.eip3085
        params: dict[str, Any] = {
            "chainId": hex(self.chain_id),
            "chainName": self.chain_name,
            "nativeCurrency": {"name": self.currency_name, "symbol": self.currency_symbol, "decimals": 18},
            "rpcUrls": [self.rpc_url],
        }
        if self.explorer_url:
            params["blockExplorerUrls"] = [self.explorer_url]
        return params

    def page_config(self) -> dict[str, Any]:
        editions = [{"key": key.split(":", 1)[1], "address": address, "pieces": self.pieces.get(key.split(":", 1)[1], [])}
                    for key, address in self.contracts.items() if key.startswith("edition:")]
        return {
            "chain": self.chain_parameters(),
            "rpcUrl": self.rpc_url,
            "contracts": {k: v for k, v in self.contracts.items() if not k.startswith("edition:")},
            "editions": editions,
            "fromBlock": self.from_block,
            "ipfsGateway": self.ipfs_gateway,
            "service": {
                "base": self.api_base,
                "allowlistProof": self.api_base + "/collections/{collection}/allowlist/{address}",
                "checkins": self.api_base + "/checkins",
                "exchanges": self.api_base + "/coupons/exchanges",
                "quiz": self.api_base + "/quiz",
                "shipping": self.api_base + "/shipping",
                "member": self.api_base + "/members/{address}",
            },
        }

    def csp(self) -> str:
        rpc = urlsplit(self.rpc_url)
        connect = "'self'" + (f" {rpc.scheme}://{rpc.netloc}" if rpc.netloc else "")
        return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                f"connect-src {connect}; font-src 'self'; form-action 'self'; base-uri 'none'; "
                "frame-ancestors 'none'; object-src 'none'")


def _security_headers(settings: WebSettings) -> dict[str, str]:
    return {
        "Content-Security-Policy": settings.csp(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGS else DEFAULT_LANG


def create_router(settings: WebSettings) -> APIRouter:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    router = APIRouter(include_in_schema=False)
    headers = _security_headers(settings)

    def render(request: Request, page: str, **context: Any) -> HTMLResponse:
        lang = _lang(request)
        other = "en" if lang == "zh-CN" else "zh-CN"
        query = dict(request.query_params)
        query["lang"] = other
        switch = request.url.path + "?" + "&".join(f"{k}={v}" for k, v in query.items() if k in ("lang", "ref"))
        html = env.get_template(f"{page}.html").render(
            t=translator(lang), lang=lang, other_lang=other, switch_url=switch, page=page, nav=NAV, **context)
        response = HTMLResponse(html, headers=headers)
        if request.query_params.get("lang") in LANGS:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
        return response

    @router.get("/", response_class=HTMLResponse)
    def gallery(request: Request):
        return render(request, "gallery", editions=settings.page_config()["editions"])

    @router.get("/mint/{collection}", response_class=HTMLResponse)
    def mint(request: Request, collection: str):
        if collection not in {e["key"] for e in settings.page_config()["editions"]}:
            raise HTTPException(404, f"no collection {collection!r} on this platform")
        return render(request, "mint", collection=collection)

    @router.get("/piece/{collection}/{token_id}", response_class=HTMLResponse)
    def piece(request: Request, collection: str, token_id: int):
        return render(request, "piece", collection=collection, token_id=token_id)

    @router.get("/auction/{auction_id}", response_class=HTMLResponse)
    def auction(request: Request, auction_id: int):
        return render(request, "auction", auction_id=auction_id)

    for name in ("me", "checkin", "quiz", "coupons", "custom", "staff"):
        router.add_api_route(f"/{name}", (lambda n: lambda request: render(request, n))(name),
                             methods=["GET"], response_class=HTMLResponse)

    @router.get("/web/config.json")
    def config() -> JSONResponse:
        return JSONResponse(settings.page_config(), headers=headers)

    return router


def mount(app: FastAPI, settings: WebSettings) -> None:
    """Adds the page's routes and static files to `app` (the platform service's app)."""
    app.include_router(create_router(settings))
    app.mount("/static", StaticFiles(directory=STATIC), name="web-static")
    headers = _security_headers(settings)

    @app.middleware("http")
    async def _csp(request: Request, call_next):  # static files get the same policy
        response: Response = await call_next(request)
        if request.url.path.startswith("/static/"):
            for k, v in headers.items():
                if k != "Cache-Control":
                    response.headers.setdefault(k, v)
        return response
