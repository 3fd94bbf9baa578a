"""One offline check for every configuration file of the platform (`ape run check FILE...`).

The kind of file is recognised from its content, so one command serves all of them:
- platform config (`metadata/platform.yaml`): `collections`, `auction`, `points`, ... and every
  collection config and catalogue it names;
- collection config (`metadata/collections/<slug>.yaml`): has `cap`;
- catalogue (`metadata/catalogue/catalogue.yaml`): has `pieces`;
- quiz question bank (`metadata/quiz/*.yaml`): has `questions`;
- allowlist (`*.csv`).
Each loader is the one the deploy or the command that uses the file calls, so the check can never
disagree with the real run. No chain, RPC or account is needed. Field docs: docs/configuration.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KINDS = ("platform", "collection", "catalogue", "quiz bank", "allowlist")


@dataclass
class CheckResult:
    path: Path
    kind: str
    problems: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def detect_kind(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return "allowlist"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return "platform" if path.name == "platform.yaml" else "collection"
    if isinstance(data, dict):
        if "cap" in data:
            return "collection"
        if "pieces" in data:
            return "catalogue"
        if "questions" in data:
            return "quiz bank"
    return "platform"


def check_file(path: str | Path, now: int | None = None) -> CheckResult:
    """Validates one file with the loader its real user calls; never raises for a bad file."""
    path = Path(path)
    if not path.is_file():
        return CheckResult(path, "?", [f"{path}: no such file; check the path"])
    kind = detect_kind(path)
    result = CheckResult(path, kind)
    try:
        _CHECKS[kind](path, result, now)
    except Exception as exc:  # noqa: BLE001 - every loader raises its own ValueError subclass with the file named
        if not isinstance(exc, (ValueError, LookupError, OSError)):
            raise
        result.problems = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return result


def _platform(path: Path, result: CheckResult, now: int | None) -> None:
    from gaoling.deploy.config import load_platform_config

    platform = load_platform_config(path, now=now)
    cfg = platform.config
    parts = [name for name in ("artworks", "auction", "points", "coupons", "certificate", "vouchers", "crowdfund")
             if getattr(cfg, name) is not None]
    result.summary.append(f"platform contracts: {', '.join(parts) or 'none'}")
    for slug, collection, catalogue in platform.collections:
        result.summary.append(f"collection {slug}: {collection.name} ({collection.symbol}), cap {collection.cap:,}"
                              + (f", catalogue {catalogue.name}" if catalogue else ""))
        if catalogue is not None:
            from gaoling.catalogue import load_catalogue, token_map

            try:  # the pieces' sizes must add up to the cap: one metadata file per token 1..cap
                token_map(load_catalogue(catalogue), collection.cap)
            except ValueError as exc:
                result.problems += [line.strip() for line in str(exc).splitlines() if line.strip()]
    for component, roles in cfg.roles.items():
        for role, holders in roles.items():
            result.summary.append(f"{component} {role}: {', '.join(holders)}")
    if cfg.auction is not None:
        result.summary.append(f"auction fee: {cfg.auction.fee_bps} bps to {cfg.auction.fee_recipient}")
    for campaign in cfg.crowdfund.campaigns if cfg.crowdfund is not None else ():
        result.summary.append(f"crowdfund campaign {campaign.name}: goal {campaign.goal}, {len(campaign.tiers)} tier(s), "
                              f"{campaign.total_cap} pieces of {campaign.collection}")


def _collection(path: Path, result: CheckResult, now: int | None) -> None:
    import time

    from gaoling.collection.config import _show_time, load_collection_config

    config = load_collection_config(path, now=int(time.time()) if now is None else now)
    result.summary.append(f"{config.name} ({config.symbol}), cap {config.cap:,}, royalty {config.royalty.bps} bps")
    for key in ("allowlist", "public"):
        phase = getattr(config.phases, key)
        if phase is not None:
            result.summary.append(f"{key} phase: {_show_time(phase.start)} .. {_show_time(phase.end)}, "
                                  f"max {phase.max_per_wallet}/wallet")


def _catalogue(path: Path, result: CheckResult, _now: int | None) -> None:
    from gaoling.catalogue.load import load_catalogue

    loaded = load_catalogue(path)
    tokens = sum(p.edition.size for p in loaded.pieces)
    result.summary.append(f"{len(loaded.pieces)} edition piece(s) for tokens 1..{tokens:,}, "
                          f"{len(loaded.works)} 1/1 work(s)")


def _quiz(path: Path, result: CheckResult, _now: int | None) -> None:
    from gaoling.quiz.bank import load_bank

    bank = load_bank(path)
    result.summary.append(f"{len(bank.questions)} question(s)")


def _allowlist(path: Path, result: CheckResult, _now: int | None) -> None:
    from gaoling.merkle import allowlist_tree, read_allowlist_csv

    entries = read_allowlist_csv(path)
    result.summary.append(f"{len(entries)} address(es), root 0x{allowlist_tree(entries).root_bytes.hex()}")


_CHECKS: dict[str, Any] = {"platform": _platform, "collection": _collection, "catalogue": _catalogue,
                           "quiz bank": _quiz, "allowlist": _allowlist}
