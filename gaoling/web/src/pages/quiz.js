// Firing quiz: the collector signs QuizStart(holder, issuedAt) in the certificate's EIP-712 domain
// (the wallet shows it in full; no gas); the service draws the questions from the bank in the page
// language, without answers, and grades the submitted positions. The result explains each wrong
// answer. A failed result shows the cooldown at once: until when (CST) and a countdown on chain
// time; it counts from the attempt's start (the grader's rule), and a start the service refuses
// shows the end the service names. On a pass the certificate is minted by the collector with the
// returned attestation, or followed through the service's relayer.
import { el, $, replace } from "../dom.js";
import { pageLang, t } from "../i18n.js";
import { send, showStep, signTyped } from "../tx.js";
import * as wallet from "../wallet.js";
import { chainNow, contract, read, requireWallet } from "./common.js";
import { chainFacts, follow, post, problemText } from "./service.js";
import { countdown, cstDate } from "../format.js";

const QUIZ_START = { QuizStart: [{ name: "holder", type: "address" }, { name: "issuedAt", type: "uint256" }] };

export default async function quiz(config) {
  const status = $("#quiz-status");
  const box = $("#quiz");
  const lang = pageLang();
  const cert = contract("FiringCertificate", config.contracts.certificate);

  let ticking = null;
  /** "You may try again after <CST date>" and a countdown to it, ticking from the chain's clock. */
  async function showCooldown(retryAt) {
    clearInterval(ticking);
    const base = await chainNow();
    const since = Date.now();
    const clock = el("p", { class: "countdown" });
    status.dataset.state = "cooldown";
    replace(status, el("p", { class: "cooldown", "data-retry-at": String(retryAt), text: t("quiz.cooldown", { date: cstDate(retryAt, lang) }) }), clock);
    const tick = () => {
      const now = base + Math.floor((Date.now() - since) / 1000);
      if (now >= retryAt) { clock.textContent = t("quiz.cooldownOver"); clearInterval(ticking); return; }
      clock.textContent = t("quiz.countdown", { left: countdown(retryAt, now) });
    };
    tick();
    ticking = setInterval(tick, 1000);
  }

  function refused(error) {
    clearInterval(ticking);
    status.dataset.state = "error";
    const retryAt = error?.problem?.retryAt;
    if (retryAt) {
      showCooldown(Number(retryAt));
    } else {
      replace(status, el("p", { class: "reason", text: error?.status === 404 || error?.status === 405 ? t("page.serviceMissing") : problemText(error) }));
    }
  }

  async function certified(holder) {
    const held = await read(cert, "hasCertificate", [holder]);
    if (held) { status.dataset.state = "certified"; replace(status, el("p", { "data-certified": "1", text: t("quiz.certified") })); }
    return held;
  }

  $("#quiz-start").addEventListener("click", async () => {
    const holder = requireWallet();
    if (!holder) { showStep(status, "wallet.connectFirst"); status.dataset.state = "error"; return; }
    if (await certified(holder)) return;
    const domain = (await chainFacts(config)).domains.certificate;
    const issuedAt = Math.floor(Date.now() / 1000);  // the service checks freshness against its own clock
    const signature = await signTyped(status, { domain, primaryType: "QuizStart", types: QUIZ_START,
      message: { holder, issuedAt: BigInt(issuedAt) } });
    if (!signature) return;
    let attempt;
    try { attempt = await post(`${config.service.quiz}/attempts`, { holder, issuedAt, signature, lang }); } catch (error) { refused(error); return; }
    clearInterval(ticking);
    replace(status);
    delete status.dataset.state;
    const form = el("form", { class: "quiz", id: "quiz-form", "data-attempt": attempt.attemptId, novalidate: true });
    attempt.questions.forEach((q, i) => {
      form.append(el("fieldset", { "data-question": q.id },
        el("legend", { text: `${t("quiz.question", { n: i + 1 })}: ${q.question}` }),
        ...q.choices.map((choice, j) => el("label", {},
          el("input", { type: "radio", name: `q${i}`, value: j, required: true }), " ", choice))));
    });
    form.append(el("button", { type: "submit", text: t("quiz.submit") }));
    replace(box, form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const answers = attempt.questions.map((_, i) => (data.get(`q${i}`) === null ? null : Number(data.get(`q${i}`))));
      let result;
      try { result = await post(`${config.service.quiz}/attempts/${attempt.attemptId}/answers`, { answers }); } catch (error) { refused(error); return; }
      const rows = [el("p", { class: "result", "data-passed": String(result.passed), text: t(result.passed ? "quiz.passed" : "quiz.failed", { score: result.correct, total: result.total }) })];
      result.results.forEach((r, i) => {
        if (!r.correct) rows.push(el("p", { class: "explanation", "data-question": r.id, text: `${t("quiz.question", { n: i + 1 })} — ${t("quiz.explanation", { text: r.explanation || "" })}` }));
      });
      if (!result.passed) rows.push(el("p", { class: "muted", text: t("quiz.retry") }));
      replace(box, rows);
      if (!result.passed) await showCooldown(result.retryAt);
      if (result.attestation) {
        const p = result.attestation.quiz_pass;
        const pass = { holder: p.holder, quizVersion: BigInt(p.quiz_version), score: BigInt(p.score), expiry: BigInt(p.expiry), nonce: BigInt(p.nonce) };
        box.append(el("button", { type: "button", id: "mint-certificate", onclick: async () => {
          if (await send(status, { ...cert, functionName: "mint", args: [pass, result.attestation.signature] })) await certified(holder);
        } }, t("quiz.mint")));
      } else if (result.mint) {
        showStep(status, "quiz.relayed");
        const done = await follow(config, result.mint.id, () => {});
        if (done?.status === "confirmed") await certified(holder);
        else { status.dataset.state = "error"; replace(status, el("p", { class: "reason", text: done?.reason || t("quiz.relayFailed") })); }
      } else if (result.passed) {
        replace(status, el("p", { class: "muted", text: t("quiz.noAttester") }));
      }
    });
  });
  const showHeld = async () => { const holder = requireWallet(); if (holder) await certified(holder); };
  wallet.subscribe(showHeld);
  await showHeld();
}
