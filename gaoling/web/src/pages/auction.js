// An auction: the work, reserve, current bid, the minimum next bid (pre-filled), the end with a
// live countdown that follows anti-snipe extensions (re-read from the chain every two seconds),
// the bid history from AuctionBid events, settle after the end, and this wallet's pending
// withdrawal with a withdraw button. After settlement the royalty paid to the artist is shown.
import { formatEther, parseEther } from "viem";
import { el, $, replace, safeUrl } from "../dom.js";
import { countdown, cstDate, money, shortAddress } from "../format.js";
import { pageLang, t } from "../i18n.js";
import { send, showStep } from "../tx.js";
import * as wallet from "../wallet.js";
import { chainNow, contract, gatewayUrl, metadata, read, requireWallet } from "./common.js";
import { recordReferrer } from "./referral.js";

const STATUS = ["none", "live", "settled", "cancelled", "failed"];

export default async function auction(config) {
  const lang = pageLang();
  const id = BigInt(document.body.dataset.auction);
  const house = contract("GaolingAuctionHouse", config.contracts.auction);
  const client = wallet.reader();
  const fromBlock = BigInt(config.fromBlock || 0);
  const status = $("#auction-status");
  const bidForm = $("#bid-form");
  const bidInput = $("#bid-amount");
  const settleButton = $("#settle");
  const withdrawButton = $("#withdraw");
  let drawnWork = false;
  let lastMinimum = null;

  async function drawWork(a) {
    const artworks = contract("GaolingArtworks", a.nft);
    const uri = await read(artworks, "tokenURI", [a.tokenId]).catch(() => null);
    const meta = await metadata(config, uri);
    const locale = meta?.properties?.locales?.[lang];
    const name = locale?.name || meta?.name || t("auction.work", { id: a.tokenId.toString() });
    const image = safeUrl(gatewayUrl(config, meta?.image));
    const royalty = await read(artworks, "royaltyInfo", [a.tokenId, 10000n]).catch(() => null);
    replace($("#work"),
      image ? el("img", { src: image, alt: name, width: 480, height: 480 }) : null,
      el("h2", { text: name }),
      locale?.description || meta?.description ? el("p", { class: "description", text: locale?.description || meta.description }) : null,
      royalty ? el("p", { text: t("auction.royaltyRate", { pct: (Number(royalty[1]) / 100).toString(), artist: shortAddress(royalty[0]) }) }) : null);
  }

  async function history(a, me) {
    const logs = await client.getContractEvents({ ...house, eventName: "AuctionBid", args: { auctionId: id }, fromBlock });
    // Outbid: every earlier bid of this wallet came back (pushed at once, or left in pending
    // withdrawals when the push failed).
    const mine = me ? logs.filter((log) => log.args.bidder === me) : [];
    const refundBox = $("#refund");
    if (mine.length && a.bidder !== me) {
      const last = mine[mine.length - 1].args.amount;
      refundBox.hidden = false;
      refundBox.dataset.refund = last.toString();
      refundBox.textContent = t("auction.outbid", { amount: money(last) });
    } else {
      refundBox.hidden = true;
    }
    const rows = logs.slice().reverse().map((log) => el("li", { "data-bidder": log.args.bidder },
      el("span", { class: "address", title: log.args.bidder, text: shortAddress(log.args.bidder) }), " ",
      el("strong", { text: money(log.args.amount) })));
    replace($("#bids"), rows.length ? rows : [el("li", { class: "muted", text: t("auction.noBids") })]);
  }

  async function settlement() {
    const logs = await client.getContractEvents({ ...house, eventName: "AuctionSettled", args: { auctionId: id }, fromBlock });
    if (!logs.length) return;
    const s = logs[0].args;
    replace($("#settlement"),
      el("h3", { text: t("auction.settledTitle") }),
      el("p", { "data-winner": s.winner, text: t("auction.winner", { who: shortAddress(s.winner), price: money(s.price) }) }),
      el("p", { class: "royalty", "data-royalty": s.royalty.toString(), text: t("auction.royaltyPaid", { amount: money(s.royalty), to: shortAddress(s.royaltyReceiver) }) }),
      el("p", { text: t("auction.feePaid", { amount: money(s.fee) }) }),
      el("p", { text: t("auction.sellerPaid", { amount: money(s.sellerProceeds) }) }));
  }

  async function refresh() {
    const [stored, now] = await Promise.all([read(house, "auction", [id]), chainNow()]);
    // The end that counts: extended by anti-sniping bids (stored) and by any pause of the house.
    const end = stored.endTime > 0 ? await read(house, "effectiveEndTime", [id]).catch(() => stored.endTime) : 0n;
    const a = { ...stored, endTime: Number(end) };
    if (!drawnWork && a.nft !== "0x0000000000000000000000000000000000000000") { drawnWork = true; await drawWork(a); }
    const state = STATUS[a.status] || "none";
    const started = Number(a.endTime) > 0;
    const ended = started && now >= Number(a.endTime);
    const minimum = state === "live" ? await read(house, "minimumBid", [id]) : 0n;
    const facts = [
      el("p", { class: "state", "data-status": ended && state === "live" ? "ended" : state, text: t(`auction.status.${ended && state === "live" ? "ended" : state}`) }),
      el("p", { class: "reserve", text: t("auction.reserve", { amount: money(a.reserve) }) }),
      started ? el("p", { class: "current", "data-amount": a.amount.toString(), text: t("auction.currentBid", { amount: money(a.amount) }) }) : el("p", { class: "muted", text: t("auction.startsAtFirstBid") }),
      started ? el("p", { class: "bidder", text: t("auction.highBidder", { who: shortAddress(a.bidder) }) }) : null,
      started ? el("p", { class: "end", "data-end": String(a.endTime), text: t("auction.endsAt", { date: cstDate(a.endTime, lang) }) }) : null,
      started && !ended ? el("p", { class: "countdown", "data-end": String(a.endTime), text: t("time.left", { left: countdown(a.endTime, now) }) }) : null,
      state === "live" && !ended ? el("p", { class: "minimum", "data-minimum": minimum.toString(), text: t("auction.minimumBid", { amount: money(minimum) }) }) : null,
    ];
    replace($("#auction-facts"), facts);
    bidForm.hidden = !(state === "live" && !ended);
    if (lastMinimum !== minimum && !bidForm.hidden) {
      // Pre-fill with the minimum; a value the collector typed above it is kept.
      const typed = (() => { try { return parseEther(bidInput.value || "0"); } catch { return 0n; } })();
      if (document.activeElement !== bidInput || typed < minimum) bidInput.value = formatEther(minimum);
      bidInput.min = formatEther(minimum);
      lastMinimum = minimum;
    }
    settleButton.hidden = !(state === "live" && ended);
    const me = requireWallet();
    if (me) {
      const pending = await read(house, "pendingWithdrawals", [me]);
      const box = $("#pending");
      box.dataset.pending = pending.toString();
      box.textContent = t("auction.pending", { amount: money(pending) });
      withdrawButton.hidden = pending === 0n;
    } else {
      withdrawButton.hidden = true;
    }
    await history(a, me);
    if (state === "settled") await settlement();
  }

  bidForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    let value;
    try { value = parseEther(bidInput.value.trim()); } catch { showStep(status, "auction.badAmount"); status.dataset.state = "error"; return; }
    // A shared ?ref= link is recorded before the member's first purchase (winning counts as one).
    const bid = { ...house, functionName: "createBid", args: [id], value };
    if (!(await recordReferrer(config, status, wallet.current().address, bid))) return;
    if (await send(status, bid)) await refresh();
  });
  settleButton.addEventListener("click", async () => {
    if (await send(status, { ...house, functionName: "settle", args: [id] })) await refresh();
  });
  withdrawButton.addEventListener("click", async () => {
    if (await send(status, { ...house, functionName: "withdraw", args: [] })) await refresh();
  });
  wallet.subscribe(() => refresh());
  // Outbid: the house refunds at once (or defers to pendingWithdrawals); show it when it happens.
  client.watchContractEvent({ ...house, eventName: "AuctionBid", args: { auctionId: id }, pollingInterval: 1000,
    onLogs: () => refresh() });
  client.watchContractEvent({ ...house, eventName: "PaymentDeferred", pollingInterval: 1000, onLogs: () => refresh() });
  await refresh();
  setInterval(() => refresh().catch(() => {}), 2000);
}
