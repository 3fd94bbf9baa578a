// Mint: the open phase (allowlist with a proof from the service, or public), the quantity limited
// to what this wallet may still buy, then confirm in wallet -> pending (tx hash) -> minted (ids).
// A referrer from a shared ?ref= link is shown, and recorded with setReferrer just before the
// collector's first purchase, as the points ledger defines it (referral.js).
import { decodeEventLog } from "viem";
import { el, $, replace } from "../dom.js";
import { countdown, cstDate, money } from "../format.js";
import { pageLang, t } from "../i18n.js";
import { send, showError, showStep } from "../tx.js";
import * as wallet from "../wallet.js";
import { chainNow, contract, fetchJson, read, requireWallet } from "./common.js";
import { phaseNow, salePhases } from "./gallery.js";
import { recordReferrer, referralLine, referralOf } from "./referral.js";

async function allowance(config, collection, address) {
  const url = config.service.allowlistProof
    .replace("{collection}", encodeURIComponent(collection.key)).replace("{address}", address);
  try {
    const body = await fetchJson(url);
    return { allowance: BigInt(body.allowance), proof: body.proof };
  } catch (error) {
    return error.status === 404 ? { allowance: 0n, proof: [], notListed: true } : { allowance: 0n, proof: [], unavailable: true };
  }
}

export default async function mint(config) {
  const lang = pageLang();
  const key = document.body.dataset.collection;
  const collection = config.editions.find((c) => c.key === key);
  const form = $("#mint-form");
  const info = $("#mint-info");
  const status = $("#mint-status");
  if (!collection) { showStep(status, "mint.unknownCollection"); return; }
  const edition = contract("GaolingEdition", collection.address);

  async function refresh() {
    const now = await chainNow();
    const [minted, cap, phases] = await Promise.all([read(edition, "totalMinted"), read(edition, "cap"), salePhases(edition)]);
    const phase = phaseNow(phases, now);
    const open = phase && phase.start <= now;
    const remainingCap = cap - minted;
    const rows = [
      el("p", { class: "minted", "data-minted": minted.toString(), text: t("gallery.minted", { minted: minted.toString(), cap: cap.toString() }) }),
    ];
    form.hidden = true;
    if (remainingCap <= 0n) {
      rows.push(el("p", { class: "soldout", "data-state": "sold-out", text: t("gallery.soldOut") }));
      replace(info, rows);
      return;
    }
    if (!phase) { rows.push(el("p", { text: t("gallery.noPhase") })); replace(info, rows); return; }
    rows.push(el("p", { class: "phase", "data-phase": phase.key, text: open
      ? t("gallery.phaseOpen", { phase: t(`phase.${phase.key}`), price: money(phase.price) })
      : t("gallery.phaseNext", { phase: t(`phase.${phase.key}`), price: money(phase.price), date: cstDate(phase.start, lang) }) }),
    el("p", { class: "countdown", text: t(open ? "mint.endsIn" : "mint.opensIn", { left: countdown(open ? phase.end : phase.start, now), date: cstDate(open ? phase.end : phase.start, lang) }) }));
    const address = requireWallet();
    if (!open) { replace(info, rows); return; }
    if (!address) { rows.push(el("p", { class: "muted", text: t("wallet.connectFirst") })); replace(info, rows); return; }
    rows.push(referralLine(await referralOf(config, address), () => { showStep(status, "referral.forgotten"); safely(); }));
    const [boughtAllowlist, boughtPublic] = await read(edition, "purchasedBy", [address]);
    let limit = BigInt(phase.maxPerWallet) - (phase.key === "allowlist" ? boughtAllowlist : boughtPublic);
    let proof = [];
    let listed = 0n;
    if (phase.key === "allowlist") {
      const entry = await allowance(config, collection, address);
      if (entry.unavailable) { rows.push(el("p", { class: "warn", text: t("mint.proofUnavailable") })); replace(info, rows); return; }
      if (entry.notListed) { rows.push(el("p", { class: "warn", "data-state": "not-listed", text: t("mint.notListed") })); replace(info, rows); return; }
      proof = entry.proof;
      listed = entry.allowance;
      const left = listed - boughtAllowlist;
      if (left < limit) limit = left;
      rows.push(el("p", { text: t("mint.allowance", { allowance: listed.toString(), bought: boughtAllowlist.toString() }) }));
    }
    if (limit > remainingCap) limit = remainingCap;
    const perTx = await read(edition, "maxMintQuantity").catch(() => 0n); // one transaction's ceiling, if set
    if (perTx > 0n && limit > perTx) limit = perTx;
    if (limit <= 0n) { rows.push(el("p", { "data-state": "limit-reached", text: t("mint.limitReached") })); replace(info, rows); return; }
    rows.push(el("p", { text: t("mint.youMay", { n: limit.toString() }) }));
    replace(info, rows);
    const qty = $("#mint-quantity");
    qty.max = limit.toString();
    if (Number(qty.value) > Number(limit) || !qty.value) qty.value = "1";
    form.hidden = false;
    form.onsubmit = async (event) => {
      event.preventDefault();
      const quantity = BigInt(qty.value || "0");
      if (quantity < 1n || quantity > limit) { showStep(status, "mint.quantityRange", { max: limit.toString() }); status.dataset.state = "error"; return; }
      form.querySelector("button").disabled = true;
      try {
        const value = phase.price * quantity;
        const call = phase.key === "allowlist"
          ? { ...edition, functionName: "mintAllowlist", args: [quantity, listed, proof], value }
          : { ...edition, functionName: "mintPublic", args: [quantity], value };
        if (!(await recordReferrer(config, status, address, call))) return;
        const receipt = await send(status, call);
        if (!receipt) return;
        const ids = [];
        for (const log of receipt.logs) {
          if (log.address.toLowerCase() !== collection.address.toLowerCase()) continue;
          try {
            const ev = decodeEventLog({ abi: edition.abi, data: log.data, topics: log.topics });
            if (ev.eventName === "Transfer" && ev.args.to === address) ids.push(ev.args.tokenId.toString());
          } catch { /* other events */ }
        }
        status.dataset.state = "minted";
        status.append(el("p", { class: "minted-ids", "data-token-ids": ids.join(","), text: t("mint.minted", { ids: ids.map((i) => `#${i}`).join(", ") }) }));
        await refresh();
      } finally {
        form.querySelector("button").disabled = false;
      }
    };
  }
  const safely = () => refresh().catch((error) => showError(status, error));
  wallet.subscribe(safely);
  await safely();
}
