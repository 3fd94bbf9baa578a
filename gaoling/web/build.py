"""Builds the collector page's browser bundle (`python -m gaoling.web.build`, run by `make web`).

1. Reads the compiled contracts (Ape's `.build/__local__.json`) and writes, under `src/generated/`:
   - `abis.json`: the ABI items (functions, events) the page's source names;
   - `errors.json`: every custom error any platform contract can raise (its own and the inherited
     OpenZeppelin / ERC721A ones), by selector, with the first contract declaring it and a sentence
     in each language: `gaoling.reverts.error_table()`, the table the commands and the service
     decode with. The page decodes revert data against it.
2. Bundles with esbuild (from npm), minified, with no network: `src/main.js` into `static/app.js`
   (every collector page) and `src/dashboard.js` into `static/dashboard.js` (the studio dashboard,
   the only page that needs Chart.js, so collectors never download it).

Prints what it wrote and each bundle's gzipped size (`web.bundle_gzip_bytes` is app.js's).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GENERATED = HERE / "src" / "generated"
BUNDLE = HERE / "static" / "app.js"
BUNDLES = {"app": HERE / "src" / "main.js", "dashboard": HERE / "src" / "dashboard.js"}  # static/<name>.js

# The contracts the page talks to, by their compiled names.
PAGE_CONTRACTS = (
    "GaolingEdition", "GaolingArtworks", "GaolingAuctionHouse", "PointsLedger", "GlazeCoupons",
    "FiringCertificate", "GaolingVouchers", "GaolingCrowdfund",
)
# Contracts that never reach a collector (test doubles, benchmark peers).
SKIP_PREFIXES = ("contracts/test/", "contracts/bench/")


class BuildError(RuntimeError):
    pass


def load_contract_types(build_dir: Path) -> dict[str, dict]:
    """Contract name -> contract type from Ape's project manifest (only the platform's own sources)."""
    manifest = build_dir / "__local__.json"
    if not manifest.exists():
        raise BuildError(f"{manifest} not found: compile the contracts first (`ape compile`)")
    types = json.loads(manifest.read_text(encoding="utf-8")).get("contractTypes", {})
    return {name: ct for name, ct in types.items()
            if not str(ct.get("sourceId", "")).startswith(SKIP_PREFIXES)}


def error_table(build_dir: Path) -> list[dict]:
    """Every error the platform's contracts can raise, from the one table the commands and the
    service use too (gaoling.reverts): ABI entry, defining contracts, and its sentences in both
    languages (the page's catalogues may word a collector-facing one differently)."""
    from gaoling.reverts import error_table as platform_errors

    return [{"type": "error", "name": e.name, "inputs": [dict(i) for i in e.inputs], "contracts": list(e.contracts[:1]),
             "en": e.sentence_en, "zh-CN": e.sentence_zh}
            for e in platform_errors(build_dir / "__local__.json") if e.name not in ("Error", "Panic")]


def _slim(item: dict) -> dict:
    """An ABI item without Solidity's internalType annotations (viem does not need them)."""
    out = {k: v for k, v in item.items() if k != "internalType"}
    for key in ("inputs", "outputs", "components"):
        if key in out:
            out[key] = [_slim(p) for p in out[key]]
    return out


def names_used_by_page(src: Path = HERE / "src") -> set[str]:
    """Every quoted identifier in the browser source: the functions and events the page calls
    appear there as functionName / eventName strings, so the bundle carries only those ABI items."""
    found: set[str] = set()
    for path in src.rglob("*.js"):
        if "generated" not in path.parts:
            found |= set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', path.read_text(encoding="utf-8")))
    return found


def write_generated(build_dir: Path) -> tuple[int, int]:
    contract_types = load_contract_types(build_dir)
    used = names_used_by_page()
    missing = [n for n in PAGE_CONTRACTS if n not in contract_types]
    if missing:
        raise BuildError(f"not compiled: {', '.join(missing)}; run `ape compile`")
    abis = {n: [_slim(i) for i in contract_types[n]["abi"]
                if i.get("type") in ("function", "event") and i.get("name") in used]
            for n in PAGE_CONTRACTS}
    errors = error_table(build_dir)
    GENERATED.mkdir(parents=True, exist_ok=True)
    (GENERATED / "abis.json").write_text(json.dumps(abis, separators=(",", ":")), encoding="utf-8")
    (GENERATED / "errors.json").write_text(json.dumps(errors, indent=1, ensure_ascii=False), encoding="utf-8")
    return len(abis), len(errors)


def bundle(esbuild: Path) -> int:
    if not esbuild.exists():
        raise BuildError(f"{esbuild} not found: run `npm ci`")
    BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(esbuild), *[f"{name}={source}" for name, source in BUNDLES.items()], "--bundle", "--minify",
           "--format=esm", "--target=es2020", "--legal-comments=none", "--log-level=warning",
           f"--outdir={BUNDLE.parent}"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError("esbuild failed:\n" + (done.stderr or done.stdout))
    return gzipped_size()


def gzipped_size(path: Path = BUNDLE) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gaoling.web.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / ".build", help="Ape's build folder (default .build)")
    parser.add_argument("--esbuild", type=Path, default=ROOT / "node_modules" / ".bin" / "esbuild",
                        help="the esbuild binary from npm")
    args = parser.parse_args(argv)
    try:
        n_abis, n_errors = write_generated(args.build_dir)
        size = bundle(args.esbuild)
    except BuildError as exc:
        print(f"web build: {exc}", file=sys.stderr)
        return 1
    print(f"web build: {n_abis} contract ABIs and {n_errors} custom errors -> {GENERATED.relative_to(ROOT)}/")
    print(f"web build: bundle {BUNDLE.relative_to(ROOT)}: {BUNDLE.stat().st_size} bytes, {size} gzipped")
    for name in BUNDLES:
        path = BUNDLE.parent / f"{name}.js"
        if path != BUNDLE:
            print(f"web build: bundle {path.relative_to(ROOT)}: {path.stat().st_size} bytes, {gzipped_size(path)} gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
