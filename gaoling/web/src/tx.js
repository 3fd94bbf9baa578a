// One flow for every transaction the page sends: simulate against the chain first (so a revert is
// explained before the wallet opens), then "confirm in wallet" -> "pending (hash)" -> "confirmed".
// Each step is written into the action's status region (role=status, aria-live), in the page's
// language; a revert reason is shown in both languages.
import { el, replace } from "./dom.js";
import { explain } from "./errors.js";
import { LANGS, pageLang, t } from "./i18n.js";
import * as wallet from "./wallet.js";

let explorer = "";
export function setExplorer(url) { explorer = url || ""; }

export function showError(status, error, address = null) {
  const why = explain(error, address);
  status.dataset.state = "error";
  if (why) {
    status.dataset.error = why.name;
    const lang = pageLang();
    const order = [lang, ...LANGS.filter((l) => l !== lang)];
    replace(status, el("strong", { text: t("tx.failed") }),
      ...order.map((l) => el("p", { class: "reason", lang: l, "data-lang": l, text: why.sentences[l] })));
  } else {
    status.dataset.error = "unknown";
    replace(status, el("strong", { text: t("tx.failed") }), el("p", { class: "reason", text: error?.shortMessage || error?.message || String(error) }));
  }
}

export function showStep(status, key, params = {}, extra = null) {
  status.dataset.state = key.split(".").pop();
  delete status.dataset.error;
  replace(status, el("span", { text: t(key, params) }), extra);
}

function hashLink(hash) {
  const short = `${hash.slice(0, 10)}…${hash.slice(-6)}`;
  return explorer
    ? el("a", { href: `${explorer.replace(/\/$/, "")}/tx/${hash}`, rel: "noopener", class: "hash", "data-hash": hash, text: short })
    : el("code", { class: "hash", "data-hash": hash, title: hash, text: short });
}

/** Simulates `call` as the connected wallet: false, with the decoded reason shown, when the chain
 * would refuse it (so that nothing is sent ahead of a purchase that cannot go through). */
export async function check(status, call) {
  try {
    showStep(status, "tx.checking");
    await wallet.reader().simulateContract({ ...call, account: wallet.current().address });
    return true;
  } catch (error) {
    showError(status, error, call.address);
    return false;
  }
}

/** Sends `call` ({address, abi, functionName, args, value}); returns the receipt, or null on failure. */
export async function send(status, call) {
  if (!wallet.onChainOk()) {
    showStep(status, wallet.current().address ? "wallet.wrongChain" : "wallet.connectFirst");
    status.dataset.state = "error";
    return null;
  }
  const account = wallet.current().address;
  try {
    showStep(status, "tx.checking");
    const { request } = await wallet.reader().simulateContract({ ...call, account });
    showStep(status, "tx.confirmInWallet");
    const hash = await wallet.writer().writeContract({ ...request, account, chain: null });
    showStep(status, "tx.pending", {}, hashLink(hash));
    const receipt = await wallet.reader().waitForTransactionReceipt({ hash, pollingInterval: 250 });
    if (receipt.status !== "success") throw new Error(t("tx.revertedOnChain"));
    showStep(status, "tx.confirmed", {}, hashLink(hash));
    wallet.changed(); // the wallet bar re-reads the balance
    return receipt;
  } catch (error) {
    showError(status, error, call.address);
    return null;
  }
}

/** Asks the wallet to sign EIP-712 typed data (shown in full by the wallet); null on refusal. */
export async function signTyped(status, typedData) {
  try {
    showStep(status, "tx.signInWallet");
    return await wallet.writer().signTypedData({ account: wallet.current().address, ...typedData });
  } catch (error) {
    showError(status, error);
    return null;
  }
}
