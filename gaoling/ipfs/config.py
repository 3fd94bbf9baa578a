"""IPFS configuration, read from the environment (tokens only ever come from there).

| variable | meaning | default |
|---|---|---|
| GAOLING_IPFS_STORE | local blockstore / CAR / manifest directory | `<project>/.cache/gaoling/ipfs` |
| GAOLING_IPFS_BACKEND | `local`, `kubo`, `pinning` or `cluster` | `local` |
| GAOLING_KUBO_API | Kubo RPC base URL, e.g. `http://127.0.0.1:5001` | - |
| GAOLING_KUBO_TOKEN | optional bearer token for a Kubo RPC behind an auth proxy | - |
| GAOLING_PINNING_ENDPOINT | Pinning Services API base URL, e.g. `https://api.pinata.cloud/psa` | - |
| GAOLING_PINNING_TOKEN | bearer access token for that service | - |
| GAOLING_PINNING_ORIGINS | comma-separated multiaddrs that hold the content | - |
| GAOLING_CLUSTER_API | IPFS Cluster REST API base URL, e.g. `http://127.0.0.1:9094` | - |
| GAOLING_CLUSTER_TOKEN | optional bearer token for the Cluster API | - |
| GAOLING_IPFS_GATEWAY | gateway used by `verify`, e.g. `https://ipfs.io` | - |
| GAOLING_IPFS_TIMEOUT | seconds per HTTP request | 30 |
| GAOLING_IPFS_RETRIES | attempts per request before giving up | 5 |
| GAOLING_IPFS_BACKOFF | first retry delay in seconds (doubles, capped at 30) | 1 |
| GAOLING_PIN_TIMEOUT | seconds to wait for a pin to reach `pinned` | 600 |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator

BackendKind = Literal["local", "kubo", "pinning", "cluster"]


class ConfigError(ValueError):
    """IPFS configuration is missing or invalid; the message names the variable to set."""


class RetryPolicy(BaseModel):
    attempts: int = Field(5, ge=1, le=50)
    backoff: float = Field(1.0, ge=0)
    max_backoff: float = Field(30.0, ge=0)
    timeout: float = Field(30.0, gt=0)


def _url(v: str | None) -> str | None:
    if v is None:
        return None
    v = v.strip().rstrip("/")
    if not v.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return v


class IpfsConfig(BaseModel):
    store: Path
    backend: BackendKind = "local"
    kubo_api: str | None = None
    kubo_token: SecretStr | None = None
    pinning_endpoint: str | None = None
    pinning_token: SecretStr | None = None
    pinning_origins: list[str] = []
    cluster_api: str | None = None
    cluster_token: SecretStr | None = None
    gateway: str | None = None
    retry: RetryPolicy = RetryPolicy()
    pin_timeout: float = Field(600.0, gt=0)

    _check_urls = field_validator("kubo_api", "pinning_endpoint", "cluster_api", "gateway")(
        classmethod(lambda cls, v: _url(v))
    )

    def require(self, kind: BackendKind) -> None:
        """Raise ConfigError naming what is missing for backend `kind`."""
        need = {
            "kubo": [("kubo_api", "GAOLING_KUBO_API")],
            "pinning": [("pinning_endpoint", "GAOLING_PINNING_ENDPOINT"),
                        ("pinning_token", "GAOLING_PINNING_TOKEN")],
            "cluster": [("cluster_api", "GAOLING_CLUSTER_API")],
            "local": [],
        }[kind]
        missing = [env for attr, env in need if not getattr(self, attr)]
        if missing:
            raise ConfigError(f"backend {kind!r} needs {', '.join(missing)} set in the environment")


_ENV = {
    "backend": "GAOLING_IPFS_BACKEND",
    "kubo_api": "GAOLING_KUBO_API",
    "kubo_token": "GAOLING_KUBO_TOKEN",
    "pinning_endpoint": "GAOLING_PINNING_ENDPOINT",
    "pinning_token": "GAOLING_PINNING_TOKEN",
    "cluster_api": "GAOLING_CLUSTER_API",
    "cluster_token": "GAOLING_CLUSTER_TOKEN",
    "gateway": "GAOLING_IPFS_GATEWAY",
    "pin_timeout": "GAOLING_PIN_TIMEOUT",
}
_RETRY_ENV = {"timeout": "GAOLING_IPFS_TIMEOUT", "attempts": "GAOLING_IPFS_RETRIES",
              "backoff": "GAOLING_IPFS_BACKOFF"}


def load_config(
    env: Mapping[str, str] | None = None, project_root: str | os.PathLike | None = None, **overrides
) -> IpfsConfig:
    """Configuration from `env` (default: os.environ) plus explicit overrides. Errors name
    the environment variable, never its value (it may be a token)."""
    env = os.environ if env is None else env
    root = Path(project_root) if project_root is not None else Path.cwd()
    data: dict = {"store": Path(env.get("GAOLING_IPFS_STORE") or root / ".cache" / "gaoling" / "ipfs")}
    for attr, var in _ENV.items():
        if env.get(var):
            data[attr] = env[var]
    if env.get("GAOLING_PINNING_ORIGINS"):
        data["pinning_origins"] = [o.strip() for o in env["GAOLING_PINNING_ORIGINS"].split(",") if o.strip()]
    data["retry"] = {attr: env[var] for attr, var in _RETRY_ENV.items() if env.get(var)}
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return IpfsConfig.model_validate(data)
    except ValidationError as exc:
        names = {**_ENV, **{f"retry.{k}": v for k, v in _RETRY_ENV.items()}}
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            lines.append(f"{names.get(loc, loc)}: {err['msg']}")
        raise ConfigError("invalid IPFS configuration:\n  " + "\n  ".join(lines)) from None
