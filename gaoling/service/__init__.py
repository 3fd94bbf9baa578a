"""The platform service (`ape run serve`): the studio's HTTP API, relayer, quiz, shipping intake and
IPFS gateway. See docs/service.md.

    svc = build_context(ServiceConfig(deployment=...), project, provider)
    app = create_app(svc)          # FastAPI (ASGI); uvicorn serves it
    start_relayer(svc)             # same process (role all) or a process of its own (role relayer)
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from gaoling.service.app import create_app, mount_web
from gaoling.service.config import ServiceConfig
from gaoling.service.context import ServiceContext

__all__ = ["ServiceConfig", "ServiceContext", "build_context", "create_app", "load_account", "mount_web",
           "start_relayer"]

log = logging.getLogger("gaoling.service")
_PUBLISHED: dict[tuple[str, str], frozenset[str]] = {}


class AccountError(ValueError):
    """An account named in the config cannot be used; the message says what to do."""


def load_account(alias: str, option: str) -> Any:
    """An Ape account by alias, ready to sign unattended.

    `TEST::N` is Ape's own name for test account N (dev chains). A keyfile account is unlocked with
    Ape's documented variable APE_ACCOUNTS_<alias>_PASSPHRASE and put in autosign mode, so the relayer
    never prompts; the passphrase and the key are never logged."""
    from ape import accounts

    if alias.startswith("TEST::"):
        try:
            return accounts.test_accounts[int(alias[6:])]
        except (ValueError, IndexError):
            raise AccountError(f"{option}: {alias} is not a test account (TEST::0 .. TEST::9)") from None
    try:
        account = accounts.load(alias)
    except Exception:
        raise AccountError(f"{option}: no Ape account named {alias!r}; import it with `ape accounts import {alias}`"
                           ) from None
    env = f"APE_ACCOUNTS_{alias}_PASSPHRASE"
    passphrase = os.environ.get(env)
    if not passphrase:
        raise AccountError(f"{option}: set {env} so the service can sign without a prompt (docs/service.md)")
    try:
        account.set_autosign(True, passphrase=passphrase)
    except Exception:
        raise AccountError(f"{option}: {env} does not unlock account {alias!r}") from None
    return account


def _load_ipfs(svc: ServiceContext) -> None:
    from gaoling.ipfs.blockstore import FsBlockstore
    from gaoling.ipfs.config import load_config
    from gaoling.service.api.ipfs import published_cids

    store_dir = svc.config.ipfs_store or load_config().store
    pins = Path(store_dir) / "pins.json"
    if not pins.exists():
        log.info("IPFS gateway: no pin manifest at %s, nothing to serve", pins)
        return
    svc.ipfs_store = FsBlockstore(store_dir)
    text = pins.read_text("utf-8")
    items = json.loads(text).get("items", {})
    # Walking every DAG takes seconds for a full catalogue; the same roots in the same content-addressed
    # store always reach the same blocks, so a process that builds several contexts walks them once.
    key = (str(Path(store_dir).resolve()), text)
    if key not in _PUBLISHED:
        _PUBLISHED[key] = frozenset(published_cids(svc.ipfs_store, items))
    svc.published = set(_PUBLISHED[key])
    log.info("IPFS gateway: %d published roots, %d blocks", len(items), len(svc.published))


def build_context(config: ServiceConfig, project: Any, provider: Any, *, platform_config: Path | None = None,
                  engine: Any = None) -> ServiceContext:
    from gaoling.service.chain import Platform
    from gaoling.service.database import open_engine, upgrade

    if engine is None:
        engine = open_engine(config.database_url)
    else:  # a caller's engine (e.g. the analytics database) gets the service's tables too
        upgrade(engine)
    platform = Platform.load(config.deployment, project, provider)
    if platform_config is not None and config.platform_config is None and Path(platform_config).exists():
        config = config.model_copy(update={"platform_config": Path(platform_config)})
    svc = ServiceContext(config=config, engine=engine, platform=platform, provider=provider, project=project)
    if platform_config is not None and Path(platform_config).exists():
        from gaoling.deploy.config import load_platform_config

        loaded = load_platform_config(platform_config)
        svc.collections = {slug: cfg for slug, cfg, _ in loaded.collections}
    _load_ipfs(svc)
    if config.attester_account:
        svc.attester = load_account(config.attester_account, "--attester")
    if config.role in ("relayer", "all") and config.relayer_account:
        from gaoling.service.relayer import Relayer

        account = load_account(config.relayer_account, "--relayer")
        svc.relayer = Relayer(engine, platform, provider, account, config)
    return svc


def start_relayer(svc: ServiceContext) -> tuple[threading.Thread, threading.Event]:
    """Runs the relayer loop in a daemon thread; set the event to stop it."""
    if svc.relayer is None:
        raise AccountError("--relayer: name the Ape account that pays relay gas (or GAOLING_RELAYER_ACCOUNT)")
    stop = threading.Event()
    thread = threading.Thread(target=svc.relayer.run, args=(stop,), name="gaoling-relayer", daemon=True)
    thread.start()
    return thread, stop
