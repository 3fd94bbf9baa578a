"""Browser tests of the collector page: the platform deployed by the deploy engine on anvil, the
page served under uvicorn on loopback, and Debian's Chromium driven by Playwright with a test
wallet injected into every page.

Chromium comes from Debian (`apt-get install -y chromium`, done by `make test` when root); it is
never downloaded by Playwright. Screenshots of every page at phone and desktop size go to
tests/web/screenshots/ (git-ignored)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
import yaml

from gaoling.deploy import deploy_platform
from gaoling.web.app import create_app
from gaoling.web.router import WebSettings
from tests.web.wallet import TestWallet

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The test platform is the sample one with a small cap, so that a collection can sell out.
TEST_CAP = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def platform_config(tmp_path_factory) -> Path:
    """metadata/ copied, with the sample collection's cap lowered to TEST_CAP."""
    root = tmp_path_factory.mktemp("platform") / "metadata"
    shutil.copytree(ROOT / "metadata", root)
    config = root / "collections" / "jingdezhen-blue-and-white.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["cap"] = TEST_CAP
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root / "platform.yaml"


@pytest.fixture(scope="session")
def deployment(project, chain, accounts, platform_config, tmp_path_factory):
    """The whole platform, deployed by the production deploy engine."""
    out = tmp_path_factory.mktemp("deployments")
    deploy_platform(platform_config, project=project, provider=chain.provider, deployer=accounts[0],
                    out_dir=out, export_verify=False)
    return out / f"{chain.chain_id}.json"


@pytest.fixture(scope="session")
def contracts(deployment):
    import json

    return json.loads(deployment.read_text())["contracts"]


@pytest.fixture(scope="session")
def server(deployment, platform_config, chain):
    """The page under uvicorn on a loopback port; yields its base URL."""
    settings = WebSettings.from_manifest(deployment, chain.provider.uri, platform_config)
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `apt-get install -y chromium` (make test does it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_wallet(browser, chain, server):
    """open_wallet(account, wrong_chain=False, viewport=PHONE) -> (page, wallet) in a new context."""
    contexts = []

    def make(account, *, wrong_chain: bool = False, viewport=PHONE, locale="zh-CN"):
        context = browser.new_context(viewport=viewport, locale=locale, timezone_id="Europe/London")
        wallet = TestWallet(chain.provider.uri, account.address, chain.chain_id,
                            current_chain=1 if wrong_chain else 0)
        wallet.attach(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.js_errors = errors
        contexts.append(context)
        return page, wallet

    yield make
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    """Saves the page at phone and desktop size."""
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)


def goto(page, server: str, path: str) -> None:
    page.goto(server + path)
    page.wait_for_selector("body[data-ready]", state="attached", timeout=20_000)
    assert page.locator("body").get_attribute("data-ready") == "1", page.js_errors


def connect(page) -> None:
    button = page.get_by_role("button", name="Gaoling Test Wallet")
    try:
        button.wait_for(timeout=10_000)
    except Exception:
        raise AssertionError(f"no wallet button; wallet bar: {page.inner_html('#wallet')!r}; errors: {page.js_errors}") from None
    button.click()
    page.wait_for_selector("#wallet .address")
