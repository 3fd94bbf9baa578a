// Daily check-in: one button signs the EIP-712 CheckIn(member, day) (no gas) and follows it from
// "queued" to "credited" through the service's relayer; a second button checks in directly with a
// transaction. The streak calendar shows this CST month from the ledger's CheckedIn events.
import { el, $, replace } from "../dom.js";
import { cstDay, dayLabel } from "../format.js";
import { t } from "../i18n.js";
import { send, showStep, signTyped } from "../tx.js";
import * as wallet from "../wallet.js";
import { chainNow, contract, read, requireWallet } from "./common.js";
import { chainFacts, follow, post, problemText } from "./service.js";

export default async function checkin(config) {
  const ledger = contract("PointsLedger", config.contracts.points);
  const status = $("#checkin-status");
  const facts = $("#checkin-facts");

  async function calendar(member, today) {
    const logs = await wallet.reader().getContractEvents({ ...ledger, eventName: "CheckedIn", args: { member }, fromBlock: BigInt(config.fromBlock || 0) });
    const days = new Set(logs.map((log) => Number(log.args.day)));
    const label = dayLabel(today);
    const first = today - (Number(label.slice(8, 10)) - 1);
    const cells = [];
    for (let day = first; dayLabel(day).slice(0, 7) === label.slice(0, 7); day += 1) {
      const checked = days.has(day);
      cells.push(el("span", { "data-day": day, "data-checked": checked || null, "aria-label": `${dayLabel(day)}${checked ? " ✓" : ""}`,
        text: String(Number(dayLabel(day).slice(8, 10))) }));
    }
    replace($("#calendar"), cells);
  }

  async function refresh() {
    const now = await chainNow();
    const today = cstDay(now);
    const member = requireWallet();
    const rows = [el("p", { text: t("checkin.today", { date: dayLabel(today) }) })];
    if (member) {
      const info = await read(ledger, "memberOf", [member]);
      const done = Number(info.lastCheckInDay) === today;
      rows.push(el("p", { class: "points", "data-points": info.points.toString(), text: t("me.points", { points: info.points.toString() }) }),
        el("p", { class: "streak", text: t("checkin.streak", { streak: info.streak.toString() }) }));
      if (done) rows.push(el("p", { "data-state": "checked-in", text: t("checkin.done") }));
      $("#checkin-sign").disabled = done;
      $("#checkin-direct").disabled = done;
      await calendar(member, today);
    }
    replace(facts, rows);
    return today;
  }

  $("#checkin-sign").addEventListener("click", async () => {
    const member = requireWallet();
    if (!member) { showStep(status, "wallet.connectFirst"); status.dataset.state = "error"; return; }
    const chain = await chainFacts(config);
    const day = cstDay(await chainNow());
    const domain = chain.domains.points;
    const signature = await signTyped(status, {
      domain, primaryType: "CheckIn",
      types: { CheckIn: [{ name: "member", type: "address" }, { name: "day", type: "uint256" }] },
      message: { member, day: BigInt(day) },
    });
    if (!signature) return;
    let accepted;
    try {
      accepted = await post(config.service.checkins, { member, day, signature, ledger: domain.verifyingContract, chainId: Number(domain.chainId) });
    } catch (error) {
      status.dataset.state = "error";
      replace(status, el("p", { class: "reason", text: problemText(error) }));
      return;
    }
    const before = (await read(ledger, "memberOf", [member])).points;
    await follow(config, accepted.id, (message) => {
      if (message.status === "queued") showStep(status, "checkin.queued", { id: accepted.id.slice(0, 8) });
      else if (message.status === "sent") showStep(status, "checkin.sent", {}, el("code", { class: "hash", text: String(message.txHash || "").slice(0, 12) }));
      else if (message.status === "rejected") { showStep(status, "checkin.rejected", { reason: message.reason || "" }); status.dataset.state = "error"; }
    });
    const after = (await read(ledger, "memberOf", [member])).points;
    if (after > before) { showStep(status, "checkin.credited", { points: (after - before).toString() }); status.dataset.state = "credited"; }
    await refresh();
  });

  $("#checkin-direct").addEventListener("click", async () => {
    if (await send(status, { ...ledger, functionName: "checkIn", args: [] })) await refresh();
  });
  wallet.subscribe(() => refresh());
  await refresh();
}
