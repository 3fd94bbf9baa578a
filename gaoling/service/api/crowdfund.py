"""Crowdfunded drops: campaigns with their progress, tiers, deadline and payees, and one pledger's
stake with what it may withdraw, claim or refund (docs/crowdfund.md).

Read at request time through gaoling.crowdfund's own status functions, the ones
`ape run crowdfund status` prints; every change is the collector's own wallet transaction.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Path, Request

from gaoling import crowdfund as cf
from gaoling.display import CST
from gaoling.service.api.catalogue import address_param
from gaoling.service.context import ServiceContext
from gaoling.service.problems import Problem

router = APIRouter(tags=["crowdfund"])
CampaignId = Path(description="campaign id, from 1 (GET /campaigns lists them)")


def _svc(request: Request) -> ServiceContext:
    return request.app.state.svc


def _head(svc: ServiceContext) -> tuple[int, int]:
    # Uncached: whether a campaign has ended, and its countdown, must follow the chain exactly.
    return svc.platform.head(svc.provider, max_age=0)


def _crowdfund(svc: ServiceContext) -> Any | None:
    return svc.platform.contracts.get("crowdfund")


def _require_crowdfund(svc: ServiceContext) -> Any:
    crowdfund = _crowdfund(svc)
    if crowdfund is None:
        raise Problem("not-found", "campaign_id",
                      en="campaign_id: this platform has no crowdfund (its platform.yaml has no `crowdfund:` section).",
                      zh="campaign_id：本平台未部署众筹合约（platform.yaml 中没有 `crowdfund:` 部分）。")
    return crowdfund


def _status(svc: ServiceContext, crowdfund: Any, campaign_id: int) -> cf.CampaignStatus:
    _, now = _head(svc)
    try:
        return cf.status(crowdfund, campaign_id, now)
    except cf.CrowdfundInputError:
        count = int(crowdfund.campaignCount())
        known_en = f"campaigns 1..{count} exist" if count else "no campaign has been opened yet"
        known_zh = f"现有众筹 1..{count}" if count else "尚未发起任何众筹"
        raise Problem("not-found", "campaign_id", en=f"campaign_id: campaign {campaign_id} does not exist ({known_en}).",
                      zh=f"campaign_id：众筹 {campaign_id} 不存在（{known_zh}）。") from None


def _iso(seconds: int, tz: timezone) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).astimezone(tz).isoformat()


def _collection_of(svc: ServiceContext, edition: str) -> str | None:
    for slug, contract in svc.platform.editions().items():
        if str(contract.address).lower() == edition.lower():
            return slug
    return None


def campaign_json(svc: ServiceContext, st: cf.CampaignStatus) -> dict[str, Any]:
    return {
        "id": st.campaign_id,
        "collection": _collection_of(svc, st.edition),
        "edition": st.edition,
        "state": st.status.name.lower(),
        # The state once finalized: an ended campaign is still "funding" until someone finalizes it.
        "outcome": st.outcome.name.lower(),
        "ended": st.ended,
        "needsFinalize": st.needs_finalize,
        "paused": st.paused,
        "goalWei": str(st.goal),
        "raisedWei": str(st.raised),
        "pieces": st.pieces,
        "goalMet": st.goal_met,
        "progress": {"bps": st.progress_bps, "percent": round(st.raised * 100 / st.goal, 1) if st.goal else 0.0},
        "deadline": {"unix": st.deadline, "iso": _iso(st.deadline, CST), "utc": _iso(st.deadline, timezone.utc)},
        "now": st.now,
        "secondsLeft": st.seconds_left,
        "walletLimit": st.wallet_limit,
        "tiers": [{"index": t.index, "priceWei": str(t.price), "cap": t.cap, "sold": t.pledged,
                   "remaining": t.remaining, "physical": t.physical} for t in st.tiers],
        "payees": [{"address": p.address, "bps": p.bps, "released": p.released, "releasableWei": str(p.releasable)}
                   for p in st.payees],
        "held": {"escrowedWei": str(st.escrowed), "releasableWei": str(st.releasable),
                 "refundsOwedWei": str(st.refunds_owed)},
    }


@router.get("/campaigns", summary="Every crowdfunded campaign with its state, progress, tiers and deadline")
def list_campaigns(request: Request) -> list[dict]:
    svc = _svc(request)
    crowdfund = _crowdfund(svc)
    if crowdfund is None:
        return []
    _, now = _head(svc)
    return [campaign_json(svc, cf.status(crowdfund, i, now)) for i in cf.campaign_ids(crowdfund)]


@router.get("/campaigns/{campaign_id}", summary="One campaign: goal and progress, deadline, tiers, limit, payees")
def get_campaign(request: Request, campaign_id: int = CampaignId) -> dict:
    svc = _svc(request)
    return campaign_json(svc, _status(svc, _require_crowdfund(svc), campaign_id))


def _first_block(svc: ServiceContext) -> int:
    step = svc.platform.manifest.get("steps", {}).get("crowdfund")
    return int(step.get("block") or 0) if isinstance(step, dict) else 0


@router.get("/campaigns/{campaign_id}/pledges/{address}",
            summary="An address's pledge in a campaign, its history, and what it may withdraw, claim or refund")
def get_pledge(request: Request, address: str, campaign_id: int = CampaignId) -> dict:
    svc = _svc(request)
    who = address_param(address, "address")
    crowdfund = _require_crowdfund(svc)
    st = _status(svc, crowdfund, campaign_id)
    p = cf.pledge_status(crowdfund, campaign_id, who, st.now, st)
    head, _ = _head(svc)
    history = cf.pledge_history(crowdfund, campaign_id, who, _first_block(svc), head + 1)
    return {
        "campaignId": campaign_id,
        "address": who,
        "amountWei": str(p.amount),
        "pieces": p.pieces,
        "totalPieces": p.total_pieces,
        "mayPledge": p.may_pledge,
        "can": {"withdraw": p.can_withdraw, "claim": p.can_claim, "refund": p.can_refund},
        "claimablePieces": p.total_pieces if p.can_claim else 0,
        "refundableWei": str(p.amount) if p.can_refund else "0",
        # claim and refund finalize first when the deadline has passed and nobody has yet.
        "needsFinalize": st.needs_finalize,
        "history": [{"kind": e.kind, "block": e.block, "txHash": e.tx, "amountWei": str(e.amount), "tier": e.tier,
                     "quantity": e.quantity, "firstTokenId": e.first_token_id, "to": e.to} for e in history],
    }
