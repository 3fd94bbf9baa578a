"""`--dry-run`: the plan with a gas estimate per step, without sending anything.

Deploys are estimated by the node (`eth_estimateGas` on the creation transaction, with the
deployer standing in for addresses that do not exist yet). A call to a contract that is not
deployed yet cannot be estimated by any node, so it counts a flat `CALL_ESTIMATE` and is marked
approximate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gaoling.deploy.manifest import Manifest
from gaoling.deploy.plan import Step, resolve

CALL_ESTIMATE = 80_000
DEPLOY_FALLBACK = 3_000_000


@dataclass
class Estimate:
    step: Step
    gas: int
    exact: bool
    done: bool


def estimate_plan(project: Any, provider: Any, deployer: Any, manifest: Manifest, steps: list[Step]) -> list[Estimate]:
    out: list[Estimate] = []
    addresses = dict(manifest.contracts)
    for step in steps:
        if manifest.confirmed(step.id):
            out.append(Estimate(step, 0, True, True))
            continue
        args = resolve(step.args, addresses, placeholder=deployer.address)
        try:
            if step.is_deploy:
                txn = getattr(project, step.contract).constructor.serialize_transaction(*args)
            elif step.target in addresses:
                target = getattr(project, step.contract).at(addresses[step.target])
                txn = getattr(target, step.method).as_transaction(*args, sender=deployer)  # type: ignore[arg-type]
            else:
                out.append(Estimate(step, CALL_ESTIMATE, False, False))
                continue
            txn.sender = deployer.address
            out.append(Estimate(step, int(provider.estimate_gas_cost(txn)), True, False))
        except Exception:  # noqa: BLE001 - an estimate that fails falls back to a marked guess
            out.append(Estimate(step, DEPLOY_FALLBACK if step.is_deploy else CALL_ESTIMATE, False, False))
    return out
