"""`make bench`: gas and throughput, each side by side with a named peer, in one run.

Gas is deterministic, so it is reported as absolute figures and ratios. Throughput depends on a
shared, noisy machine, so it is reported as the ratio between our implementation and the peer
measured in the same run.

Each area contributes a module here: `measure(ctx) -> {key: gas}` for gas, and the IPFS module a
`measure_throughput(workdir) -> dict` for build speed.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

GAS_MODULES = ("edition", "auction", "fan", "quiz", "voucher", "crowdfund")

# Gas measured by this same bench code on the commit before the security review's fixes (issue 17),
# kept so that every later run shows the gas effect of each fix side by side.
SECURITY_BASELINE = "benchmarks/gas-before-security-review.json"
# What each security fix costs or saves, by the key that shows it.
SECURITY_EFFECTS = [
    ("auction.create", "F-03/F-04 fee recipient and royalty snapshots at listing, stray-token escrow index"),
    ("auction.first_bid", "paused clock: read only when a bid comes after the stored end (not here)"),
    ("auction.outbid", "same"),
    ("auction.settle", "F-04: no royalty lookup at settlement (paid from the snapshot); pause window read"),
    ("auction.settle_with_points", "F-01: registered / self-purchase / minimum-price checks, daily cap"),
    ("points.record_purchase", "F-01: purchase-point daily cap (one more slot read, same member slot)"),
    ("coupons.exchange_signed", "F-06: maxPoints in the signed message; nonce event"),
    ("edition.public_mint_1", "F-07: quantity bound, read from the sale-control slot already loaded"),
    ("edition.transfer_last_of_10", "F-08: transferFrom rejects ETH"),
    ("edition.transfer_holding_period", "F-08, policy check for the every-transfer policy"),
    ("edition.worst_first_transfer", "F-07: batch bounded at 20 (before: unbounded, 938,868 gas at 400)"),
    ("split.release", "F-05: release shares its effects with releaseTo"),
    ("voucher.redeem", "F-02: the certificate is checked at redeem"),
    ("voucher.buy", "F-10: refundAfter packed with existing fields (no new slot)"),
]


@dataclass
class BenchContext:
    project: Any
    accounts: Any
    chain: Any


@dataclass(frozen=True)
class Comparison:
    """A target from the issues: `ours` must be at most `limit` × `peer` (or an absolute budget)."""

    title: str
    ours: Callable[[dict[str, float]], float]
    peer: Callable[[dict[str, float]], float] | None
    limit: float

    def evaluate(self, gas: dict[str, float]) -> tuple[float, float | None, float | None, bool]:
        ours = self.ours(gas)
        if self.peer is None:
            return ours, None, None, ours <= self.limit
        peer = self.peer(gas)
        ratio = ours / peer
        return ours, peer, ratio, ratio <= self.limit


def _marginal(prefix: str) -> Callable[[dict[str, float]], float]:
    return lambda g: (g[f"{prefix}_10"] - g[f"{prefix}_1"]) / 9


TARGETS = [
    Comparison("edition public mint of 1 vs ERC721A mint of 1 (≤ 1.15×)",
               lambda g: g["edition.public_mint_1"], lambda g: g["erc721a.mint_1"], 1.15),
    Comparison("marginal gas per extra token vs ERC721A (≤ 1.05×)",
               _marginal("edition.public_mint"), _marginal("erc721a.mint"), 1.05),
    Comparison("auction first bid (≤ 60,000)", lambda g: g["auction.first_bid"], None, 60_000),
    Comparison("auction outbid with refund (≤ 65,000)", lambda g: g["auction.outbid"], None, 65_000),
    Comparison("auction settle (≤ 130,000)", lambda g: g["auction.settle"], None, 130_000),
    Comparison("relayed check-in per user, batch of 100 (≤ 15,000)",
               lambda g: g["points.relay_check_in_per_user_batch_100"], None, 15_000),
    Comparison("crowdfund pledge (≤ 70,000)", lambda g: g["crowdfund.pledge"], None, 70_000),
    Comparison("crowdfund withdrawal (≤ 45,000)", lambda g: g["crowdfund.withdraw"], None, 45_000),
    Comparison("crowdfund refund (≤ 45,000)", lambda g: g["crowdfund.refund"], None, 45_000),
    Comparison("crowdfund claim of 1 vs edition public mint of 1 (≤ +25,000)",
               lambda g: g["crowdfund.claim_1"] - g["edition.public_mint_1"], None, 25_000),
]

# Transfer gas of the existing policies stays within 10% of the figure before the security review.
BASELINE_TARGETS = [
    ("transfer, policy free, vs before the security review (≤ 1.10×)", "edition.transfer_last_of_10", 1.10),
    ("transfer, policy holding-period, vs before the security review (≤ 1.10×)",
     "edition.transfer_holding_period", 1.10),
]


def measure_gas(ctx: BenchContext, on_module: Callable[[str], None] | None = None) -> tuple[dict[str, int], list[str]]:
    """Runs every gas module present. Returns the figures and the names of modules not present."""
    gas: dict[str, int] = {}
    missing: list[str] = []
    for name in GAS_MODULES:
        try:
            module = importlib.import_module(f"gaoling.bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"gaoling.bench.{name}":
                raise
            missing.append(name)
            continue
        if on_module:
            on_module(name)
        with ctx.chain.isolate():
            gas.update({key: int(value) for key, value in module.measure(ctx).items()})
    return gas, missing


def load_baseline(root: Path) -> dict[str, int] | None:
    """The gas figures before the security review's fixes, if the file is there."""
    path = root / SECURITY_BASELINE
    return json.loads(path.read_text()) if path.exists() else None


