"""Proof that the deployer holds no power after a handover.

Every role constant of every deployed contract is enumerated from its ABI (DEFAULT_ADMIN_ROLE and
each `*_ROLE()` getter) and checked with `hasRole` on chain, so a role added to a contract later is
covered without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gaoling.deploy.manifest import Manifest
from gaoling.deploy.plan import DEFAULT_ADMIN_ROLE, role_names


@dataclass
class HandoverCheck:
    #: (contract key, role) the deployer still holds
    deployer_roles: list[tuple[str, str]] = field(default_factory=list)
    #: contract keys where the new admin lacks DEFAULT_ADMIN_ROLE
    admin_missing: list[str] = field(default_factory=list)
    #: number of (contract, role) pairs checked
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.deployer_roles and not self.admin_missing

    def describe(self) -> str:
        if self.ok:
            return f"handover verified: the deployer holds none of {self.checked} roles checked"
        lines = [f"the deployer still holds {role} on {key}" for key, role in self.deployer_roles]
        lines += [f"the admin lacks DEFAULT_ADMIN_ROLE on {key}" for key in self.admin_missing]
        return "\n".join(lines)


def verify_handover(manifest: Manifest | str, project: Any, deployer: str | None = None,
                    admin: str | None = None) -> HandoverCheck:
    """Checks every role of every contract in `manifest`: `deployer` (default: the manifest's) must
    hold none, and `admin` (default: the manifest's, if one) must hold DEFAULT_ADMIN_ROLE everywhere."""
    if not isinstance(manifest, Manifest):
        manifest = Manifest.load(manifest)
    deployer = deployer or manifest.data["deployer"]
    recorded_admin = manifest.data.get("admin")
    if admin is None and isinstance(recorded_admin, str):
        admin = recorded_admin
    check = HandoverCheck()
    for key, entry in manifest.contracts.items():
        container = getattr(project, entry["contract"])
        contract = container.at(entry["address"])
        for role in role_names(container.contract_type.abi):
            role_id = b"\x00" * 32 if role == DEFAULT_ADMIN_ROLE else bytes(getattr(contract, role)())
            check.checked += 1
            if contract.hasRole(role_id, deployer):
                check.deployer_roles.append((key, role))
            if role == DEFAULT_ADMIN_ROLE and admin is not None and not contract.hasRole(role_id, admin):
                check.admin_missing.append(key)
    return check
