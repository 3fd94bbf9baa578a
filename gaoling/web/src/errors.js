// Revert reasons: the table of every custom error the platform's contracts can raise is generated
// from their ABIs at build time (gaoling/web/build.py -> generated/errors.json). A revert's data is
// decoded against it and shown as a sentence from each language's catalogue; an error without a
// sentence of its own still shows its name and decoded arguments.
import { decodeErrorResult, isHex } from "viem";
import ERRORS from "./generated/errors.json";
import { LANGS, has, t } from "./i18n.js";
import { cstDate, money } from "./format.js";

export const ERROR_ABI = ERRORS.map(({ type, name, inputs }) => ({ type, name, inputs }));

const MONEY = /^(expected|sent|amount|minimum|minimumBid|price|value|balance|needed|required|paid|reserve|bid|min|max)$/;
const BY_NAME = new Map(ERRORS.map((e) => [e.name, e]));
const CONTRACT_NAMES = new Map(); // lower-case address -> contract name, for "{contract}" in sentences
export function nameContract(address, name) { CONTRACT_NAMES.set(address.toLowerCase(), name); }
const TIME = /(At|Time|expiry|deadline|start|end)$/;

function revertData(error) {
  let found = null;
  let node = error;
  for (let depth = 0; node && depth < 12 && !found; depth += 1) {
    for (const candidate of [node.data, node.data?.data, node.error?.data, node.raw]) {
      if (typeof candidate === "string" && isHex(candidate) && candidate.length >= 10) { found = candidate; break; }
    }
    node = node.cause ?? node.error;
  }
  return found;
}

function show(name, value, lang) {
  if (typeof value === "bigint") {
    if (MONEY.test(name)) return money(value);
    if (TIME.test(name) && value > 1_000_000_000n && value < 10_000_000_000n) return cstDate(value, lang);
    return value.toString();
  }
  return String(value);
}

/** {name, args, sentences: {zh-CN, en}} for a failed call to `address`; null when it is not a revert.
 * The sentence is the page catalogue's `errors.<Name>` where the page words it for collectors,
 * else the platform table's own sentence for that error. */
export function explain(error, address = null) {
  const code = error?.code ?? error?.cause?.code ?? error?.walk?.((e) => e?.code === 4001)?.code;
  if (code === 4001 || /User (rejected|denied)/i.test(error?.message || "")) {
    return { name: "UserRejected", args: {}, sentences: Object.fromEntries(LANGS.map((l) => [l, t("errors._rejected", {}, l)])) };
  }
  const decodedByViem = error?.walk?.((e) => e?.data?.errorName)?.data;
  let decoded = decodedByViem ? { errorName: decodedByViem.errorName, args: decodedByViem.args, abiItem: decodedByViem.abiItem } : null;
  if (!decoded) {
    const data = revertData(error);
    if (data) {
      try { decoded = decodeErrorResult({ abi: ERROR_ABI, data }); } catch { decoded = null; }
    }
  }
  if (!decoded) return null;
  const inputs = decoded.abiItem?.inputs || [];
  const args = decoded.args || [];
  const sentences = {};
  for (const lang of LANGS) {
    const named = {};
    inputs.forEach((input, i) => { named[input.name || `arg${i}`] = show(input.name || "", args[i], lang); });
    if (decoded.errorName === "Error") named.reason = String(args[0]);
    named.contract = (address && CONTRACT_NAMES.get(address.toLowerCase())) || BY_NAME.get(decoded.errorName)?.contracts?.[0] || "";
    const key = `errors.${decoded.errorName}`;
    const fromTable = BY_NAME.get(decoded.errorName)?.[lang];
    sentences[lang] = has(key, lang) ? t(key, named, lang)
      : fromTable ? fromTable.replace(/\{(\w+)\}/g, (whole, n) => (n in named ? named[n] : whole))
        : t("errors._generic", { name: decoded.errorName, args: Object.entries(named).map(([k, v]) => `${k} = ${v}`).join(", ") }, lang);
  }
  return { name: decoded.errorName, args: decoded.args, sentences };
}
