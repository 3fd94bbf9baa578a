"""Production deployment: plan from metadata/platform.yaml, resumable engine, manifest, handover.

See docs/deploy.md. Entry point: `deploy_platform` (used by `ape run deploy`)."""

from gaoling.deploy.config import PlatformConfigError, load_any_config, load_platform_config
from gaoling.deploy.engine import DeployError, Engine, InjectedFailure
from gaoling.deploy.handover import verify_handover
from gaoling.deploy.manifest import Manifest
from gaoling.deploy.run import Outcome, deploy_platform

__all__ = ["DeployError", "Engine", "InjectedFailure", "Manifest", "Outcome", "PlatformConfigError",
           "deploy_platform", "load_any_config", "load_platform_config", "verify_handover"]
