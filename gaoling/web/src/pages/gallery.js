// Gallery: each collection with its pieces (images through the service's IPFS gateway), minted/cap,
// the phase open now with its price and a countdown; then the 1/1 works and their auctions.
import { el, $, replace, safeUrl } from "../dom.js";
import { countdown, cstDate, money } from "../format.js";
import { pageLang, t } from "../i18n.js";
import { chainNow, contract, every, gatewayUrl, metadata, read } from "./common.js";

export const PHASES = ["allowlist", "public"];

/** The phase open now, else the next one to open, with its numbers. */
export async function salePhases(edition) {
  const phases = [];
  for (const [id, key] of PHASES.entries()) {
    const p = await read(edition, "phase", [id]);
    phases.push({ id, key, price: p.price, start: Number(p.start), end: Number(p.end), maxPerWallet: Number(p.maxPerWallet) });
  }
  return phases;
}

export function phaseNow(phases, now) {
  return phases.find((p) => p.start <= now && now < p.end)
    || phases.filter((p) => p.start > now).sort((a, b) => a.start - b.start)[0] || null;
}

export function pieceCard(config, collection, id, meta, lang) {
  const locale = meta?.properties?.locales?.[lang];
  const name = locale?.name || meta?.name || t("gallery.piece", { id });
  const image = safeUrl(gatewayUrl(config, meta?.image));
  return el("li", { class: "card piece", "data-piece": id },
    el("a", { href: `/piece/${encodeURIComponent(collection.key)}/${id}` },
      image ? el("img", { src: image, alt: name, loading: "lazy", width: 240, height: 240 }) : el("div", { class: "noimage", text: "—" }),
      el("span", { class: "name", text: name })));
}

async function drawCollection(config, collection, lang, now) {
  const edition = contract("GaolingEdition", collection.address);
  const [minted, cap, phases, base] = await Promise.all([read(edition, "totalMinted"), read(edition, "cap"),
    salePhases(edition), read(edition, "baseURI")]);
  const open = phaseNow(phases, now);
  const soldOut = minted >= cap;
  const section = $(`[data-collection="${CSS.escape(collection.key)}"]`);
  if (!section) return;
  const stats = $(".stats", section);
  const phaseText = soldOut ? t("gallery.soldOut")
    : !open ? t("gallery.noPhase")
      : open.start <= now
        ? t("gallery.phaseOpen", { phase: t(`phase.${open.key}`), price: money(open.price) })
        : t("gallery.phaseNext", { phase: t(`phase.${open.key}`), price: money(open.price), date: cstDate(open.start, lang) });
  const timer = el("span", { class: "countdown", "data-kind": open && open.start > now ? "opens" : "ends",
    "data-end": open ? String(open.start <= now ? open.end : open.start) : "" });
  replace(stats,
    el("span", { class: "minted", "data-minted": minted.toString(), "data-cap": cap.toString(), text: t("gallery.minted", { minted: minted.toString(), cap: cap.toString() }) }),
    el("span", { class: "phase", "data-phase": open?.key || "none", "data-sold-out": soldOut ? "1" : null, text: phaseText }),
    open && !soldOut ? timer : null);
  const list = $(".pieces", section);
  const cards = await Promise.all(collection.pieces.map(async (id) =>
    pieceCard(config, collection, id, await metadata(config, base ? `${base}${id}` : null), lang)));
  replace(list, cards);
  return timer;
}

async function drawAuctions(config, lang, now) {
  const list = $("#auctions");
  if (!list || !config.contracts.auction) return;
  const house = contract("GaolingAuctionHouse", config.contracts.auction);
  const count = Number(await read(house, "auctionCount"));
  const items = [];
  for (let id = count; id >= 1 && items.length < 24; id -= 1) {
    const a = await read(house, "auction", [BigInt(id)]);
    if (a.status !== 1) continue; // live only
    const artworks = contract("GaolingArtworks", a.nft);
    const uri = await read(artworks, "tokenURI", [a.tokenId]).catch(() => null);
    const meta = await metadata(config, uri);
    const name = meta?.properties?.locales?.[lang]?.name || meta?.name || t("auction.work", { id: a.tokenId.toString() });
    const image = safeUrl(gatewayUrl(config, meta?.image));
    const started = a.endTime > 0;
    items.push(el("li", { class: "card auction", "data-auction": id },
      el("a", { href: `/auction/${id}` },
        image ? el("img", { src: image, alt: name, loading: "lazy", width: 240, height: 240 }) : el("div", { class: "noimage", text: "1/1" }),
        el("span", { class: "name", text: name }),
        el("span", { text: started ? t("auction.currentBid", { amount: money(a.amount) }) : t("auction.reserve", { amount: money(a.amount) }) }),
        started ? el("span", { class: "countdown", "data-end": String(a.endTime) }) : el("span", { class: "muted", text: t("auction.startsAtFirstBid") }))));
  }
  replace(list, items.length ? items : [el("li", { class: "muted", text: t("auction.none") })]);
}

export default async function gallery(config) {
  const lang = pageLang();
  let now = await chainNow();
  for (const collection of config.editions) await drawCollection(config, collection, lang, now);
  await drawAuctions(config, lang, now);
  const started = Date.now();
  const base = now;
  every(1000, () => {
    now = base + Math.floor((Date.now() - started) / 1000);
    for (const node of document.querySelectorAll(".countdown[data-end]")) {
      if (node.dataset.end) node.textContent = t(node.dataset.kind === "opens" ? "time.opensIn" : "time.left", { left: countdown(node.dataset.end, now) });
    }
  });
}
