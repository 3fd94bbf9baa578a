// The studio dashboard: the six analytics reports of the service (/api/v1/analytics), the same
// numbers as `ape run analytics report`, drawn with Chart.js. One Sign-In with Ethereum by a wallet
// holding the admin role opens a short session (its token stays in this page's memory only); every
// text comes from the message catalogues by the stable keys the service sends with each report.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "chart.js";
import { el, $, replace } from "../dom.js";
import { money, shortAddress } from "../format.js";
import { has, pageLang, t } from "../i18n.js";
import { showStep } from "../tx.js";
import * as wallet from "../wallet.js";
import { fetchJson } from "./common.js";
import { post, problemText } from "./service.js";
import { signIn } from "./siwe.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const STATEMENT = "Sign in to the Gaoling studio dashboard.";
// Distinguishable colours, each at least 3:1 against the white chart background.
const PALETTE = ["#1d4f91", "#b0361f", "#1f6b3a", "#8a5a00", "#6b3fa0", "#00737f", "#4a5565"];
const MAX_ROWS = 50;
const MAX_TOTAL_ENTRIES = 12;

/** Numbers as the terminal tables print them: integers whole, others to 4 decimals. */
function number(value) {
  if (typeof value !== "number") return value ?? "";
  return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
}

const valueLabel = (value) => (typeof value === "string" && has(`dashboard.values.${value}`) ? t(`dashboard.values.${value}`) : value);
const titled = (key, fallback) => (has(`dashboard.titles.${key}`) ? t(`dashboard.titles.${key}`) : fallback);

function columnLabel(key, text) {
  if (has(`dashboard.columns.${key}`)) return t(`dashboard.columns.${key}`);
  const week = /^week (\d+) %$/.exec(text);
  return week ? t("dashboard.weekN", { n: week[1] }) : text;  // "<collection> ETH" stays as it is
}

const perWallet = (value) => Object.keys(value).some((k) => /^0x[0-9a-fA-F]{40}$/.test(k));

function totalValue(key, value) {
  if (key.endsWith("_wei")) return money(value);
  if (key === "royalty_share_of_resale") return `${number(100 * value)} %`;
  // Per-wallet totals (points of every member) show as their sum; the tables have the wallets.
  if (value && typeof value === "object" && perWallet(value)) return number(Object.values(value).reduce((a, v) => a + Number(v), 0));
  if (value && typeof value === "object") {
    return el("ul", { class: "plain" }, Object.entries(value).map(([k, v]) => el("li", { text: `${valueLabel(k)}: ${number(v)}` })));
  }
  return number(value);
}

function totals(report) {
  const entries = Object.entries(report.totals).filter(([, v]) => v != null
    && (typeof v !== "object" || perWallet(v) || (Object.keys(v).length && Object.keys(v).length <= MAX_TOTAL_ENTRIES)));
  return el("dl", { class: "totals" }, entries.map(([key, value]) => el("div", {},
    el("dt", { text: has(`dashboard.totals.${key}`) ? t(`dashboard.totals.${key}`) : key }),
    el("dd", { "data-total": key, "data-value": typeof value === "object" ? JSON.stringify(value) : String(value) },
      totalValue(key, value)))));
}

function table(caption, columns, rows, id) {
  const shown = rows.slice(0, MAX_ROWS);
  return el("div", { class: "table-wrap", role: "region", tabindex: 0, "aria-labelledby": id },
    el("table", {},
      el("caption", { id, text: caption }),
      el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col", text: c })))),
      el("tbody", {}, shown.map((row) => el("tr", {}, row.map((cell) => el("td", {
        class: typeof cell === "number" ? "num" : null, text: number(cell) })))))),
    rows.length > MAX_ROWS ? el("p", { class: "muted", text: t("dashboard.firstRows", { shown: MAX_ROWS, total: rows.length }) }) : null);
}

