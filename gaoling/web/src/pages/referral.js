// Referrals as the points ledger defines them: a member names a referrer once, with setReferrer,
// before the member's own first purchase, and only a referrer who has already purchased counts;
// the ledger pays the referrer when that first purchase is recorded. A shared link
// (?ref=<address>, from "My collection") is kept in this browser until then; the mint page shows
// it and sends setReferrer just before the first purchase. A malformed ref is refused, in both
// languages (the link may come from someone who reads the other one), and nothing is kept.
import { getAddress, isAddress, zeroAddress } from "viem";
import { el } from "../dom.js";
import { shortAddress } from "../format.js";
import { LANGS, pageLang, t } from "../i18n.js";
import { check, send, showStep } from "../tx.js";
import { contract, read } from "./common.js";

const KEY = "gaoling.ref";

export function storedReferrer() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}

export function forgetReferrer() {
  try { localStorage.removeItem(KEY); } catch { /* private mode */ }
}

/** Keeps ?ref=<address> of the page's URL; a ref that is no address gets a note and is dropped. */
export function rememberReferrer() {
  const ref = new URLSearchParams(location.search).get("ref");
  if (ref === null) return;
  // viem's isAddress is strict: mixed case must be the EIP-55 checksum, so a mistyped link fails here.
  if (isAddress(ref) && ref.toLowerCase() !== zeroAddress) {
    try { localStorage.setItem(KEY, getAddress(ref)); } catch { /* private mode: no referral */ }
    return;
  }
  const shown = ref.length > 60 ? `${ref.slice(0, 60)}…` : ref;
  const lang = pageLang();
  const note = el("div", { id: "ref-note", class: "warn", role: "alert", "data-state": "bad-ref" },
    ...[lang, ...LANGS.filter((l) => l !== lang)].map((l) => el("p", { lang: l, text: t("referral.bad", { ref: shown }, l) })));
  document.querySelector("main")?.prepend(note);
}

/** Where `member` stands: {state, referrer}. state: "recorded" (the ledger has a referrer),
 * "pending" (a stored ref that setReferrer will record), "ineligible" (the stored ref has not
 * purchased: the ledger would refuse it), "self", or "none" (nothing to show or send). */
export async function referralOf(config, member) {
  if (!config.contracts.points) return { state: "none" };
  const ledger = contract("PointsLedger", config.contracts.points);
  const info = await read(ledger, "memberOf", [member]);
  if (info.referrer !== zeroAddress) return { state: "recorded", referrer: info.referrer };
  const ref = storedReferrer();
  if (!ref || info.purchased) return { state: "none" };
  if (ref === member) return { state: "self", referrer: ref };
  if (!(await read(ledger, "memberOf", [ref])).purchased) return { state: "ineligible", referrer: ref };
  return { state: "pending", referrer: ref };
}

/** The referral line of the mint page (null when there is nothing to say); `onForget` redraws. */
export function referralLine(facts, onForget) {
  if (facts.state === "none") return null;
  const who = el("span", { class: "address", title: facts.referrer, text: shortAddress(facts.referrer) });
  const [before, after] = t(`referral.${facts.state}`).split("{who}");
  const line = el("div", { id: "referral", "data-state": facts.state, "data-referrer": facts.referrer },
    el("p", { class: facts.state === "pending" || facts.state === "recorded" ? null : "warn" }, before, after === undefined ? null : who, after));
  if (facts.state === "pending") {
    line.append(el("button", { type: "button", class: "secondary", id: "referral-forget",
      onclick: () => { forgetReferrer(); onForget(); } }, t("referral.forget")));
  }
  return line;
}

/** Sends setReferrer when the member's referral is pending, once `purchase` (the call it goes before)
 * is known to go through; false when it was not sent (the purchase would fail, declined, or refused
 * by the chain: the status says why, and the purchase waits). */
export async function recordReferrer(config, status, member, purchase) {
  showStep(status, "tx.checking");  // at once: the click is answered before the chain reads
  const facts = await referralOf(config, member);
  if (facts.state !== "pending") return true;
  if (!(await check(status, purchase))) return false;
  const ledger = contract("PointsLedger", config.contracts.points);
  return Boolean(await send(status, { ...ledger, functionName: "setReferrer", args: [facts.referrer] }));
}
