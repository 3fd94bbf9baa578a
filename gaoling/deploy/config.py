"""`metadata/platform.yaml`: which collections and platform contracts to deploy, validated up front.

`load_platform_config(path)` reads and validates the whole file, including every collection config
it references (through `gaoling.collection.config.load_collection_config`), before anything is
sent. Problems are reported together as `<file>: <field path>: <what is wrong>`, the same format as
collection configs. `load_any_config(path)` also accepts a single collection config, for deploying
one more collection on an existing platform.
"""

from __future__ import annotations

import difflib
import time
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from gaoling.collection.config import (
    CollectionConfig,
    CollectionConfigError,
    FieldIssue,
    _describe,
    _uint,
    _Loader,
    format_loc,
    load_collection_config,
)
from gaoling.crowdfund.config import CrowdfundSection, check_platform as check_crowdfund
from gaoling.fan.points import Rules
from gaoling.inputs import parse_address, parse_price

Address = Annotated[str, BeforeValidator(parse_address)]
MAX_FEE_BPS = 2_000  # GaolingAuctionHouse.MAX_FEE_BPS; tests/deploy/test_config_check.py reads it from the ABI


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
    max_per_mint: int = Field(20, ge=1, le=100, description="most tokens per mint call or fiat order (bounds "
                              "the worst first transfer of a batch)")


# URIs left unset are published by the deploy (gaoling.deploy.metadata); a value given here wins.
_URI = "unset: the deploy publishes the metadata and sets this URI"


class ArtworksSection(_Model):
    name: str = Field("Gaoling Artworks", min_length=1)
    symbol: str = Field("GLA", min_length=1, pattern=r"^\S+$")
    contract_uri: str | None = Field(None, description=_URI)


class AuctionSection(_Model):
    fee_recipient: Address
    fee_bps: Annotated[int, _uint(0, MAX_FEE_BPS, f"the auction house accepts a platform fee of 0..{MAX_FEE_BPS} "
                                  f"bps (0%..{MAX_FEE_BPS // 100}%, its MAX_FEE_BPS)")] = Field(
        description="platform fee in bps, taken from each settled auction (the contract caps it at 20%)")
    # Points for auction wins (security review F-01): the platform's own collections (artworks and
    # every edition above) are registered automatically; list partner collections here.
    min_recorded_price: str = Field("0.001 ether", description="lowest auction price that earns points")
    registered_collections: list[Address] = Field(default_factory=list,
                                                  description="further collections whose auction wins earn points")

    @field_validator("min_recorded_price")
    @classmethod
    def _min_price(cls, value: str) -> str:
        parse_price(value)
        return value

    def min_recorded_price_wei(self) -> int:
        return parse_price(self.min_recorded_price)


class PointsSection(_Model):
    rules: Rules = Field(default_factory=Rules)
    purchase_daily_cap: int = Field(500, ge=0, le=2**30 - 1, description="most purchase points per member per CST day")


class CouponsSection(_Model):
    base_uri: str | None = Field(None, description=_URI + " (uri(id) = base + id + '.json')")
    contract_uri: str | None = Field(None, description=_URI)


class CertificateSection(_Model):
    attester: Address | None = None
    token_uri: str | None = Field(None, description=_URI + " (one JSON shared by every certificate)")
    contract_uri: str | None = Field(None, description=_URI)


def _price_text(value: Any) -> str:
    parse_price(value)  # raises "write it as text with a unit, e.g. '0.05 ether'" for a bare 0.05
    return str(value)


class VoucherPayee(_Model):
    address: Address
    bps: int = Field(ge=1, le=10_000)


class VouchersSection(_Model):
    name: str = Field("Gaoling Firing Voucher", min_length=1)
    symbol: str = Field("GLVOUCHER", min_length=1, pattern=r"^\S+$")
    base_uri: str | None = Field(None, description=_URI + " (tokenURI = base + status + '.json')")
    contract_uri: str | None = Field(None, description=_URI)
    delivery_timeout_days: int = Field(30, ge=1, le=365, description="days after shipping before delivery is assumed")
    refund_after_days: int = Field(180, ge=30, le=730, description="days without progress after which a holder "
                                   "may refund a voucher")
    payees: list[VoucherPayee] = Field(min_length=1, description="who receives voucher revenue once pieces are delivered")
    price: Annotated[str, BeforeValidator(_price_text)] = Field(
        description="voucher price for every customizable collection, e.g. '0.1 ether'")
    customizable: list[str] = Field(default_factory=list,
                                    description="slugs of collections (from `collections`) whose tokens may be made real")

    @field_validator("payees")
    @classmethod
    def _shares_total(cls, payees: list[VoucherPayee]) -> list[VoucherPayee]:
        total = sum(p.bps for p in payees)
        if total != 10_000:
            raise ValueError(f"the shares add up to {total} bps; they must add up to exactly 10000")
        return payees

    def price_wei(self) -> int:
        return parse_price(self.price)


