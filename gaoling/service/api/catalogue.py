"""Catalogue and state: chain parameters (EIP-3085), collections, tokens, auctions, members, allowlists.

Everything is read from the chain (and the platform config for allowlists) at request time through
the domain modules the CLI uses; the service keeps no copy that could go stale.
"""

from __future__ import annotations

import json
from typing import Any

from eth_utils import is_address, to_checksum_address
from fastapi import APIRouter, Query, Request

from gaoling import auction as auctions
from gaoling.fan import day_label, list_glazes, member_status
from gaoling.merkle import MerkleTreeError, allowlist_proof
from gaoling.service.context import ServiceContext
from gaoling.service.problems import Problem
from gaoling.voucher import chain as voucher_chain

router = APIRouter(tags=["catalogue"])
PHASES = {0: "allowlist", 1: "public"}
ZERO = "0x0000000000000000000000000000000000000000"


def _svc(request: Request) -> ServiceContext:
    return request.app.state.svc


def address_param(value: str, field: str) -> str:
    if not is_address(value):
        raise Problem("invalid-field", field, en=f"{field}: {value!r} is not an address; give 0x and 40 hex digits.",
                      zh=f"{field}：{value!r} 不是有效地址；应为 0x 加 40 位十六进制。")
    return to_checksum_address(value)


def _edition(svc: ServiceContext, slug: str) -> Any:
    editions = svc.platform.editions()
    if slug not in editions:
        raise Problem("not-found", "slug", en=f"slug: no collection {slug!r}; known: {', '.join(sorted(editions))}.",
                      zh=f"slug：没有藏品系列 {slug!r}；现有：{', '.join(sorted(editions))}。")
    return editions[slug]


@router.get("/chain", summary="The chain and contracts, with EIP-3085 wallet_addEthereumChain parameters")
def get_chain(request: Request) -> dict:
    svc = _svc(request)
    number, timestamp = svc.platform.head(svc.provider)
    rpc = [svc.config.rpc_url] if svc.config.rpc_url else []
    return {
        "addEthereumChain": {
            "chainId": hex(svc.platform.chain_id),
            "chainName": svc.provider.network.name if svc.platform.chain_id != 31337 else "Gaoling local chain",
            "nativeCurrency": {"name": "Ether", "symbol": "ETH", "decimals": 18},
            "rpcUrls": rpc,
            "blockExplorerUrls": [],
        },
        "chainId": svc.platform.chain_id,
        "head": {"number": number, "timestamp": timestamp},
        "contracts": {c: str(i.address) for c, i in svc.platform.contracts.items()},
        "domains": {c: d.as_dict() for c, d in svc.platform.domains.items()},
        "today": {"day": svc.platform.today(svc.provider), "date": day_label(svc.platform.today(svc.provider))},
    }


def _collection(svc: ServiceContext, slug: str, edition: Any) -> dict:
    phases = []
    for pid, name in PHASES.items():
        p = edition.phase(pid)
        phases.append({"id": pid, "name": name, "priceWei": str(int(p.price)), "start": int(p.start),
                       "end": int(p.end), "maxPerWallet": int(p.maxPerWallet), "active": bool(edition.phaseActive(pid))})
    return {
        "slug": slug, "address": str(edition.address), "name": edition.name(), "symbol": edition.symbol(),
        "cap": int(edition.cap()), "minted": int(edition.totalMinted()),
        "remaining": int(edition.cap()) - int(edition.totalMinted()),
        "transferPolicy": int(edition.transferPolicy()), "holdingPeriod": int(edition.holdingPeriod()),
        "phases": phases, "baseURI": edition.baseURI(), "contractURI": edition.contractURI(),
        "allowlist": slug in svc.collections and svc.collections[slug].allowlist_tree is not None,
    }


@router.get("/collections", summary="Every collection with supply, phases and prices")
def list_collections(request: Request) -> list[dict]:
    svc = _svc(request)
    return [_collection(svc, slug, ed) for slug, ed in sorted(svc.platform.editions().items())]


@router.get("/collections/{slug}", summary="One collection with supply, phases and prices")
def get_collection(slug: str, request: Request) -> dict:
    svc = _svc(request)
    return _collection(svc, slug, _edition(svc, slug))


@router.get("/collections/{slug}/tokens/{token_id}", summary="A token's metadata and lock state (ERC-5192)")
def get_token(slug: str, token_id: int, request: Request, gateway: bool = Query(False, description=(
        "rewrite ipfs:// URLs in the metadata to this service's /ipfs/ gateway"))) -> dict:
    svc = _svc(request)
    edition = _edition(svc, slug)
    minted = int(edition.totalMinted())
    if token_id < 1 or token_id > minted:
        raise Problem("not-found", "token_id", en=f"token_id: token {token_id} is not minted (1..{minted} are).",
                      zh=f"token_id：代币 {token_id} 尚未铸造（已铸造 1..{minted}）。")
    uri = edition.tokenURI(token_id)
    from gaoling.service.api.ipfs import load_ipfs_json, rewrite_ipfs

    metadata = load_ipfs_json(svc, uri)
    if gateway and metadata is not None:
        metadata = rewrite_ipfs(metadata, str(request.base_url).rstrip("/"))
    return {"collection": slug, "tokenId": token_id, "owner": str(edition.ownerOf(token_id)), "tokenURI": uri,
            "locked": bool(edition.locked(token_id)), "unlocksAt": int(edition.unlocksAt(token_id)),
            "metadata": metadata}


