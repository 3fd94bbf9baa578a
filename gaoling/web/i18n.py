"""The page's message catalogues (messages/zh-CN.json, messages/en.json): one per language, every
text of the page, read by the templates here and bundled into the browser code."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

MESSAGES = Path(__file__).resolve().parent / "messages"
LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, Any]:
    return json.loads((MESSAGES / f"{lang}.json").read_text(encoding="utf-8"))


def lookup(lang: str, key: str) -> str | None:
    node: Any = catalogue(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) else None


def translator(lang: str):
    """t(key, **params) for templates; a missing key shows itself, so a gap is visible."""
    def t(key: str, **params: Any) -> str:
        text = lookup(lang, key) or lookup(DEFAULT_LANG, key) or key
        for name, value in params.items():
            text = text.replace("{" + name + "}", str(value))
        return text
    return t


def flat_keys(node: Any, prefix: str = "") -> set[str]:
    if isinstance(node, dict):
        out: set[str] = set()
        for key, value in node.items():
            out |= flat_keys(value, f"{prefix}{key}.")
        return out
    return {prefix[:-1]}
