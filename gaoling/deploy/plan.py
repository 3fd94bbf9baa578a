"""A deployment plan: ordered steps built from a validated platform config, before any transaction.

Two kinds of step:
- `DeployStep`: deploy contract `contract` with constructor `args`, recorded under `key`;
- `CallStep`: call `method(args)` on the contract recorded under `target`.

Arguments may hold placeholders that the engine resolves when the step runs: `Ref(key)` is the
address of an earlier deployment, `RoleId(name)` is a role constant read from the target contract.
Every call step has a `done` predicate read from the chain (for example `hasRole`), so a call whose
effect is already there is never sent again, whatever the manifest says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaoling.collection.config import PHASE_ALLOWLIST, CollectionConfig
from gaoling.deploy.config import LoadedPlatform

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
DEFAULT_ADMIN_ROLE = "DEFAULT_ADMIN_ROLE"

#: Collection config role names -> edition role constants.
EDITION_ROLES = {
    "sale_manager": "SALE_MANAGER_ROLE",
    "order_signer": "ORDER_SIGNER_ROLE",
    "metadata_manager": "METADATA_ROLE",
    "pauser": "PAUSER_ROLE",
}


@dataclass(frozen=True)
class Ref:
    """The address of the contract deployed under `key`."""

    key: str


@dataclass(frozen=True)
class RoleId:
    """The bytes32 role constant `name` of the step's target contract."""

    name: str


@dataclass
class DeployStep:
    key: str
    contract: str
    args: tuple[Any, ...]
    label: str

    @property
    def id(self) -> str:
        return f"deploy:{self.key}"


Predicate = Callable[[Any, tuple[Any, ...]], bool]


@dataclass
class CallStep:
    id: str
    target: str
    method: str
    args: tuple[Any, ...]
    label: str
    #: (contract, resolved args) -> True if the call's effect is already on chain
    done: Predicate
    #: typical gas, for dry runs of calls whose target is not deployed yet
    typical_gas: int = 60_000


Step = DeployStep | CallStep


@dataclass
class Plan:
    deployer: str
    steps: list[Step] = field(default_factory=list)
    #: contract key -> contract type name
    contracts: dict[str, str] = field(default_factory=dict)
    #: contract key -> address that receives every role at handover (None: no handover)
    handover: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def deploy(self, key: str, contract: str, args: tuple[Any, ...], label: str) -> None:
        self.contracts[key] = contract
        self.steps.append(DeployStep(key, contract, args, label))

    def call(self, step_id: str, target: str, method: str, args: tuple[Any, ...], label: str,
             done: Predicate, typical_gas: int = 60_000) -> None:
        self.steps.append(CallStep(step_id, target, method, args, label, done, typical_gas))

    def grant(self, target: str, role: str, who: Any, why: str) -> None:
        name = who.key if isinstance(who, Ref) else who
        self.call(f"grant:{target}:{role}:{name}", target, "grantRole", (RoleId(role), who),
                  f"{target}.grantRole({role}, {name}) - {why}", _has_role, 52_000)


def _has_role(contract: Any, args: tuple[Any, ...]) -> bool:
    role, who = args
    return bool(contract.hasRole(role, who))


def _getter_equals(getter: str, index: int = 0) -> Predicate:
    def done(contract: Any, args: tuple[Any, ...]) -> bool:
        return _same(getattr(contract, getter)(), args[index])
    return done


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (bytes, bytearray)) or isinstance(b, (bytes, bytearray)):
        return _hex(a) == _hex(b)
    if isinstance(a, str) and isinstance(b, str) and a.startswith("0x") and b.startswith("0x"):
        return a.lower() == b.lower()
    return str(a) == str(b) if not isinstance(a, int) else a == b


