"""A FastAPI app serving only the page, for when the platform service is not part of the
process (tests of the page alone, `python -m gaoling.web.app`). In production the service mounts
the page into its own app with `gaoling.web.mount`."""

from __future__ import annotations

import argparse
import sys

from fastapi import FastAPI

from gaoling.web.pages import WebSettings, mount


def create_app(settings: WebSettings) -> FastAPI:
    app = FastAPI(title="Gaoling collector page", docs_url=None, redoc_url=None, openapi_url=None)
    mount(app, settings)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gaoling.web.app", description="Serve the collector page alone.")
    parser.add_argument("--deployment", required=True, help="deployments/<chainId>.json")
    parser.add_argument("--platform", default="metadata/platform.yaml", help="platform config (for the catalogue's pieces)")
    parser.add_argument("--rpc-url", default="http://127.0.0.1:8545", help="the chain's RPC URL as browsers reach it")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    import uvicorn

    try:
        settings = WebSettings.from_manifest(args.deployment, args.rpc_url, args.platform)
    except (OSError, ValueError, KeyError) as exc:
        print(f"--deployment {args.deployment}: cannot read it ({exc})", file=sys.stderr)
        return 2
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
