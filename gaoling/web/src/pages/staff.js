// Staff page: for wallets holding FULFILMENT_ROLE on the vouchers contract. The kiln queue is
// public chain state; each move is the staff wallet's own transaction. What only the studio may
// see or compute comes from the service, each request signed in with SIWE and checked there
// against the role on chain: a voucher's confirmed shipping details (the label) and the salted
// tracking commitment that markShipped publishes. The browser never derives either itself.
import { keccak256, toHex } from "viem";
import { el, $, replace } from "../dom.js";
import { t } from "../i18n.js";
import { send, showStep } from "../tx.js";
import * as wallet from "../wallet.js";
import { contract, read, requireWallet } from "./common.js";
import { post, problemText } from "./service.js";
import { signIn } from "./siwe.js";

const FULFILMENT_ROLE = keccak256(toHex("FULFILMENT_ROLE"));
const STATEMENT = "Sign in to the Gaoling fulfilment staff page.";
const LABEL_FIELDS = ["name", "phone", "address", "city", "postcode", "country"];

export default async function staff(config) {
  const vouchers = contract("GaolingVouchers", config.contracts.vouchers);
  const status = $("#staff-status");
  const gate = $("#staff-gate");
  const label = $("#label");
  const endpoint = (template, id) => template.replace("{voucherId}", id.toString());

  function problem(error) {
    status.dataset.state = "error";
    status.dataset.error = error?.problem?.code || "unknown";
    replace(status, el("strong", { text: t("tx.failed") }), el("p", { class: "reason", text: problemText(error) }));
  }

  /** Asks the service with a fresh staff sign-in; the answer, or null after showing why not. */
  async function ask(template, id, extra = {}) {
    const proof = await signIn(status, STATEMENT, "/staff", `${config.service.base}/siwe/nonce`);
    if (!proof) return null;
    try {
      showStep(status, "staff.asking");
      const answer = await post(endpoint(template, id), { ...proof, ...extra });
      delete status.dataset.state;
      replace(status);
      return answer;
    } catch (error) {
      problem(error);
      return null;
    }
  }

  function closeLabel() {
    replace($("#label-body"));  // the recipient's details leave the page with the label
    label.hidden = true;
    delete document.body.dataset.print;
  }

  async function showLabel(id) {
    const answer = await ask(config.service.staffShipping, id);
    if (!answer) return;
    const d = answer.details;
    replace($("#label-body"),
      el("p", { class: "label-voucher", text: t("staff.labelVoucher", { id: id.toString() }) }),
      el("dl", { class: "attributes", "data-voucher": id.toString() },
        ...LABEL_FIELDS.filter((f) => d[f]).flatMap((f) => [el("dt", { text: t(`staff.fields.${f}`) }),
          el("dd", { class: `label-${f}`, text: d[f] })])));
    label.hidden = false;
    document.body.dataset.print = "label";
    $("#label-print").focus();
  }

  async function ship(id) {
    const tracking = $(`#tracking-${id}`).value.trim();
    if (!tracking) { showStep(status, "staff.trackingMissing"); status.dataset.state = "error"; $(`#tracking-${id}`).focus(); return; }
    const answer = await ask(config.service.staffTracking, id, { tracking });
    if (!answer) return;
    if (!await send(status, { ...vouchers, functionName: "markShipped", args: [id, answer.commitment] })) return;
    // The salt opens the commitment: staff pass it to the holder with the tracking number.
    $("#shipped").hidden = false;
    $("#shipped-list").append(el("li", { "data-voucher": id.toString() },
      el("span", { text: t("staff.shippedSalt", { id: id.toString() }) }), " ",
      el("code", { class: "tracking-salt", "data-salt": answer.salt, text: answer.salt })));
    await queue();
  }

  async function queue() {
    const total = await read(vouchers, "totalIssued");
    const items = [];
    for (let id = 1n; id <= total; id += 1n) {
      const v = await read(vouchers, "voucher", [id]);
      const state = Number(v.status);
      if (![1, 2, 3, 6].includes(state)) continue;
      const li = el("li", { "data-voucher": id.toString(), "data-status": String(state) },
        el("p", { text: t("custom.status", { id: id.toString(), status: t(`custom.states.${state}`) }) }));
      const move = (functionName, args) => async () => { if (await send(status, { ...vouchers, functionName, args })) await queue(); };
      const kiln = (cls, key) => [el("label", { for: `batch-${id}`, text: t("staff.batch") }), el("input", { id: `batch-${id}`, type: "number", min: 1, value: 1 }),
        el("button", { type: "button", class: cls, onclick: () => move("putInKiln", [id, BigInt($(`#batch-${id}`).value || "1")])() }, t(key))];
      if (state === 1) li.append(...kiln("to-kiln", "staff.toKiln"));
      if (state === 2) {
        li.append(el("label", { for: `photo-${id}`, text: t("staff.photoCid") }), el("input", { id: `photo-${id}`, type: "text" }),
          el("button", { type: "button", class: "fired", onclick: () => move("markFired", [id, $(`#photo-${id}`).value.trim()])() }, t("staff.fired")),
          // The reason is published in FiringFailed: the defect only, as `ape run fulfil failed` asks.
          el("label", { for: `reason-${id}`, text: t("staff.reason") }), el("input", { id: `reason-${id}`, type: "text", maxlength: 200, autocomplete: "off" }),
          el("button", { type: "button", class: "secondary failed", onclick: () => {
            const reason = $(`#reason-${id}`).value.trim();
            if (!reason) { showStep(status, "staff.reasonMissing"); status.dataset.state = "error"; $(`#reason-${id}`).focus(); return null; }
            return move("markFailed", [id, reason])();
          } }, t("staff.failed")));
      }
      if (state === 6) {
        // Failed: fire it again, or refund (the price to the holder's claim, the coupon back).
        li.append(...kiln("refire", "staff.refire"),
          el("button", { type: "button", class: "secondary refund", onclick: () => move("refund", [id])() }, t("staff.refund")));
      }
      if (state === 3) {
        li.append(el("label", { for: `tracking-${id}`, text: t("staff.tracking") }), el("input", { id: `tracking-${id}`, type: "text", autocomplete: "off" }),
          el("button", { type: "button", class: "shipped", onclick: () => ship(id) }, t("staff.shipped")),
          el("button", { type: "button", class: "secondary label", onclick: () => showLabel(id) }, t("staff.label")));
      }
      items.push(li);
    }
    replace($("#queue"), items.length ? items : [el("li", { class: "muted", text: t("me.nothing") })]);
  }

  async function check() {
    const member = requireWallet();
    $("#kiln").hidden = true;
    closeLabel();
    if (!member) { showStep(gate, "wallet.connectFirst"); return; }
    // A convenience only: the service refuses the staff data to anyone without the role.
    const allowed = await read(vouchers, "hasRole", [FULFILMENT_ROLE, member]);
    if (!allowed) { showStep(gate, "staff.denied"); gate.dataset.state = "denied"; return; }
    showStep(gate, "staff.allowed");
    gate.dataset.state = "allowed";
    $("#kiln").hidden = false;
    await queue();
  }
  $("#label-print").addEventListener("click", () => window.print());
  $("#label-close").addEventListener("click", closeLabel);
  $("#staff-signin").addEventListener("click", check);
  wallet.subscribe(() => check());
  await check();
}
