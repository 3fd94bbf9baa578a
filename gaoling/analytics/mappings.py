"""Which decoded event goes to which table, and how its arguments become columns.

This table is the only thing to write when a contract gains events: the indexer decodes every log
with the contract's ABI, then looks up (contract type, event name) here, else the event name alone
(standard events such as ERC-721 `Transfer`). Anything not mapped is still stored, decoded, in
`an_other_events`, so no event is ever lost and a mapping added later can be backfilled from there.
"""

from __future__ import annotations

from typing import Any, Callable

import sqlalchemy as sa

from gaoling.analytics import schema as s

Row = dict[str, Any]
Mapper = Callable[[Row], Row]

PHASES = {0: "allowlist", 1: "public"}
VOUCHER_STATES = ("issued", "requested", "in_kiln", "fired", "shipped", "delivered", "failed", "refunded")


def _state(i: int) -> str:
    return VOUCHER_STATES[i] if 0 <= i < len(VOUCHER_STATES) else str(i)


def _voucher_step(step: str, **extra: str) -> Mapper:
    def build(a: Row) -> Row:
        row = {"voucher_id": a["tokenId"], "step": step, "kiln_batch_id": a.get("kilnBatchId"),
               "glaze_id": a.get("glazeId"), "actor": a.get("holder") or a.get("by"), "amount_wei": a.get("amount"),
               "detail": a.get("reason") or a.get("photoCid")}
        return row
    return build


EDITION: dict[str, list[tuple[sa.Table, Mapper]]] = {
    "Purchased": [(s.sales, lambda a: {"buyer": a["buyer"], "path": PHASES.get(a["phase"], str(a["phase"])),
                                       "first_token_id": a["firstTokenId"], "quantity": a["quantity"],
                                       "paid_wei": a["paid"], "order_nonce": None})],
    "OrderFilled": [(s.sales, lambda a: {"buyer": a["recipient"], "path": "fiat", "first_token_id": a["firstTokenId"],
                                         "quantity": a["quantity"], "paid_wei": 0, "order_nonce": str(a["nonce"])})],
}

SPLIT = {
    "PayeeAdded": [(s.split_payees, lambda a: {"payee": a["payee"], "bps": a["bps"]})],
    "RevenueCredited": [(s.split_credits, lambda a: {"amount_wei": a["amount"]})],
    "PaymentReleased": [(s.split_releases, lambda a: {"payee": a["payee"], "amount_wei": a["amount"]})],
}

AUCTION = {
    "AuctionCreated": [(s.auctions, lambda a: {"auction_id": a["auctionId"], "nft": a["nft"], "token_id": a["tokenId"],
                                               "seller": a["seller"], "reserve_wei": a["reserve"],
                                               "duration_s": a["duration"]})],
    "AuctionBid": [(s.bids, lambda a: {"auction_id": a["auctionId"], "bidder": a["bidder"], "amount_wei": a["amount"],
                                       "end_time": a["endTime"]})],
    "AuctionSettled": [(s.settlements, lambda a: {
        "auction_id": a["auctionId"], "winner": a["winner"], "seller": a["seller"], "price_wei": a["price"],
        "royalty_receiver": a["royaltyReceiver"], "royalty_wei": a["royalty"], "fee_wei": a["fee"],
        "proceeds_wei": a["sellerProceeds"]})],
}

ARTWORKS = {
    "ArtworkRegistered": [(s.artworks, lambda a: {"token_id": a["tokenId"], "artist": a["artist"],
                                                  "royalty_bps": a["royaltyBps"], "content_hash": a["contentHash"],
                                                  "cid": a["cid"]})],
}

LEDGER = {
    "CheckedIn": [
        (s.check_ins, lambda a: {"member": a["member"], "day": a["day"], "streak": a["streak"], "points": a["points"]}),
        (s.points, lambda a: {"member": a["member"], "delta": a["points"], "reason": "check_in", "counterparty": None}),
    ],
    "PurchaseRewarded": [(s.points, lambda a: {"member": a["buyer"], "delta": a["points"], "reason": "purchase",
                                               "counterparty": a["recorder"]})],
    "ReferralRewarded": [
        (s.points, lambda a: {"member": a["referrer"], "delta": a["points"], "reason": "referral",
                              "counterparty": a["referee"]}),
        (s.referrals, lambda a: {"member": a["referee"], "referrer": a["referrer"], "kind": "rewarded",
                                 "points": a["points"]}),
    ],
    "ReferrerSet": [(s.referrals, lambda a: {"member": a["member"], "referrer": a["referrer"], "kind": "set",
                                             "points": 0})],
    "ReferralCapped": [(s.referrals, lambda a: {"member": a["referee"], "referrer": a["referrer"], "kind": "capped",
                                                "points": 0})],
    "PointsSpent": [(s.points, lambda a: {"member": a["member"], "delta": -a["amount"], "reason": "spend",
                                          "counterparty": a["spender"]})],
}

