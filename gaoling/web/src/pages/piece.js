// A piece: metadata and attributes (in the page language), owner, royalty, transfer lock with the
// unlock date (ERC-5192 + unlocksAt).
import { el, $, replace, safeUrl } from "../dom.js";
import { cstDate, shortAddress } from "../format.js";
import { pageLang, t } from "../i18n.js";
import { contract, gatewayUrl, metadata, read } from "./common.js";

export default async function piece(config) {
  const lang = pageLang();
  const key = document.body.dataset.collection;
  const id = BigInt(document.body.dataset.token);
  const collection = config.editions.find((c) => c.key === key);
  if (!collection) return;
  const edition = contract("GaolingEdition", collection.address);
  const base = await read(edition, "baseURI");
  const meta = await metadata(config, `${base}${id}`);
  const locale = meta?.properties?.locales?.[lang];
  const name = locale?.name || meta?.name || t("gallery.piece", { id: id.toString() });
  const image = safeUrl(gatewayUrl(config, meta?.image));
  replace($("#piece-image"), image ? el("img", { src: image, alt: name, width: 480, height: 480 }) : null);
  const minted = await read(edition, "totalMinted");
  const facts = [el("h2", { text: name }), el("p", { class: "description", text: locale?.description || meta?.description || "" })];
  const [, royaltyAmount] = await read(edition, "royaltyInfo", [id, 10000n]);
  facts.push(el("p", { text: t("piece.royalty", { pct: (Number(royaltyAmount) / 100).toString() }) }));
  if (id >= 1n && id <= minted) {
    const [owner, locked, unlocksAt] = await Promise.all([read(edition, "ownerOf", [id]), read(edition, "locked", [id]), read(edition, "unlocksAt", [id])]);
    facts.push(el("p", { "data-owner": owner, text: t("piece.owner", { who: shortAddress(owner) }) }));
    const never = unlocksAt >= 2n ** 255n;
    facts.push(el("p", { class: "lock", "data-locked": String(locked), text: locked ? (never ? t("piece.soulbound") : t("piece.locked", { date: cstDate(unlocksAt, lang) })) : t("piece.unlocked") }));
  } else {
    facts.push(el("p", { class: "muted", text: t("piece.notMinted") }));
  }
  replace($("#piece-facts"), facts);
  const traits = locale?.traits || {};
  replace($("#piece-attributes"), Object.entries(traits).flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
}
