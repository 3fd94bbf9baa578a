"""The deployment plan: an ordered list of steps built from a validated platform config.

A step either deploys a contract (constructor args) or calls a wiring function on a contract an
earlier step deployed. Arguments may hold `Ref(step_id)` (that step's address) or `Role(name)` (a
role id), resolved when the step runs, so the whole plan exists - and can be printed, estimated and
compared with a manifest - before anything is sent.

Each platform part is one `Component` in `COMPONENTS`: a function from the config (and the plan so
far) to steps. Adding a contract to the platform is one more entry there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eth_utils import keccak

from gaoling.collection.config import PHASE_ALLOWLIST
from gaoling.deploy.config import LoadedPlatform
from gaoling.fan.coupons import DEFAULT_GLAZES

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
DEFAULT_ADMIN_ROLE = b"\x00" * 32

# Collection-config role names -> the edition's role constants.
EDITION_ROLES = {
    "sale_manager": "SALE_MANAGER_ROLE",
    "order_signer": "ORDER_SIGNER_ROLE",
    "metadata_manager": "METADATA_ROLE",
    "pauser": "PAUSER_ROLE",
}


@dataclass(frozen=True)
class Ref:
    """The address deployed by step `step`."""

    step: str


@dataclass(frozen=True)
class Role:
    """A role id: keccak256(name), as every contract here defines its roles; DEFAULT_ADMIN_ROLE is zero."""

    name: str

    @property
    def id(self) -> bytes:
        return DEFAULT_ADMIN_ROLE if self.name == "DEFAULT_ADMIN_ROLE" else keccak(text=self.name)


@dataclass(frozen=True)
class Step:
    """One transaction. `method is None` means deploy `contract`; otherwise call `method` on `target`."""

    id: str
    contract: str
    args: tuple[Any, ...]
    method: str | None = None
    target: str | None = None
    note: str = ""

    @property
    def is_deploy(self) -> bool:
        return self.method is None

    def describe(self) -> str:
        if self.is_deploy:
            return f"deploy {self.contract}"
        shown = ", ".join(_show(a) for a in self.args)
        return f"{self.target}.{self.method}({shown})"


def _show(value: Any) -> str:
    if isinstance(value, Ref):
        return f"<{value.step}>"
    if isinstance(value, Role):
        return value.name
    if isinstance(value, bytes):
        return "0x" + value.hex()[:12] + ("…" if len(value) > 6 else "")
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return repr(value) if isinstance(value, str) else str(value)


def resolve(value: Any, addresses: dict[str, str], placeholder: str | None = None) -> Any:
    """Replaces Refs and Roles inside `value`. A Ref to an undeployed step becomes `placeholder`
    (for gas estimates) or raises."""
    if isinstance(value, Ref):
        if value.step in addresses:
            return addresses[value.step]
        if placeholder is not None:
            return placeholder
        raise KeyError(f"step {value.step!r} has not been deployed yet; the plan is out of order")
    if isinstance(value, Role):
        return value.id
    if isinstance(value, tuple):
        return tuple(resolve(v, addresses, placeholder) for v in value)
    if isinstance(value, list):
        return [resolve(v, addresses, placeholder) for v in value]
    return value


@dataclass
class PlanContext:
    """What components see: the config, the deployer (temporary admin) and URIs published so far."""

    platform: LoadedPlatform
    deployer: str
    uris: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (base, contract)
    # published platform metadata, e.g. "coupons.base" (gaoling.deploy.metadata.PublishedMetadata.uris)
    platform_uris: dict[str, str] = field(default_factory=dict)

    def uri(self, key: str, configured: str | None = None) -> str:
        return self.platform_uris.get(key) or configured or ""


Component = Callable[[PlanContext], list[Step]]


def _points(ctx: PlanContext) -> list[Step]:
    section = ctx.platform.config.points
    if section is None:
        return []
    return [Step("points", "PointsLedger", (ctx.deployer, section.rules.as_tuple()))]


def _coupons(ctx: PlanContext) -> list[Step]:
    section = ctx.platform.config.coupons
    if section is None:
        return []
    glazes = [g.as_tuple() for g in DEFAULT_GLAZES]
    steps = [
        Step("coupons", "GlazeCoupons", (ctx.deployer, Ref("points"), ctx.uri("coupons.base", section.base_uri), glazes)),
        Step("coupons:spender", "PointsLedger", (Role("SPENDER_ROLE"), Ref("coupons")), "grantRole", "points",
             "coupons spend points"),
    ]
    if contract := ctx.uri("coupons.contract", section.contract_uri):
        steps.append(Step("coupons:contract-uri", "GlazeCoupons", (contract,), "setContractURI", "coupons"))
    return steps


def _certificate(ctx: PlanContext) -> list[Step]:
    section = ctx.platform.config.certificate
    if section is None:
        return []
    return [Step("certificate", "FiringCertificate",
                 (ctx.deployer, section.attester or ZERO_ADDRESS, ctx.uri("certificate.token", section.token_uri),
                  ctx.uri("certificate.contract", section.contract_uri)))]


def _artworks_and_auction(ctx: PlanContext) -> list[Step]:
    cfg = ctx.platform.config
    steps: list[Step] = []
    if cfg.artworks is not None:
        a = cfg.artworks
        steps.append(Step("artworks", "GaolingArtworks",
                          (a.name, a.symbol, ctx.deployer, ctx.uri("artworks.contract", a.contract_uri))))
    if cfg.auction is not None:
        steps.append(Step("auction", "GaolingAuctionHouse",
                          (ctx.deployer, cfg.auction.fee_recipient, cfg.auction.fee_bps)))
        if cfg.artworks is not None:
            steps.append(Step("artworks:house", "GaolingArtworks", (Ref("auction"),), "setAuctionHouse", "artworks"))
        if cfg.points is not None:
            steps += [
                Step("auction:recorder-role", "PointsLedger", (Role("PURCHASE_RECORDER_ROLE"), Ref("auction")),
                     "grantRole", "points", "auction wins earn points"),
                Step("auction:recorder", "GaolingAuctionHouse", (Ref("points"),), "setPurchaseRecorder", "auction"),
            ]
    return steps


def _editions(ctx: PlanContext) -> list[Step]:
    steps: list[Step] = []
    has_points = ctx.platform.config.points is not None
    for slug, config, _catalogue in ctx.platform.collections:
        sid = f"edition:{slug}"
        steps.append(Step(sid, "GaolingEdition", (config.edition_init(ctx.deployer),)))
        for phase_id, args, root in config.phase_args():
            steps.append(Step(f"{sid}:phase{phase_id}", "GaolingEdition", (phase_id, args), "setPhase", sid))
            if phase_id == PHASE_ALLOWLIST:
                steps.append(Step(f"{sid}:root", "GaolingEdition", (root,), "setAllowlistRoot", sid))
        for name, address in config.role_grants().items():
            role = EDITION_ROLES[name]
            steps.append(Step(f"{sid}:role:{name}", "GaolingEdition", (Role(role), address), "grantRole", sid))
        if slug in ctx.uris:
            base, contract = ctx.uris[slug]
            steps.append(Step(f"{sid}:base-uri", "GaolingEdition", (base,), "setBaseURI", sid, "published catalogue"))
            steps.append(Step(f"{sid}:contract-uri", "GaolingEdition", (contract,), "setContractURI", sid))
        if has_points:
            steps.append(Step(f"{sid}:recorder-role", "PointsLedger", (Role("PURCHASE_RECORDER_ROLE"), Ref(sid)),
                              "grantRole", "points", "edition sales earn points"))
            steps.append(Step(f"{sid}:recorder", "GaolingEdition", (Ref("points"),), "setPointsLedger", sid))
    return steps


def _vouchers(ctx: PlanContext) -> list[Step]:
    cfg = ctx.platform.config
    section = cfg.vouchers
    if section is None:
        return []
    init = (section.name, section.symbol, ctx.uri("vouchers.base", section.base_uri), ctx.deployer,
            Ref("certificate"), Ref("coupons"),
            [p.address for p in section.payees], [p.bps for p in section.payees],
            section.delivery_timeout_days * 86_400)
    steps = [
        Step("vouchers", "GaolingVouchers", (init,)),
        Step("vouchers:redeemer", "GlazeCoupons", (Role("REDEEMER_ROLE"), Ref("vouchers")), "grantRole", "coupons",
             "redemptions consume and restore coupons"),
    ]
    if contract := ctx.uri("vouchers.contract", section.contract_uri):
        steps.append(Step("vouchers:contract-uri", "GaolingVouchers", (contract,), "setContractURI", "vouchers"))
    caps = {slug: config.cap for slug, config, _ in ctx.platform.collections}
    for slug in section.customizable:
        steps.append(Step(f"vouchers:range:{slug}", "GaolingVouchers",
                          (Ref(f"edition:{slug}"), 0, 1, caps[slug], section.price_wei(), 1), "setRange", "vouchers",
                          f"every token of {slug} may be made into a fired piece"))
    if cfg.points is not None:
        steps += [
            Step("vouchers:recorder-role", "PointsLedger", (Role("PURCHASE_RECORDER_ROLE"), Ref("vouchers")),
                 "grantRole", "points", "voucher purchases earn points"),
            Step("vouchers:recorder", "GaolingVouchers", (Ref("points"),), "setPointsLedger", "vouchers"),
        ]
    return steps


# Platform component -> contract type, for the holders named in platform.yaml `roles`.
PLATFORM_CONTRACTS = {"artworks": "GaolingArtworks", "auction": "GaolingAuctionHouse",
                      "certificate": "FiringCertificate", "vouchers": "GaolingVouchers"}


def _platform_roles(ctx: PlanContext) -> list[Step]:
    """platform.yaml `roles`: each named holder is granted its role (the admin then does not get it)."""
    steps: list[Step] = []
    for component, roles in ctx.platform.config.roles.items():
        for role, holders in roles.items():
            for holder in holders:
                steps.append(Step(f"roles:{component}:{role}:{holder}", PLATFORM_CONTRACTS[component],
                                  (Role(role), holder), "grantRole", component, "named in platform.yaml roles"))
    return steps


def named_holders(platform: LoadedPlatform) -> set[tuple[str, str]]:
    """(contract step id, role) pairs whose holders the configs name: the handover leaves those
    operational roles with them instead of also giving them to the admin."""
    out = {(component, role) for component, roles in platform.config.roles.items() for role in roles}
    for slug, config, _catalogue in platform.collections:
        out |= {(f"edition:{slug}", EDITION_ROLES[name]) for name in config.role_grants()}
    return out


# Contract defaults of the security-review parameters; a step is planned only for another value.
DEFAULT_PURCHASE_DAILY_CAP = 500
DEFAULT_MIN_RECORDED_PRICE = 10**15
DEFAULT_MAX_PER_MINT = 20
DEFAULT_REFUND_AFTER_DAYS = 180


def _security_review(ctx: PlanContext) -> list[Step]:
    """Parameters added by the security review (issue 17): which collections' auction wins earn
    points and from what price (F-01), the daily purchase-point cap (F-01), the batch bound of
    each edition (F-07) and the voucher refund delay (F-10)."""
    cfg = ctx.platform.config
    steps: list[Step] = []
    if cfg.points is not None and cfg.points.purchase_daily_cap != DEFAULT_PURCHASE_DAILY_CAP:
        steps.append(Step("points:purchase-cap", "PointsLedger", (cfg.points.purchase_daily_cap,),
                          "setPurchaseDailyCap", "points"))
    if cfg.auction is not None and cfg.points is not None:
        own = (["artworks"] if cfg.artworks is not None else []) + [f"edition:{s}" for s, _, _ in ctx.platform.collections]
        for sid in own:
            steps.append(Step(f"auction:register:{sid}", "GaolingAuctionHouse", (Ref(sid), True),
                              "setCollectionRegistered", "auction", "its auction wins earn points"))
        for address in cfg.auction.registered_collections:
            steps.append(Step(f"auction:register:{address}", "GaolingAuctionHouse", (address, True),
                              "setCollectionRegistered", "auction", "partner collection"))
        if cfg.auction.min_recorded_price_wei() != DEFAULT_MIN_RECORDED_PRICE:
            steps.append(Step("auction:min-recorded-price", "GaolingAuctionHouse",
                              (cfg.auction.min_recorded_price_wei(),), "setMinRecordedPrice", "auction"))
    entries = {(ctx.platform.source.parent / e.config).resolve().stem: e for e in cfg.collections}
    for slug, _config, _catalogue in ctx.platform.collections:
        entry = entries.get(slug)
        if entry is not None and entry.max_per_mint != DEFAULT_MAX_PER_MINT:
            steps.append(Step(f"edition:{slug}:max-per-mint", "GaolingEdition", (entry.max_per_mint,),
                              "setMaxMintQuantity", f"edition:{slug}"))
    if cfg.vouchers is not None and cfg.vouchers.refund_after_days != DEFAULT_REFUND_AFTER_DAYS:
        steps.append(Step("vouchers:refund-after", "GaolingVouchers", (cfg.vouchers.refund_after_days * 86_400,),
                          "setRefundAfter", "vouchers"))
    return steps


def _crowdfund(ctx: PlanContext) -> list[Step]:
    from gaoling.crowdfund.plan import steps  # the crowdfund's own module builds its steps

    return steps(ctx)


# Order matters: a component may only Ref steps of components before it.
COMPONENTS: list[Component] = [_points, _coupons, _certificate, _artworks_and_auction, _editions, _vouchers,
                               _security_review, _platform_roles, _crowdfund]


def build_plan(ctx: PlanContext, components: list[Component] | None = None) -> list[Step]:
    """The ordered steps; checks ids are unique and every Ref points backwards."""
    steps: list[Step] = []
    for component in components or COMPONENTS:
        steps += component(ctx)
    seen: set[str] = set()
    for step in steps:
        if step.id in seen:
            raise ValueError(f"plan: step id {step.id!r} appears twice")
        for ref in _refs(step.args):
            if ref not in seen and ref != step.id:
                raise ValueError(f"plan: step {step.id!r} refers to {ref!r}, which is not deployed before it")
        if step.target is not None and step.target not in seen:
            raise ValueError(f"plan: step {step.id!r} calls {step.target!r} before it is deployed")
        seen.add(step.id)
    return steps


def _refs(value: Any) -> list[str]:
    if isinstance(value, Ref):
        return [value.step]
    if isinstance(value, (tuple, list)):
        return [r for v in value for r in _refs(v)]
    return []
