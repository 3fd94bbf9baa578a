"""Roles by name: which role a function needs, who holds one, and the multisig's batch of steps.

- `required_role(contract, method)` reads the answer from the contract's own source
  (`onlyRole(X_ROLE)` on the function), so it cannot drift from the code. `grantRole` and
  `revokeRole` need the role's admin role, read from the chain (`getRoleAdmin`).
- `missing_role(...)` is the check made before anything is sent: the role the sender lacks, or None.
- `MissingRole` is the one error every command raises for it: it names the role, the account and
  the contract (component name and address).
- `role_holders(...)` replays RoleGranted/RoleRevoked events (the contracts use AccessControl, which
  does not enumerate members).
- `safe_batch(...)` writes steps in the Safe{Wallet} Transaction Builder's import format (version,
  chainId, createdAt, meta, transactions[{to, value, data, contractMethod, contractInputsValues}]).
"""

from __future__ import annotations

import difflib
import json
import re
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from eth_utils import keccak, to_checksum_address

from gaoling.deploy.manifest import atomic_write_json, to_jsonable

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ADMIN_ROLE = "DEFAULT_ADMIN_ROLE"
TX_BUILDER_VERSION = "1.18.0"


def role_id(name: str) -> bytes:
    return b"\x00" * 32 if name == DEFAULT_ADMIN_ROLE else keccak(text=name)


class MissingRole(Exception):
    """`account` lacks `role` on `contract` (a component name such as `vouchers`) at `address`."""

    def __init__(self, role: str, account: str, contract: str, address: str, action: str = "") -> None:
        self.role, self.account, self.contract, self.address = role, account, contract, address
        doing = f" to {action}" if action else ""
        super().__init__(f"{account} does not hold {role} on {contract} ({address}), which it needs{doing}. "
                         f"Ask the holder of that role's admin role (see `ape run roles list --contract "
                         f"{contract}`) to grant it, or send the step from an account that holds it")


@lru_cache(maxsize=None)
def _role_table(contract: str) -> dict[str, str]:
    """function name -> role, from `function f(...) ... onlyRole(ROLE)` in contracts/**/<contract>.sol."""
    table: dict[str, str] = {}
    for path in (ROOT / "contracts").rglob(f"{contract}.sol"):
        if ".cache" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"function\s+(\w+)\s*\([^)]*\)([^{;]*)", source, re.S):
            role = re.search(r"onlyRole\((\w+)\)", match.group(2))
            if role:
                table[match.group(1)] = role.group(1)
    return table


def required_role(contract: str, method: str) -> str | None:
    """The role `method` of `contract` (a contract type name) is restricted to, or None.
    (`grantRole`/`revokeRole` depend on the role; see `missing_role`.)"""
    return _role_table(contract).get(method)


def role_names(instance: Any) -> list[str]:
    """The `*_ROLE` constants of a contract instance's ABI."""
    return sorted(abi.name for abi in instance.contract_type.view_methods
                  if abi.name.endswith("_ROLE") and not abi.inputs and len(abi.outputs) == 1
                  and abi.outputs[0].type == "bytes32")


def parse_role(text: str, known: list[str], contract: str) -> str:
    """`fulfilment`, `FULFILMENT`, `fulfilment_role` -> `FULFILMENT_ROLE`, or a did-you-mean error."""
    wanted = text.strip().upper().replace("-", "_")
    if wanted in ("ADMIN", "DEFAULT_ADMIN"):
        wanted = DEFAULT_ADMIN_ROLE
    if not wanted.endswith("_ROLE"):
        wanted += "_ROLE"
    if wanted in known:
        return wanted
    close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}? " if close else ""
    raise ValueError(f"{contract} has no role {text!r}; {hint}its roles are {', '.join(known)}")


def missing_role(instance: Any, contract_type: str, method: str, args: tuple[Any, ...], account: str) -> str | None:
    """The role `account` needs and lacks to call `method(args)` on `instance`, else None."""
    if method in ("grantRole", "revokeRole"):
        needed_id = bytes(instance.getRoleAdmin(args[0]))
        by_id = {role_id(n): n for n in role_names(instance)}
        needed = by_id.get(needed_id, "0x" + needed_id.hex())
    elif method == "renounceRole":
        return None
    else:
        needed = required_role(contract_type, method)
        if needed is None:
            return None
        needed_id = role_id(needed)
    return None if instance.hasRole(needed_id, account) else needed


