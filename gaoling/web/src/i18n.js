// Texts come from the message catalogue of the page's language (gaoling/web/messages/<lang>.json),
// which the server also renders the templates with. The bundle carries both catalogues, so a
// revert reason can be shown in both languages at once without a second request.
import zh from "../messages/zh-CN.json";
import en from "../messages/en.json";

export const CATALOGUES = { "zh-CN": zh, en };
export const LANGS = ["zh-CN", "en"];

export function pageLang() {
  const lang = document.documentElement.lang;
  return LANGS.includes(lang) ? lang : "zh-CN";
}

function lookup(catalogue, key) {
  return key.split(".").reduce((node, part) => (node == null ? undefined : node[part]), catalogue);
}

/** The text for `key` in `lang` with `{name}` placeholders filled in; the key itself if missing. */
export function t(key, params = {}, lang = pageLang()) {
  const text = lookup(CATALOGUES[lang], key) ?? lookup(CATALOGUES["zh-CN"], key);
  if (typeof text !== "string") return key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function has(key, lang = pageLang()) {
  return typeof lookup(CATALOGUES[lang], key) === "string";
}
