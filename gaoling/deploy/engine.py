"""Runs a plan: idempotent, resumable, recording every confirmed step in the manifest.

Rules, in the order a run applies them:
1. Before anything is sent, the manifest is checked against the chain and the plan: same genesis
   block (a restarted local node is a different chain), same deployer, the runtime code at every
   recorded address still hashes to the recorded bytecode hash, and every recorded step still has
   the arguments the plan gives it. Any mismatch stops the run with a message and sends nothing.
2. A confirmed step is skipped.
3. A step is written `pending`, with the nonce its transaction will use, BEFORE it is sent, and
   `confirmed` (address, tx hash, block, ...) once its receipt is in. A rerun that finds a pending
   deploy looks at that nonce: still unused -> the transaction never made it, send it again with
   the same nonce; used, and code sits at the address that nonce creates -> it was deployed, adopt
   it (never deploy again); used, no code there -> that nonce went elsewhere (failed or replaced),
   so no contract can ever appear from it and a fresh deploy is safe.
4. A call step is sent only if its on-chain predicate (e.g. `hasRole`) says its effect is missing.
5. `complete` turns true only when every step is confirmed; it is false while anything is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import keccak

from gaoling.deploy.manifest import Manifest, ManifestError, to_json
from gaoling.deploy.plan import CallStep, DeployStep, Plan, Ref, RoleId, Step

#: Blocks searched for the transaction of an adopted pending deploy.
ADOPT_SCAN_BLOCKS = 5_000

#: fault(point, step_id) with point in {"before-send", "after-send", "after-confirm"}: a test hook
#: that may raise (or kill the process) to simulate a crash at that exact point.
Fault = Callable[[str, str], None]


class DeployError(RuntimeError):
    """The deployment cannot go on; the message says what happened and what to do."""


@dataclass
class StepResult:
    step_id: str
    label: str
    outcome: str  # sent | recorded | adopted | on chain | to send
    gas: int = 0
    tx_hash: str | None = None
    address: str | None = None
    estimated: bool = False


@dataclass
class DeployReport:
    manifest: Path
    chain_id: int
    results: list[StepResult] = field(default_factory=list)
    addresses: dict[str, str] = field(default_factory=dict)
    complete: bool = False
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def gas_total(self) -> int:
        return sum(r.gas for r in self.results)

    @property
    def sent(self) -> int:
        return sum(r.outcome == "sent" for r in self.results)


def compiler_info(project: Any, contract: str) -> dict[str, Any]:
    """{name, version, settings} the contract was compiled with (output selection left out)."""
    for compiler in project.manifest.compilers or []:
        if contract in (compiler.contractTypes or []):
            settings = {k: v for k, v in (compiler.settings or {}).items() if k != "outputSelection"}
            return {"name": compiler.name, "version": compiler.version, "settings": settings}
    raise DeployError(f"{contract}: no compiler record in the project manifest; run `ape compile`")


class Deployment:
    """One plan against one chain, recorded in one manifest."""

    def __init__(self, plan: Plan, project: Any, chain: Any, deployer: Any, manifest_path: str | Path,
                 fault: Fault | None = None, network: str | None = None):
        self.plan = plan
        self.project = project
        self.chain = chain
        self.provider = chain.provider
        self.deployer = deployer
        self.manifest = Manifest.load(manifest_path)
        self.fault = fault
        self.network = network
        self._instances: dict[str, Any] = {}

    # -- helpers ---------------------------------------------------------------------------------

    def _container(self, name: str) -> Any:
        try:
            return getattr(self.project, name)
        except AttributeError:
            raise DeployError(f"{name}: not in this project's contracts; is it on this branch? run `ape compile`") from None

    def _instance(self, key: str) -> Any:
        if key not in self._instances:
            address = self.manifest.address(key)
            if address is None:
                raise DeployError(f"{key}: used before it is deployed (plan order)")
            self._instances[key] = self._container(self.plan.contracts[key]).at(address)
        return self._instances[key]

    def _resolve(self, value: Any, target: Any = None, predicted: dict[str, str] | None = None) -> Any:
        if isinstance(value, Ref):
            address = self.manifest.address(value.key) or (predicted or {}).get(value.key)
            if address is None:
                raise DeployError(f"{value.key}: referenced before it is deployed (plan order)")
            return address
        if isinstance(value, RoleId):
            if value.name == "DEFAULT_ADMIN_ROLE":
                return b"\x00" * 32
            if target is None:
                return keccak(text=value.name)
            return bytes(getattr(target, value.name)())
        if isinstance(value, tuple):
            return tuple(self._resolve(v, target, predicted) for v in value)
        if isinstance(value, list):
            return [self._resolve(v, target, predicted) for v in value]
        return value

    def _code_hash(self, address: str) -> str:
        return "0x" + keccak(bytes(self.provider.get_code(address))).hex()

    def _nonce(self) -> int:
        return int(self.provider.get_nonce(self.deployer.address))

    def _save(self) -> None:
        self.manifest.save()

    def _hit(self, point: str, step_id: str) -> None:
        if self.fault is not None:
            self.fault(point, step_id)

    # -- checks before anything is sent ----------------------------------------------------------

    def preflight(self) -> None:
        data = self.manifest.data
        genesis = "0x" + bytes(self.chain.blocks[0].hash).hex()
        chain_id = int(self.chain.chain_id)
        where = str(self.manifest.path)
        if self.manifest.exists:
            if data.get("chain_id") not in (None, chain_id):
                raise ManifestError(f"{where}: written for chain {data['chain_id']}, connected to {chain_id}; "
                                    "pick the matching --network or another --manifest")
            if data.get("genesis_hash") not in (None, genesis):
                raise ManifestError(f"{where}: written on a chain with another genesis block (a restarted local "
                                    "node?); its addresses mean nothing here. Move it away or pass --manifest")
            recorded = data.get("deployer")
            if recorded and recorded.lower() != self.deployer.address.lower():
                raise ManifestError(f"{where}: written by deployer {recorded}, not {self.deployer.address}; rerun "
                                    "with that --account (it holds the roles the remaining steps need)")
        for key, entry in self.manifest.contracts.items():
            code_hash = self._code_hash(entry["address"])
            if code_hash == "0x" + keccak(b"").hex():
                raise ManifestError(f"{where}: {key} is recorded at {entry['address']} but there is no code there "
                                    "(a reset chain?). Move the manifest away or pass --manifest")
            if code_hash != entry["bytecode_hash"]:
                raise ManifestError(f"{where}: the code at {entry['address']} ({key}) no longer matches the "
                                    f"recorded bytecode hash {entry['bytecode_hash']} (now {code_hash})")
        for step in self.plan.steps:
            entry = self.manifest.step(step.id)
            if not entry or entry.get("status") != "confirmed":
                continue
            target = self._instance(step.target) if isinstance(step, CallStep) else None
            planned = to_json(self._resolve(step.args, target))
            if planned != entry.get("args"):
                raise ManifestError(f"{where}: step {step.id} was confirmed with arguments {entry.get('args')}, "
                                    f"but the config now gives {planned}. A deployed platform is changed with "
                                    "the sale/admin scripts, not by redeploying; restore the config or use "
                                    "another --manifest")
        data.update(chain_id=chain_id, genesis_hash=genesis, deployer=self.deployer.address)
        if self.network:
            data["network"] = self.network

    # -- running ---------------------------------------------------------------------------------

    def run(self) -> DeployReport:
        self.preflight()
        report = DeployReport(self.manifest.path, int(self.chain.chain_id))
        admins = sorted({a for a in self.plan.handover.values() if a})
        self.manifest.data["admin"] = admins[0] if len(admins) == 1 else (admins or None)
        if not all(self.manifest.confirmed(s.id) for s in self.plan.steps) or not self.manifest.complete:
            self.manifest.data["complete"] = False
            self._save()
        for step in self.plan.steps:
            if self.manifest.confirmed(step.id):
                entry = self.manifest.step(step.id)
                report.results.append(StepResult(step.id, step.label, "recorded", 0, entry.get("tx_hash"),
                                                 entry.get("address")))
                continue
            if isinstance(step, DeployStep):
                report.results.append(self._deploy(step))
            else:
                report.results.append(self._call(step))
        self.manifest.data["complete"] = True
        self.manifest.data["completed_at_block"] = int(self.chain.blocks.head.number)
        self._save()
        report.complete = True
        report.addresses = {k: v["address"] for k, v in self.manifest.contracts.items()}
        return report

    def _deploy(self, step: DeployStep) -> StepResult:
        container = self._container(step.contract)
        args = self._resolve(step.args)
        pending = self.manifest.step(step.id)
        if pending and pending.get("status") == "pending":
            adopted = self._settle_pending_deploy(step, pending, args)
            if adopted is not None:
                return adopted
        note = (self.manifest.step(step.id) or {}).get("note")
        nonce = self._nonce()
        predicted = self.deployer.get_deployment_address(nonce)
        self.manifest.steps[step.id] = {"status": "pending", "kind": "deploy", "nonce": nonce,
                                        "predicted_address": str(predicted), "args": to_json(args),
                                        "head_block": int(self.chain.blocks.head.number)}
        if note:
            self.manifest.steps[step.id]["note"] = note
        self._save()
        self._hit("before-send", step.id)
        instance = container.deploy(*args, sender=self.deployer, nonce=nonce)
        receipt = self.provider.get_receipt(instance.txn_hash)
        self._hit("after-send", step.id)
        if str(instance.address).lower() != str(predicted).lower():
            raise DeployError(f"{step.id}: deployed at {instance.address}, expected {predicted} from nonce {nonce}")
        self._record_contract(step, str(instance.address), receipt.txn_hash, receipt.block_number, args)
        self._confirm(step.id, "deploy", args, receipt.txn_hash, receipt.block_number, nonce=nonce,
                      address=str(instance.address), note=note)
        self._hit("after-confirm", step.id)
        return StepResult(step.id, step.label, "sent", int(receipt.gas_used), receipt.txn_hash, str(instance.address))

    def _settle_pending_deploy(self, step: DeployStep, pending: dict[str, Any], args: Any) -> StepResult | None:
        """A deploy was about to be sent when the last run stopped: did it happen?"""
        nonce = int(pending["nonce"])
        address = pending["predicted_address"]
        if self._nonce() <= nonce:
            return None  # that nonce is unused: the transaction never landed, send it now
        if bytes(self.provider.get_code(address)) == b"":
            # The nonce went to something else and can never create this contract: deploy afresh.
            self.manifest.steps[step.id]["note"] = f"nonce {nonce} was used without deploying; redeployed"
            return None
        tx_hash, block = self._find_transaction(nonce, int(pending.get("head_block", 0)))
        self._record_contract(step, address, tx_hash, block, args)
        self._confirm(step.id, "deploy", args, tx_hash, block, nonce=nonce, address=address,
                      note="adopted after an interrupted run")
        self._hit("after-confirm", step.id)
        return StepResult(step.id, step.label, "adopted", 0, tx_hash, address)

    def _find_transaction(self, nonce: int, from_block: int) -> tuple[str | None, int | None]:
        web3 = getattr(self.provider, "web3", None)
        head = int(self.chain.blocks.head.number)
        if web3 is None:
            return None, None
        sender = self.deployer.address.lower()
        for number in range(max(from_block, head - ADOPT_SCAN_BLOCKS), head + 1):
            for tx in web3.eth.get_block(number, full_transactions=True)["transactions"]:
                if str(tx["from"]).lower() == sender and int(tx["nonce"]) == nonce:
                    return "0x" + bytes(tx["hash"]).hex(), number
        return None, None

    def _record_contract(self, step: DeployStep, address: str, tx_hash: Any, block: Any, args: Any) -> None:
        container = self._container(step.contract)
        try:
            encoded = "0x" + bytes(container.constructor.encode_input(*args)).hex()
        except Exception:  # noqa: BLE001 - informational only; the arguments themselves are recorded
            encoded = None
        self.manifest.contracts[step.key] = {
            "contract": step.contract,
            "address": address,
            "tx_hash": _hex(tx_hash),
            "block": int(block) if block is not None else None,
            "constructor_args": to_json(args),
            "constructor_args_encoded": encoded,
            "bytecode_hash": self._code_hash(address),
            "compiler": compiler_info(self.project, step.contract),
            "source_id": container.contract_type.source_id,
        }

    def _confirm(self, step_id: str, kind: str, args: Any, tx_hash: Any, block: Any, **extra: Any) -> None:
        entry = {"status": "confirmed", "kind": kind, "args": to_json(args), "tx_hash": _hex(tx_hash),
                 "block": int(block) if block is not None else None, "confirmed_at": int(time.time())}
        entry.update({k: v for k, v in extra.items() if v is not None})
        self.manifest.steps[step_id] = entry
        self._save()

    def _call(self, step: CallStep) -> StepResult:
        contract = self._instance(step.target)
        args = self._resolve(step.args, contract)
        if step.done(contract, args):
            pending = self.manifest.step(step.id) or {}
            self._confirm(step.id, "call", args, pending.get("tx_hash"), None, note="already in effect on chain")
            self._hit("after-confirm", step.id)
            return StepResult(step.id, step.label, "on chain")
        nonce = self._nonce()
        self.manifest.steps[step.id] = {"status": "pending", "kind": "call", "nonce": nonce, "args": to_json(args)}
        self._save()
        self._hit("before-send", step.id)
        receipt = getattr(contract, step.method)(*args, sender=self.deployer, nonce=nonce)
        self._hit("after-send", step.id)
        if not step.done(contract, args):
            raise DeployError(f"{step.id}: transaction {receipt.txn_hash} succeeded but its effect is not visible "
                              "on chain; check the contract before rerunning")
        self._confirm(step.id, "call", args, receipt.txn_hash, receipt.block_number, nonce=nonce)
        self._hit("after-confirm", step.id)
        return StepResult(step.id, step.label, "sent", int(receipt.gas_used), _hex(receipt.txn_hash))

    # -- dry run ---------------------------------------------------------------------------------

    def dry_run(self) -> DeployReport:
        """Checks the manifest, then estimates every remaining step. Sends nothing, writes nothing."""
        self.preflight()
        report = DeployReport(self.manifest.path, int(self.chain.chain_id), dry_run=True)
        nonce = self._nonce()
        predicted: dict[str, str] = {}
        for step in self.plan.steps:
            if self.manifest.confirmed(step.id):
                report.results.append(StepResult(step.id, step.label, "recorded"))
                continue
            if isinstance(step, DeployStep):
                address = str(self.deployer.get_deployment_address(nonce))
                predicted[step.key] = address
                args = self._resolve(step.args, None, predicted)
                container = self._container(step.contract)
                tx = container.constructor.serialize_transaction(*args, sender=self.deployer.address)
                gas = int(self.provider.estimate_gas_cost(tx))
                report.results.append(StepResult(step.id, step.label, "to send", gas, address=address))
            elif self.manifest.address(step.target):
                contract = self._instance(step.target)
                args = self._resolve(step.args, contract, predicted)
                if step.done(contract, args):
                    report.results.append(StepResult(step.id, step.label, "on chain"))
                    continue
                gas = int(getattr(contract, step.method).estimate_gas_cost(*args, sender=self.deployer))
                report.results.append(StepResult(step.id, step.label, "to send", gas))
            else:
                report.results.append(StepResult(step.id, step.label, "to send", step.typical_gas, estimated=True))
            nonce += 1
        report.addresses = {**{k: v["address"] for k, v in self.manifest.contracts.items()}, **predicted}
        report.complete = self.manifest.complete and all(r.outcome == "recorded" for r in report.results)
        return report


def _hex(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    text = str(value)
    return text if text.startswith("0x") else "0x" + text
