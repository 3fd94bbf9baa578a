// Physical customization: buy a voucher for a customizable piece (eligibility explained when it is
// missing), redeem it with a glaze coupon and the shipping form (sent only to the service, which
// returns the commitment for the redeem transaction), track it through the kiln, confirm delivery,
// and claim a refund after a failed firing.
import { el, $, replace } from "../dom.js";
import { money } from "../format.js";
import { pageLang, t } from "../i18n.js";
import { send, showStep, signTyped } from "../tx.js";
import * as wallet from "../wallet.js";
import { contract, gatewayUrl, read, requireWallet } from "./common.js";
import { chainFacts, post, problemText } from "./service.js";
import { glazes } from "./coupons.js";
import { recordReferrer } from "./referral.js";

const SHIPPING_INTAKE = { ShippingIntake: [{ name: "holder", type: "address" }, { name: "voucherId", type: "uint256" },
  { name: "issuedAt", type: "uint256" }] };

/** The form's shipping fields, read at the moment they are sent (never stored). */
function shippingDetails(form) {
  const value = (name) => String(form.elements[name].value || "").trim();
  const details = { name: value("name"), phone: value("phone"), address: value("address"), city: value("city"), country: "CN" };
  if (value("postcode")) details.postcode = value("postcode");
  return details;
}

