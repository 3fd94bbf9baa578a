"""`metadata/platform.yaml`: which contracts make up a platform, and their settings.

Validated completely before any transaction: `load_platform_config` returns a `PlatformConfig`
whose values are the exact on-chain values, or raises `PlatformConfigError` listing every problem
as `<file>: <field path>: <what is wrong>`. The collection configs it names are loaded with
`gaoling.collection.load_collection_config`, whose errors name their own file.

Every section except `collections` is optional: a platform without `auction:` has no auction
house, and so on. Sections that depend on another say so when it is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from gaoling.collection.config import (
    CollectionConfig,
    CollectionConfigError,
    _Loader,
    format_loc,
    load_collection_config,
)
from gaoling.fan.coupons import DEFAULT_GLAZES, GlazeSpec
from gaoling.fan.points import Rules
from gaoling.inputs import parse_address

#: EVM versions solc 0.8.37 accepts, oldest first. The suite exercises the ones in docs/deploy.md.
EVM_VERSIONS = ("homestead", "tangerineWhistle", "spuriousDragon", "byzantium", "constantinople",
                "petersburg", "istanbul", "berlin", "london", "paris", "shanghai", "cancun", "prague", "osaka")
MAX_FEE_BPS = 1000

Address = Annotated[str, BeforeValidator(parse_address)]


class PlatformConfigError(ValueError):
    """Every problem found in a platform config, each with its file and field path."""

    def __init__(self, source: str, issues: list[tuple[str, str]]) -> None:
        self.source = source
        self.issues = issues
        super().__init__("\n".join(f"{source}: {path}: {msg}" if path else f"{source}: {msg}"
                                   for path, msg in issues))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}; put it in quotes")
    return value


Text = Annotated[str, BeforeValidator(_text)]


class CollectionEntry(_Model):
    """One capped-edition collection: its config file and, optionally, its catalogue."""

    config: Annotated[str, Field(description="collection config path, relative to platform.yaml")]
    catalogue: str | None = Field(None, description="catalogue to publish; its base and contract "
                                                    "URIs are set on the edition")


class ArtworksSection(_Model):
    """The artwork registry and 1/1 collection (GaolingArtworks)."""

    name: Text = "Gaoling Artworks"
    symbol: Text = "GLA"
    contract_uri: Text = ""
    curators: list[Address] = Field(default_factory=list, description="extra CURATOR_ROLE holders")


class AuctionSection(_Model):
    """The English auction house (GaolingAuctionHouse)."""

    fee_recipient: Address
    fee_bps: Annotated[int, Field(ge=0, le=MAX_FEE_BPS)] = 500
    pausers: list[Address] = Field(default_factory=list, description="extra PAUSER_ROLE holders")


class PointsSection(_Model):
    """The non-transferable points ledger (PointsLedger)."""

    rules: Rules = Rules()


class CouponsSection(_Model):
    """Glaze coupons (GlazeCoupons), paid for with points."""

    base_uri: Text = "ipfs://glazes/"
    glazes: list[GlazeSpec] = Field(default_factory=lambda: list(DEFAULT_GLAZES))


class CertificateSection(_Model):
    """The soulbound firing-process certificate (FiringCertificate)."""

    attester: Address | None = Field(None, description="the quiz grader's signing key (ATTESTER_ROLE)")
    base_uri: Text = ""
    contract_uri: Text = ""


class PlatformConfig(_Model):
    evm_version: str = Field("cancun", description="must match the compiler setting in ape-config.yaml")
    ipfs_backend: str | None = Field(None, description="IPFS backend for catalogues; unset = the configured "
                                                       "one (gaoling.ipfs), `local` = store only")
    collections: list[CollectionEntry] = Field(default_factory=list)
    artworks: ArtworksSection | None = None
    auction: AuctionSection | None = None
    points: PointsSection | None = None
    coupons: CouponsSection | None = None
    certificate: CertificateSection | None = None

    @model_validator(mode="after")
    def _check(self) -> "PlatformConfig":
        if self.evm_version not in EVM_VERSIONS:
            raise ValueError(f"evm_version: {self.evm_version!r} is not an EVM version solc knows; "
                             f"use one of {', '.join(EVM_VERSIONS)}")
        if self.coupons is not None and self.points is None:
            raise ValueError("coupons: glaze coupons are bought with points; add a points: section")
        if not (self.collections or self.artworks or self.auction or self.points or self.certificate):
            raise ValueError("the platform deploys nothing; add collections: or another section")
        return self


class LoadedPlatform:
    """A validated platform: its config plus every collection config, loaded and validated."""

    def __init__(self, source: Path, config: PlatformConfig,
                 collections: list[tuple[str, CollectionConfig, Path | None]]):
        self.source = source
        self.config = config
        #: (slug, collection config, catalogue path or None), slug = the config file's stem
        self.collections = collections


def _issues(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for err in exc.errors(include_url=False):
        loc = format_loc(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            out.append((loc, "unknown field; check the spelling (docs/deploy.md lists the fields)"))
        elif kind == "missing":
            out.append((loc, "required field is missing; add it"))
        elif kind == "value_error":
            msg = str((err.get("ctx") or {}).get("error", err["msg"]))
            if ": " in msg and not loc:
                field, _, rest = msg.partition(": ")
                out.append((field, rest))
            else:
                out.append((loc, msg))
        else:
            out.append((loc, f"{err['msg']}, got {err['input']!r}"))
    return out


def load_platform_config(path: str | Path) -> LoadedPlatform:
    """Reads `platform.yaml`, validates it and every collection config it names."""
    path = Path(path)
    source = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except OSError as exc:
        raise PlatformConfigError(source, [("", f"cannot read the config: {exc.strerror or exc}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise PlatformConfigError(source, [("", f"{where}not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if not isinstance(data, dict):
        raise PlatformConfigError(source, [("", "the file must be a YAML mapping (collections: ..., auction: ...)")])
    try:
        config = PlatformConfig.model_validate(data)
    except ValidationError as exc:
        raise PlatformConfigError(source, _issues(exc)) from None

    issues: list[tuple[str, str]] = []
    collections: list[tuple[str, CollectionConfig, Path | None]] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(config.collections):
        where = f"collections[{i}]"
        config_path = path.parent / entry.config
        slug = config_path.stem
        if slug in seen:
            issues.append((f"{where}.config", f"{entry.config} has the same file name as collections[{seen[slug]}]; "
                           "manifest entries are keyed by file name, so rename one"))
            continue
        seen[slug] = i
        catalogue = None
        if entry.catalogue is not None:
            catalogue = path.parent / entry.catalogue
            if not catalogue.is_file():
                issues.append((f"{where}.catalogue", f"{catalogue} does not exist"))
        try:
            collections.append((slug, load_collection_config(config_path), catalogue))
        except CollectionConfigError as exc:
            # The collection's own file and field paths, prefixed by where the platform names it.
            issues.extend((f"{where}.config -> {line}", "") for line in str(exc).splitlines())
    if issues:
        raise PlatformConfigError(source, [(p, m) if m else ("", p) for p, m in issues])
    return LoadedPlatform(path, config, collections)


def single_collection(path: str | Path, catalogue: str | Path | None = None) -> LoadedPlatform:
    """A platform of one collection, for `ape run deploy --config metadata/collections/x.yaml`."""
    path = Path(path)
    collection = load_collection_config(path)
    if catalogue is not None and not Path(catalogue).is_file():
        raise PlatformConfigError(str(path), [("--catalogue", f"{catalogue} does not exist")])
    config = PlatformConfig(collections=[CollectionEntry(config=path.name)])
    return LoadedPlatform(path, config, [(path.stem, collection, Path(catalogue) if catalogue else None)])


def is_collection_config(path: str | Path) -> bool:
    """True if `path` looks like a collection config (it has `symbol:` and `cap:` at the top level)."""
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "symbol" in data and "cap" in data
