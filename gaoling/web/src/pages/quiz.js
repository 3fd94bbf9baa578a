// Firing quiz: questions come from the platform service (drawn from the bank, in the page
// language, without answers) and are graded there; on a pass the certificate is relayed or minted
// by the collector with the returned attestation.
import { el, $, replace } from "../dom.js";
import { pageLang, t } from "../i18n.js";
import { send, showStep } from "../tx.js";
import { contract, requireWallet } from "./common.js";
import { post, problemText } from "./service.js";
import { cstDate } from "../format.js";

export default async function quiz(config) {
  const status = $("#quiz-status");
  const box = $("#quiz");
  const lang = pageLang();
  $("#quiz-start").addEventListener("click", async () => {
    const member = requireWallet();
    if (!member) { showStep(status, "wallet.connectFirst"); status.dataset.state = "error"; return; }
    let attempt;
    try {
      attempt = await post(`${config.service.quiz}/attempts`, { member, lang });
    } catch (error) {
      status.dataset.state = "error";
      replace(status, el("p", { class: "reason", text: error.status === 404 || error.status === 405 ? t("page.serviceMissing") : problemText(error) }));
      return;
    }
    const form = el("form", { class: "quiz", id: "quiz-form", novalidate: true });
    attempt.questions.forEach((q, i) => {
      form.append(el("fieldset", {},
        el("legend", { text: `${t("quiz.question", { n: i + 1 })}: ${q.text}` }),
        ...q.choices.map((choice, j) => el("label", {},
          el("input", { type: "radio", name: `q${i}`, value: j, required: true }), " ", choice))));
    });
    form.append(el("button", { type: "submit", text: t("quiz.submit") }));
    replace(box, form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answers = attempt.questions.map((_, i) => Number(new FormData(form).get(`q${i}`)));
      let result;
      try { result = await post(`${config.service.quiz}/attempts/${attempt.id}/answers`, { member, answers }); } catch (error) {
        status.dataset.state = "error"; replace(status, el("p", { class: "reason", text: problemText(error) })); return;
      }
      const rows = [el("p", { "data-passed": String(result.passed), text: t(result.passed ? "quiz.passed" : "quiz.failed", { score: result.score, total: result.total }) })];
      for (const wrong of result.wrong || []) rows.push(el("p", { class: "explanation", text: t("quiz.explanation", { text: wrong.explanation }) }));
      if (result.cooldownUntil) rows.push(el("p", { class: "cooldown", text: t("quiz.cooldown", { date: cstDate(result.cooldownUntil, lang) }) }));
      if (result.passed && result.attestation) {
        const cert = contract("FiringCertificate", config.contracts.certificate);
        rows.push(el("button", { type: "button", id: "mint-certificate", onclick: () => send(status, { ...cert, functionName: "mint", args: [result.attestation.pass, result.attestation.signature] }) }, t("quiz.mint")));
      }
      replace(box, rows);
    });
  });
}
