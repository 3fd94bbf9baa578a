"""Handing the platform to its real admin (e.g. a Safe) and proving the deployer kept nothing.

Roles are enumerated from each contract's ABI: every view function without inputs whose name ends
in `_ROLE` (DEFAULT_ADMIN_ROLE included). Nothing is hard-coded, so a contract that gains a role
is covered without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_utils import to_checksum_address

from gaoling.deploy.engine import instance
from gaoling.deploy.plan import Role, Step


def role_names(contract: Any) -> list[str]:
    """The contract's role constants, DEFAULT_ADMIN_ROLE last (it must be renounced last)."""
    names = sorted(
        abi.name for abi in contract.contract_type.view_methods
        if abi.name.endswith("_ROLE") and not abi.inputs and len(abi.outputs) == 1
        and abi.outputs[0].type == "bytes32"
    )
    if "DEFAULT_ADMIN_ROLE" in names:
        names.remove("DEFAULT_ADMIN_ROLE")
        names.append("DEFAULT_ADMIN_ROLE")
    return names


def _role_id(contract: Any, name: str) -> bytes:
    return bytes(getattr(contract, name)())


def handover_steps(engine: Any, admin: str, named: set[tuple[str, str]] | None = None) -> list[Step]:
    """Grant steps (every role the deployer holds, to `admin`), then renounce steps, from chain state.

    `named` lists (contract step id, role) pairs whose holders the config names (platform.yaml
    `roles`, a collection's `roles`): those stay with the named holders only, so that fulfilment
    staff, not the multisig, hold FULFILMENT_ROLE. DEFAULT_ADMIN_ROLE always goes to `admin`.
    Steps an earlier run already recorded are kept, so a rerun recovers or skips them."""
    named = named or set()
    admin = to_checksum_address(admin)
    deployer = engine.deployer.address
    if admin == deployer:
        raise ValueError("--admin: that is the deploying account itself; give the Safe or admin address")
    grants: list[Step] = []
    renounces: list[Step] = []
    recorded = engine.manifest.steps
    for cid in list(engine.manifest.contracts):
        contract = engine.contract(cid)
        name = recorded[cid]["contract"]
        for role in role_names(contract):
            rid = _role_id(contract, role)
            gid, rnid = f"handover:{cid}:grant:{role}", f"handover:{cid}:renounce:{role}"
            held = bool(contract.hasRole(rid, deployer))
            to_admin = role == "DEFAULT_ADMIN_ROLE" or (cid, role) not in named
            if gid in recorded or (held and to_admin and not contract.hasRole(rid, admin)):
                grants.append(Step(gid, name, (Role(role), admin), "grantRole", cid))
            if rnid in recorded or held:
                renounces.append(Step(rnid, name, (Role(role), deployer), "renounceRole", cid))
    return grants + renounces


@dataclass
class HandoverReport:
    deployer_roles: list[tuple[str, str]] = field(default_factory=list)  # (contract step, role) still held
    admin_missing: list[tuple[str, str]] = field(default_factory=list)   # (contract step, role) admin lacks

    @property
    def ok(self) -> bool:
        return not self.deployer_roles and not self.admin_missing


def verify_handover(project: Any, manifest: Any, deployer: str, admin: str | None = None) -> HandoverReport:
    """Reads every role of every deployed contract: the deployer must hold none, and `admin` (if
    given) must hold DEFAULT_ADMIN_ROLE everywhere."""
    report = HandoverReport()
    for cid, address in manifest.contracts.items():
        contract = instance(project, manifest.steps[cid]["contract"], address)
        for role in role_names(contract):
            rid = _role_id(contract, role)
            if contract.hasRole(rid, deployer):
                report.deployer_roles.append((cid, role))
            if admin is not None and role == "DEFAULT_ADMIN_ROLE" and not contract.hasRole(rid, admin):
                report.admin_missing.append((cid, role))
    return report
