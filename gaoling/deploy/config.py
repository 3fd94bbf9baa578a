"""`metadata/platform.yaml`: which collections and platform contracts to deploy, validated up front.

`load_platform_config(path)` reads and validates the whole file, including every collection config
it references (through `gaoling.collection.config.load_collection_config`), before anything is
sent. Problems are reported together as `<file>: <field path>: <what is wrong>`, the same format as
collection configs. `load_any_config(path)` also accepts a single collection config, for deploying
one more collection on an existing platform.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from gaoling.collection.config import (
    CollectionConfig,
    CollectionConfigError,
    _Loader,
    format_loc,
    load_collection_config,
)
from gaoling.crowdfund.config import CrowdfundSection, check_platform as check_crowdfund
from gaoling.fan.points import Rules
from gaoling.inputs import parse_address, parse_price

Address = Annotated[str, BeforeValidator(parse_address)]


class PlatformConfigError(ValueError):
    """Every problem found in a platform config (and the collection configs it references)."""

    def __init__(self, source: str, issues: list[tuple[str, str]]) -> None:
        self.source = source
        self.issues = issues
        super().__init__("\n".join(f"{source}: {p}: {m}" if p else f"{source}: {m}" for p, m in issues))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CollectionEntry(_Model):
    """One edition collection: its config file and, optionally, a catalogue to publish to IPFS."""

    config: str = Field(description="path of a collection config, relative to platform.yaml")
    catalogue: str | None = Field(None, description="catalogue.yaml to publish; its URIs are set on the edition")


class ArtworksSection(_Model):
    name: str = Field("Gaoling Artworks", min_length=1)
    symbol: str = Field("GLA", min_length=1, pattern=r"^\S+$")
    contract_uri: str = ""


class AuctionSection(_Model):
    fee_recipient: Address
    fee_bps: int = Field(ge=0, le=1000, description="platform fee in bps (the contract caps it at 10%)")


class PointsSection(_Model):
    rules: Rules = Field(default_factory=Rules)


class CouponsSection(_Model):
    base_uri: str = Field("ipfs://glazes/", min_length=1)


class CertificateSection(_Model):
    attester: Address | None = None
    base_uri: str = ""
    contract_uri: str = ""


class VoucherPayee(_Model):
    address: Address
    bps: int = Field(ge=1, le=10_000)


class VouchersSection(_Model):
    name: str = Field("Gaoling Firing Voucher", min_length=1)
    symbol: str = Field("GLVOUCHER", min_length=1, pattern=r"^\S+$")
    base_uri: str = Field("ipfs://vouchers/", min_length=1)
    delivery_timeout_days: int = Field(30, ge=1, le=365, description="days after shipping before delivery is assumed")
    payees: list[VoucherPayee] = Field(min_length=1, description="who receives voucher revenue once pieces are delivered")
    price: str = Field(description="voucher price for every customizable collection, e.g. '0.1 ether'")
    customizable: list[str] = Field(default_factory=list,
                                    description="slugs of collections (from `collections`) whose tokens may be made real")

    @field_validator("payees")
    @classmethod
    def _shares_total(cls, payees: list[VoucherPayee]) -> list[VoucherPayee]:
        total = sum(p.bps for p in payees)
        if total != 10_000:
            raise ValueError(f"the shares add up to {total} bps; they must add up to exactly 10000")
        return payees

    @field_validator("price")
    @classmethod
    def _price(cls, value: str) -> str:
        parse_price(value)
        return value

    def price_wei(self) -> int:
        return parse_price(self.price)


class PlatformConfig(_Model):
    collections: list[CollectionEntry] = Field(default_factory=list)
    ipfs_backend: str = Field("local", description="IPFS backend kind for catalogues (local pins nothing)")
    artworks: ArtworksSection | None = None
    auction: AuctionSection | None = None
    points: PointsSection | None = None
    coupons: CouponsSection | None = None
    certificate: CertificateSection | None = None
    vouchers: VouchersSection | None = None
    crowdfund: CrowdfundSection | None = None  # gaoling.crowdfund.config
    admin: Address | None = Field(None, description="default handover target when --admin is not given")


class LoadedPlatform:
    """A validated platform config with its collection configs loaded (paths made absolute)."""

    def __init__(self, source: Path, config: PlatformConfig,
                 collections: list[tuple[str, CollectionConfig, Path | None]]) -> None:
        self.source = source
        self.config = config
        self.collections = collections  # (slug, config, catalogue path or None)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlatformConfigError(str(path), [("", f"cannot read the file ({exc.strerror}); check the path")]) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise PlatformConfigError(str(path), [("", f"not valid YAML: {exc}")]) from None


def load_platform_config(path: str | Path) -> LoadedPlatform:
    """Validates `path` and every collection config it references; raises PlatformConfigError."""
    path = Path(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise PlatformConfigError(str(path), [("", "expected a mapping with collections, auction, points, ...")])
    try:
        config = PlatformConfig.model_validate(data)
    except ValidationError as exc:
        raise PlatformConfigError(str(path), [(format_loc(e["loc"]), e["msg"]) for e in exc.errors()]) from None
    issues: list[tuple[str, str]] = []
    loaded: list[tuple[str, CollectionConfig, Path | None]] = []
    seen: set[str] = set()
    for i, entry in enumerate(config.collections):
        cpath = (path.parent / entry.config).resolve()
        slug = cpath.stem
        if slug in seen:
            issues.append((f"collections[{i}].config", f"{slug} is listed twice; each collection deploys once"))
            continue
        seen.add(slug)
        try:
            collection = load_collection_config(cpath)
        except CollectionConfigError as exc:
            issues += [(f"collections[{i}].config", line) for line in str(exc).splitlines()]
            continue
        except OSError as exc:
            issues.append((f"collections[{i}].config", f"cannot read {cpath} ({exc.strerror})"))
            continue
        catalogue = None
        if entry.catalogue is not None:
            catalogue = (path.parent / entry.catalogue).resolve()
            if not catalogue.is_file():
                issues.append((f"collections[{i}].catalogue", f"{catalogue} does not exist"))
        loaded.append((slug, collection, catalogue))
    if config.coupons is not None and config.points is None:
        issues.append(("coupons", "glaze coupons spend points: add a points section too"))
    if config.vouchers is not None:
        if config.coupons is None or config.certificate is None:
            issues.append(("vouchers", "vouchers need glaze coupons and the firing certificate: add both sections"))
        for i, slug in enumerate(config.vouchers.customizable):
            if slug not in seen:
                issues.append((f"vouchers.customizable[{i}]",
                               f"{slug} is not one of the collections listed above ({', '.join(sorted(seen)) or 'none'})"))
    if config.crowdfund is not None:
        issues += check_crowdfund(config.crowdfund, {slug: c.cap for slug, c, _ in loaded}, config.vouchers is not None)
    if issues:
        raise PlatformConfigError(str(path), issues)
    return LoadedPlatform(path, config, loaded)


def load_any_config(path: str | Path, catalogue: str | Path | None = None) -> LoadedPlatform:
    """A platform config, or a single collection config (recognised by its `cap` field).

    `catalogue` (`ape run deploy --catalogue`) is published and its URIs set on the collection: the
    single collection, or the only collection of a platform config."""
    path = Path(path)
    data = _read_yaml(path)
    if isinstance(data, dict) and "cap" in data:
        try:
            collection = load_collection_config(path)
        except CollectionConfigError as exc:
            raise PlatformConfigError(str(path), [("", line) for line in str(exc).splitlines()]) from None
        platform = LoadedPlatform(path, PlatformConfig(), [(path.stem, collection, None)])
    else:
        platform = load_platform_config(path)
    if catalogue is not None:
        catalogue = Path(catalogue)
        if not catalogue.is_file():
            raise PlatformConfigError(str(path), [("--catalogue", f"{catalogue} does not exist")])
        if len(platform.collections) != 1:
            raise PlatformConfigError(str(path), [("--catalogue", f"the config has {len(platform.collections)} "
                                                   "collections; name each one's catalogue in platform.yaml "
                                                   "(collections[i].catalogue) instead")])
        slug, collection, _ = platform.collections[0]
        platform.collections[0] = (slug, collection, catalogue)
    return platform
