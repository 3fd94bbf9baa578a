"""`--dry-run`: the plan with a gas estimate per step, without sending anything.

Deploys are estimated by the node (`eth_estimateGas` on the creation transaction, with the
deployer standing in for addresses that do not exist yet). A call to a contract that is not
deployed yet cannot be estimated by any node, so it counts a flat `CALL_ESTIMATE` and is marked
approximate; so does a constructor that rejects the stand-in addresses (`DEPLOY_ESTIMATE`).

An estimate that fails for any other reason (the node rejects the creation transaction, a call on
a deployed contract reverts, the project has no such contract) is not guessed: it is reported
with its reason in `Estimate.error`, and `ape run deploy --dry-run` exits non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gaoling.deploy.engine import instance
from gaoling.deploy.manifest import Manifest
from gaoling.deploy.plan import Step, _refs, resolve
from gaoling.deploy.roles import missing_role

CALL_ESTIMATE = 80_000
DEPLOY_ESTIMATE = 3_000_000  # only for a constructor that checks contracts not deployed yet


@dataclass
class Estimate:
    step: Step
    gas: int
    exact: bool
    done: bool
    error: str | None = None  # why the node could not estimate this step
    awaiting: str | None = None  # the role the deployer lacks: this step goes to the multisig


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
                target = instance(project, step.contract, addresses[step.target])
                lacking = missing_role(target, step.contract, step.method, args, deployer.address)  # type: ignore[arg-type]
                if lacking is not None:
                    out.append(Estimate(step, 0, True, False, awaiting=lacking))
                    continue
                txn = getattr(target, step.method).as_transaction(*args, sender=deployer)  # type: ignore[arg-type]
            else:
                out.append(Estimate(step, CALL_ESTIMATE, False, False))
                continue
            txn.sender = deployer.address
            out.append(Estimate(step, int(provider.estimate_gas_cost(txn)), True, False))
        except Exception as exc:  # noqa: BLE001 - any failure is reported, never replaced by a guess
            waits_for = [r for r in _refs(step.args) if r not in addresses]
            if step.is_deploy and waits_for and hasattr(project, step.contract):
                # e.g. the voucher constructor checks that the certificate it names has code: with a
                # stand-in address no node can estimate it. A marked guess, as for calls.
                out.append(Estimate(step, DEPLOY_ESTIMATE, False, False))
            else:
                out.append(Estimate(step, 0, False, False, error=_reason(exc)))
    return out


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"