export default async function custom(config) {
  const lang = pageLang();
  const vouchers = contract("GaolingVouchers", config.contracts.vouchers);
  const cert = contract("FiringCertificate", config.contracts.certificate);
  const coupons = contract("GlazeCoupons", config.contracts.coupons);
  const status = $("#custom-status");

  async function owned(member) {
    const out = [];
    for (const c of config.editions) {
      const edition = contract("GaolingEdition", c.address);
      const logs = await wallet.reader().getContractEvents({ ...edition, eventName: "Transfer", args: { to: member }, fromBlock: BigInt(config.fromBlock || 0) });
      for (const id of new Set(logs.map((l) => l.args.tokenId))) {
        if ((await read(edition, "ownerOf", [id]).catch(() => null)) !== member) continue;
        const [used, allowance] = await read(vouchers, "allowanceOf", [c.address, id]);
        const ranges = await read(vouchers, "ranges", [c.address]);
        const range = ranges.find((r) => r.open && r.fromTokenId <= id && id <= r.toTokenId);
        out.push({ collection: c, id, customizable: allowance > used && Boolean(range), price: range?.price ?? 0n });
      }
    }
    return out;
  }

  function redeemForm(voucherId, glazeList) {
    const form = el("form", { class: "redeem", "data-voucher": voucherId.toString(), novalidate: true, autocomplete: "off" },
      el("label", { for: `glaze-${voucherId}`, text: t("custom.glaze") }),
      el("select", { id: `glaze-${voucherId}`, name: "glaze", required: true },
        glazeList.filter((g) => g.held > 0n).map((g) => el("option", { value: g.id.toString(), text: lang === "en" ? g.nameEn : g.nameZh }))),
      el("label", { for: `name-${voucherId}`, text: t("custom.name") }),
      el("input", { id: `name-${voucherId}`, name: "name", required: true, maxlength: 100, autocomplete: "off" }),
      el("label", { for: `phone-${voucherId}`, text: t("custom.phone") }),
      el("input", { id: `phone-${voucherId}`, name: "phone", type: "tel", required: true, minlength: 5, maxlength: 32, autocomplete: "off" }),
      el("label", { for: `address-${voucherId}`, text: t("custom.address") }),
      el("textarea", { id: `address-${voucherId}`, name: "address", required: true, maxlength: 300, autocomplete: "off" }),
      el("label", { for: `city-${voucherId}`, text: t("custom.city") }),
      el("input", { id: `city-${voucherId}`, name: "city", required: true, maxlength: 100, autocomplete: "off" }),
      el("label", { for: `postcode-${voucherId}`, text: t("custom.postcode") }),
      el("input", { id: `postcode-${voucherId}`, name: "postcode", maxlength: 16, inputmode: "numeric", autocomplete: "off" }),
      el("button", { type: "submit", text: t("custom.send") }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.checkValidity()) { form.reportValidity(); return; }
      const holder = requireWallet();
      if (!holder) { showStep(status, "wallet.connectFirst"); status.dataset.state = "error"; return; }
      const glaze = BigInt(form.elements.glaze.value);
      // The holder signs ShippingIntake(holder, voucherId, issuedAt) in the vouchers' EIP-712 domain;
      // the details go only to the service, which seals them and answers the commitment for redeem.
      const domain = (await chainFacts(config)).domains.vouchers;
      const issuedAt = Math.floor(Date.now() / 1000);
      const signature = await signTyped(status, { domain, primaryType: "ShippingIntake", types: SHIPPING_INTAKE,
        message: { holder, voucherId, issuedAt: BigInt(issuedAt) } });
      if (!signature) return;
      let intake;
      try {
        intake = await post(config.service.shipping, { voucherId: Number(voucherId), holder, issuedAt, signature, details: shippingDetails(form) });
      } catch (error) {
        // the fields stay so the collector can correct the one the service named
        status.dataset.state = "error";
        replace(status, el("p", { class: "reason", text: error.status === 404 || error.status === 405 ? t("page.serviceMissing") : problemText(error) }));
        return;
      }
      // Accepted: nothing personal stays in the page (the fields are emptied, no copy is kept).
      form.reset();
      form.hidden = true;
      const { commitment } = intake;
      intake = null;
      showStep(status, "custom.sent");
      if (await send(status, { ...vouchers, functionName: "redeem", args: [voucherId, glaze, commitment] })) await refresh();
      else form.hidden = false;
    });
    return form;
  }

  async function refresh() {
    const member = requireWallet();
    if (!member) return;
    const certified = await read(cert, "hasCertificate", [member]);
    const pieces = await owned(member);
    const eligible = pieces.filter((p) => p.customizable);
    const why = [];
    if (!certified) why.push(el("p", { class: "warn", "data-missing": "certificate", text: t("custom.needCertificate") }));
    if (!eligible.length) why.push(el("p", { class: "warn", "data-missing": "piece", text: t("custom.needPiece") }));
    if (!why.length) why.push(el("p", { "data-eligible": "1", text: t("custom.eligible") }), el("p", { text: t("custom.price", { price: money(eligible[0].price) }) }));
    replace($("#eligibility"), why);
    replace($("#buy-token"), eligible.map((p) => el("option", { value: `${p.collection.address}:${p.id}`, "data-price": p.price.toString(), text: `${t(`collections.${p.collection.key}`)} #${p.id}` })));
    $("#buy-form").hidden = !eligible.length;

    const glazeList = [];
    for (const g of await glazes(coupons)) glazeList.push({ ...g, held: await read(coupons, "balanceOf", [member, g.id]) });
    const total = await read(vouchers, "totalIssued");
    const items = [];
    for (let id = 1n; id <= total; id += 1n) {
      if ((await read(vouchers, "ownerOf", [id]).catch(() => null)) !== member) continue;
      const v = await read(vouchers, "voucher", [id]);
      const state = Number(v.status);
      const li = el("li", { "data-voucher": id.toString(), "data-status": String(state) },
        el("p", { text: t("custom.status", { id: id.toString(), status: t(`custom.states.${state}`) }) }));
      if (state === 0) li.append(redeemForm(id, glazeList));
      if (state === 4) li.append(el("button", { type: "button", class: "confirm", onclick: async () => { if (await send(status, { ...vouchers, functionName: "confirmDelivery", args: [id] })) await refresh(); } }, t("custom.confirm")));
      if (state === 6 || state === 7) {
        // The studio's published reason (the latest failure: a re-fired piece may have failed before).
        const failures = await wallet.reader().getContractEvents({ ...vouchers, eventName: "FiringFailed", args: { tokenId: id }, fromBlock: BigInt(config.fromBlock || 0) });
        if (failures.length) li.append(el("p", { class: "failure-reason", text: t("custom.failureReason", { reason: failures.at(-1).args.reason }) }));
        li.append(el("p", { class: "muted", text: state === 6 ? t("custom.failedNext") : t("custom.refunded", { amount: money(v.price) }) }));
      }
      const photo = await wallet.reader().getContractEvents({ ...vouchers, eventName: "PieceFired", args: { tokenId: id }, fromBlock: BigInt(config.fromBlock || 0) });
      if (photo.length) {
        const src = gatewayUrl(config, `ipfs://${photo[0].args.photoCid}`);
        li.append(el("img", { src, alt: t("custom.photo"), width: 240, height: 240 }));
      }
      items.push(li);
    }
    replace($("#vouchers"), items.length ? items : [el("li", { class: "muted", text: t("me.nothing") })]);
    const refund = await read(vouchers, "refundOf", [member]);
    if (refund > 0n) {
      $("#vouchers").append(el("li", {}, el("p", { "data-refund": refund.toString(), text: t("custom.refundDue", { amount: money(refund) }) }),
        el("button", { type: "button", id: "claim-refund", onclick: async () => { if (await send(status, { ...vouchers, functionName: "claimRefund", args: [] })) await refresh(); } }, t("custom.claimRefund"))));
    }
  }

  $("#buy-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const option = $("#buy-token").selectedOptions[0];
    if (!option) return;
    const [collection, id] = option.value.split(":");
    const call = { ...vouchers, functionName: "buy", args: [collection, BigInt(id)], value: BigInt(option.dataset.price) };
    if (!(await recordReferrer(config, status, wallet.current().address, call))) return;  // ?ref= before a first purchase
    if (await send(status, call)) await refresh();
  });
  wallet.subscribe(() => refresh());
  await refresh();
}
