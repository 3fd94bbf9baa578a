"""One decoder for every revert the platform's contracts can raise, in English and Chinese.

A revert's data starts with a 4-byte selector. Solidity bubbles a callee's revert data up
unchanged, so a `PointsLedgerInsufficientPoints` raised by the points ledger while `GlazeCoupons`
spends points reaches the caller of `GlazeCoupons` as it is - an error that is not in the ABI of
the contract that was called. Decoding against one contract's ABI (what Ape and web3 do) therefore
fails for exactly the errors people hit most. This module decodes against the errors of *all* the
platform's compiled contracts (`.build/__local__.json`, written by `ape compile`), plus Solidity's
built-in `Error(string)` and `Panic(uint256)`.

API (used by the commands, the platform service and the page's error table):

    decode_revert(data, contract=None) -> DecodedRevert
        name, args, contract, sentence_en, sentence_zh (+ selector, signature, contracts, cause)
    decode_exception(exc, contract=None) -> DecodedRevert | None
        the same for an exception raised by Ape/web3 (None when it is not a revert)
    error_table() -> list[ErrorInfo]
        every custom error: selector, name, signature, inputs, defining contracts, sentence templates

`python -m gaoling.reverts` prints the table as JSON (the page builds its browser-side table from it).
Sentences say what happened and, where there is one, what to do next; arguments are shown
readably (addresses in full, role ids by name, times as CST/UTC dates, wei as ether).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from gaoling import display

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUILD = REPO_ROOT / ".build" / "__local__.json"
# Contracts that exist only for tests and benchmarks are not part of the platform.
EXCLUDED_SOURCES = ("contracts/test/", "contracts/bench/")

ERROR_STRING = {"name": "Error", "type": "error", "inputs": [{"name": "message", "type": "string"}]}
PANIC = {"name": "Panic", "type": "error", "inputs": [{"name": "code", "type": "uint256"}]}

# Solidity's panic codes (docs: "Panic via assert and Error via require").
PANIC_CODES = {
    0x00: "generic compiler panic", 0x01: "assert failed", 0x11: "arithmetic overflow or underflow",
    0x12: "division or modulo by zero", 0x21: "conversion to an invalid enum value",
    0x22: "corrupt storage byte array", 0x31: "pop() on an empty array", 0x32: "array index out of bounds",
    0x41: "too much memory allocated", 0x51: "call to a zero-initialised internal function",
}

VOUCHER_STATUS = ("issued", "requested", "in-kiln", "fired", "shipped", "delivered", "failed", "refunded")
CROWDFUND_STATUS = ("none", "funding", "succeeded", "failed", "cancelled")
EDITION_PHASES = {0: "allowlist", 1: "public"}

_TIME_ARGS = {"expiry", "deadline", "timestamp", "nowTimestamp", "endTime", "unlocksAt", "dueAt", "earliest", "latest"}
# Per error: arguments that are wei amounts or durations (their names alone are ambiguous).
_WEI_ARGS = {
    "EditionWrongPayment": {"expected", "sent"}, "VoucherWrongPayment": {"expected", "sent"},
    "GaolingAuctionHouseBidTooLow": {"bid", "minimum"}, "GaolingAuctionHouseBidTooHigh": {"bid"},
    "GaolingAuctionHouseReserveOutOfBounds": {"reserve", "min", "max"},
    "GaolingAuctionHouseWithdrawalFailed": {"amount"}, "InsufficientBalance": {"balance", "needed"},
    "GaolingCrowdfundWrongPayment": {"expected", "sent"}, "GaolingCrowdfundInvalidGoal": {"goal", "maxRaise"},
    "GaolingCrowdfundRaiseTooLarge": {"maxRaise"}, "GaolingCrowdfundInvalidTier": {"price"},
}
_DURATION_ARGS = {
    "GaolingAuctionHouseDurationOutOfBounds": {"duration", "min", "max"},
    "GaolingAuctionHouseTimeBufferOutOfBounds": {"secondsBuffer", "min", "max"},
    "VoucherInvalidDeliveryTimeout": {"timeout"}, "EditionInvalidHoldingPeriod": {"holdingPeriod"},
}

# name -> (English, 中文). `{arg}` is the argument shown readably. Errors without an entry fall back
# to their NatSpec notice, then to a generic sentence naming the error.
SENTENCES: dict[str, tuple[str, str]] = {
    "Error": ("The contract refused: {message}", "合约拒绝了此操作：{message}"),
    "Panic": ("The contract hit an internal error ({code}); this is a bug, report it with the transaction.",
              "合约内部错误（{code}），这是程序缺陷，请连同交易一起报告。"),
    "AccessControlUnauthorizedAccount": (
        "{account} does not hold {neededRole} on {contract}; ask an admin to grant it "
        "(ape run roles grant) or use an account that holds it.",
        "{account} 在 {contract} 上没有 {neededRole} 权限；请管理员授予（ape run roles grant），或换用持有该权限的账户。"),
    "AccessControlBadConfirmation": ("An account can only renounce its own roles.", "账户只能放弃自己的权限。"),
    "EnforcedPause": ("{contract} is paused; wait until the issuer unpauses it.", "{contract} 已暂停；请等待发行方恢复。"),
    "ExpectedPause": ("{contract} is not paused.", "{contract} 未处于暂停状态。"),
    "ReentrancyGuardReentrantCall": ("A call tried to re-enter {contract}; it was refused.", "有调用试图重入 {contract}，已被拒绝。"),
    "NonceAlreadyUsed": ("The signed message with nonce {nonce} was already used or cancelled; sign a new one.",
                         "编号 {nonce} 的签名消息已被使用或取消；请重新签名。"),
    # points ledger
    "PointsLedgerInsufficientPoints": (
        "{member} has {points} points but this needs {needed}; earn more by checking in daily "
        "(ape run checkin) or buying, then try again.",
        "{member} 只有 {points} 积分，此操作需要 {needed}；请每日签到（ape run checkin）或购买以赚取积分后再试。"),
    "PointsLedgerAlreadyCheckedIn": ("{member} has already checked in on CST day {day}; come back tomorrow (CST).",
                                     "{member} 已在（北京时间）第 {day} 天签到；请明天再来。"),
    "PointsLedgerWrongDay": ("The check-ins are for CST day {day}, but today on chain is day {today}; sign them again today.",
                             "签到属于（北京时间）第 {day} 天，而链上今天是第 {today} 天；请今天重新签名。"),
    "PointsLedgerEmptyBatch": ("The check-in batch is empty.", "签到批次为空。"),
    "PointsLedgerSelfReferral": ("{member} cannot refer themselves.", "{member} 不能推荐自己。"),
    "PointsLedgerReferrerAlreadySet": ("{member} already has referrer {referrer}; a referrer is set once.",
                                       "{member} 已有推荐人 {referrer}；推荐人只能设置一次。"),
    "PointsLedgerReferralAfterFirstPurchase": (
        "{member} has already made a purchase; a referrer can only be recorded before the first purchase.",
        "{member} 已完成首次购买；推荐人只能在首次购买前登记。"),
    "PointsLedgerReferrerNotEligible": ("{referrer} cannot refer yet: a referrer must have made a purchase.",
                                        "{referrer} 暂不能推荐他人：推荐人须先完成一次购买。"),
    "PointsLedgerZeroAmount": ("The amount must be at least 1.", "数量至少为 1。"),
    "PointsLedgerZeroAddress": ("{argument} must not be the zero address.", "{argument} 不能是零地址。"),
    # glaze coupons
    "GlazeCouponsUnknownGlaze": ("Glaze {glazeId} does not exist; list the glazes with `ape run coupons list`.",
                                 "釉料 {glazeId} 不存在；用 `ape run coupons list` 查看釉料。"),
    "GlazeCouponsOutOfStock": ("Only {remaining} coupons of glaze {glazeId} are left, {requested} were requested.",
                               "釉料 {glazeId} 只剩 {remaining} 张兑换券，请求了 {requested} 张。"),
    "GlazeCouponsExpired": ("The signed exchange expired at {deadline} (chain time {timestamp}); sign a new one.",
                            "签名兑换已于 {deadline} 过期（链上时间 {timestamp}）；请重新签名。"),
    "GlazeCouponsNonceUsed": ("{member}'s signed exchange with nonce {nonce} was already used; sign a new one.",
                              "{member} 编号 {nonce} 的签名兑换已被使用；请重新签名。"),
    "GlazeCouponsInvalidSignature": ("The signature is not {member}'s for this exchange on this contract and chain.",
                                     "签名不是 {member} 针对本合约、本链上此次兑换的签名。"),
    "GlazeCouponsZeroAmount": ("The amount must be at least 1.", "数量至少为 1。"),
    "GlazeCouponsPriceAboveMaximum": ("The exchange now costs {cost} points, more than the {maxPoints} signed for; "
                                      "sign again at today's price.",
                                      "兑换现需 {cost} 积分，超过签名同意的最多 {maxPoints} 积分；请按当前价格重新签名。"),
    "ERC1155InsufficientBalance": ("{sender} holds {balance} of coupon {tokenId} but {needed} are needed.",
                                   "{sender} 持有 {balance} 张 {tokenId} 号兑换券，需要 {needed} 张。"),
    # certificate
    "FiringCertificateAlreadyCertified": ("{holder} already holds certificate #{tokenId}.", "{holder} 已持有证书 #{tokenId}。"),
    "FiringCertificateExpired": ("The quiz attestation expired at {expiry} (chain time {nowTimestamp}); take the quiz again.",
                                 "测验证明已于 {expiry} 过期（链上时间 {nowTimestamp}）；请重新参加测验。"),
    "FiringCertificateHolderBarred": ("{holder}'s certificate was revoked; an admin must reinstate them first.",
                                      "{holder} 的证书已被撤销；须由管理员恢复资格。"),
    "FiringCertificateInvalidSignature": ("The attestation's signature does not verify.", "测验证明的签名无效。"),
    "FiringCertificateInvalidSigner": ("{signer} does not hold ATTESTER_ROLE, so its attestation is not accepted.",
                                       "{signer} 没有 ATTESTER_ROLE，其测验证明不被接受。"),
    "FiringCertificateNonceUsed": ("The attestation with nonce {nonce} was already used.", "编号 {nonce} 的测验证明已被使用。"),
    "FiringCertificateNotCertified": ("{holder} holds no firing certificate.", "{holder} 没有烧制证书。"),
    "FiringCertificateQuizVersionRetired": ("Quiz version {quizVersion} is retired (oldest accepted: {minQuizVersion}); take the current quiz.",
                                            "测验版本 {quizVersion} 已停用（最低接受 {minQuizVersion}）；请参加当前测验。"),
    "FiringCertificateSoulbound": ("Firing certificates cannot be transferred.", "烧制证书不可转让。"),
    # edition
    "EditionQuantityTooLarge": ("At most {max} tokens can be minted in one transaction, {quantity} were asked for.",
                                "每笔交易最多铸造 {max} 枚，请求了 {quantity} 枚。"),
    "EditionCapExceeded": ("Only {remaining} tokens are left, {requested} were requested.", "仅剩 {remaining} 枚，请求了 {requested} 枚。"),
    "EditionOrderExpired": ("The signed order {nonce} expired at {expiry}; ask the issuer to sign a new one.",
                            "签名订单 {nonce} 已于 {expiry} 过期；请发行方重新签名。"),
    "EditionInvalidOrderSignature": ("Order {nonce} is not signed by an ORDER_SIGNER_ROLE holder of this edition.",
                                     "订单 {nonce} 不是由本系列 ORDER_SIGNER_ROLE 持有者签名的。"),
    "EditionPhaseNotActive": ("The {phase} phase is not open now; see `ape run sale status`.",
                              "{phase} 阶段当前未开放；见 `ape run sale status`。"),
    "EditionWrongPayment": ("The payment must be exactly {expected}, {sent} was sent.", "付款须恰好为 {expected}，实际发送 {sent}。"),
    "EditionWalletLimitExceeded": ("{wallet} may buy {remaining} more, {requested} were requested.",
                                   "{wallet} 还可购买 {remaining} 枚，请求了 {requested} 枚。"),
    "EditionInvalidProof": ("{wallet} is not on the allowlist for {allowance} tokens (wrong proof or allowlist).",
                            "{wallet} 不在 {allowance} 枚额度的白名单上（证明或名单有误）。"),
    "EditionTokenLocked": ("Token {tokenId} is in its holding period until {unlocksAt}.", "代币 {tokenId} 在持有期内，{unlocksAt} 后可转让。"),
    "EditionSoulbound": ("Token {tokenId} is non-transferable.", "代币 {tokenId} 不可转让。"),
    "EditionZeroQuantity": ("The quantity must be at least 1.", "数量至少为 1。"),
    "EditionMetadataFrozen": ("The metadata is frozen and can no longer change.", "元数据已冻结，不能再修改。"),
    # auction house
    "GaolingAuctionHouseBidTooLow": ("A bid on auction {auctionId} must be at least {minimum}; {bid} was offered.",
                                     "拍卖 {auctionId} 的出价至少为 {minimum}，实际出价 {bid}。"),
    "GaolingAuctionHouseAuctionEnded": ("Auction {auctionId} ended at {endTime}.", "拍卖 {auctionId} 已于 {endTime} 结束。"),
    "GaolingAuctionHouseAuctionNotEnded": ("Auction {auctionId} ends at {endTime}; settle it after that.",
                                           "拍卖 {auctionId} 于 {endTime} 结束；请在之后结算。"),
    "GaolingAuctionHouseNotLive": ("Auction {auctionId} is not live.", "拍卖 {auctionId} 不在进行中。"),
    "GaolingAuctionHouseNothingToWithdraw": ("Nothing is owed to {payee}.", "没有应付给 {payee} 的款项。"),
    "GaolingAuctionHouseNotTokenOwner": ("{caller} does not own token {tokenId} of {nft}.", "{caller} 不拥有 {nft} 的代币 {tokenId}。"),
    "GaolingAuctionHouseNotApproved": ("The auction house is not approved for token {tokenId} of {nft}; rerun with --approve.",
                                       "拍卖行未获授权处理 {nft} 的代币 {tokenId}；请加 --approve 重试。"),
    # artworks
    "GaolingArtworksDuplicateContentHash": ("This master file is already registered as token #{tokenId}; a work is minted once.",
                                            "该母版文件已登记为代币 #{tokenId}；一件作品只能铸造一次。"),
    "GaolingArtworksRoyaltyOutOfBounds": ("A royalty of {royaltyBps} bps is outside {min}-{max} bps.",
                                          "版税 {royaltyBps} 基点超出 {min}-{max} 基点范围。"),
    # vouchers
    "VoucherNoCertificate": ("{account} holds no firing certificate; pass the quiz first (ape run quiz take), then buy.",
                             "{account} 没有烧制证书；请先通过测验（ape run quiz take）再购买。"),
    "VoucherNoCoupon": ("{holder} holds no coupon of glaze {glazeId}; exchange points for one (ape run coupons exchange) first.",
                        "{holder} 没有釉料 {glazeId} 的兑换券；请先用积分兑换（ape run coupons exchange）。"),
    "VoucherNotHolder": ("{account} does not hold voucher {tokenId}; use the holder's account.",
                         "{account} 不持有兑换凭证 {tokenId}；请使用持有人的账户。"),
    "VoucherNotTokenOwner": ("{account} does not own token {tokenId} of {collection}.", "{account} 不拥有 {collection} 的代币 {tokenId}。"),
    "VoucherNotCustomizable": ("Token {tokenId} of {collection} cannot be made into a physical piece (no open range).",
                               "{collection} 的代币 {tokenId} 不可定制实物（没有开放的范围）。"),
    "VoucherAllowanceUsed": ("Token {tokenId} of {collection} has used all {allowance} of its physical pieces.",
                             "{collection} 的代币 {tokenId} 已用完全部 {allowance} 件实物额度。"),
    "VoucherIllegalTransition": ("Voucher {tokenId} is {from}; it cannot become {to}.", "兑换凭证 {tokenId} 处于 {from}，不能变为 {to}。"),
    "VoucherNonexistent": ("Voucher {tokenId} does not exist.", "兑换凭证 {tokenId} 不存在。"),
    "VoucherWrongPayment": ("The payment must be exactly {expected}, {sent} was sent.", "付款须恰好为 {expected}，实际发送 {sent}。"),
    "VoucherNothingToClaim": ("No refund is credited to {account}.", "没有记给 {account} 的退款。"),
    "VoucherDeliveryNotDue": ("Voucher {tokenId} can be marked delivered by timeout only after {dueAt}.",
                              "兑换凭证 {tokenId} 须在 {dueAt} 之后才能按超时标记为已送达。"),
    "VoucherUnknownGlaze": ("Glaze {glazeId} does not exist; list the glazes with `ape run coupons list`.",
                            "釉料 {glazeId} 不存在；用 `ape run coupons list` 查看釉料。"),
    "VoucherOrderExpired": ("The signed voucher order {nonce} expired at {expiry}.", "签名兑换凭证订单 {nonce} 已于 {expiry} 过期。"),
    "VoucherLocked": ("Voucher {tokenId} cannot be transferred while its redemption is under way.",
                      "兑换凭证 {tokenId} 在兑换进行中不可转让。"),
    "RevenueSplitNothingDue": ("{payee} has nothing to withdraw yet.", "{payee} 目前没有可提取的款项。"),
    "RevenueSplitNotPayee": ("{account} is not a payee of this revenue split.", "{account} 不是此收入分配的收款人。"),
    # crowdfund (collector-facing first, then the issuer's)
    "GaolingCrowdfundUnknownCampaign": ("Campaign {campaignId} does not exist.", "众筹 {campaignId} 不存在。"),
    "GaolingCrowdfundNotFunding": (
        "Campaign {campaignId} is {status} or past its deadline ({deadline}): pledges and withdrawals are closed; "
        "after the deadline, claim or refund.",
        "众筹 {campaignId} 处于 {status} 状态或已过截止时间（{deadline}）：认筹与撤回已关闭；截止后请领取或退款。"),
    "GaolingCrowdfundNotEnded": ("Campaign {campaignId} runs until {deadline}; it can be finalized after that.",
                                 "众筹 {campaignId} 截止于 {deadline}，之后才能结算。"),
    "GaolingCrowdfundNotSucceeded": (
        "Campaign {campaignId} has not succeeded ({status}): there is nothing to claim; if it failed or was "
        "cancelled, take your refund.",
        "众筹 {campaignId} 未成功（{status}），无可领取；若已失败或被取消，请申请退款。"),
    "GaolingCrowdfundNotRefundable": (
        "Campaign {campaignId} is {status}: refunds open only when it fails or is cancelled (before the deadline, "
        "withdraw instead).",
        "众筹 {campaignId} 处于 {status} 状态：只有失败或被取消后才能退款（截止前请撤回认筹）。"),
    "GaolingCrowdfundUnknownTier": ("Campaign {campaignId} has no tier {tier}.", "众筹 {campaignId} 没有第 {tier} 档。"),
    "GaolingCrowdfundZeroQuantity": ("Pledge at least one piece.", "至少认筹 1 件。"),
    "GaolingCrowdfundTierSoldOut": ("Tier {tier} of campaign {campaignId} has only {remaining} pieces left.",
                                    "众筹 {campaignId} 的第 {tier} 档只剩 {remaining} 件。"),
    "GaolingCrowdfundWalletLimitExceeded": (
        "{wallet} may pledge only {remaining} more pieces in campaign {campaignId} (the per-wallet limit).",
        "{wallet} 在众筹 {campaignId} 中最多还能认筹 {remaining} 件（每个钱包的上限）。"),
    "GaolingCrowdfundWrongPayment": ("The pledge must pay exactly {expected}, {sent} was sent.",
                                     "认筹须恰好支付 {expected}，实际发送 {sent}。"),
    "GaolingCrowdfundNothingPledged": (
        "{pledger} holds no pledge in campaign {campaignId} (never pledged, or already withdrawn, claimed or refunded).",
        "{pledger} 在众筹 {campaignId} 中没有认筹（从未认筹，或已撤回、领取或退款）。"),
    "GaolingCrowdfundPaused": ("The crowdfund is paused: pledges and claims wait; withdrawals and refunds still work.",
                               "众筹已暂停：认筹与领取暂停；撤回与退款仍可进行。"),
    "GaolingCrowdfundNotPaused": ("The crowdfund is not paused.", "众筹未暂停。"),
    "GaolingCrowdfundInvalidRecipient": ("Name a real address to receive the ETH, not {recipient}.",
                                         "请指定有效的收款地址，而不是 {recipient}。"),
    "GaolingCrowdfundNotPayee": ("{account} is not a payee of campaign {campaignId}.", "{account} 不是众筹 {campaignId} 的收款人。"),
    "GaolingCrowdfundAlreadyReleased": ("{payee} has already released its share of campaign {campaignId}.",
                                        "{payee} 已提取众筹 {campaignId} 的份额。"),
    "GaolingCrowdfundInsufficientGasForHook": (
        "Too little gas was left to record the purchase's points; send the transaction with a higher gas limit.",
        "剩余燃料不足以记录本次购买的积分；请提高燃料上限后重新发送。"),
    "GaolingCrowdfundBatchTooLarge": ("A delivery batch takes at most {max} pledgers, {size} were given.",
                                      "每批交付最多 {max} 位认筹人，实际给出 {size} 位。"),
    "GaolingCrowdfundInvalidAdmin": ("The admin must be a real address, not {admin}.", "管理员须为有效地址，而不是 {admin}。"),
    "GaolingCrowdfundInvalidEdition": ("{edition} is not an edition contract (no cap or totalMinted).",
                                       "{edition} 不是藏品系列合约（没有 cap 或 totalMinted）。"),
    "GaolingCrowdfundNotMinter": ("The crowdfund does not hold MINTER_ROLE on {edition}; grant it first.",
                                  "众筹合约在 {edition} 上没有 MINTER_ROLE；请先授予。"),
    "GaolingCrowdfundNoVoucherGrant": ("A physical tier needs GRANTER_ROLE for the crowdfund on the vouchers {vouchers}.",
                                       "实物档位需要众筹合约在兑换凭证合约 {vouchers} 上拥有 GRANTER_ROLE。"),
    "GaolingCrowdfundInvalidDeadline": ("The deadline {deadline} must be between {earliest} and {latest} (90 days).",
                                        "截止时间 {deadline} 须介于 {earliest} 与 {latest}（90 天）之间。"),
    "GaolingCrowdfundInvalidTierCount": ("A campaign has 1 to 8 tiers, not {count}.", "一个众筹有 1 到 8 个档位，而不是 {count} 个。"),
    "GaolingCrowdfundInvalidTier": ("Tier {index} needs a price above zero and a cap of 1 to 65535 (price {price}, cap {cap}).",
                                    "第 {index} 档须价格大于零、上限为 1 到 65535 件（价格 {price}，上限 {cap}）。"),
    "GaolingCrowdfundInvalidWalletLimit": ("The per-wallet limit is 0 (none) to 65535 pieces, not {limit}.",
                                           "每个钱包的上限为 0（不限）到 65535 件，而不是 {limit}。"),
    "GaolingCrowdfundInvalidGoal": ("The goal {goal} must be above zero and reachable: at most {maxRaise} with every tier sold out.",
                                    "目标 {goal} 须大于零且可达成：所有档位售罄最多筹得 {maxRaise}。"),
    "GaolingCrowdfundRaiseTooLarge": ("Price x cap over all tiers ({maxRaise}) is more than the contract can hold.",
                                      "所有档位的价格 x 上限之和（{maxRaise}）超出合约可容纳的金额。"),
    "GaolingCrowdfundEditionCapTooSmall": ("The tiers need {required} pieces but {edition} has room for {available}.",
                                           "各档位共需 {required} 件，但 {edition} 只剩 {available} 件的空间。"),
    "GaolingCrowdfundInvalidPayees": ("{payees} payees with {shares} shares: give 1 to 16 payees, one share each.",
                                      "{payees} 位收款人对应 {shares} 个份额：请给出 1 到 16 位收款人，每人一个份额。"),
    "GaolingCrowdfundInvalidPayee": ("Payee {payee} with {bps} bps: a payee is a real address, listed once, with 1 to 10000 bps.",
                                     "收款人 {payee}（{bps} 基点）无效：收款人须为有效地址、只出现一次、份额 1 到 10000 基点。"),
    "GaolingCrowdfundSharesNotTotal": ("The shares add up to {totalBps} bps; they must add up to 10000.",
                                       "份额合计 {totalBps} 基点；须恰好为 10000。"),
    "ERC721NonexistentToken": ("Token {tokenId} does not exist.", "代币 {tokenId} 不存在。"),
    "OwnerQueryForNonexistentToken": ("That token does not exist.", "该代币不存在。"),
}


@dataclass(frozen=True)
class ErrorInfo:
    """One error the platform can raise. `contracts` lists every compiled platform contract whose
    ABI declares it (inherited errors, e.g. AccessControl's, appear in several)."""

    selector: str  # 0x + 8 hex digits
    name: str
    signature: str  # canonical, e.g. PointsLedgerInsufficientPoints(address,uint256,uint256)
    inputs: tuple[dict[str, str], ...]  # ABI inputs: {"name": ..., "type": ...}
    contracts: tuple[str, ...]
    sentence_en: str  # template with {argument} placeholders
    sentence_zh: str
    notice: str = ""  # the contract's NatSpec for the error, if any

    def as_dict(self) -> dict[str, Any]:
        return {"selector": self.selector, "name": self.name, "signature": self.signature,
                "inputs": [dict(i) for i in self.inputs], "contracts": list(self.contracts),
                "sentence_en": self.sentence_en, "sentence_zh": self.sentence_zh, "notice": self.notice}


@dataclass(frozen=True)
class DecodedRevert:
    """A revert in words. `args` holds the raw decoded values by argument name; `shown` the same,
    formatted for people. `cause` is an inner revert carried in a `bytes` argument, if any."""

    name: str
    args: dict[str, Any]
    contract: str
    sentence_en: str
    sentence_zh: str
    selector: str = ""
    signature: str = ""
    contracts: tuple[str, ...] = ()
    shown: dict[str, str] = field(default_factory=dict)
    cause: "DecodedRevert | None" = None
    data: bytes = b""

    @property
    def known(self) -> bool:
        return self.name not in ("UnknownError", "EmptyRevert")

    def call(self) -> str:
        """`Name(arg=value, ...)` with readable values."""
        return f"{self.name}(" + ", ".join(f"{k}={v}" for k, v in self.shown.items()) + ")"

    def __str__(self) -> str:
        return f"{self.call()}: {self.sentence_en}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (uint values as decimal strings, bytes as hex), for HTTP problem details."""
        return {"name": self.name, "contract": self.contract, "contracts": list(self.contracts),
                "selector": self.selector, "signature": self.signature,
                "args": {k: _jsonable(v) for k, v in self.args.items()}, "shown": dict(self.shown),
                "sentence_en": self.sentence_en, "sentence_zh": self.sentence_zh,
                "cause": self.cause.as_dict() if self.cause else None}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _canonical_type(entry: dict[str, Any]) -> str:
    kind = entry["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(_canonical_type(c) for c in entry["components"]) + ")" + kind[len("tuple"):]
    return kind


def _signature(abi: dict[str, Any]) -> str:
    return f"{abi['name']}(" + ",".join(_canonical_type(i) for i in abi.get("inputs", [])) + ")"


def _selector(signature: str) -> str:
    return "0x" + keccak(text=signature)[:4].hex()


def _natspec(contract_type: dict[str, Any], signature: str) -> str:
    for doc, key in (("userdoc", "notice"), ("devdoc", "details")):
        entries = (contract_type.get(doc) or {}).get("errors", {}).get(signature) or []
        for entry in entries:
            if entry.get(key):
                return str(entry[key])
    return ""


def _fallback(name: str, notice: str) -> tuple[str, str]:
    if notice:
        # NatSpec names arguments as `arg`; make them placeholders.
        en = re.sub(r"`(\w+)`", r"{\1}", notice)
        return en, f"合约拒绝了此操作（{name}）：{en}"
    return f"{{contract}} refused the call with {name}.", f"{{contract}} 以 {name} 拒绝了此调用。"


@dataclass(frozen=True)
class _Table:
    errors: dict[str, ErrorInfo]  # selector -> info
    abis: dict[str, dict[str, Any]]  # selector -> ABI entry
    roles: tuple[str, ...]


def _build_path(build: str | Path | None) -> Path:
    return Path(build) if build is not None else DEFAULT_BUILD


def _contract_types(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        # Compile once through Ape, which writes the build file.
        try:
            from ape import project

            project.load_contracts()
        except Exception as exc:  # noqa: BLE001 - any compile failure means: no table
            raise RuntimeError(f"{path} is missing and compiling failed ({exc}); run `ape compile`") from None
    return json.loads(path.read_text(encoding="utf-8")).get("contractTypes", {})


@lru_cache(maxsize=4)
def _table(path: str, mtime: float) -> _Table:
    errors: dict[str, dict[str, Any]] = {}
    roles: set[str] = set()
    for name, ct in sorted(_contract_types(Path(path)).items()):
        if str(ct.get("sourceId", "")).startswith(EXCLUDED_SOURCES):
            continue
        is_interface = len(str(ct.get("deploymentBytecode", {}).get("bytecode") or "0x")) <= 2
        for entry in ct.get("abi", []):
            if entry.get("type") == "function" and entry.get("name", "").endswith("_ROLE") and not entry.get("inputs"):
                roles.add(entry["name"])
            if entry.get("type") != "error":
                continue
            signature = _signature(entry)
            found = errors.setdefault(_selector(signature), {"abi": entry, "signature": signature,
                                                             "contracts": [], "interfaces": [], "notice": ""})
            found["interfaces" if is_interface else "contracts"].append(name)
            found["notice"] = found["notice"] or _natspec(ct, signature)
    for builtin in (ERROR_STRING, PANIC):
        signature = _signature(builtin)
        errors[_selector(signature)] = {"abi": builtin, "signature": signature, "contracts": [],
                                        "interfaces": [], "notice": ""}
    infos = {}
    for selector, e in errors.items():
        abi = e["abi"]
        en, zh = SENTENCES.get(abi["name"]) or _fallback(abi["name"], e["notice"])
        infos[selector] = ErrorInfo(selector, abi["name"], e["signature"],
                                    tuple({"name": i.get("name", ""), "type": _canonical_type(i)} for i in abi["inputs"]),
                                    tuple(e["contracts"] or e["interfaces"]), en, zh, e["notice"])
    return _Table(infos, {s: e["abi"] for s, e in errors.items()}, tuple(sorted(roles)))


def _load(build: str | Path | None = None) -> _Table:
    path = _build_path(build)
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _table(str(path), mtime)


def error_table(build: str | Path | None = None) -> list[ErrorInfo]:
    """Every error of the platform's contracts (and Error/Panic), sorted by name."""
    return sorted(_load(build).errors.values(), key=lambda e: (e.name, e.selector))


def _as_bytes(data: Any) -> bytes:
    if data is None:
        return b""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        text = data.strip()
        if text.startswith("0x"):
            text = text[2:]
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise ValueError(f"revert data {data!r} is not hex") from None
    raise ValueError(f"revert data must be bytes or 0x-hex, got {type(data).__name__}")


def _show(error: str, arg: str, kind: str, value: Any, roles: tuple[str, ...]) -> str:
    if kind == "address":
        return to_checksum_address(value)
    if kind == "bytes32" and "role" in arg.lower():
        return display.role_name(value, roles)
    if kind.startswith("bytes") and isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, int) and not isinstance(value, bool):
        if arg in _TIME_ARGS and value > 0:
            return display.when(value)
        if arg in _WEI_ARGS.get(error, ()):
            return display.ether(value)
        if arg in _DURATION_ARGS.get(error, ()):
            return display.duration(value)
        if error == "VoucherIllegalTransition" and arg in ("from", "to") and value < len(VOUCHER_STATUS):
            return VOUCHER_STATUS[value]
        if error.startswith("GaolingCrowdfund") and arg == "status" and value < len(CROWDFUND_STATUS):
            return CROWDFUND_STATUS[value]
        if error == "EditionPhaseNotActive" and arg == "phase":
            return EDITION_PHASES.get(value, str(value))
        if error == "Panic":
            return f"0x{value:02x}, {PANIC_CODES.get(value, 'unknown panic code')}"
    return str(value)


class _Values(dict):
    """format_map source: a placeholder with no value stays visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _attribute(info: ErrorInfo | None, contract: str | None) -> str:
    if info is None or not info.contracts:
        return contract or "the contract"
    if contract and contract in info.contracts:
        return contract
    if len(info.contracts) == 1:
        return info.contracts[0]
    return contract or " or ".join(info.contracts)


def decode_revert(data: Any, contract: str | None = None, *, build: str | Path | None = None) -> DecodedRevert:
    """Decodes revert `data` (bytes or 0x-hex) against every platform error.

    `contract` is the name (or "Name at 0x…") of the contract that was called, if known: it is
    used when an error is declared by several contracts and in the sentences. A `bytes` argument
    that itself holds revert data is decoded too, into `cause`."""
    raw = _as_bytes(data)
    table = _load(build)
    called = contract or "the contract"
    called_cap = called[:1].upper() + called[1:] if called.startswith("the ") else called
    if not raw:
        return DecodedRevert("EmptyRevert", {}, called,
                             f"{called_cap} reverted without a reason (out of gas, a call to an address without code, "
                             "or a bare revert).",
                             f"{called} 无原因地回滚（燃料不足、调用了无代码的地址或空的 revert）。", data=raw)
    selector = "0x" + raw[:4].hex()
    info = table.errors.get(selector)
    if info is None or len(raw) < 4:
        return DecodedRevert("UnknownError", {"data": raw}, called,
                             f"{called_cap} reverted with data 0x{raw.hex()} that matches no Gaoling contract's error.",
                             f"{called} 回滚，数据 0x{raw.hex()} 不对应任何 Gaoling 合约错误。",
                             selector=selector, shown={"data": "0x" + raw.hex()}, data=raw)
    types = [i["type"] for i in info.inputs]
    try:
        values = abi_decode(types, raw[4:]) if types else ()
    except Exception:  # noqa: BLE001 - malformed payload: say so rather than guess
        return DecodedRevert(info.name, {}, _attribute(info, contract),
                             f"{info.name} with malformed arguments 0x{raw[4:].hex()}",
                             f"{info.name}，参数格式错误 0x{raw[4:].hex()}", selector, info.signature,
                             info.contracts, data=raw)
    names = [i["name"] or f"arg{n}" for n, i in enumerate(info.inputs)]
    args = {n: (to_checksum_address(v) if t == "address" else v) for n, t, v in zip(names, types, values)}
    shown = {n: _show(info.name, n, t, v, table.roles) for n, t, v in zip(names, types, values)}
    cause = None
    for n, t in zip(names, types):
        inner = args[n]
        if t == "bytes" and len(inner) >= 4 and ("0x" + bytes(inner[:4]).hex()) in table.errors:
            cause = decode_revert(inner, None, build=build)
    where = _attribute(info, contract)
    values_map = _Values(shown, contract=where)
    en = info.sentence_en.format_map(values_map)
    zh = info.sentence_zh.format_map(values_map)
    if cause is not None:
        en, zh = f"{en} Cause: {cause.sentence_en}", f"{zh} 原因：{cause.sentence_zh}"
    return DecodedRevert(info.name, args, where, en, zh, selector, info.signature, info.contracts, shown, cause, raw)


# ------------------------------------------------------------------ exceptions from Ape and web3

def _encode_custom(exc: Any) -> bytes | None:
    """Re-encodes an Ape CustomError (which keeps only its ABI and decoded inputs)."""
    from eth_abi import encode as abi_encode

    abi = getattr(exc, "abi", None)
    inputs = getattr(exc, "inputs", None)
    if abi is None or inputs is None:
        return None
    try:
        entry = abi.model_dump(mode="json") if hasattr(abi, "model_dump") else dict(abi)
        types = [_canonical_type(i) for i in entry.get("inputs", [])]
        values = [inputs[i["name"]] for i in entry.get("inputs", [])]
        values = [bytes.fromhex(v[2:]) if t.startswith("bytes") and isinstance(v, str) else v
                  for t, v in zip(types, values)]
        return bytes.fromhex(_selector(_signature(entry))[2:]) + abi_encode(types, values)
    except Exception:  # noqa: BLE001 - fall back to the other sources of the data
        return None


_HEX = re.compile(r"0x[0-9a-fA-F]{8,}")


def revert_data(exc: BaseException) -> bytes | None:
    """The raw revert data carried by an Ape or web3 exception, if it has any."""
    seen: set[int] = set()
    current: Any = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for attr in ("data", "revert_data"):
            value = getattr(current, attr, None)
            if isinstance(value, (bytes, bytearray)) and value:
                return bytes(value)
            if isinstance(value, str) and _HEX.fullmatch(value.strip()):
                return _as_bytes(value)
            if isinstance(value, dict) and isinstance(value.get("data"), str):
                return _as_bytes(value["data"])
        encoded = _encode_custom(current)
        if encoded is not None:
            return encoded
        message = getattr(current, "revert_message", None) or (current.args[0] if getattr(current, "args", None) else None)
        if isinstance(message, str) and _HEX.fullmatch(message.strip()):
            return _as_bytes(message)
        if isinstance(message, tuple) and message and isinstance(message[-1], str) and _HEX.fullmatch(message[-1]):
            return _as_bytes(message[-1])  # web3 ContractLogicError(message, data)
        current = getattr(current, "base_err", None) or current.__cause__ or current.__context__
    return None


def is_revert(exc: BaseException) -> bool:
    try:
        from ape.exceptions import ContractLogicError
    except ImportError:  # pragma: no cover - ape is always installed with gaoling
        ContractLogicError = ()  # type: ignore[assignment]
    from web3.exceptions import ContractLogicError as Web3LogicError

    return isinstance(exc, (ContractLogicError, Web3LogicError))


_KNOWN_ADDRESSES: dict[str, str] = {}


def remember(address: str, contract_name: str) -> None:
    """Names the contract at `address`, so that its reverts say "GaolingVouchers", not an address."""
    _KNOWN_ADDRESSES[str(address).lower()] = contract_name


def _contract_label(exc: BaseException, contract: str | None) -> str | None:
    if contract:
        return contract
    address = getattr(exc, "contract_address", None) or getattr(getattr(exc, "txn", None), "receiver", None)
    if not address:
        return None
    if str(address).lower() in _KNOWN_ADDRESSES:
        return _KNOWN_ADDRESSES[str(address).lower()]
    try:  # the compiled type Ape knows for the address, when it knows one
        from ape import chain

        contract_type = chain.contracts.get(address)
        if contract_type is not None and contract_type.name:
            return str(contract_type.name)
    except Exception:  # noqa: BLE001 - no provider or no cache: the address alone still says where
        pass
    return f"the contract at {address}"


def decode_exception(exc: BaseException, contract: str | None = None, *,
                     build: str | Path | None = None) -> DecodedRevert | None:
    """Decodes a revert raised by Ape or web3; None if `exc` is not a revert."""
    if not is_revert(exc):
        return None
    data = revert_data(exc)
    label = _contract_label(exc, contract)
    if data is None:
        message = getattr(exc, "revert_message", None) or str(exc)
        if message and message != "Transaction failed.":
            return DecodedRevert("Error", {"message": message}, label or "the contract",
                                 f"The contract refused: {message}", f"合约拒绝了此操作：{message}",
                                 shown={"message": message})
        return decode_revert(b"", label, build=build)
    return decode_revert(data, label, build=build)


def main() -> None:  # python -m gaoling.reverts
    print(json.dumps([e.as_dict() for e in error_table()], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
