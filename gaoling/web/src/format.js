// Amounts in the chain's currency, dates in China Standard Time, countdowns from chain time.
import { formatEther } from "viem";
import { pageLang, t } from "./i18n.js";

export const CST = "Asia/Shanghai";

let currencySymbol = "ETH";
export function setCurrency(symbol) { currencySymbol = symbol; }

/** "0.02 ETH": trailing zeros dropped, the chain's own currency symbol. */
export function money(wei) {
  return `${formatEther(BigInt(wei))} ${currencySymbol}`;
}

/** A unix time as a CST date and time, e.g. "2026/12/03 20:00 CST". */
export function cstDate(seconds, lang = pageLang()) {
  const text = new Intl.DateTimeFormat(lang, {
    timeZone: CST, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    hour12: false,
  }).format(new Date(Number(seconds) * 1000));
  return `${text} CST`;
}

/** The CST day number of a unix time, as the points ledger counts it. */
export function cstDay(seconds) {
  return Math.floor((Number(seconds) + 8 * 3600) / 86400);
}

/** The CST calendar date (YYYY-MM-DD) of a CST day number. */
export function dayLabel(day) {
  return new Date(day * 86400 * 1000).toISOString().slice(0, 10);
}

/** "2 d 03:04:05" until `end` seen from `now` (both unix seconds). */
export function countdown(end, now) {
  let left = Math.max(0, Number(end) - Number(now));
  const days = Math.floor(left / 86400);
  left %= 86400;
  const pad = (n) => String(n).padStart(2, "0");
  const clock = `${pad(Math.floor(left / 3600))}:${pad(Math.floor((left % 3600) / 60))}:${pad(left % 60)}`;
  return days ? `${t("time.days", { n: days })} ${clock}` : clock;
}

export function shortAddress(address) {
  return address ? `${address.slice(0, 6)}…${address.slice(-4)}` : "";
}
