"""Service configuration: one pydantic model, filled from `ape run serve` flags and the environment.

| variable | meaning | default |
|---|---|---|
| GAOLING_DATABASE_URL | state database (see gaoling.db) | SQLite in the data directory |
| GAOLING_RELAYER_ACCOUNT | Ape account alias that pays relay gas (`TEST::N` on a dev chain) | - |
| GAOLING_ATTESTER_ACCOUNT | Ape account alias holding ATTESTER_ROLE on the certificate | - |
| GAOLING_BATCH_SIZE | check-ins per relay transaction | 50 |
| GAOLING_BATCH_SECONDS | send a partial batch once its oldest entry waited this long | 5 |
| GAOLING_FEE_CEILING_GWEI | never bid more than this per gas when replacing a stuck transaction | 200 |
| GAOLING_STUCK_SECONDS | a sent transaction without a receipt after this long is replaced | 60 |
| GAOLING_DAILY_GAS_BUDGET | gas the relayer may spend per UTC day (0 = unlimited) | 30000000 |
| GAOLING_LOW_BALANCE_ETH | below this relayer balance /readyz says "degraded" | 0.05 |
| GAOLING_RATE_PER_ADDRESS | writes per address per minute | 20 |
| GAOLING_RATE_PER_IP | writes per client IP per minute | 120 |
| GAOLING_CERTIFICATE_MODE | `return` the signed quiz pass, or `relay` the mint | return |

Account names are configuration; the keys stay in Ape's keystore. Unattended signing uses Ape's
documented passphrase variable `APE_ACCOUNTS_<alias>_PASSPHRASE` and autosign (see docs/service.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["api", "relayer", "all"]


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


class ServiceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deployment: Path = Field(description="deployments/<chainId>.json written by `ape run deploy`")
    database_url: str | None = None
    role: Role = "all"
    relayer_account: str | None = None
    attester_account: str | None = None
    batch_size: int = Field(50, ge=1, le=500)
    batch_seconds: float = Field(5.0, gt=0)
    poll_seconds: float = Field(0.5, gt=0)
    fee_ceiling_gwei: float = Field(200.0, gt=0)
    stuck_seconds: float = Field(60.0, gt=0)
    daily_gas_budget: int = Field(30_000_000, ge=0)
    low_balance_eth: float = Field(0.05, ge=0)
    rate_per_address: int = Field(20, ge=1)
    rate_per_ip: int = Field(120, ge=1)
    max_body_bytes: int = Field(16_384, ge=512)
    certificate_mode: Literal["return", "relay"] = "return"
    ipfs_store: Path | None = None
    allowlists: dict[str, Path] = Field(default_factory=dict, description="collection slug -> tree JSON")
    quiz_bank: Path | None = None
    platform_config: Path | None = Field(None, description="metadata/platform.yaml (allowlists, the page)")
    public_url: str = ""
    rpc_url: str = ""

    @classmethod
    def from_env(cls, **overrides) -> "ServiceConfig":
        values = dict(
            relayer_account=os.environ.get("GAOLING_RELAYER_ACCOUNT"),
            attester_account=os.environ.get("GAOLING_ATTESTER_ACCOUNT"),
            batch_size=int(_env("GAOLING_BATCH_SIZE", "50")),
            batch_seconds=float(_env("GAOLING_BATCH_SECONDS", "5")),
            fee_ceiling_gwei=float(_env("GAOLING_FEE_CEILING_GWEI", "200")),
            stuck_seconds=float(_env("GAOLING_STUCK_SECONDS", "60")),
            daily_gas_budget=int(_env("GAOLING_DAILY_GAS_BUDGET", "30000000")),
            low_balance_eth=float(_env("GAOLING_LOW_BALANCE_ETH", "0.05")),
            rate_per_address=int(_env("GAOLING_RATE_PER_ADDRESS", "20")),
            rate_per_ip=int(_env("GAOLING_RATE_PER_IP", "120")),
            certificate_mode=_env("GAOLING_CERTIFICATE_MODE", "return"),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
