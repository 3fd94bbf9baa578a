"""Browser tests of the collector page: the platform deployed by the deploy engine on anvil, the
page served under uvicorn on loopback, and Debian's Chromium driven by Playwright with a test
wallet injected into every page.

Chromium comes from Debian (`apt-get install -y chromium`, done by `make test` when root); it is
never downloaded by Playwright. Screenshots of every page at phone and desktop size go to
tests/web/screenshots/ (git-ignored)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
import yaml

from gaoling.deploy import deploy_platform
from tests.web import axe
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
MARKUP_NAME = '<img src=x onerror="document.body.dataset.xss=1">缠枝莲纹碗'
RELAYER = "TEST::5"    # pays relay gas
ATTESTER = "TEST::8"   # the quiz attester named in metadata/platform.yaml


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def platform_config(tmp_path_factory) -> Path:
    """metadata/ copied, with the sample collection's cap lowered to TEST_CAP (so that it can sell out)."""
    root = tmp_path_factory.mktemp("platform") / "metadata"
    shutil.copytree(ROOT / "metadata", root)
    config = root / "collections" / "jingdezhen-blue-and-white.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["cap"] = TEST_CAP
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # Every token needs a piece: the first TEST_CAP pieces of the catalogue, one token each.
    catalogue = root / "catalogue" / "catalogue.yaml"
    pieces = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    pieces["pieces"] = pieces["pieces"][:TEST_CAP]
    for piece in pieces["pieces"]:
        piece["edition"]["size"] = 1
    # Metadata is user-supplied: a piece whose name is markup must show as text.
    pieces["pieces"][0]["name"]["zh-CN"] = MARKUP_NAME
    catalogue.write_text(yaml.safe_dump(pieces, allow_unicode=True), encoding="utf-8")
    # Crowdfunded campaigns must fit in the small cap: every tier shrinks to one piece (the deploy
    # still wires the crowdfund; tests open their own campaigns).
    platform = root / "platform.yaml"
    spec = yaml.safe_load(platform.read_text(encoding="utf-8"))
    for campaign in spec["crowdfund"]["campaigns"]:
        campaign["tiers"] = [dict(tier, cap=1) for tier in campaign["tiers"]]
        campaign["goal"] = campaign["tiers"][0]["price"]
    platform.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return platform


@pytest.fixture(scope="session")
def ipfs_store(tmp_path_factory) -> Path:
    """The local IPFS store the deploy publishes the catalogue to and the service's gateway reads."""
    store = tmp_path_factory.mktemp("ipfs")
    os.environ["GAOLING_IPFS_STORE"] = str(store)
    return store


@pytest.fixture(scope="session")
def deployment(project, chain, accounts, platform_config, ipfs_store, tmp_path_factory):
    """The whole platform, deployed by the production deploy engine."""
    out = tmp_path_factory.mktemp("deployments")
    deploy_platform(platform_config, project=project, provider=chain.provider, deployer=accounts[0],
                    out_dir=out, export_verify=False)
    return out / f"{chain.chain_id}.json"


@pytest.fixture(scope="session")
def contracts(deployment):
    import json

    return json.loads(deployment.read_text())["contracts"]


@pytest.fixture
def service(project, chain, deployment, platform_config, tmp_path):
    """The platform service's context (relayer included), on a fresh SQLite database per test:
    the chain goes back to its snapshot after each test, so the service's state does too."""
    from gaoling.service import ServiceConfig, build_context

    config = ServiceConfig(deployment=deployment, database_url=f"sqlite:///{tmp_path / 'gaoling.sqlite3'}",
                           relayer_account=RELAYER, attester_account=ATTESTER, batch_size=10, batch_seconds=0.2,
                           poll_seconds=0.1, rate_per_address=100, rate_per_ip=10_000, rpc_url=chain.provider.uri)
    svc = build_context(config, project, chain.provider, platform_config=platform_config)
    yield svc
    svc.engine.dispose()


@pytest.fixture
def server(service):
    """The service's app, with the page mounted by the service itself, under uvicorn on loopback, and
    its relayer running; yields the base URL."""
    from gaoling.service import create_app, start_relayer

    thread_relayer, stop_relayer = start_relayer(service)
    port = _free_port()
    config = uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning")
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
    stop_relayer.set()
    thread.join(timeout=10)
    thread_relayer.join(timeout=10)


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
        axe.attach(context)
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


@pytest.fixture(scope="session")
def sale_times(platform_config) -> dict[str, int]:
    """Unix start of each sale phase of the sample collection (its config dates them in the future)."""
    from datetime import datetime

    data = yaml.safe_load((platform_config.parent / "collections" / "jingdezhen-blue-and-white.yaml").read_text())
    return {name: int(datetime.fromisoformat(str(p["start"])).timestamp()) for name, p in data["phases"].items()}


@pytest.fixture
def allowlist_open(chain, sale_times) -> None:
    """Moves the chain's clock a minute into the allowlist phase."""
    warp(chain, sale_times["allowlist"] - chain.pending_timestamp + 60)


def warp(chain, seconds: int) -> None:
    """Moves the chain's clock forward (the page counts from block time) and mines a block."""
    chain.mine(1, deltatime=seconds)


def accessible(page, found: dict) -> None:
    """Runs axe-core in the page; records serious or critical violations by page name."""
    found[page.url.split("?")[0]] = axe.serious_violations(page)


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


@pytest.fixture
def bought_voucher(project, chain, contracts, accounts, sale_times, monkeypatch):
    """A collector who bought 5 pieces (100 purchase points), exchanged a coupon, passed the quiz
    (attested by the quiz attester) and bought a voucher: each step through the same domain
    functions and contract calls the CLI uses. The redeem is the page's, with the shipping form."""
    from cryptography.fernet import Fernet

    from gaoling import signing
    from gaoling.quiz.attestation import Attester
    from gaoling.quiz.certificate import submit

    monkeypatch.setenv("GAOLING_SHIPPING_KEY", Fernet.generate_key().decode())  # the studio's sealing key
    collector = accounts[3]
    edition = project.GaolingEdition.at(contracts["edition:jingdezhen-blue-and-white"])
    coupons = project.GlazeCoupons.at(contracts["coupons"])
    certificate = project.FiringCertificate.at(contracts["certificate"])
    vouchers = project.GaolingVouchers.at(contracts["vouchers"])
    warp(chain, sale_times["public"] - chain.pending_timestamp + 60)
    edition.mintPublic(5, value=edition.phase(1).price * 5, sender=collector)
    coupons.exchange(1, 1, sender=collector)
    attester = Attester(accounts[8], signing.Domain.of(certificate))
    submit(certificate, attester.sign(collector.address, 1, 5, chain.pending_timestamp), collector)
    voucher_id = vouchers.totalIssued() + 1
    price = next(r.price for r in vouchers.ranges(edition) if r.open)
    vouchers.buy(edition, 1, value=price, sender=collector)
    return collector, voucher_id, vouchers
