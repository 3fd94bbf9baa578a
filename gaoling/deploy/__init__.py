"""Deploying the whole platform: plan -> idempotent, resumable run -> manifest -> handover -> verify inputs.

    platform = load_any("metadata/platform.yaml")
    report = deploy(platform, project, chain, account, admin="0xSafe...")

`ape run deploy` is the command-line face of this module (scripts/deploy.py). Decisions and the
manifest format are in docs/deploy.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gaoling.deploy.config import (
    LoadedPlatform,
    PlatformConfigError,
    is_collection_config,
    load_platform_config,
    single_collection,
)
from gaoling.deploy.engine import DeployError, DeployReport, Deployment, Fault, StepResult, compiler_info
from gaoling.deploy.handover import HandoverCheck, verify_handover
from gaoling.deploy.manifest import Manifest, ManifestError
from gaoling.deploy.plan import Plan, add_handover, build_plan
from gaoling.deploy.verify import export_verification_inputs
from gaoling.inputs import parse_address

__all__ = [
    "DeployError", "DeployReport", "Deployment", "HandoverCheck", "LoadedPlatform", "Manifest", "ManifestError",
    "Plan", "PlatformConfigError", "StepResult", "default_manifest_path", "deploy", "load_any", "make_plan",
    "verify_handover",
]


def load_any(config: str | Path, catalogue: str | Path | None = None) -> LoadedPlatform:
    """A platform config, or a single collection config (issue 2's `--config metadata/collections/x.yaml`).

    `catalogue` applies to the single collection, or to the only collection of a platform."""
    if is_collection_config(config):
        return single_collection(config, catalogue)
    platform = load_platform_config(config)
    if catalogue is not None:
        if len(platform.collections) != 1:
            raise PlatformConfigError(str(config), [("--catalogue", "the platform has "
                                      f"{len(platform.collections)} collections; name each one's catalogue "
                                      "in platform.yaml (collections[i].catalogue) instead")])
        slug, collection, _ = platform.collections[0]
        platform.collections[0] = (slug, collection, Path(catalogue))
    return platform


def default_manifest_path(root: str | Path, chain_id: int, platform: LoadedPlatform) -> Path:
    """`deployments/<chainId>.json` for a platform; `deployments/<chainId>-<slug>.json` for one
    collection deployed alone, so that it never mixes with the platform's record."""
    base = Path(root) / "deployments"
    if platform.source.suffix in (".yaml", ".yml") and is_collection_config(platform.source):
        return base / f"{chain_id}-{platform.collections[0][0]}.json"
    return base / f"{chain_id}.json"


def ipfs_publisher(backend: str | None, dry_run: bool,
                   on_publish: Callable[[str, Any], None] | None = None) -> Callable[[Path, str], tuple[str, str]]:
    """Publishes a catalogue (content-addressed, stored, pinned with `backend`; in a dry run stored
    locally only, which gives the same CIDs) and returns (base URI, contract URI)."""
    def publish(catalogue: Path, slug: str) -> tuple[str, str]:
        from gaoling.ipfs import publish_collection

        result = publish_collection(catalogue, backend="local" if dry_run else backend)
        if on_publish:
            on_publish(slug, result)
        return result.base_uri, result.contract_uri
    return publish


def make_plan(platform: LoadedPlatform, project: Any, deployer: str, admin: str | None = None,
              publish: Callable[[Path, str], tuple[str, str]] | None = None) -> Plan:
    """Builds and checks the plan (EVM version, admin) without touching the chain."""
    source = str(platform.source)
    if admin is not None:
        try:
            admin = parse_address(admin)
        except ValueError as exc:
            raise PlatformConfigError(source, [("--admin", str(exc))]) from None
        if admin.lower() == deployer.lower():
            raise PlatformConfigError(source, [("--admin", "is the deploying account itself; give the address "
                                                "that should hold the roles (e.g. a Safe), or leave it out")])
    plan = build_plan(platform, deployer, admin, publish)
    for contract in set(plan.contracts.values()):
        compiled = compiler_info(project, contract)["settings"].get("evmVersion")
        if compiled != platform.config.evm_version:
            raise PlatformConfigError(source, [("evm_version", f"{platform.config.evm_version} is wanted but "
                                                f"{contract} was compiled for {compiled}; set `solidity: evm_version: "
                                                f"{platform.config.evm_version}` in ape-config.yaml and run "
                                                "`ape compile --force`")])
    add_handover(plan, {name: getattr(project, name).contract_type.abi for name in set(plan.contracts.values())})
    return plan


def deploy(platform: LoadedPlatform, project: Any, chain: Any, account: Any, *, admin: str | None = None,
           manifest: str | Path | None = None, dry_run: bool = False, fault: Fault | None = None,
           network: str | None = None, verify_dir: str | Path | None = None,
           publish: Callable[[Path, str], tuple[str, str]] | None = None) -> DeployReport:
    """Deploys (or, with `dry_run`, estimates) `platform` from `account`; returns the report.

    The manifest defaults to `deployments/<chainId>.json` under the project; verification inputs
    go to `deployments/<chainId>/verify/` (or `verify_dir`)."""
    chain_id = int(chain.chain_id)
    publish = publish or ipfs_publisher(platform.config.ipfs_backend, dry_run)
    plan = make_plan(platform, project, account.address, admin, publish)
    manifest_path = Path(manifest) if manifest else default_manifest_path(project.path, chain_id, platform)
    run = Deployment(plan, project, chain, account, manifest_path, fault=fault, network=network)
    if dry_run:
        report = run.dry_run()
    else:
        report = run.run()
        out = Path(verify_dir) if verify_dir else manifest_path.parent / manifest_path.stem / "verify"
        export_verification_inputs(run.manifest, project, out)
    report.notes = list(plan.notes)
    return report