COUPONS = {
    "Exchanged": [(s.coupons, lambda a: {"kind": "exchanged", "member": a["member"], "glaze_id": a["glazeId"],
                                         "amount": a["amount"], "points": a["points"], "counterparty": a["relayer"]})],
    "CouponConsumed": [(s.coupons, lambda a: {"kind": "consumed", "member": a["holder"], "glaze_id": a["glazeId"],
                                              "amount": 1, "points": 0, "counterparty": a["redeemer"]})],
    "CouponRestored": [(s.coupons, lambda a: {"kind": "restored", "member": a["holder"], "glaze_id": a["glazeId"],
                                              "amount": 1, "points": 0, "counterparty": a["redeemer"]})],
    "GlazeAdded": [(s.glazes, lambda a: {"glaze_id": a["glazeId"], "name_zh": a["nameZh"], "name_en": a["nameEn"],
                                         "price": a["price"], "stock": a["stock"]})],
    "GlazeUpdated": [(s.glazes, lambda a: {"glaze_id": a["glazeId"], "name_zh": None, "name_en": None,
                                           "price": a["price"], "stock": a["stock"]})],
}

CERTIFICATE = {
    "CertificateMinted": [(s.certificates, lambda a: {"kind": "minted", "holder": a["holder"], "token_id": a["tokenId"],
                                                      "quiz_version": a["quizVersion"], "score": a["score"]})],
    "CertificateRevoked": [(s.certificates, lambda a: {"kind": "revoked", "holder": a["holder"],
                                                       "token_id": a["tokenId"], "quiz_version": None, "score": None})],
}

VOUCHERS = {
    "VoucherBought": [(s.vouchers, lambda a: {"voucher_id": a["tokenId"], "buyer": a["buyer"],
                                              "collection": a["collection"], "source_token_id": a["sourceTokenId"],
                                              "price_wei": a["price"]})],
    "StatusChanged": [(s.voucher_states, lambda a: {"voucher_id": a["tokenId"], "from_state": _state(a["from"]),
                                                    "to_state": _state(a["to"])})],
    "RedemptionRequested": [(s.voucher_steps, _voucher_step("requested"))],
    "PutInKiln": [(s.voucher_steps, _voucher_step("kiln"))],
    "PieceFired": [(s.voucher_steps, _voucher_step("fired"))],
    "FiringFailed": [(s.voucher_steps, _voucher_step("failed"))],
    "PieceShipped": [(s.voucher_steps, _voucher_step("shipped"))],
    "PieceDelivered": [(s.voucher_steps, _voucher_step("delivered"))],
    "VoucherRefunded": [(s.voucher_steps, _voucher_step("refunded"))],
}

CROWDFUND_STATUS = {0: "none", 1: "funding", 2: "succeeded", 3: "failed", 4: "cancelled"}


def _cf(kind: str, account: str | None = None, to: str | None = None, amount: str | None = None,
        detail: Callable[[Row], Any] | None = None) -> Mapper:
    def build(a: Row) -> Row:
        return {"campaign_id": a["campaignId"], "kind": kind, "account": a.get(account) if account else None,
                "to_addr": a.get(to) if to else None, "tier": a.get("tier", a.get("index")),
                "quantity": a.get("quantity"), "amount_wei": a.get(amount) if amount else None,
                "detail": None if detail is None else str(detail(a))}
    return build


CROWDFUND = {
    "CampaignCreated": [(s.crowdfund, _cf("created", "creator", amount="goal", detail=lambda a: a["edition"]))],
    "TierAdded": [(s.crowdfund, _cf("tier", amount="price", detail=lambda a: f"cap {a['cap']}, physical {a['physical']}"))],
    "PayeeAdded": [(s.crowdfund, _cf("payee", "payee", detail=lambda a: f"{a['bps']} bps"))],
    "Pledged": [(s.crowdfund, _cf("pledged", "pledger", amount="amount"))],
    "Withdrawn": [(s.crowdfund, _cf("withdrawn", "pledger", "to", "amount"))],
    "CampaignCancelled": [(s.crowdfund, _cf("cancelled", "by", amount="raised"))],
    "CampaignFinalized": [(s.crowdfund, _cf("finalized", amount="raised",
                                            detail=lambda a: CROWDFUND_STATUS.get(a["status"], a["status"])))],
    "Claimed": [(s.crowdfund, _cf("claimed", "pledger", detail=lambda a: a["firstTokenId"]))],
    "Refunded": [(s.crowdfund, _cf("refunded", "pledger", "to", "amount"))],
    "Released": [(s.crowdfund, _cf("released", "payee", "to", "amount"))],
}

# ERC-721 Transfer(from, to, tokenId): every collection here, whatever its type.
STANDARD = {
    "Transfer": [(s.transfers, lambda a: {"token_id": a["tokenId"], "from_addr": a["from"], "to_addr": a["to"]})],
}

BY_CONTRACT: dict[str, dict[str, list[tuple[sa.Table, Mapper]]]] = {
    "GaolingEdition": {**EDITION, **SPLIT},
    "GaolingVouchers": {**VOUCHERS, **SPLIT},
    "GaolingAuctionHouse": AUCTION,
    "GaolingArtworks": ARTWORKS,
    "PointsLedger": LEDGER,
    "GlazeCoupons": COUPONS,
    "FiringCertificate": CERTIFICATE,
    "GaolingCrowdfund": CROWDFUND,
}


def mappers_for(contract_type: str, event: str, args: Row) -> list[tuple[sa.Table, Mapper]] | None:
    found = BY_CONTRACT.get(contract_type, {}).get(event)
    if found is not None:
        return found
    if event == "Transfer" and "tokenId" in args:
        return STANDARD["Transfer"]
    return None
