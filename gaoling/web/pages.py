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
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from gaoling.web.i18n import DEFAULT_LANG, LANGS, translator

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
LANG_COOKIE = "gaoling_lang"

# Page name -> template; the path of each page is in PAGES below.
NAV = ("gallery", "crowdfund", "me", "checkin", "quiz", "coupons", "custom")


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
    pieces: dict[str, list[int]] = field(default_factory=dict)   # edition key -> first token id of each piece
    from_block: int = 0                                          # first block of the deployment
    api_base: str = "/api/v1"
    ipfs_gateway: str = "/ipfs"
    eip3085: dict[str, Any] | None = None          # the service's own chain parameters, when it has them
    public_rpc: bool = True                        # False: rpc_url is the service's own node (dev chains)

    @classmethod
    def from_manifest(cls, manifest_path: str | Path, rpc_url: str, platform: str | Path | None = None,
                      **extra: Any) -> "WebSettings":
        """From `deployments/<chainId>.json` (and the platform config, for the catalogue's pieces)."""
        data = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
        pieces: dict[str, list[int]] = {}
        if platform is not None:
            from gaoling.catalogue import load_catalogue, token_map
            from gaoling.deploy.config import load_platform_config

            for slug, _config, catalogue in load_platform_config(platform).collections:
                if catalogue is not None:  # one card per piece: its first token (docs/ipfs.md, token ids)
                    pieces[slug] = [r.first for r in token_map(load_catalogue(catalogue)).ranges]
        blocks = [int(s["block"]) for s in data.get("steps", {}).values() if isinstance(s, dict) and s.get("block")]
        return cls(chain_id=int(data["chain_id"]), rpc_url=rpc_url, contracts=dict(data["contracts"]),
                   pieces=pieces, from_block=min(blocks) if blocks else 0, **extra)

    @classmethod
    def from_service(cls, svc: Any) -> "WebSettings":
        """From the platform service's context: its deployment, its advertised RPC URL (else the
        node it is connected to), and the catalogue pieces it publishes through its gateway."""
        contracts = {c: str(i.address) for c, i in svc.platform.contracts.items()}
        pieces: dict[str, list[int]] = {}
        for slug, edition in svc.platform.editions().items():
            pieces[slug] = _published_pieces(svc, edition.baseURI())
        rpc = svc.config.rpc_url or str(getattr(svc.provider, "uri", "") or "")
        return cls(chain_id=int(svc.platform.chain_id), rpc_url=rpc, contracts=contracts, pieces=pieces,
                   public_rpc=bool(svc.config.rpc_url))

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
                "exchanges": self.api_base + "/exchanges",
                "quiz": self.api_base + "/quiz",
                "shipping": self.api_base + "/shipping",
                "member": self.api_base + "/members/{address}",
                "staffShipping": self.api_base + "/staff/shipping/{voucherId}",
                "staffTracking": self.api_base + "/staff/tracking/{voucherId}",
                "analytics": self.api_base + "/analytics",
            },
        }

    def csp(self) -> str:
        rpc = urlsplit(self.rpc_url)
        connect = "'self'" + (f" {rpc.scheme}://{rpc.netloc}" if rpc.netloc else "")
        return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                f"connect-src {connect}; font-src 'self'; form-action 'self'; base-uri 'none'; "
                "frame-ancestors 'none'; object-src 'none'")


def _published_pieces(svc: Any, base_uri: str) -> list[int]:
    """The first token id of each piece in the published catalogue directory (ipfs://<dir>/<id>):
    token 1, then 1 + the size its metadata names (`properties.edition.size`), and so on, so a
    10,000-token edition of 15 pieces reads 15 files, not 10,000."""
    if not base_uri.startswith("ipfs://") or svc.ipfs_store is None:
        return []
    from gaoling.ipfs.blockstore import resolve_uri

    firsts: list[int] = []
    token = 1
    while len(firsts) < 10_000:
        try:
            meta = json.loads(resolve_uri(svc.ipfs_store, f"{base_uri}{token}"))
            size = int(meta.get("properties", {}).get("edition", {}).get("size") or 1)
        except Exception:  # past the last token, or not published here: the gallery shows what it found
            break
        firsts.append(token)
        token += max(size, 1)
    return firsts


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


