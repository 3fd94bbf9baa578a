// The platform service's API as the page uses it: chain facts and EIP-712 domains, relayed
// messages and their progress (queued -> sent -> confirmed | rejected).
import { fetchJson } from "./common.js";
import { pageLang } from "../i18n.js";

let chainInfo = null;

export async function chainFacts(config) {
  chainInfo ||= await fetchJson(`${config.service.base}/chain`);
  return chainInfo;
}

export async function post(url, body) {
  return fetchJson(url, { method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "Accept-Language": pageLang() } });
}

/** Polls a relayed message until it is confirmed or rejected; calls onStep on every change. */
export async function follow(config, id, onStep, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    const message = await fetchJson(`${config.service.base}/messages/${id}`);
    if (message.status !== last) { last = message.status; onStep(message); }
    if (message.status === "confirmed" || message.status === "rejected") return message;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  return null;
}

/** "detail" of an RFC 9457 problem, in the page language (the service answers Accept-Language). */
export function problemText(error) {
  return error?.problem?.detail || error?.message || String(error);
}
