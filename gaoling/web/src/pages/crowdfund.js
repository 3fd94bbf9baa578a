// Crowdfunded drops: the list of campaigns, and one campaign's page: the progress bar toward the
// goal, the tiers with what is left, the deadline in CST with a countdown on chain time, pledge and
// withdraw while it runs, claim (succeeded) or refund (failed, cancelled) after it ends.
// State comes from the service's API (gaoling.crowdfund, read as `ape run crowdfund status` reads
// it); every change is the collector's own wallet transaction through tx.send.
import { decodeEventLog } from "viem";
import { el, $, replace } from "../dom.js";
import { countdown, cstDate, money, shortAddress } from "../format.js";
import { pageLang, t } from "../i18n.js";
import { send, showError, showStep } from "../tx.js";
import * as wallet from "../wallet.js";
import { contract, fetchJson, requireWallet } from "./common.js";
import { recordReferrer } from "./referral.js";

const REFRESH_MS = 2000;

/** The state a collector would name: an ended campaign still "funding" waits for finalize. */
function stateKey(c) {
  return c.state === "funding" && c.ended ? `ended-${c.outcome}` : c.state;
}

/** role=progressbar toward the goal; the fill is sized through the CSSOM (the CSP forbids inline styles). */
function progressBar(c, labelId) {
  const percent = Math.min(100, c.progress.bps / 100);
  const text = t("crowdfund.progressText", { raised: money(c.raisedWei), goal: money(c.goalWei), percent: c.progress.percent });
  const fill = el("span", { class: "fill" });
  fill.style.width = `${percent}%`;
  return el("div", {
    class: "progress", role: "progressbar", "aria-labelledby": labelId, "aria-valuemin": "0", "aria-valuemax": "100",
    "aria-valuenow": String(percent), "aria-valuetext": text, "data-bps": String(c.progress.bps), "data-raised": c.raisedWei,
  }, fill);
}

function deadlineFacts(c, lang) {
  return [
    el("p", { class: "deadline", "data-deadline": String(c.deadline.unix), text: t("crowdfund.deadline", { date: cstDate(c.deadline.unix, lang) }) }),
    c.secondsLeft > 0
      ? el("p", { class: "countdown", "data-left": String(c.secondsLeft), text: t("time.left", { left: countdown(c.now + c.secondsLeft, c.now) }) })
      : el("p", { class: "countdown", "data-left": "0", text: t("crowdfund.endedAt") }),
  ];
}

function tierKind(tier) {
  return t(tier.physical ? "crowdfund.physical" : "crowdfund.digital");
}

export async function crowdfundList(config) {
  const lang = pageLang();
  const list = $("#campaigns");
  const campaigns = await fetchJson(`${config.service.base}/campaigns`);
  if (!campaigns.length) { replace(list, el("li", { class: "muted", text: t("crowdfund.none") })); return; }
  replace(list, campaigns.slice().reverse().map((c) => {
    const labelId = `campaign-${c.id}-progress`;
    return el("li", { class: "card campaign", "data-campaign": String(c.id), "data-state": stateKey(c) },
      el("a", { href: `/crowdfund/${c.id}` },
        el("strong", { class: "name", text: t("crowdfund.campaignTitle", { id: c.id }) }),
        c.collection ? el("span", { text: t(`collections.${c.collection}`) }) : null,
        el("span", { class: "state", text: t(`crowdfund.state.${stateKey(c)}`) }),
        el("span", { id: labelId, text: t("crowdfund.progress", { raised: money(c.raisedWei), goal: money(c.goalWei), percent: c.progress.percent }) }),
        progressBar(c, labelId),
        ...deadlineFacts(c, lang)));
  }));
}