def settings_of(request: Request) -> WebSettings:
    """The page's settings for the app serving this request: set by `mount`, or derived once from
    the platform service's context (`app.state.svc`) when the service includes `router` itself."""
    state = request.app.state
    settings = getattr(state, "web_settings", None)
    if settings is None:
        svc = getattr(state, "svc", None)
        if svc is None:
            raise HTTPException(500, "the collector page is mounted without settings or a platform service")
        settings = state.web_settings = WebSettings.from_service(svc)
    return settings


_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
router = APIRouter(include_in_schema=False)
STATIC_FILES = {"app.js": "text/javascript; charset=utf-8", "dashboard.js": "text/javascript; charset=utf-8",
                "app.css": "text/css; charset=utf-8"}


def _render(request: Request, page: str, **context: Any) -> HTMLResponse:
    settings = settings_of(request)
    lang = _lang(request)
    other = "en" if lang == "zh-CN" else "zh-CN"
    query = {k: v for k, v in request.query_params.items() if k == "ref"}
    query["lang"] = other
    switch = request.url.path + "?" + urlencode(query)
    html = _env.get_template(f"{page}.html").render(
        t=translator(lang), lang=lang, other_lang=other, switch_url=switch, page=page, nav=NAV,
        editions=settings.page_config()["editions"], **context)
    response = HTMLResponse(html, headers=_security_headers(settings))
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def gallery(request: Request):
    return _render(request, "gallery")


@router.get("/mint/{collection}", response_class=HTMLResponse)
def mint(request: Request, collection: str):
    if collection not in {e["key"] for e in settings_of(request).page_config()["editions"]}:
        raise HTTPException(404, f"no collection {collection!r} on this platform")
    return _render(request, "mint", collection=collection)


@router.get("/piece/{collection}/{token_id}", response_class=HTMLResponse)
def piece(request: Request, collection: str, token_id: int):
    return _render(request, "piece", collection=collection, token_id=token_id)


@router.get("/auction/{auction_id}", response_class=HTMLResponse)
def auction(request: Request, auction_id: int):
    return _render(request, "auction", auction_id=auction_id)


@router.get("/crowdfund", response_class=HTMLResponse)
def crowdfund(request: Request):
    return _render(request, "crowdfund")


@router.get("/crowdfund/{campaign_id}", response_class=HTMLResponse)
def campaign(request: Request, campaign_id: int):
    return _render(request, "campaign", campaign_id=campaign_id)


def _simple(name: str):
    def page(request: Request) -> HTMLResponse:
        return _render(request, name)
    page.__name__ = f"page_{name}"
    return page


# The studio's own pages (staff, dashboard) are public HTML; their data comes only from the service's
# endpoints, each behind Sign-In with Ethereum and a role read on chain.
for _name in ("me", "checkin", "quiz", "coupons", "custom", "staff", "dashboard"):
    router.add_api_route(f"/{_name}", _simple(_name), methods=["GET"], response_class=HTMLResponse)


@router.get("/web/config.json")
def config(request: Request) -> JSONResponse:
    settings = settings_of(request)
    return JSONResponse(settings.page_config(), headers=_security_headers(settings))


@router.get("/static/{name}")
def static(name: str, request: Request) -> Response:
    """The bundle and the stylesheet (a fixed list: nothing else under the folder is served)."""
    if name not in STATIC_FILES or not (STATIC / name).is_file():
        raise HTTPException(404, f"no static file {name!r}" + ("; run `make web`" if name.endswith(".js") else ""))
    headers = _security_headers(settings_of(request))
    headers["Cache-Control"] = "no-cache"
    return FileResponse(STATIC / name, media_type=STATIC_FILES[name], headers=headers)


def mount(app: FastAPI, settings: WebSettings) -> None:
    """Adds the page to `app` with explicit settings (a standalone app, or a service that passes them)."""
    from gaoling.web import staff

    app.state.web_settings = settings
    app.include_router(staff.router, prefix=settings.api_base)
    app.include_router(router)
