// Staff page: only for wallets holding FULFILMENT_ROLE on the vouchers contract (checked on chain).
// The kiln queue, and moving vouchers through their states with the staff wallet's own
// transactions; a printable shipping label.
import { keccak256, toHex } from "viem";
import { el, $, replace } from "../dom.js";
import { t } from "../i18n.js";
import { send, showStep } from "../tx.js";
import * as wallet from "../wallet.js";
import { contract, read, requireWallet } from "./common.js";

const FULFILMENT_ROLE = keccak256(toHex("FULFILMENT_ROLE"));

export default async function staff(config) {
  const vouchers = contract("GaolingVouchers", config.contracts.vouchers);
  const status = $("#staff-status");
  const gate = $("#staff-gate");

  async function queue() {
    const total = await read(vouchers, "totalIssued");
    const items = [];
    for (let id = 1n; id <= total; id += 1n) {
      const v = await read(vouchers, "voucher", [id]);
      const state = Number(v.status);
      if (![1, 2, 3].includes(state)) continue;
      const li = el("li", { "data-voucher": id.toString(), "data-status": String(state) },
        el("p", { text: t("custom.status", { id: id.toString(), status: t(`custom.states.${state}`) }) }));
      const move = (functionName, args) => async () => { if (await send(status, { ...vouchers, functionName, args })) await queue(); };
      if (state === 1) {
        li.append(el("label", { for: `batch-${id}`, text: t("staff.batch") }), el("input", { id: `batch-${id}`, type: "number", min: 1, value: 1 }),
          el("button", { type: "button", class: "to-kiln", onclick: () => move("putInKiln", [id, BigInt($(`#batch-${id}`).value || "1")])() }, t("staff.toKiln")));
      }
      if (state === 2) {
        li.append(el("label", { for: `photo-${id}`, text: t("staff.photoCid") }), el("input", { id: `photo-${id}`, type: "text" }),
          el("button", { type: "button", class: "fired", onclick: () => move("markFired", [id, $(`#photo-${id}`).value.trim()])() }, t("staff.fired")));
      }
      if (state === 3) {
        li.append(el("label", { for: `tracking-${id}`, text: t("staff.tracking") }), el("input", { id: `tracking-${id}`, type: "text" }),
          el("button", { type: "button", class: "shipped", onclick: () => {
            const tracking = $(`#tracking-${id}`).value.trim();
            return move("markShipped", [id, keccak256(toHex(`${tracking}:${id}`))])();
          } }, t("staff.shipped")),
          el("button", { type: "button", class: "secondary", onclick: () => window.print() }, t("staff.label")));
      }
      items.push(li);
    }
    replace($("#queue"), items.length ? items : [el("li", { class: "muted", text: t("me.nothing") })]);
  }

  async function check() {
    const member = requireWallet();
    $("#kiln").hidden = true;
    if (!member) { showStep(gate, "wallet.connectFirst"); return; }
    const allowed = await read(vouchers, "hasRole", [FULFILMENT_ROLE, member]);
    if (!allowed) { showStep(gate, "staff.denied"); gate.dataset.state = "denied"; return; }
    showStep(gate, "staff.allowed");
    gate.dataset.state = "allowed";
    $("#kiln").hidden = false;
    await queue();
  }
  $("#staff-signin").addEventListener("click", check);
  wallet.subscribe(() => check());
  await check();
}
