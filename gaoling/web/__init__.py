"""The collector's web page: server-rendered Jinja2 templates in zh-CN and en (one message
catalogue per language), static CSS, and a small browser bundle (viem, built by esbuild from
`src/`) that talks to the collector's own wallet.

`mount(app, settings)` adds the page to a FastAPI app (the platform service's); `create_app` builds
a standalone app around it for tests and demos. See docs/collectors.md.
"""

from gaoling.web.pages import WebSettings, mount, router

__all__ = ["WebSettings", "mount", "router"]