def _hex(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return str(value).lower()


def _phase_done(contract: Any, args: tuple[Any, ...]) -> bool:
    phase_id, wanted = args
    current = contract.phase(phase_id)
    return tuple(int(v) for v in current) == tuple(int(v) for v in wanted)


def build_plan(platform: LoadedPlatform, deployer: str, admin: str | None = None,
               publish: Callable[[Path, str], tuple[str, str]] | None = None) -> Plan:
    """The ordered steps that deploy and wire `platform` from `deployer`.

    The deployer is the constructor admin of every contract, so that it can wire them; with
    `admin`, every role it holds is then granted to `admin` and renounced. `publish(catalogue,
    slug)` returns `(base_uri, contract_uri)` of a published catalogue (called now, before any
    transaction, so an IPFS failure stops the deploy before it starts).
    """
    config = platform.config
    plan = Plan(deployer=deployer)
    points = "points_ledger" if config.points is not None else None

    if config.points is not None:
        plan.deploy("points_ledger", "PointsLedger", (deployer, config.points.rules.as_tuple()),
                    "points ledger (non-transferable fragments)")
        plan.handover["points_ledger"] = admin
    if config.coupons is not None:
        plan.deploy("glaze_coupons", "GlazeCoupons",
                    (deployer, Ref("points_ledger"), config.coupons.base_uri,
                     tuple(g.as_tuple() for g in config.coupons.glazes)),
                    f"glaze coupons ({len(config.coupons.glazes)} glazes)")
        plan.handover["glaze_coupons"] = admin
        plan.grant("points_ledger", "SPENDER_ROLE", Ref("glaze_coupons"), "coupons spend points")
    if config.certificate is not None:
        cert = config.certificate
        plan.deploy("firing_certificate", "FiringCertificate",
                    (deployer, cert.attester or ZERO_ADDRESS, cert.base_uri, cert.contract_uri),
                    "firing-process certificate (soulbound)")
        plan.handover["firing_certificate"] = admin

    for slug, collection, catalogue in platform.collections:
        _plan_edition(plan, slug, collection, catalogue, deployer, admin, points, publish)

    if config.artworks is not None:
        art = config.artworks
        plan.deploy("artworks", "GaolingArtworks", (art.name, art.symbol, deployer, art.contract_uri),
                    "artwork registry and 1/1 collection")
        plan.handover["artworks"] = admin
        for curator in art.curators:
            plan.grant("artworks", "CURATOR_ROLE", curator, "curator from platform.yaml")
    if config.auction is not None:
        auction = config.auction
        plan.deploy("auction_house", "GaolingAuctionHouse", (deployer, auction.fee_recipient, auction.fee_bps),
                    f"English auction house (fee {auction.fee_bps} bps)")
        plan.handover["auction_house"] = admin
        for pauser in auction.pausers:
            plan.grant("auction_house", "PAUSER_ROLE", pauser, "pauser from platform.yaml")
        if config.artworks is not None:
            plan.call("wire:artworks:setAuctionHouse", "artworks", "setAuctionHouse", (Ref("auction_house"),),
                      "artworks.setAuctionHouse(auction_house) - mint straight into auctions",
                      _getter_equals("auctionHouse"), 50_000)
        if points:
            plan.grant(points, "PURCHASE_RECORDER_ROLE", Ref("auction_house"), "winners earn points")
            plan.call("wire:auction_house:setPurchaseRecorder", "auction_house", "setPurchaseRecorder",
                      (Ref(points),), "auction_house.setPurchaseRecorder(points_ledger)",
                      _getter_equals("purchaseRecorder"), 50_000)
    return plan


def _plan_edition(plan: Plan, slug: str, collection: CollectionConfig, catalogue: Path | None,
                  deployer: str, admin: str | None, points: str | None,
                  publish: Callable[[Path, str], tuple[str, str]] | None) -> None:
    key = f"edition:{slug}"
    plan.deploy(key, "GaolingEdition", (collection.edition_init(deployer),),
                f"{collection.name} ({collection.symbol}), cap {collection.cap:,}")
    target = admin
    if target is None and collection.roles.admin is not None and collection.roles.admin != deployer:
        target = collection.roles.admin
        plan.notes.append(f"{key}: roles.admin {target} from the collection config receives every role "
                          "once the edition is wired")
    elif admin is not None and collection.roles.admin not in (None, admin, deployer):
        plan.notes.append(f"{key}: --admin {admin} replaces roles.admin {collection.roles.admin} "
                          "of the collection config")
    plan.handover[key] = target

    for phase_id, args, root in collection.phase_args():
        name = "allowlist" if phase_id == PHASE_ALLOWLIST else "public"
        plan.call(f"wire:{key}:setPhase:{name}", key, "setPhase", (phase_id, args),
                  f"{key}.setPhase({name})", _phase_done, 55_000)
        if phase_id == PHASE_ALLOWLIST:
            plan.call(f"wire:{key}:setAllowlistRoot", key, "setAllowlistRoot", (root,),
                      f"{key}.setAllowlistRoot(0x{bytes(root).hex()[:12]}…)",
                      _getter_equals("allowlistRoot"), 50_000)
    for field_name, address in collection.role_grants().items():
        plan.grant(key, EDITION_ROLES[field_name], address, f"roles.{field_name} of the collection config")
    if catalogue is not None:
        if publish is None:
            raise ValueError(f"{key}: a catalogue is configured but no IPFS publisher was given")
        base_uri, contract_uri = publish(catalogue, slug)
        plan.call(f"wire:{key}:setBaseURI", key, "setBaseURI", (base_uri,),
                  f"{key}.setBaseURI({base_uri})", _getter_equals("baseURI"), 90_000)
        plan.call(f"wire:{key}:setContractURI", key, "setContractURI", (contract_uri,),
                  f"{key}.setContractURI({contract_uri})", _getter_equals("contractURI"), 90_000)
    if points:
        plan.grant(points, "PURCHASE_RECORDER_ROLE", Ref(key), "sales earn points")
        plan.call(f"wire:{key}:setPointsLedger", key, "setPointsLedger", (Ref(points),),
                  f"{key}.setPointsLedger(points_ledger)", _getter_equals("pointsLedger"), 50_000)


def role_names(abi: list[Any]) -> list[str]:
    """Every role constant of a contract from its ABI: DEFAULT_ADMIN_ROLE and each `*_ROLE()` getter."""
    names = []
    for item in abi:
        kind = getattr(item, "type", None) if not isinstance(item, dict) else item.get("type")
        if kind != "function":
            continue
        get = (lambda k: item.get(k)) if isinstance(item, dict) else (lambda k: getattr(item, k, None))
        name, inputs, outputs = get("name"), get("inputs") or [], get("outputs") or []
        mutability = get("stateMutability")
        if (name and name.endswith("_ROLE") and not inputs and len(outputs) == 1
                and str(getattr(outputs[0], "type", None) or outputs[0].get("type")) == "bytes32"
                and str(mutability) in ("view", "pure")):
            names.append(name)
    # The admin role last: renouncing it first would leave the other roles impossible to renounce-check
    # by an admin, and granting it last keeps the order readable.
    return sorted(set(names), key=lambda n: (n == DEFAULT_ADMIN_ROLE, n))


def add_handover(plan: Plan, abis: dict[str, list[Any]]) -> None:
    """Appends the handover: every role the deployer holds goes to the contract's handover target,
    then the deployer renounces it (all grants first, each contract's admin role renounced last)."""
    deployer = plan.deployer
    grants: list[CallStep] = []
    renounces: list[CallStep] = []
    for key, contract in plan.contracts.items():
        target = plan.handover.get(key)
        if target is None:
            continue
        if target.lower() == deployer.lower():
            continue
        for role in role_names(abis[contract]):
            def granted(c: Any, args: tuple[Any, ...], _deployer: str = deployer) -> bool:
                # Nothing to hand over if the deployer does not hold the role (e.g. an attester key).
                return bool(c.hasRole(args[0], args[1])) or not bool(c.hasRole(args[0], _deployer))

            def renounced(c: Any, args: tuple[Any, ...]) -> bool:
                return not bool(c.hasRole(args[0], args[1]))

            grants.append(CallStep(f"handover:grant:{key}:{role}", key, "grantRole", (RoleId(role), target),
                                   f"{key}.grantRole({role}, {target})", granted, 52_000))
            renounces.append(CallStep(f"handover:renounce:{key}:{role}", key, "renounceRole",
                                      (RoleId(role), deployer), f"{key}.renounceRole({role}) by the deployer",
                                      renounced, 30_000))
    plan.steps.extend(grants + renounces)
