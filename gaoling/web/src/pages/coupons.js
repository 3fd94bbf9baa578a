// Glaze coupons: each glaze with its stock, price in points and what it looks like; exchange
// gasless (sign the EIP-712 Exchange, relayed by the service) or directly with a transaction.
import { el, $, replace } from "../dom.js";
import { pageLang, t } from "../i18n.js";
import { send, showStep, signTyped } from "../tx.js";
import * as wallet from "../wallet.js";
import { chainNow, contract, read, requireWallet } from "./common.js";
import { chainFacts, follow, post, problemText } from "./service.js";

const EXCHANGE = [
  { name: "member", type: "address" }, { name: "glazeId", type: "uint256" }, { name: "amount", type: "uint256" },
  { name: "maxPoints", type: "uint256" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
];

export async function glazes(coupons) {
  const out = [];
  for (let id = 1n; id <= 32n; id += 1n) {
    if (!(await read(coupons, "glazeExists", [id]))) break;
    out.push({ id, ...(await read(coupons, "glaze", [id])) });
  }
  return out;
}

export default async function couponsPage(config) {
  const lang = pageLang();
  const coupons = contract("GlazeCoupons", config.contracts.coupons);
  const ledger = contract("PointsLedger", config.contracts.points);
  const status = $("#coupon-status");

  async function gasless(member, glazeId, price) {
    const chain = await chainFacts(config);
    const domain = chain.domains.coupons;
    // Single-use and unordered; below 2^53, so it goes into the JSON body as an exact number.
    const nonce = BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000));
    const deadline = BigInt((await chainNow()) + 3600);
    // maxPoints: the most this signature lets the shop take, so a later price rise cannot take more.
    const message = { member, glazeId, amount: 1n, maxPoints: price, nonce, deadline };
    const signature = await signTyped(status, { domain, primaryType: "Exchange", types: { Exchange: EXCHANGE }, message });
    if (!signature) return;
    let accepted;
    try {
      accepted = await post(config.service.exchanges, { member, glazeId: Number(glazeId), amount: 1, maxPoints: Number(price), nonce: Number(nonce),
        deadline: Number(deadline), signature, coupons: domain.verifyingContract, chainId: Number(domain.chainId) });
    } catch (error) {
      status.dataset.state = "error";
      replace(status, el("p", { class: "reason", text: problemText(error) }));
      return;
    }
    // Accepted (202) means queued: said at once, as the relayer may already be sending it.
    showStep(status, "coupons.queued", { id: accepted.id.slice(0, 8) });
    const done = await follow(config, accepted.id, (m) => {
      if (m.status === "sent") showStep(status, "checkin.sent");
      else if (m.status === "rejected") { showStep(status, "checkin.rejected", { reason: m.reason || "" }); status.dataset.state = "error"; }
    });
    if (done?.status === "confirmed") { showStep(status, "coupons.credited"); status.dataset.state = "credited"; }
  }

  async function refresh() {
    const member = requireWallet();
    if (member) {
      const points = await read(ledger, "pointsOf", [member]);
      const box = $("#points");
      box.dataset.points = points.toString();
      box.textContent = t("coupons.points", { points: points.toString() });
    }
    const cards = [];
    for (const g of await glazes(coupons)) {
      const held = member ? await read(coupons, "balanceOf", [member, g.id]) : 0n;
      const name = lang === "en" ? g.nameEn : g.nameZh;
      cards.push(el("li", { class: "card glaze", "data-glaze": g.id.toString() },
        el("div", { class: "noimage", "data-swatch": g.id.toString(), "aria-hidden": "true", text: "釉" }),
        el("h2", { text: name }),
        el("p", { text: t(`coupons.looks.${g.id}`) }),
        el("p", { class: "price", text: t("coupons.price", { price: g.price.toString() }) }),
        el("p", { class: "stock", "data-stock": g.stock.toString(), text: t("coupons.stock", { stock: g.stock.toString() }) }),
        member ? el("p", { class: "held", "data-held": held.toString(), text: t("coupons.held", { n: held.toString() }) }) : null,
        el("button", { type: "button", class: "exchange", "aria-label": `${t("coupons.exchange")}: ${name}`,
          onclick: async () => { const m = requireWallet(); if (!m) { showStep(status, "wallet.connectFirst"); return; } await gasless(m, g.id, g.price); await refresh(); } },
        t("coupons.exchange")),
        el("button", { type: "button", class: "secondary exchange-direct", "aria-label": `${t("coupons.direct")}: ${name}`,
          onclick: async () => { if (await send(status, { ...coupons, functionName: "exchange", args: [g.id, 1n] })) await refresh(); } },
        t("coupons.direct"))));
    }
    replace($("#glazes"), cards);
  }
  wallet.subscribe(() => refresh());
  await refresh();
}
