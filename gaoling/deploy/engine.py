"""Runs a plan: sends each step once, records it, and resumes where a previous run stopped.

For every step not yet confirmed in the manifest, the engine prepares and signs the transaction,
records it as `pending` (transaction hash + nonce) *before* sending, sends it, waits for the
receipt and records it as `confirmed` together with the address, block and the keccak of the
runtime code read back from the chain. The manifest is rewritten atomically each time.

On a rerun:
- a confirmed deploy is skipped after checking that the code at its address still hashes to the
  recorded value (a different chain state, e.g. a restarted dev node, stops the run instead of
  silently deploying again);
- a pending step is looked up by its hash: mined -> recorded as confirmed, not sent again;
  unknown but the deployer's nonce has moved past it -> stop and ask (something else used the
  nonce); unknown and nonce unchanged -> the send never happened, so it is prepared again;
- a confirmed step whose arguments differ from today's plan stops the run: the config changed
  after deploying, which needs a human decision, not a second contract.

A call step that needs a role the deployer does not hold (a new drop on a platform already handed
to its multisig: `points.grantRole`, `vouchers.setRange`) is not sent. It is recorded as
`awaiting` with its target, calldata and the missing role, and collected in `Engine.awaiting`;
`deploy_platform` writes those steps as a Safe Transaction Builder batch. On a rerun an awaiting
step whose effect can be read back (role held, address set, range set) is recorded as
`confirmed` with `executed_by: multisig`; if the deployer has meanwhile been given the role, the
step is simply sent.

Failure injection for tests: `GAOLING_DEPLOY_FAIL_AFTER=N` raises `InjectedFailure` after the N-th
step sent in this run is confirmed on chain but before the manifest records it as confirmed - the
worst moment to be killed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak, to_checksum_address
from web3.exceptions import TransactionNotFound

from gaoling.deploy.manifest import Manifest, to_jsonable
from gaoling.deploy.plan import Step, resolve
from gaoling.deploy.roles import batch_transaction, missing_role

FAIL_AFTER_ENV = "GAOLING_DEPLOY_FAIL_AFTER"


class DeployError(RuntimeError):
    """The deployment cannot continue safely; the message says what to check."""


class InjectedFailure(RuntimeError):
    """Raised by the failure-injection hook (tests only)."""


@dataclass
class StepResult:
    step: Step
    action: str  # "sent" | "skipped" | "recovered" | "awaiting" (the multisig must send it) | "multisig"
    entry: dict[str, Any]


def code_hash(provider: Any, address: str) -> str:
    code = bytes(provider.get_code(address))
    return "0x" + keccak(code).hex() if code else ""


DEPENDENCY_CACHE = "contracts/.cache"


def project_remappings(project: Any) -> list[str]:
    """Every remapping of ape-config.yaml, pointing into `contracts/.cache` as a full Ape compile
    passes them to solc. (The project manifest's compiler record can hold fewer: after a partial
    recompile Ape records only the remappings the recompiled files use.)"""
    out = []
    for entry in project.config.solidity.import_remapping or []:
        prefix, _, target = str(entry).partition("=")
        out.append(f"{prefix}={DEPENDENCY_CACHE}/{target}")
    return out


def instance(project: Any, contract: str, address: str) -> Any:
    """The contract at `address` with exactly the ABI of the project's `contract`.

    Not `project.X.at(address)`: Ape merges the type it has cached for an address (on disk, for any
    non-local network) into the one given, so an address that held another contract on an earlier
    chain with the same chain id (a restarted dev node, a reset consortium chain) would answer with
    the old ABI. The manifest says exactly what is deployed where; use that and nothing else."""
    from ape.contracts import ContractInstance

    return ContractInstance(address, getattr(project, contract).contract_type)


def compiler_info(project: Any, contract: str) -> dict[str, Any]:
    """Compiler name, version and settings that built `contract`, from the project manifest."""
    for comp in project.manifest.compilers or []:
        if contract in (comp.contractTypes or []):
            # outputSelection only chooses artefacts; it does not change the bytecode.
            settings = {k: v for k, v in (comp.settings or {}).items() if k != "outputSelection"}
            return {"name": comp.name, "version": comp.version, "settings": to_jsonable(settings)}
    return {}


class Engine:
    """Executes `steps` for `deployer` on the connected chain, recording into `manifest`."""

    def __init__(self, project: Any, provider: Any, deployer: Any, manifest: Manifest,
                 on_step: Callable[[StepResult], None] | None = None, fail_after: int | None = None) -> None:
        self.project = project
        self.provider = provider
        self.deployer = deployer
        self.manifest = manifest
        self.on_step = on_step
        env = os.environ.get(FAIL_AFTER_ENV)
        self.fail_after = fail_after if fail_after is not None else (int(env) if env else None)
        self.sent = 0
        self.awaiting: list[StepResult] = []

    # -- public --------------------------------------------------------------------------------

    def run(self, steps: list[Step]) -> list[StepResult]:
        recorded = self.manifest.data.get("deployer")
        if recorded and recorded != self.deployer.address:
            raise DeployError(f"{self.manifest.path} was started by {recorded}; continue with that account "
                              f"(--account) or move the manifest away to start over")
        self.manifest.data["deployer"] = self.deployer.address
        results = [self._run_step(step) for step in steps]
        return results

    def contract(self, step_id: str) -> Any:
        """The ContractInstance deployed by `step_id`."""
        address = self.manifest.contracts[step_id]
        name = self.manifest.steps[step_id]["contract"]
        return instance(self.project, name, address)

    # -- one step ------------------------------------------------------------------------------

    def _run_step(self, step: Step) -> StepResult:
        addresses = self.manifest.contracts
        args = resolve(step.args, addresses)
        entry = self.manifest.steps.get(step.id)
        if entry is not None:
            changed = to_jsonable(args) != entry["args"] or entry["contract"] != step.contract \
                or entry.get("method") != step.method
            if changed and entry["status"] == "awaiting":
                entry = {**entry, "status": "superseded"}  # never sent: today's plan replaces it
            elif changed:
                raise DeployError(
                    f"step {step.id}: the plan now has {step.describe()} with args {to_jsonable(args)}, "
                    f"but {self.manifest.path} recorded args {entry['args']}. The config changed after "
                    f"this step ran; change it back, or update the contract by hand and the manifest with it")
            if entry["status"] == "confirmed":
                self._check_confirmed(step, entry)
                return self._report(StepResult(step, "skipped", entry))
            if entry["status"] == "awaiting":
                if executed(self.contract(step.target), step.method, args):  # type: ignore[arg-type]
                    done = dict(entry, status="confirmed", executed_by="multisig")
                    self.manifest.steps[step.id] = done
                    self.manifest.save()
                    return self._report(StepResult(step, "multisig", done))
            elif entry["status"] == "pending":
                recovered = self._recover_pending(step, entry)
                if recovered is not None:
                    return self._report(StepResult(step, "recovered", recovered))
        if not step.is_deploy:
            target = self.contract(step.target)  # type: ignore[arg-type]
            lacking = missing_role(target, step.contract, step.method, args, self.deployer.address)  # type: ignore[arg-type]
            if lacking is not None:
                return self._await(step, target, args, lacking)
        return self._report(StepResult(step, "sent", self._send(step, args)))

    def _await(self, step: Step, target: Any, args: Any, role: str) -> StepResult:
        """Records a step the deployer may not send: the account holding `role` must."""
        entry = {"status": "awaiting", "kind": "call", "contract": step.contract, "method": step.method,
                 "target": step.target, "args": to_jsonable(args), "role": role,
                 "transaction": batch_transaction(target, step.method, args)}  # type: ignore[arg-type]
        self.manifest.steps[step.id] = entry
        self.manifest.data["complete"] = False
        self.manifest.save()
        result = StepResult(step, "awaiting", entry)
        self.awaiting.append(result)
        return self._report(result)

    def _check_confirmed(self, step: Step, entry: dict[str, Any]) -> None:
        if not step.is_deploy:
            return
        actual = code_hash(self.provider, entry["address"])
        if actual != entry["bytecode_hash"]:
            raise DeployError(
                f"step {step.id}: {self.manifest.path} says {step.contract} is at {entry['address']}, but the "
                f"code there {'is missing' if not actual else 'differs'} on chain {self.manifest.data['chain_id']}. "
                f"Is this the right network (a restarted dev node forgets everything)? Move the manifest away "
                f"to deploy afresh")

    def _recover_pending(self, step: Step, entry: dict[str, Any]) -> dict[str, Any] | None:
        try:
            receipt = self.provider.web3.eth.get_transaction_receipt(entry["tx_hash"])
        except TransactionNotFound:
            receipt = None
        if receipt is not None:
            if receipt["status"] != 1:
                raise DeployError(f"step {step.id}: transaction {entry['tx_hash']} reverted; see it in an explorer, "
                                  f"fix the cause, then remove the step from {self.manifest.path} and rerun")
            return self._confirm(step, entry, receipt.get("contractAddress"), int(receipt["blockNumber"]))
        if self.deployer.nonce > entry["nonce"]:
            raise DeployError(
                f"step {step.id}: transaction {entry['tx_hash']} is unknown to the node, yet nonce {entry['nonce']} "
                f"of {self.deployer.address} has been used. Check the account's transactions in an explorer "
                f"before rerunning; to resend, remove the step from {self.manifest.path}")
        return None  # never reached the chain: prepare and send again

    def _send(self, step: Step, args: Any) -> dict[str, Any]:
        if step.is_deploy:
            container = getattr(self.project, step.contract)
            txn = container.constructor.serialize_transaction(*args)
            txn.sender = self.deployer.address
        else:
            target = self.contract(step.target)  # type: ignore[arg-type]
            txn = getattr(target, step.method).as_transaction(*args, sender=self.deployer)  # type: ignore[arg-type]
        prepared = self.deployer.prepare_transaction(txn)
        signed = self.deployer.sign_transaction(prepared)
        if signed is None:
            raise DeployError(f"step {step.id}: the account did not sign the transaction")
        signed.sender = self.deployer.address
        tx_hash = "0x" + bytes(signed.txn_hash).hex()
        entry: dict[str, Any] = {
            "status": "pending", "kind": "deploy" if step.is_deploy else "call", "contract": step.contract,
            "method": step.method, "target": step.target, "args": to_jsonable(args), "tx_hash": tx_hash,
            "nonce": int(prepared.nonce),  # type: ignore[arg-type]
        }
        self.manifest.steps[step.id] = entry
        self.manifest.data["complete"] = False
        self.manifest.save()
        receipt = self.provider.send_transaction(signed)
        if receipt.failed:
            raise DeployError(f"step {step.id}: transaction {tx_hash} reverted")
        self.sent += 1
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise InjectedFailure(f"injected failure after {self.sent} step(s) ({FAIL_AFTER_ENV})")
        return self._confirm(step, entry, receipt.contract_address, int(receipt.block_number))

    def _confirm(self, step: Step, entry: dict[str, Any], address: str | None, block: int) -> dict[str, Any]:
        entry = dict(entry, status="confirmed", block=block)
        if step.is_deploy:
            if not address:
                raise DeployError(f"step {step.id}: transaction {entry['tx_hash']} created no contract")
            address = to_checksum_address(address)
            entry["address"] = address
            entry["bytecode_hash"] = code_hash(self.provider, address)
            entry["compiler"] = compiler_info(self.project, step.contract)
            self.manifest.contracts[step.id] = address
        self.manifest.steps[step.id] = entry
        self.manifest.save()
        return entry

    def _report(self, result: StepResult) -> StepResult:
        if self.on_step is not None:
            self.on_step(result)
        return result


def executed(target: Any, method: str, args: Any) -> bool:
    """Whether the effect of `method(args)` is visible on `target` (so another account sent it).

    Only effects that can be read back are recognised; other steps stay awaiting until the
    deployer is given the role (then they are sent) or a person records them by hand."""
    args = tuple(args)
    try:
        if method == "grantRole":
            return bool(target.hasRole(args[0], args[1]))
        if method == "revokeRole":
            return not target.hasRole(args[0], args[1])
        getter = {"setPointsLedger": "pointsLedger", "setPurchaseRecorder": "purchaseRecorder",
                  "setAuctionHouse": "auctionHouse", "setContractURI": "contractURI"}.get(method)
        if getter is not None:
            return str(getattr(target, getter)()).lower() == str(args[0]).lower()
        if method == "setCollectionRegistered":
            return bool(target.registeredCollection(args[0])) == bool(args[1])
        if method == "setRange":
            ranges = target.ranges(args[0])
            index = int(args[1])
            if index >= len(ranges):
                return False
            got = ranges[index]
            return (int(got.fromTokenId), int(got.toTokenId), int(got.price)) == (int(args[2]), int(args[3]), int(args[4]))
    except Exception:  # noqa: BLE001 - an unreadable effect means "not seen yet", never "done"
        return False
    return False
