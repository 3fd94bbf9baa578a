"""Crowdfunded drops on a `GaolingCrowdfund`: campaign specs, checks before every transaction, the
transactions themselves and a readable status. The CLI (`ape run crowdfund ...`), the demo, the
benchmarks and the deploy plan all go through these functions."""

from gaoling.crowdfund.chain import (
    CampaignSpec,
    CampaignStatus,
    CrowdfundInputError,
    Status,
    TierSpec,
    claim,
    create,
    deploy,
    finalize,
    pledge,
    refund,
    release,
    status,
    wire,
    withdraw,
)

__all__ = [
    "CampaignSpec",
    "CampaignStatus",
    "CrowdfundInputError",
    "Status",
    "TierSpec",
    "claim",
    "create",
    "deploy",
    "finalize",
    "pledge",
    "refund",
    "release",
    "status",
    "wire",
    "withdraw",
]
