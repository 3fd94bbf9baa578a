// My collection: editions and works held, the certificate, coupons and vouchers (from the
// service's member view), points with their history (ledger events), and the referral link.
import { el, $, replace } from "../dom.js";
import { money, shortAddress } from "../format.js";
import { pageLang, t } from "../i18n.js";
import * as wallet from "../wallet.js";
import { contract, fetchJson, read, requireWallet } from "./common.js";

async function held(config, name, address, member) {
  const handle = contract(name, address);
  const logs = await wallet.reader().getContractEvents({ ...handle, eventName: "Transfer", args: { to: member }, fromBlock: BigInt(config.fromBlock || 0) });
  const ids = [...new Set(logs.map((log) => log.args.tokenId))];
  const mine = [];
  for (const id of ids) if ((await read(handle, "ownerOf", [id]).catch(() => null)) === member) mine.push(id);
  return mine;
}

export default async function me(config) {
  const lang = pageLang();
  async function refresh() {
    const member = requireWallet();
    const link = new URL("/", location.origin);
    if (member) link.searchParams.set("ref", member);
    $("#ref-link").value = member ? link.href : "";
    if (!member) return;
    const view = await fetchJson(config.service.member.replace("{address}", member));
    const sections = [];
    const editions = [];
    for (const c of config.editions) {
      for (const id of await held(config, "GaolingEdition", c.address, member)) {
        editions.push(el("li", {}, el("a", { href: `/piece/${encodeURIComponent(c.key)}/${id}`, text: `${t(`collections.${c.key}`)} #${id}` })));
      }
    }
    sections.push(el("h2", { text: t("me.editions") }), el("ul", { class: "list", id: "my-editions" }, editions.length ? editions : el("li", { class: "muted", text: t("me.nothing") })));
    const works = config.contracts.artworks ? await held(config, "GaolingArtworks", config.contracts.artworks, member) : [];
    sections.push(el("h2", { text: t("me.works") }), el("ul", { class: "list", id: "my-works" }, works.length ? works.map((id) => el("li", { text: `#${id}` })) : el("li", { class: "muted", text: t("me.nothing") })));
    const cert = view.certificate;
    sections.push(el("h2", { text: t("me.certificate") }), el("p", { id: "my-certificate", "data-token": cert?.tokenId || null,
      text: cert?.tokenId ? t("me.hasCertificate", { id: cert.tokenId }) : t("me.noCertificate") }));
    const coupons = (view.coupons || []).filter((c) => c.balance > 0);
    sections.push(el("h2", { text: t("me.coupons") }), el("ul", { class: "list", id: "my-coupons" }, coupons.length
      ? coupons.map((c) => el("li", { "data-glaze": c.glazeId, text: `${lang === "en" ? c.nameEn : c.nameZh} × ${c.balance}` }))
      : el("li", { class: "muted", text: t("me.nothing") })));
    const vouchers = view.vouchers || [];
    sections.push(el("h2", { text: t("me.vouchers") }), el("ul", { class: "list", id: "my-vouchers" }, vouchers.length
      ? vouchers.map((v) => el("li", { text: `#${v.tokenId} · ${v.status} · ${money(v.priceWei)}` }))
      : el("li", { class: "muted", text: t("me.nothing") })));
    sections.push(el("p", { class: "points", "data-points": String(view.points ?? 0), text: t("me.points", { points: view.points ?? 0 }) }),
      el("p", { text: t("me.streak", { streak: view.checkIn?.streak ?? 0 }) }));
    if (view.referrer && !/^0x0+$/.test(view.referrer)) sections.push(el("p", { id: "my-referrer", "data-referrer": view.referrer, text: t("me.referredBy", { who: shortAddress(view.referrer) }) }));
    const ledger = contract("PointsLedger", config.contracts.points);
    const history = [];
    for (const [eventName, args] of [["CheckedIn", { member }], ["PurchaseRewarded", { buyer: member }], ["ReferralRewarded", { referrer: member }], ["PointsSpent", { member }]]) {
      const logs = await wallet.reader().getContractEvents({ ...ledger, eventName, args, fromBlock: BigInt(config.fromBlock || 0) }).catch(() => []);
      for (const log of logs) {
        const params = Object.fromEntries(Object.entries(log.args).map(([k, v]) => [k, String(v)]));
        history.push([log.blockNumber, el("li", { "data-event": eventName, text: t(`me.event.${eventName}`, params) })]);
      }
    }
    history.sort((a, b) => Number(b[0] - a[0]));
    sections.push(el("h2", { text: t("me.history") }), el("ol", { class: "list", id: "points-history" }, history.length ? history.map(([, li]) => li) : el("li", { class: "muted", text: t("me.nothing") })));
    replace($("#me"), sections);
  }
  wallet.subscribe(() => refresh());
  await refresh();
}
