// What every bundle starts with: reads the page config the server publishes (/web/config.json:
// chain, EIP-3085 parameters, contracts, service paths), starts wallet discovery, draws the wallet
// bar, and runs the module of the page named by <body data-page>. The collector pages' bundle
// (main.js) and the studio dashboard's (dashboard.js, which alone carries Chart.js) both call start().
import { el, $, replace } from "./dom.js";
import { money, setCurrency, shortAddress } from "./format.js";
import { t } from "./i18n.js";
import { setExplorer, showError } from "./tx.js";
import * as wallet from "./wallet.js";

async function drawWalletBar() {
  const bar = $("#wallet");
  if (!bar) return;
  const { address, chainId } = wallet.current();
  const status = el("p", { id: "wallet-status", role: "status", "aria-live": "polite" });
  if (!address) {
    const found = wallet.wallets();
    if (!found.length) {
      replace(bar, el("p", { class: "muted", "data-state": "no-wallet", text: t("wallet.none") }));
      return;
    }
    const buttons = found.map(({ info }) => el("button", {
      type: "button", class: "connect", "data-wallet": info.uuid,
      onclick: () => wallet.connect(info.uuid).catch((error) => showError(status, error)),
    }, info.icon && /^data:image\//.test(info.icon) ? el("img", { src: info.icon, alt: "", width: 20, height: 20 }) : null,
    t("wallet.connectWith", { name: info.name })));
    replace(bar, ...buttons, status);
    return;
  }
  const parts = [el("span", { class: "address", "data-address": address, title: address, text: shortAddress(address) })];
  if (chainId !== wallet.expectedChainId()) {
    parts.push(el("span", { class: "warn", "data-state": "wrong-chain", text: t("wallet.wrongChainNamed", { id: chainId }) }),
      el("button", { type: "button", id: "switch-chain", onclick: () => wallet.switchChain().catch((error) => showError(status, error)) },
        t("wallet.switch")));
  } else {
    const bal = await wallet.balance();
    parts.push(el("span", { class: "balance", "data-balance": bal.toString(), text: money(bal) }));
  }
  replace(bar, ...parts, status);
}

async function boot(pages) {
  const config = await (await fetch("/web/config.json", { headers: { Accept: "application/json" } })).json();
  setCurrency(config.chain.nativeCurrency.symbol);
  setExplorer(config.chain.blockExplorerUrls?.[0]);
  wallet.init(config);
  wallet.subscribe(() => drawWalletBar());
  wallet.onBalance(() => drawWalletBar());
  await drawWalletBar();
  await wallet.resume().catch(() => {});
  const page = pages[document.body.dataset.page];
  if (page) await page(config);
  document.body.dataset.ready = "1";
}

export function start(pages) {
  boot(pages).catch((error) => {
    document.body.dataset.ready = "error";
    const main = $("main");
    if (main) main.prepend(el("p", { class: "error", role: "alert", text: `${t("page.loadFailed")} ${error?.message || error}` }));
  });
}