# The people-facing roles of each platform contract (contract-to-contract roles such as SPENDER_ROLE
# are wired by the plan). tests/deploy/test_roles.py checks this table against the compiled ABIs.
PLATFORM_ROLES: dict[str, tuple[str, ...]] = {
    "artworks": ("CURATOR_ROLE",),
    "auction": ("PAUSER_ROLE",),
    "certificate": ("ATTESTER_ROLE",),
    "vouchers": ("ISSUER_ROLE", "ORDER_SIGNER_ROLE", "FULFILMENT_ROLE", "PAUSER_ROLE"),
}


def _holders(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError("name at least one address, or remove the role to leave it with the admin")
    out = []
    for i, item in enumerate(items):
        try:
            out.append(parse_address(item))
        except ValueError as exc:
            raise ValueError(f"[{i}]: {exc}" if isinstance(value, list) else str(exc)) from None
    return tuple(out)


def _role_section(value: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    """`{vouchers: {fulfilment: 0x.., pauser: [0x.., 0x..]}}` -> `{vouchers: {FULFILMENT_ROLE: (..)}}`."""
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of contract -> role -> address, e.g. vouchers: {fulfilment: \"0x...\"}")
    from gaoling.deploy.roles import parse_role  # light module; avoids a cycle at import

    issues: list[tuple[tuple, str]] = []
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for contract, roles in value.items():
        if contract not in PLATFORM_ROLES:
            close = difflib.get_close_matches(str(contract), list(PLATFORM_ROLES), n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            issues.append(((contract,), f"{hint}people hold roles on {', '.join(PLATFORM_ROLES)} (edition roles go in "
                                        "the collection config's `roles`)"))
            continue
        if not isinstance(roles, dict):
            issues.append(((contract,), "expected a mapping of role -> address, e.g. fulfilment: \"0x...\""))
            continue
        out[contract] = {}
        for name, holders in roles.items():
            try:
                role = parse_role(str(name), list(PLATFORM_ROLES[contract]), contract)
                out[contract][role] = _holders(holders)
            except ValueError as exc:
                issues.append(((contract, name), str(exc)))
    if issues:
        raise FieldIssue(*issues)
    return out


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
    roles: Annotated[dict[str, dict[str, tuple[str, ...]]], BeforeValidator(_role_section)] = Field(
        default_factory=dict, description="holders of each operational role, per platform contract")


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


def load_platform_config(path: str | Path, now: int | None = None) -> LoadedPlatform:
    """Validates `path` and every collection config it references; raises PlatformConfigError.
    `now` (unix seconds, default the current time) makes a sale phase that has already ended an error."""
    path = Path(path)
    now = int(time.time()) if now is None else now
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise PlatformConfigError(str(path), [("", "expected a mapping with collections, auction, points, ...")])
    try:
        config = PlatformConfig.model_validate(data)
    except ValidationError as exc:
        raise PlatformConfigError(str(path), [(format_loc(loc), msg) for e in exc.errors(include_url=False)
                                              for loc, msg in _describe(e, PlatformConfig)]) from None
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
            collection = load_collection_config(cpath, now=now)
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
    for component in config.roles:
        if getattr(config, component) is None:
            issues.append((f"roles.{component}", f"there is no {component} section, so no {component} contract to "
                                                 f"hold roles on: add the section or remove these roles"))
    if issues:
        raise PlatformConfigError(str(path), issues)
    return LoadedPlatform(path, config, loaded)


def load_any_config(path: str | Path, catalogue: str | Path | None = None, now: int | None = None) -> LoadedPlatform:
    """A platform config, or a single collection config (recognised by its `cap` field).

    `catalogue` (`ape run deploy --catalogue`) is published and its URIs set on the collection: the
    single collection, or the only collection of a platform config."""
    path = Path(path)
    data = _read_yaml(path)
    if isinstance(data, dict) and "cap" in data:
        try:
            collection = load_collection_config(path, now=int(time.time()) if now is None else now)
        except CollectionConfigError as exc:
            raise PlatformConfigError(str(path), [("", line) for line in str(exc).splitlines()]) from None
        platform = LoadedPlatform(path, PlatformConfig(), [(path.stem, collection, None)])
    else:
        platform = load_platform_config(path, now=now)
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
