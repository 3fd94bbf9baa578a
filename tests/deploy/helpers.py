"""Shared helpers for deploy tests (imported as `from tests.deploy.helpers import ...`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaoling.deploy import deploy_platform

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "metadata" / "platform.yaml"


def deploy(project: Any, chain: Any, deployer: Any, out_dir: Path, **kwargs: Any):
    """Runs the engine as `ape run deploy` does (without verification export unless asked)."""
    kwargs.setdefault("export_verify", False)
    return deploy_platform(kwargs.pop("config", PLATFORM), project=project, provider=chain.provider,
                           deployer=deployer, out_dir=out_dir, **kwargs)
