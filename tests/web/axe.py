"""axe-core (npm) run inside the page under test: the page's own CSP stays on, so the script is
injected the way the test wallet is (an init script), and results are read back as JSON."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def attach(context) -> None:
    context.add_init_script(AXE.read_text(encoding="utf-8"))


def serious_violations(page) -> list[dict]:
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in SERIOUS]