def _security_section(gas: dict[str, int], baseline: dict[str, int]) -> list[str]:
    lines = ["", "## Security review (issue 17): gas effect of each fix", "",
             f"`before` is this bench run on the commit before the fixes (`{SECURITY_BASELINE}`).", "",
             "| key | before | after | change | what changed |", "|---|---:|---:|---:|---|"]
    for key, why in SECURITY_EFFECTS:
        if key not in gas:
            continue
        before = baseline.get(key)
        change = "" if before is None else f"{gas[key] - before:+,} ({(gas[key] - before) / before:+.1%})"
        lines.append(f"| `{key}` | {'' if before is None else f'{before:,}'} | {gas[key]:,} | {change} | {why} |")
    return lines


def render_markdown(gas: dict[str, int], throughput: dict[str, Any] | None, context: str,
                    baseline: dict[str, int] | None = None) -> str:
    lines = ["# Benchmarks", "", context, "", "## Targets", "",
             "| target | ours | peer | ratio | met |", "|---|---:|---:|---:|:---:|"]
    for target in TARGETS:
        try:
            ours, peer, ratio, ok = target.evaluate(gas)
        except KeyError:
            continue
        lines.append(
            f"| {target.title} | {ours:,.0f} | {'' if peer is None else f'{peer:,.0f}'} | "
            f"{'' if ratio is None else f'{ratio:.3f}'} | {'yes' if ok else '**no**'} |"
        )
    for title, key, limit in BASELINE_TARGETS if baseline else []:
        if key in gas and key in baseline:
            ratio = gas[key] / baseline[key]
            lines.append(f"| {title} | {gas[key]:,} | {baseline[key]:,} | {ratio:.3f} | "
                         f"{'yes' if ratio <= limit else '**no**'} |")
    if throughput and "ipfs.speedup" in throughput:
        same_root = throughput.get("root_cid_ours") == throughput.get("root_cid_ipfs_car")
        ok = throughput["ipfs.speedup"] >= 1.0 and same_root
        lines.append(
            f"| IPFS CID + CAR build of 10,000 items vs `ipfs-car pack` (speedup ≥ 1.0, same root CID) | "
            f"{throughput['ipfs.ours_s']:.2f} s | {throughput['ipfs.ipfs_car_s']:.2f} s | "
            f"{throughput['ipfs.speedup']:.2f}× faster | {'yes' if ok else '**no**'} |"
        )
    if throughput:
        from gaoling.bench.web import markdown_row

        row = markdown_row(throughput)
        if row:
            lines.append(row)
    lines += [
        "",
        "Peers named by the issues: bare ERC721A 4.3.0 and OpenZeppelin ERC721 5.7.0 `_mint`, measured in the",
        "same run; for auctions, the Nouns auction house's published snapshot (first bid 34,919 + 21,000 ≈ 55,919",
        "total gas, outbid with refund ≈ 79,400), a single-collection house without royalties or fees.",
    ]
    if "edition.public_mint_1_with_points" in gas:
        hook_first = gas["edition.public_mint_1_with_points"] - gas["edition.public_mint_1"]
        hook_repeat = gas["edition.public_mint_1_with_points_repeat"] - gas["edition.public_mint_1_repeat"]
        lines += ["", f"The points hook on a sale costs {hook_first:,} gas on a buyer's first purchase (a new member "
                  f"record) and {hook_repeat:,} on later ones."]
    if baseline:
        lines += _security_section(gas, baseline)
    lines += ["", "## Gas (total transaction gas on anvil)", "", "| key | gas |", "|---|---:|"]
    lines += [f"| `{key}` | {value:,} |" for key, value in sorted(gas.items())]
    if throughput:
        lines += ["", "## Throughput and sizes (same run)", "", "| key | value |", "|---|---:|"]
        for key, value in throughput.items():
            lines.append(f"| `{key}` | {value:.3f} |" if isinstance(value, float) else f"| `{key}` | {value} |")
    return "\n".join(lines) + "\n"


def write_reports(root: Path, gas: dict[str, int], throughput: dict[str, Any] | None, context: str,
                  baseline: dict[str, int] | None = None) -> None:
    bench_dir = root / "benchmarks"
    bench_dir.mkdir(exist_ok=True)
    (bench_dir / "gas.json").write_text(json.dumps(gas, indent=2, sort_keys=True) + "\n")
    if throughput:
        (bench_dir / "throughput.json").write_text(json.dumps(throughput, indent=2, sort_keys=True) + "\n")
    (root / "BENCHMARKS.md").write_text(render_markdown(gas, throughput, context, baseline))
