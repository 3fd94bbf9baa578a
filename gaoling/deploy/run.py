"""One call that deploys (or previews) a whole platform: config -> catalogues -> plan -> chain.

Order: validate every config file; publish catalogues and the platform's own metadata
(content-addressed, idempotent, off chain; gaoling.deploy.metadata, which also refuses placeholder
URIs on a non-local chain);
build the plan; then either estimate it (`dry_run`) or execute it, hand the roles over to `admin`
if given, check the handover, export verification inputs, and mark the manifest complete.

Steps the deployer may not send (it lacks the role: a platform already handed to a multisig) are
written to `<out-dir>/<chainId>/safe/<time>-deploy.json` for the Safe Transaction Builder and
recorded as `awaiting`; the manifest stays `complete: false` until a rerun sees them executed.
`admin` defaults to `--admin`, then platform.yaml `admin`, then the admin the manifest recorded,
so a new drop on a handed-over platform is handed over too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ape.logging import logger

from gaoling.deploy.config import LoadedPlatform, load_any_config
from gaoling.deploy.engine import DeployError, Engine, StepResult
from gaoling.deploy.estimate import Estimate, estimate_plan
from gaoling.deploy.handover import HandoverReport, handover_steps, verify_handover
from gaoling.deploy.manifest import Manifest
from gaoling.deploy.metadata import publish_metadata
from gaoling.deploy.plan import PlanContext, Step, build_plan, named_holders
from gaoling.deploy.roles import write_safe_batch

@dataclass
class Outcome:
    manifest: Manifest
    plan: list[Step]
    results: list[StepResult] = field(default_factory=list)
    estimates: list[Estimate] = field(default_factory=list)
    handover: HandoverReport | None = None
    verify_files: list[Path] = field(default_factory=list)
    awaiting: list[StepResult] = field(default_factory=list)  # steps the multisig must send
    safe_batch: Path | None = None
    warnings: list[str] = field(default_factory=list)  # e.g. metadata only in the local IPFS store

    @property
    def estimate_failed(self) -> list[Estimate]:
        return [e for e in self.estimates if e.error is not None]

def deploy_platform(config_path: str | Path, *, project: Any, provider: Any, deployer: Any,
                    out_dir: str | Path = "deployments", admin: str | None = None, dry_run: bool = False,
                    on_step: Callable[[StepResult], None] | None = None, export_verify: bool = True,
                    fail_after: int | None = None, catalogue: str | Path | None = None) -> Outcome:
    platform = load_any_config(config_path, catalogue)  # raises before anything is sent
    manifest = Manifest.load(out_dir, int(provider.chain_id))
    admin = admin or platform.config.admin or manifest.data.get("admin")
    backend = "local" if dry_run else platform.config.ipfs_backend
    published = publish_metadata(platform, backend, int(provider.chain_id), say=logger.info)  # raises before sending
    for warning in published.warnings:
        logger.warning(warning)
    ctx = PlanContext(platform, deployer.address, published.collection_uris(), published.uris)
    plan = build_plan(ctx)
    if dry_run:
        return Outcome(manifest, plan, estimates=estimate_plan(project, provider, deployer, manifest, plan),
                       warnings=published.warnings)
    manifest.data["metadata"] = published.record

    engine = Engine(project, provider, deployer, manifest, on_step=on_step, fail_after=fail_after)
    outcome = Outcome(manifest, plan, results=engine.run(plan), warnings=published.warnings)
    if admin:
        outcome.results += engine.run(handover_steps(engine, admin, named_holders(platform)))
        outcome.handover = verify_handover(project, manifest, deployer.address, admin)
        if not outcome.handover.ok:
            raise DeployError(f"handover incomplete: deployer still holds {outcome.handover.deployer_roles}, "
                              f"admin lacks {outcome.handover.admin_missing}")
        manifest.data["admin"] = admin
        manifest.data["handover"] = True
    if export_verify:
        from gaoling.deploy.verify import export_verification_inputs

        outcome.verify_files = export_verification_inputs(project, manifest, provider)
    manifest.data["compilers"] = {s["contract"]: s.get("compiler", {}) for s in manifest.steps.values()
                                  if s.get("kind") == "deploy"}
    outcome.awaiting = list(engine.awaiting)
    manifest.data["awaiting"] = [r.step.id for r in outcome.awaiting]
    if outcome.awaiting:
        outcome.safe_batch = _write_batch(manifest, outcome.awaiting, admin)
        manifest.data["safe_batch"] = str(outcome.safe_batch)
    else:
        manifest.data.pop("safe_batch", None)
    manifest.data["complete"] = not outcome.awaiting
    manifest.save()
    return outcome

def _write_batch(manifest: Manifest, awaiting: list[StepResult], admin: str | None) -> Path:
    from datetime import datetime, timezone

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    chain_id = int(manifest.data["chain_id"])
    path = manifest.path.parent / str(chain_id) / "safe" / f"{stamp}-deploy.json"
    lines = [f"{r.step.id}: needs {r.entry['role']} on {r.step.target}" for r in awaiting]
    return write_safe_batch(path, chain_id, [r.entry["transaction"] for r in awaiting],
                            name=f"Gaoling deploy: {len(awaiting)} step(s) for the admin",
                            description="; ".join(lines), safe=admin)
