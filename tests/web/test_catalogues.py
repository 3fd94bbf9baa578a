"""The page's two message catalogues: the same keys in both, every literal key the templates and the
browser code use exists, and every text key the dashboard's reports send has a translation."""

from __future__ import annotations

import re
from pathlib import Path

from gaoling.web.i18n import LANGS, catalogue, flat_keys, lookup

WEB = Path(__file__).resolve().parents[2] / "gaoling" / "web"


def test_both_catalogues_have_the_same_keys_and_every_used_key_exists():
    keys = {lang: flat_keys(catalogue(lang)) for lang in LANGS}
    assert keys["zh-CN"] == keys["en"], keys["zh-CN"] ^ keys["en"]
    used: set[str] = set()
    for path in WEB.joinpath("templates").glob("*.html"):
        used |= set(re.findall(r"""t\(\s*["']([\w.]+)["']""", path.read_text(encoding="utf-8")))
    for path in WEB.joinpath("src").rglob("*.js"):
        if "generated" not in path.parts:
            used |= set(re.findall(r"""\bt\(\s*"([\w.]+)"[,)]""", path.read_text(encoding="utf-8")))
            used |= set(re.findall(r"""showStep\([^,]+,\s*"([\w.]+)"[,)]""", path.read_text(encoding="utf-8")))
    used = {k for k in used if not k.endswith(".")}  # t("nav." + item): a prefix, not a key
    assert len(used) > 100 and not used - keys["zh-CN"], sorted(used - keys["zh-CN"])


def test_every_dashboard_text_the_reports_send_is_translated(tmp_path):
    from gaoling.analytics.api import report_json
    from gaoling.analytics.reports import REPORTS
    from gaoling.analytics.store import open_store

    engine = open_store(f"sqlite:///{tmp_path / 'a.sqlite3'}")  # no rows: every static title and column
    missing = []
    for name in REPORTS:
        data = report_json(engine, name)
        wanted = [f"dashboard.reports.{name}", *[f"dashboard.titles.{c['key']}" for c in data["charts"]],
                  *[f"dashboard.titles.{tb['key']}" for tb in data["tables"]],
                  *[f"dashboard.columns.{k}" for tb in data["tables"] for k in tb["columnKeys"]],
                  *[f"dashboard.totals.{k}" for k in data["totals"]]]
        missing += [(lang, key) for key in wanted for lang in LANGS if lookup(lang, key) is None]
    engine.dispose()
    assert not missing, missing
