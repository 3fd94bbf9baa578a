// What several pages share: contract handles, the chain's clock, metadata through the gateway.
import ABIS from "../generated/abis.json";
import { ERROR_ABI, nameContract } from "../errors.js";
import * as wallet from "../wallet.js";

/** {address, abi} for viem calls; the ABI carries every platform error so reverts decode. */
export function contract(name, address) {
  nameContract(address, name);
  return { address, abi: [...ABIS[name], ...ERROR_ABI] };
}

export async function read(handle, functionName, args = []) {
  return wallet.reader().readContract({ ...handle, functionName, args });
}

/** Unix seconds of the latest block: countdowns follow the chain's clock, not the device's. */
export async function chainNow() {
  const block = await wallet.reader().getBlock({ blockTag: "latest" });
  return Number(block.timestamp);
}

/** ipfs://CID/path -> the service's gateway path; other URLs pass through safeUrl later. */
export function gatewayUrl(config, uri) {
  if (typeof uri !== "string") return null;
  if (uri.startsWith("ipfs://")) return `${config.ipfsGateway.replace(/\/$/, "")}/${uri.slice(7)}`;
  return uri;
}

export async function fetchJson(url, options = {}) {
  const response = await fetch(url, { ...options, headers: { Accept: "application/json", ...(options.headers || {}) } });
  // Integers beyond 2^53 (attestation nonces) stay exact: kept as their decimal text.
  const body = await response.text().then((text) => JSON.parse(text, (_key, value, context) =>
    (typeof value === "number" && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? "") ? context.source : value)))
    .catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.detail || body?.title || `HTTP ${response.status}`);
    error.status = response.status;
    error.problem = body;
    throw error;
  }
  return body;
}

export async function metadata(config, uri) {
  const url = gatewayUrl(config, uri);
  try { return url ? await fetchJson(url) : null; } catch { return null; }
}

/** Repeats `fn` every `ms` while the page is open (one timer per page). */
export function every(ms, fn) {
  fn();
  return setInterval(fn, ms);
}

export function requireWallet() {
  const { address } = wallet.current();
  return address && wallet.onChainOk() ? address : null;
}

/** Text of a bilingual metadata field ({zh-CN, en} or "zh / en" strings) for the page language. */
export function localized(value, lang) {
  if (value && typeof value === "object") return value[lang] ?? value["zh-CN"] ?? value.en ?? "";
  return value ?? "";
}