@router.get("/collections/{slug}/allowlist/{address}", summary="Allowance and Merkle proof for an allowlist mint")
def get_allowlist_proof(slug: str, address: str, request: Request) -> dict:
    svc = _svc(request)
    edition = _edition(svc, slug)
    who = address_param(address, "address")
    config = svc.collections.get(slug)
    tree = config.allowlist_tree if config is not None else None
    if tree is None:
        raise Problem("not-found", "slug", en=f"slug: {slug} has no allowlist phase.",
                      zh=f"slug：{slug} 没有白名单阶段。")
    try:
        allowance, proof = allowlist_proof(tree, who)
    except MerkleTreeError:
        raise Problem("not-on-allowlist", "address", en=f"address: {who} is not on the {slug} allowlist; wait for "
                      f"the public phase.", zh=f"address：{who} 不在 {slug} 白名单中；请等待公开发售。") from None
    return {"collection": slug, "address": who, "allowance": int(allowance), "proof": proof, "root": tree.root,
            "onChainRoot": "0x" + bytes(edition.allowlistRoot()).hex()}


@router.get("/auctions", summary="Every auction with its state")
def list_auctions(request: Request) -> list[dict]:
    svc = _svc(request)
    house = svc.platform.get("auction")
    return [_auction(svc, house, i, bids=False) for i in range(1, int(house.auctionCount()) + 1)]


@router.get("/auctions/{auction_id}", summary="One auction with its bid history (from AuctionBid events)")
def get_auction(auction_id: int, request: Request) -> dict:
    svc = _svc(request)
    house = svc.platform.get("auction")
    if auction_id < 1 or auction_id > int(house.auctionCount()):
        raise Problem("not-found", "auction_id", en=f"auction_id: auction {auction_id} does not exist.",
                      zh=f"auction_id：拍卖 {auction_id} 不存在。")
    return _auction(svc, house, auction_id, bids=True)


def _auction(svc: ServiceContext, house: Any, auction_id: int, bids: bool) -> dict:
    _, now = svc.platform.head(svc.provider)
    st = auctions.status(house, auction_id, now)
    out: dict[str, Any] = {
        "id": auction_id, "status": st.status.name.lower(), "phase": st.phase, "nft": st.nft, "tokenId": int(st.token_id),
        "seller": st.seller, "reserveWei": str(st.reserve), "feeBps": int(st.fee_bps), "duration": int(st.duration),
        "endTime": int(st.end_time), "highestBidder": st.highest_bidder, "highestBidWei": str(st.highest_bid),
        "minimumBidWei": None if st.minimum_bid is None else str(st.minimum_bid),
    }
    if bids:
        head, _ = svc.platform.head(svc.provider)
        logs = house.AuctionBid.range(0, head + 1, search_topics={"auctionId": auction_id})
        out["bids"] = [{"bidder": str(log.bidder), "amountWei": str(int(log.amount)), "endTime": int(log.endTime),
                        "block": int(log.block_number), "txHash": str(log.transaction_hash)} for log in logs]
    return out


@router.get("/members/{address}", summary="A member's points, streak (CST days), coupons, certificate, vouchers")
def get_member(address: str, request: Request) -> dict:
    svc = _svc(request)
    who = address_param(address, "address")
    out: dict[str, Any] = {"address": who}
    if "points" in svc.platform.contracts:
        st = member_status(svc.platform.get("points"), who)
        today = svc.platform.today(svc.provider)
        live = st.last_check_in_day >= today - 1
        out["points"] = st.points
        out["checkIn"] = {
            "lastDay": st.last_check_in_day, "lastDate": day_label(st.last_check_in_day) if st.last_check_in_day else None,
            "streak": st.streak if live else 0, "checkedInToday": st.checked_in_today, "today": today,
            "todayDate": day_label(today), "timezone": "Asia/Shanghai (CST, UTC+8)"}
        out["referrer"] = st.referrer
    if "coupons" in svc.platform.contracts:
        coupons = svc.platform.get("coupons")
        out["coupons"] = [{"glazeId": g.glaze_id, "nameZh": g.name_zh, "nameEn": g.name_en,
                           "pricePoints": g.price, "balance": int(coupons.balanceOf(who, g.glaze_id))}
                          for g in list_glazes(coupons)]
    if "certificate" in svc.platform.contracts:
        token_id, version, score, minted_at, barred = svc.platform.get("certificate").certificateOf(who)
        out["certificate"] = {"tokenId": int(token_id) or None, "quizVersion": int(version), "score": int(score),
                              "mintedAt": int(minted_at), "barred": bool(barred)}
    if "vouchers" in svc.platform.contracts:
        vouchers = svc.platform.get("vouchers")
        out["vouchers"] = [_voucher(v) for v in voucher_chain.all_vouchers(vouchers) if v.holder == who]
    return out


def _voucher(v: Any) -> dict:
    return {"tokenId": v.token_id, "collection": v.collection, "sourceTokenId": v.source_token_id,
            "priceWei": str(v.price), "status": v.status.name.lower(), "glazeId": v.glaze_id,
            "updatedAt": v.updated_at, "shippingCommitment": "0x" + v.shipping_commitment.hex()}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