/** A chart, its caption, and the same numbers as a table (what a screen reader reads). */
function figure(report, chart, index) {
  const id = `chart-${report.name}-${index}`;
  const title = titled(chart.key, chart.title);
  const labels = chart.data.labels.map(valueLabel);
  const datasets = chart.data.datasets.map((d) => ({ ...d, label: valueLabel(d.label) }));
  const canvas = el("canvas", { role: "img", "aria-label": `${title}. ${t("dashboard.seeTable")}` });
  const rows = labels.map((label, i) => [label, ...datasets.map((d) => d.data[i])]);
  const node = el("figure", { class: "chart", "data-chart": chart.key, "aria-labelledby": `${id}-c` },
    el("figcaption", { id: `${id}-c`, text: title }),
    el("div", { class: "chart-box" }, canvas),
    el("details", {}, el("summary", { text: t("dashboard.chartData") }),
      table(title, [t("dashboard.label"), ...datasets.map((d) => d.label)], rows, `${id}-t`)));
  return { node, draw: () => {
    const chartObject = new Chart(canvas, {
      type: chart.type,
      data: { labels, datasets: datasets.map((d, i) => ({ label: d.label, data: d.data.map(Number),
        backgroundColor: PALETTE[i % PALETTE.length], borderColor: PALETTE[i % PALETTE.length] })) },
      options: { animation: false, responsive: true, maintainAspectRatio: false, locale: pageLang(),
        plugins: { legend: { display: datasets.length > 1 } }, scales: { y: { beginAtZero: true } } },
    });
    canvas.dataset.rendered = "1";
    return chartObject;
  } };
}

function section(report) {
  const id = `report-${report.name}`;
  const figures = report.charts.map((chart, i) => figure(report, chart, i));
  const node = el("section", { class: "report", id, "data-report": report.name, "aria-labelledby": `${id}-h` },
    el("h2", { id: `${id}-h`, text: t(`dashboard.reports.${report.name}`) }),
    totals(report),
    el("div", { class: "charts" }, figures.map((f) => f.node)),
    report.tables.length ? el("details", { class: "tables" }, el("summary", { text: t("dashboard.tables") }),
      report.tables.map((tb, i) => table(titled(tb.key, tb.title),
        tb.columns.map((c, j) => columnLabel(tb.columnKeys[j], c)), tb.rows, `${id}-table-${i}`))) : null);
  return { node, draw: () => figures.map((f) => f.draw()) };
}

export default async function dashboard(config) {
  const base = config.service.analytics;
  const status = $("#dash-status");
  let session = null;   // {token, address, expiresAt}: memory only, gone with the page
  let drawn = [];

  const api = (path) => fetchJson(`${base}${path}`, { headers: { Authorization: `Bearer ${session.token}`, "Accept-Language": pageLang() } });

  function problem(error) {
    status.dataset.state = error?.status === 403 ? "denied" : "error";
    status.dataset.error = error?.problem?.code || "unknown";
    replace(status, el("strong", { text: t("tx.failed") }), el("p", { class: "reason", text: problemText(error) }));
  }

  function clear() {
    drawn.forEach((c) => c.destroy());
    drawn = [];
    replace($("#reports"));
    replace($("#dash-toc ul"));
    $("#dash-toc").hidden = true;
    $("#dash-synced").hidden = true;
    $("#dash-signout").hidden = true;
  }

  async function load() {
    showStep(status, "dashboard.loading");
    const listing = await api("/reports");
    const reports = await Promise.all(listing.reports.map((r) => api(`/reports/${r.name}`)));
    clear();
    const synced = $("#dash-synced");
    synced.textContent = listing.synced.throughBlock == null ? t("dashboard.notSynced")
      : t("dashboard.synced", { contracts: listing.synced.contracts, block: listing.synced.throughBlock });
    synced.hidden = false;
    const sections = reports.map(section);
    replace($("#reports"), sections.map((s) => s.node));
    replace($("#dash-toc ul"), reports.map((r) => el("li", {}, el("a", { href: `#report-${r.name}`, text: t(`dashboard.reports.${r.name}`) }))));
    $("#dash-toc").hidden = false;
    drawn = sections.flatMap((s) => s.draw());
    $("#dash-signout").hidden = false;
    showStep(status, "dashboard.ready", { address: shortAddress(session.address) });
  }

  async function start() {
    const proof = await signIn(status, STATEMENT, "/dashboard", `${config.service.base}/siwe/nonce`);
    if (!proof) return;
    try {
      showStep(status, "dashboard.checking");
      session = await post(`${base}/session`, proof);
      await load();
    } catch (error) {
      if (error?.status === 401 || error?.status === 403) session = null;
      clear();
      problem(error);
    }
  }

  async function stop() {
    if (session) await fetch(`${base}/session`, { method: "DELETE", headers: { Authorization: `Bearer ${session.token}` } }).catch(() => {});
    session = null;
    clear();
    showStep(status, "dashboard.signedOut");
  }

  $("#dash-signin").addEventListener("click", start);
  $("#dash-signout").addEventListener("click", stop);
  // A session belongs to the wallet that signed in: another account (or none) closes it.
  wallet.subscribe((state) => { if (session && state.address !== session.address) stop(); });
}