export async function campaign(config) {
  const lang = pageLang();
  const id = BigInt(document.body.dataset.campaign);
  const base = `${config.service.base}/campaigns/${id}`;
  const status = $("#campaign-status");
  const form = $("#pledge-form");
  const quantity = $("#pledge-quantity");
  const withdrawButton = $("#withdraw");
  const claimButton = $("#claim");
  const refundButton = $("#refund");
  if (!config.contracts.crowdfund) { showStep(status, "crowdfund.unavailable"); return; }
  const crowdfund = contract("GaolingCrowdfund", config.contracts.crowdfund);
  let current = null;   // the campaign as last read
  let mine = null;      // this wallet's pledge as last read
  let busy = false;
  let drawnTiers = "";  // the tier choices are rebuilt only when they change (keeps focus and choice)

  function drawFacts(c) {
    const key = stateKey(c);
    replace($("#campaign-facts"),
      el("p", { class: "state", "data-state": key, text: t(`crowdfund.state.${key}`) }),
      c.collection ? el("p", { text: t("crowdfund.edition", { name: t(`collections.${c.collection}`) }) }) : null,
      el("p", { id: "progress-label", class: "raised", text: t("crowdfund.progress", { raised: money(c.raisedWei), goal: money(c.goalWei), percent: c.progress.percent }) }),
      progressBar(c, "progress-label"),
      el("p", { class: "pieces", text: t("crowdfund.pieces", { n: c.pieces }) }),
      // After a failure or a cancel, `raised` is what pledgers have not yet taken back.
      c.state === "failed" || c.state === "cancelled"
        ? el("p", { class: "owed", "data-owed": c.held.refundsOwedWei, text: t("crowdfund.refundsOwed", { amount: money(c.held.refundsOwedWei) }) }) : null,
      ...deadlineFacts(c, lang),
      el("p", { text: c.walletLimit ? t("crowdfund.walletLimit", { n: c.walletLimit }) : t("crowdfund.noWalletLimit") }),
      c.paused ? el("p", { class: "warn", "data-state": "paused", text: t("crowdfund.paused") }) : null);
  }

  function drawTiers(c) {
    replace($("#tiers"), c.tiers.map((tier) => el("li", { class: "tier", "data-tier": String(tier.index), "data-remaining": String(tier.remaining) },
      el("strong", { text: `${t("crowdfund.tierName", { n: tier.index + 1 })} · ${tierKind(tier)}` }),
      el("span", { text: t("crowdfund.tierPrice", { price: money(tier.priceWei) }) }),
      el("span", { class: "left", text: tier.remaining ? t("crowdfund.tierLeft", { left: tier.remaining, cap: tier.cap }) : t("crowdfund.soldOut") }))));
  }

  function drawPayees(c) {
    replace($("#payees"), c.payees.map((p) => el("li", { "data-payee": p.address },
      el("span", { class: "address", title: p.address, text: shortAddress(p.address) }), " ",
      t("crowdfund.share", { pct: (p.bps / 100).toString() }),
      p.released ? ` · ${t("crowdfund.released")}` : "")));
  }

  function drawForm(c, p) {
    const open = c.state === "funding" && !c.ended && !c.paused;
    const fieldset = $("#pledge-tiers");
    if (!open || !p) { form.hidden = true; return; }
    const shape = c.tiers.map((tier) => tier.remaining > 0).join();
    const chosen = form.querySelector("input[name=tier]:checked")?.value;
    const firstOpen = c.tiers.find((tier) => tier.remaining > 0);
    if (shape !== drawnTiers) replace(fieldset, el("legend", { text: t("crowdfund.chooseTier") }), c.tiers.map((tier) => {
      const inputId = `tier-${tier.index}`;
      const checked = chosen != null ? chosen === String(tier.index) : tier === firstOpen;
      return el("div", { class: "choice" },
        el("input", { type: "radio", name: "tier", id: inputId, value: String(tier.index), disabled: tier.remaining === 0, checked: checked && tier.remaining > 0 }),
        el("label", { for: inputId, text: `${t("crowdfund.tierName", { n: tier.index + 1 })} · ${tierKind(tier)} · ${money(tier.priceWei)}` }));
    }));
    drawnTiers = shape;
    quantity.max = String(Math.max(1, p.mayPledge));
    replace($("#pledge-limit"), el("span", { "data-may-pledge": String(p.mayPledge),
      text: p.mayPledge > 0 ? t("crowdfund.youMay", { n: p.mayPledge }) : t("crowdfund.limitReached") }));
    form.hidden = false;
  }

  function drawMine(c, p) {
    const box = $("#pledge-facts");
    if (!p) {
      replace(box, el("p", { class: "muted", text: t("wallet.connectFirst") }));
      withdrawButton.hidden = claimButton.hidden = refundButton.hidden = true;
      return;
    }
    const held = p.pieces.map((n, i) => (n ? t("crowdfund.heldTier", { n: i + 1, count: n }) : null)).filter(Boolean).join(lang === "en" ? ", " : "，");
    const rows = [p.amountWei !== "0"
      ? el("p", { class: "held", "data-amount": p.amountWei, text: t("crowdfund.held", { amount: money(p.amountWei), pieces: held }) })
      : el("p", { class: "held muted", "data-amount": "0", text: t("crowdfund.nothing") })];
    for (const h of p.history) {
      if (h.kind === "claimed") {
        const ids = Array.from({ length: h.quantity }, (_, k) => h.firstTokenId + k);
        rows.push(el("p", { class: "claimed", "data-token-ids": ids.join(",") }, t("crowdfund.claimed"), " ",
          ...ids.flatMap((tokenId, k) => [k ? ", " : "", c.collection
            ? el("a", { href: `/piece/${encodeURIComponent(c.collection)}/${tokenId}`, text: `#${tokenId}` }) : `#${tokenId}`])));
      } else if (h.kind === "refunded" || h.kind === "withdrawn") {
        rows.push(el("p", { class: h.kind, "data-amount": h.amountWei, text: t(`crowdfund.${h.kind}`, { amount: money(h.amountWei) }) }));
      }
    }
    if (p.can.claim || p.can.refund) rows.push(el("p", { class: "muted", text: t(p.can.claim ? "crowdfund.claimHint" : "crowdfund.refundHint") }));
    replace(box, rows);
    withdrawButton.hidden = !p.can.withdraw;
    claimButton.hidden = !p.can.claim;
    refundButton.hidden = !p.can.refund;
  }

  async function refresh() {
    const address = requireWallet();
    const [c, p] = await Promise.all([fetchJson(base), address ? fetchJson(`${base}/pledges/${address}`) : null]);
    current = c;
    mine = p;
    document.body.dataset.campaignState = stateKey(c);
    drawFacts(c);
    drawTiers(c);
    drawPayees(c);
    if (!busy) { drawForm(c, p); drawMine(c, p); }
  }

  /** Claims and refunds finalize an ended campaign first, as `ape run crowdfund claim` does. */
  async function settle(functionName) {
    busy = true;
    try {
      if (mine?.needsFinalize) {
        const finalized = await send(status, { ...crowdfund, functionName: "finalize", args: [id] });
        if (!finalized) return null;
      }
      return await send(status, { ...crowdfund, functionName, args: [id] });
    } finally {
      busy = false;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const tier = form.querySelector("input[name=tier]:checked");
    const n = Number(quantity.value);
    if (!tier || !Number.isInteger(n) || n < 1) { showStep(status, "crowdfund.quantityRange"); status.dataset.state = "error"; return; }
    const price = BigInt(current.tiers[Number(tier.value)].priceWei);
    // Over the limit or what is left: the simulation explains it with the contract's own error.
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      // A shared ?ref= link is recorded before the first purchase (a succeeded pledge is one).
      const call = { ...crowdfund, functionName: "pledge", args: [id, BigInt(tier.value), BigInt(n)], value: price * BigInt(n) };
      if (!(await recordReferrer(config, status, wallet.current().address, call))) return;
      if (await send(status, call)) await refresh();
    } finally {
      button.disabled = false;
    }
  });
  withdrawButton.addEventListener("click", async () => {
    if (await send(status, { ...crowdfund, functionName: "withdraw", args: [id] })) await refresh();
  });
  claimButton.addEventListener("click", async () => {
    const receipt = await settle("claim");
    if (!receipt) return;
    const ids = [];
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== crowdfund.address.toLowerCase()) continue;
      try {
        const ev = decodeEventLog({ abi: crowdfund.abi, data: log.data, topics: log.topics });
        if (ev.eventName === "Claimed") for (let k = 0n; k < ev.args.quantity; k += 1n) ids.push((ev.args.firstTokenId + k).toString());
      } catch { /* other events */ }
    }
    status.dataset.state = "claimed";
    status.append(el("p", { class: "claimed-ids", "data-token-ids": ids.join(","), text: `${t("crowdfund.claimed")} ${ids.map((i) => `#${i}`).join(", ")}` }));
    await refresh();
  });
  refundButton.addEventListener("click", async () => {
    if (await settle("refund")) { status.dataset.state = "refunded"; await refresh(); }
  });

  const safely = () => refresh().catch((error) => showError(status, error));
  wallet.subscribe(safely);
  await safely();
  setInterval(() => { if (!busy) refresh().catch(() => {}); }, REFRESH_MS);
}