def role_holders(instance: Any, provider: Any, from_block: int = 0) -> dict[str, list[str]]:
    """Role name -> current holders, from the contract's RoleGranted/RoleRevoked events."""
    by_id = {role_id(n): n for n in role_names(instance)}
    members: dict[str, set[str]] = {n: set() for n in by_id.values()}
    logs = []
    for event in ("RoleGranted", "RoleRevoked"):
        for log in getattr(instance, event).range(from_block, provider.get_block("latest").number + 1):
            logs.append((log.block_number, log.log_index, event, log))
    for _block, _index, event, log in sorted(logs, key=lambda x: (x[0], x[1])):
        name = by_id.get(bytes(log.role), "0x" + bytes(log.role).hex())
        holders = members.setdefault(name, set())
        account = to_checksum_address(log.account)
        (holders.add if event == "RoleGranted" else holders.discard)(account)
    return {name: sorted(accounts) for name, accounts in members.items()}


# -- Safe Transaction Builder batch -------------------------------------------------------------

def _abi_input(abi: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"internalType": abi.internal_type or abi.type, "name": abi.name or "", "type": abi.type}
    if abi.components:
        out["components"] = [_abi_input(c) for c in abi.components]
    return out


def _input_value(value: Any) -> str:
    value = to_jsonable(value)
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, list) else str(value)


def batch_transaction(instance: Any, method: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """One Transaction Builder entry: the raw calldata plus the method and its inputs, for review."""
    handler = getattr(instance, method)
    abi = next(a for a in handler.abis if len(a.inputs) == len(args))
    data = handler.encode_input(*args)
    return {
        "to": str(instance.address),
        "value": "0",
        "data": "0x" + bytes(data).hex(),
        "contractMethod": {"inputs": [_abi_input(i) for i in abi.inputs], "name": method, "payable": False},
        "contractInputsValues": {(i.name or f"arg{n}"): _input_value(v) for n, (i, v) in enumerate(zip(abi.inputs, args))},
    }


def write_safe_batch(path: Path, chain_id: int, transactions: list[dict[str, Any]], *, name: str,
                     description: str, safe: str | None = None) -> Path:
    """Writes the batch file (atomically) that the Safe{Wallet} Transaction Builder imports."""
    batch = {
        "version": "1.0",
        "chainId": str(chain_id),
        "createdAt": int(time.time() * 1000),
        "meta": {"name": name, "description": description, "txBuilderVersion": TX_BUILDER_VERSION,
                 "createdFromSafeAddress": safe or "", "createdFromOwnerAddress": ""},
        "transactions": transactions,
    }
    atomic_write_json(path, batch)
    return path


# -- the `ape run roles` domain functions ---------------------------------------------------------

def load_manifest(path: Path | None, chain_id: int) -> dict[str, Any]:
    """`deployments/<chainId>.json` (or `path`): what is deployed where."""
    path = path or Path("deployments") / f"{chain_id}.json"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LookupError(f"{path} does not exist: deploy first (`ape run deploy`), or pass --deployment") from None
    except json.JSONDecodeError as exc:
        raise LookupError(f"{path}: not valid JSON ({exc})") from None
    if data.get("chain_id") != chain_id:
        raise LookupError(f"{path} records chain {data.get('chain_id')}, but the network is chain {chain_id}; "
                          "pick the right --network or --deployment")
    data["_path"] = str(path)
    return data


def open_component(project: Any, manifest: dict[str, Any], name: str) -> tuple[str, Any]:
    """(component id, instance) for `vouchers`, `edition:<slug>`, a bare `<slug>` or an address."""
    from gaoling.deploy.engine import instance

    contracts: dict[str, str] = manifest.get("contracts", {})
    by_address = {a.lower(): cid for cid, a in contracts.items()}
    cid = by_address.get(name.lower()) or (name if name in contracts else None) \
        or (f"edition:{name}" if f"edition:{name}" in contracts else None)
    if cid is None:
        close = difflib.get_close_matches(name, list(contracts), n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}? " if close else ""
        raise LookupError(f"--contract {name!r} is not in {manifest['_path']}; {hint}deployed: {', '.join(contracts)}")
    return cid, instance(project, manifest["steps"][cid]["contract"], contracts[cid])


def deploy_block(manifest: dict[str, Any], cid: str) -> int:
    return int(manifest["steps"][cid].get("block") or 0)


def check_can_change(target: Any, cid: str, method: str, role: str, account: str) -> None:
    """Raises MissingRole if `account` may not `method` (grantRole/revokeRole) `role` on `target`."""
    lacking = missing_role(target, "", method, (role_id(role), account), account)
    if lacking is not None:
        raise MissingRole(lacking, account, cid, str(target.address), f"{method} {role}")
