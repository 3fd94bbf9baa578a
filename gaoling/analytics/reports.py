"""The six reports, computed from the analytics tables only (never from the chain).

Each report function takes an engine and returns a `Report`: named tables (columns + rows) and the
series its chart draws. The same object renders as a rich table, CSV files, a matplotlib PNG and the
JSON the issuer dashboard draws with Chart.js (`Report.to_json`), so every view shows the same numbers.
Amounts are wei in the data and ether in the rendered tables.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import networkx as nx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gaoling.analytics import schema as s

ZERO = "0x0000000000000000000000000000000000000000"
CST = timezone(timedelta(hours=8))
ETHER = 10**18

# The dealer rule (docs/analytics.md): a wallet is a dealer when it acquired at least DEALER_MIN_ACQUIRED
# tokens (bought or received), passed on at least DEALER_MIN_SHARE of them (transferred or resold) and
# did so to at least DEALER_MIN_RECIPIENTS distinct wallets. Platform contracts (the auction house's
# escrow) are never dealers: a token moving through them counts as a move from seller to winner.
DEALER_MIN_ACQUIRED = 5
DEALER_MIN_SHARE = 0.5
DEALER_MIN_RECIPIENTS = 3


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class Chart:
    kind: str  # line | bar | graph
    title: str
    labels: list[Any]
    series: dict[str, list[float]]


@dataclass
class Report:
    name: str
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    graph: Any = None  # the network report's networkx graph, for its picture
    highlight: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "totals": _json(self.totals),
            "tables": [{"title": t.title, "columns": t.columns, "rows": _json(t.rows)} for t in self.tables],
            # Chart.js shape: {type, data: {labels, datasets: [{label, data}]}}
            "charts": [{"type": c.kind if c.kind != "graph" else "bar", "title": c.title,
                        "data": {"labels": _json(c.labels),
                                 "datasets": [{"label": k, "data": v} for k, v in c.series.items()]}}
                       for c in self.charts],
        }

    def write_csv(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        out = []
        for i, table in enumerate(self.tables, start=1):
            path = directory / f"{self.name}-{i}-{_slug(table.title)}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(table.columns)
                writer.writerows([[_cell(v) for v in row] for row in table.rows])
            out.append(path)
        return out

    def write_png(self, path: Path) -> Path:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        panels = [c for c in self.charts]
        has_graph = self.graph is not None
        count = max(1, len(panels) + (1 if has_graph else 0))
        fig, axes = plt.subplots(count, 1, figsize=(9, 3.6 * count), squeeze=False)
        for ax, chart in zip(axes[:, 0], panels):
            _draw(ax, chart)
        if has_graph:
            _draw_graph(axes[-1, 0], self.graph, self.highlight)
        fig.suptitle(self.title)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path

    def rich_tables(self) -> list[Any]:
        from rich.table import Table as RichTable

        out = []
        for t in self.tables:
            rt = RichTable(title=f"{self.title}: {t.title}")
            for c in t.columns:
                rt.add_column(c, justify="right" if c.endswith(("ETH", "%", "count", "s")) else "left")
            for row in t.rows[:50]:
                rt.add_row(*[_cell(v) for v in row])
            if len(t.rows) > 50:
                rt.caption = f"first 50 of {len(t.rows)} rows (the CSV has all)"
            out.append(rt)
        return out


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v == v else ""
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return "" if v is None else str(v)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")[:40]


def _eth(wei: int) -> float:
    return wei / ETHER


def _short(address: str) -> str:
    return address[:6] + "…" + address[-4:]


def _draw(ax: Any, chart: Chart) -> None:
    labels = [str(x) for x in chart.labels]
    if chart.kind == "line":
        for name, values in chart.series.items():
            ax.plot(labels, values, marker="o", label=name)
    else:
        n = max(1, len(chart.series))
        width = 0.8 / n
        for i, (name, values) in enumerate(chart.series.items()):
            ax.bar([x + i * width for x in range(len(labels))], values, width=width, label=name)
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(labels))], labels)
    ax.set_title(chart.title, fontsize=10)
    if len(labels) > 8:
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    if len(chart.series) > 1:
        ax.legend(fontsize=7)


def _draw_graph(ax: Any, graph: Any, highlight: list[str]) -> None:
    undirected = graph.to_undirected()
    pos = nx.spring_layout(undirected, seed=7, k=1.2 / math.sqrt(max(1, undirected.number_of_nodes())))
    sizes = [60 + 40 * graph.degree(n) for n in graph.nodes]
    colours = ["#c0392b" if n in highlight else "#2c6e9b" for n in graph.nodes]
    nx.draw_networkx_edges(graph, pos, ax=ax, alpha=0.4, arrows=True, arrowsize=8)
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color=colours)
    nx.draw_networkx_labels(graph, pos, labels={n: _short(n) for n in highlight if n in pos}, ax=ax, font_size=8)
    ax.set_title("transfer and resale graph (dealers in red)", fontsize=10)
    ax.axis("off")


# ------------------------------------------------------------------ data access
def _rows(engine: Engine, table: sa.Table, *where: Any) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(sa.select(table).where(*where).order_by(table.c.block_number, table.c.log_index)).all()


def _labels(engine: Engine) -> dict[str, tuple[str, str]]:
    with engine.connect() as conn:
        return {r.address: (r.label, r.name) for r in conn.execute(sa.select(s.contracts))}


def _collections(labels: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Token collections (editions and the 1/1 artworks): address -> label."""
    return {a: l for a, (l, n) in labels.items() if n in ("GaolingEdition", "GaolingArtworks")}


def _day(d: Any) -> str:
    return d.isoformat() if hasattr(d, "isoformat") else str(d)


# ------------------------------------------------------------------ 1 sales and revenue
def split_balances(engine: Engine) -> dict[str, dict[str, dict[str, int]]]:
    """Per split contract and payee: received share, released and releasable, replaying the
    contract's own crediting rule (the first payee takes the rounding dust of each credit)."""
    labels = _labels(engine)
    payees: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in _rows(engine, s.split_payees):
        payees[r.contract].append((r.payee, r.bps))
    received: Counter = Counter()
    for r in _rows(engine, s.sales):
        received[r.contract] += r.paid_wei
    # Voucher revenue: the price of every delivered voucher (others are reserved or refunded).
    states = _voucher_current_states(engine)
    for r in _rows(engine, s.vouchers):
        if states.get((r.contract, r.voucher_id)) == "delivered":
            received[r.contract] += r.price_wei
    # A succeeded crowdfunded drop may pay a payee that is itself a split (the edition's).
    for r in _rows(engine, s.crowdfund):
        if r.kind == "released" and r.to_addr in payees:
            received[r.to_addr] += r.amount_wei
    credited: dict[str, Counter] = defaultdict(Counter)
    total_credited: Counter = Counter()

    def share(contract: str, amount: int) -> dict[str, int]:
        ps = payees[contract]
        out = {p: amount * b // 10_000 for p, b in ps[1:]}
        out[ps[0][0]] = amount - sum(out.values())
        return out

    for r in _rows(engine, s.split_credits):
        if payees.get(r.contract):
            for p, v in share(r.contract, r.amount_wei).items():
                credited[r.contract][p] += v
            total_credited[r.contract] += r.amount_wei
    released: dict[str, Counter] = defaultdict(Counter)
    for r in _rows(engine, s.split_releases):
        released[r.contract][r.payee] += r.amount_wei
    out: dict[str, dict[str, dict[str, int]]] = {}
    for contract, ps in payees.items():
        pending = received[contract] - total_credited[contract]
        pend_share = share(contract, pending) if pending > 0 else {p: 0 for p, _ in ps}
        out[contract] = {}
        for p, bps in ps:
            rel = released[contract][p]
            out[contract][p] = {"bps": bps, "released": rel,
                                "releasable": credited[contract][p] - rel + pend_share[p],
                                "label": labels.get(contract, (contract, ""))[0]}
    return out


def sales_report(engine: Engine) -> Report:
    labels = _labels(engine)
    rep = Report("sales", "Sales and revenue")
    by_path: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    per_day: dict[str, Counter] = defaultdict(Counter)
    for r in _rows(engine, s.sales):
        label = labels.get(r.contract, (r.contract,))[0]
        agg = by_path[(label, r.path)]
        agg[0] += 1
        agg[1] += r.quantity
        agg[2] += r.paid_wei
        per_day[_day(r.cst_day)][label] += r.paid_wei
    rep.tables.append(Table("sales per collection and path", ["collection", "path", "sales count", "tokens count",
                                                              "revenue ETH"],
                            [[c, p, n, q, _eth(w)] for (c, p), (n, q, w) in sorted(by_path.items())]))
    days = sorted(per_day)
    cols = sorted({c for d in per_day.values() for c in d})
    rep.tables.append(Table("revenue per CST day", ["day (CST)", *[f"{c} ETH" for c in cols]],
                            [[d, *[_eth(per_day[d][c]) for c in cols]] for d in days]))
    rep.charts.append(Chart("bar", "primary revenue per CST day (ETH)", days,
                            {c: [_eth(per_day[d][c]) for d in days] for c in cols}))
    balances = split_balances(engine)
    rows = []
    for contract, ps in balances.items():
        for payee, b in ps.items():
            rows.append([b["label"], payee, b["bps"], _eth(b["released"]), _eth(b["releasable"]),
                         _eth(b["released"] + b["releasable"])])
    rep.tables.append(Table("revenue per payee from the split", ["split", "payee", "bps", "released ETH",
                                                                  "releasable ETH", "total ETH"], rows))
    rep.charts.append(Chart("bar", "released vs releasable per payee (ETH)",
                            [f"{r[0]} {_short(r[1])}" for r in rows],
                            {"released": [r[3] for r in rows], "releasable": [r[4] for r in rows]}))
    rep.totals = {"revenue_wei": sum(v[2] for v in by_path.values()),
                  "tokens_sold": sum(v[1] for v in by_path.values()),
                  "released_wei": sum(b["released"] for ps in balances.values() for b in ps.values()),
                  "releasable_wei": sum(b["releasable"] for ps in balances.values() for b in ps.values())}
    return rep


# ------------------------------------------------------------------ 2 royalties
def royalties_report(engine: Engine) -> Report:
    labels = _labels(engine)
    rep = Report("royalties", "Royalties")
    auctions = {(r.contract, r.auction_id): r for r in _rows(engine, s.auctions)}
    seen_tokens: set[tuple[str, int]] = set()
    per_artist: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # royalty primary, royalty secondary, secondary volume
    per_work: dict[tuple[str, int], list[Any]] = {}
    secondary_volume = 0
    for r in _rows(engine, s.settlements):
        a = auctions.get((r.contract, r.auction_id))
        key = (a.nft, a.token_id) if a else (r.contract, r.auction_id)
        secondary = key in seen_tokens
        seen_tokens.add(key)
        artist = per_artist[r.royalty_receiver]
        artist[1 if secondary else 0] += r.royalty_wei
        if secondary:
            artist[2] += r.price_wei
            secondary_volume += r.price_wei
        work = per_work.setdefault(key, [labels.get(key[0], (key[0],))[0], key[1], r.royalty_receiver, 0, 0, 0, 0])
        work[3] += 1
        work[4] += r.price_wei
        work[5] += r.royalty_wei
        work[6] += r.price_wei if secondary else 0
    rep.tables.append(Table("royalties per artist", ["artist", "primary royalty ETH", "resale royalty ETH",
                                                    "resale volume ETH", "royalty share of resale %"],
                            [[a, _eth(p), _eth(sr), _eth(v), 100 * sr / v if v else 0.0]
                             for a, (p, sr, v) in sorted(per_artist.items())]))
    rep.tables.append(Table("royalties per work", ["collection", "token", "artist", "sales count", "volume ETH",
                                                  "royalty ETH", "resale volume ETH"],
                            [[w[0], w[1], w[2], w[3], _eth(w[4]), _eth(w[5]), _eth(w[6])]
                             for w in per_work.values()]))
    names = [_short(a) for a in per_artist]
    rep.charts.append(Chart("bar", "royalties per artist (ETH)", names,
                            {"primary": [_eth(v[0]) for v in per_artist.values()],
                             "resale": [_eth(v[1]) for v in per_artist.values()]}))
    total = sum(v[0] + v[1] for v in per_artist.values())
    rep.totals = {"royalties_wei": total, "resale_royalties_wei": sum(v[1] for v in per_artist.values()),
                  "resale_volume_wei": secondary_volume,
                  "royalty_share_of_resale": (sum(v[1] for v in per_artist.values()) / secondary_volume
                                              if secondary_volume else 0.0)}
    return rep


# ------------------------------------------------------------------ 3 holders
def gini(values: list[int]) -> float:
    """Gini coefficient of holdings (0 = everyone holds the same, towards 1 = one wallet holds all)."""
    xs = sorted(v for v in values if v > 0)
    n = len(xs)
    if n == 0:
        return 0.0
    cum = sum((i + 1) * x for i, x in enumerate(xs))
    return (2 * cum) / (n * sum(xs)) - (n + 1) / n


def current_owners(engine: Engine) -> dict[tuple[str, int], str]:
    """(collection, token id) -> holder, from the an_current_holders view."""
    with engine.connect() as conn:
        return {(r.contract, r.token_id): r.holder for r in conn.execute(sa.select(s.current_holders))}


def holders_report(engine: Engine, now: datetime | None = None) -> Report:
    labels = _labels(engine)
    collections = _collections(labels)
    rep = Report("holders", "Holders")
    transfers = [t for t in _rows(engine, s.transfers) if t.contract in collections]
    now = now or (max((t.block_time for t in transfers), default=datetime.now(timezone.utc)))
    owner: dict[tuple[str, int], str] = {}
    since: dict[tuple[str, int], datetime] = {}
    moves: Counter = Counter()
    holding_days: list[float] = []
    daily: dict[str, dict[str, int]] = defaultdict(dict)
    counts: dict[str, Counter] = defaultdict(Counter)
    unique: Counter = Counter()  # holders with a positive count, per collection
    for t in transfers:
        key = (t.contract, t.token_id)
        label = collections[t.contract]
        if t.from_addr != ZERO and key in since:
            holding_days.append((_aware(t.block_time) - _aware(since[key])).total_seconds() / 86_400)
            moves[key] += 1
        if t.from_addr != ZERO:
            counts[label][t.from_addr] -= 1
            unique[label] -= counts[label][t.from_addr] == 0
        if t.to_addr != ZERO:
            counts[label][t.to_addr] += 1
            unique[label] += counts[label][t.to_addr] == 1
            owner[key], since[key] = t.to_addr, t.block_time
        else:
            owner.pop(key, None)
        daily[_day(t.cst_day)][label] = unique[label]
    for key, t in since.items():
        if key in owner:
            holding_days.append((_aware(now) - _aware(t)).total_seconds() / 86_400)
    rows = []
    for label in sorted(set(collections.values())):
        holdings = [v for v in counts[label].values() if v > 0]
        total = sum(holdings)
        top10 = sum(sorted(holdings, reverse=True)[:10])
        tokens = [k for k in owner if collections[k[0]] == label]
        never = sum(1 for k in tokens if moves[k] == 0)
        rows.append([label, len(holdings), total, 100 * top10 / total if total else 0.0, gini(holdings), never,
                     100 * never / len(tokens) if tokens else 0.0])
    rep.tables.append(Table("concentration", ["collection", "holders count", "tokens count", "top-10 share %", "gini",
                                              "never moved count", "never moved %"], rows))
    days = sorted(daily)
    cols = sorted(set(collections.values()))
    last: dict[str, int] = {}
    series: dict[str, list[float]] = {c: [] for c in cols}
    for d in days:
        for c in cols:
            last[c] = daily[d].get(c, last.get(c, 0))
            series[c].append(last[c])
    rep.tables.append(Table("unique holders per CST day", ["day (CST)", *cols],
                            [[d, *[series[c][i] for c in cols]] for i, d in enumerate(days)]))
    rep.charts.append(Chart("line", "unique holders over time", days, series))
    hd = sorted(holding_days)
    rep.tables.append(Table("holding time", ["measure", "days"],
                            [["mean", statistics.fmean(hd) if hd else 0.0],
                             ["median", statistics.median(hd) if hd else 0.0],
                             ["longest", hd[-1] if hd else 0.0]]))
    rep.totals = {"holders": {r[0]: r[1] for r in rows}, "never_moved": {r[0]: r[5] for r in rows}}
    return rep


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


# ------------------------------------------------------------------ 4 the dealer network
def network_graph(engine: Engine) -> tuple[nx.MultiDiGraph, dict[tuple[str, int], str]]:
    """Wallet-to-wallet moves of collection tokens: transfers, and resales through the auction house
    (its escrow is collapsed into one seller -> winner edge). Returns the graph and each token's
    original buyer (its minter)."""
    labels = _labels(engine)
    collections = _collections(labels)
    platform = set(labels)  # contract addresses: escrow, not wallets
    g = nx.MultiDiGraph()
    minted_by: dict[tuple[str, int], str] = {}
    for t in _rows(engine, s.transfers):
        if t.contract not in collections:
            continue
        key = (t.contract, t.token_id)
        if t.from_addr == ZERO:
            minted_by[key] = t.to_addr
            g.add_node(t.to_addr)
            continue
        if t.from_addr in platform or t.to_addr in platform or t.to_addr == ZERO:
            continue
        g.add_edge(t.from_addr, t.to_addr, token=key, kind="transfer", price=0)
    auctions = {(r.contract, r.auction_id): r for r in _rows(engine, s.auctions)}
    for r in _rows(engine, s.settlements):
        a = auctions.get((r.contract, r.auction_id))
        if a and r.seller not in platform and r.winner not in platform and r.seller != r.winner:
            g.add_edge(r.seller, r.winner, token=(a.nft, a.token_id), kind="resale", price=r.price_wei)
    return g, minted_by


def dealers(g: nx.MultiDiGraph, minted_by: dict[tuple[str, int], str]) -> list[dict[str, Any]]:
    acquired: Counter = Counter(minted_by.values())
    for _, v in g.in_edges():
        acquired[v] += 1
    out = []
    for n in g.nodes:
        passed = g.out_degree(n)
        recipients = len(set(g.successors(n)))
        if acquired[n] >= DEALER_MIN_ACQUIRED and passed >= DEALER_MIN_SHARE * acquired[n] \
                and recipients >= DEALER_MIN_RECIPIENTS:
            out.append({"wallet": n, "acquired": acquired[n], "passed_on": passed, "recipients": recipients,
                        "resales": sum(1 for _, _, d in g.out_edges(n, data=True) if d["kind"] == "resale")})
    return sorted(out, key=lambda d: (-d["passed_on"], d["wallet"]))


def network_report(engine: Engine) -> Report:
    rep = Report("network", "Dealer and distribution network")
    g, minted_by = network_graph(engine)
    found = dealers(g, minted_by)
    rep.tables.append(Table(
        f"dealers (acquired >= {DEALER_MIN_ACQUIRED}, passed on >= {int(DEALER_MIN_SHARE * 100)}%, "
        f"to >= {DEALER_MIN_RECIPIENTS} wallets)",
        ["wallet", "acquired count", "passed on count", "recipients count", "resales count"],
        [[d["wallet"], d["acquired"], d["passed_on"], d["recipients"], d["resales"]] for d in found]))
    simple = nx.Graph(g.to_undirected())
    components = sorted(nx.connected_components(simple), key=len, reverse=True)
    communities = nx.algorithms.community.louvain_communities(simple, seed=7) if simple.number_of_edges() else []
    communities = sorted(communities, key=len, reverse=True)
    rep.tables.append(Table("largest connected communities", ["rank", "wallets count", "moves count", "louvain groups",
                                                              "members (first 5)"],
                            [[i + 1, len(c), g.subgraph(c).number_of_edges(),
                              sum(1 for m in communities if m <= c), ", ".join(_short(w) for w in sorted(c)[:5])]
                             for i, c in enumerate(components[:10]) if len(c) > 1]))
    # How far each original buyer's tokens travelled: hops after mint, distinct later holders.
    hops: Counter = Counter()
    holders: dict[tuple[str, int], set[str]] = defaultdict(set)
    for u, v, d in g.edges(data=True):
        hops[d["token"]] += 1
        holders[d["token"]].add(v)
    per_buyer: dict[str, list[int]] = defaultdict(list)
    for token, buyer in minted_by.items():
        per_buyer[buyer].append(token)
    rows = []
    for buyer, tokens in per_buyer.items():
        h = [hops[t] for t in tokens]
        reach = set().union(*(holders[t] for t in tokens)) - {buyer}
        rows.append([buyer, len(tokens), sum(1 for x in h if x > 0), max(h), statistics.fmean(h), len(reach)])
    rows.sort(key=lambda r: (-r[5], -r[1], r[0]))
    rep.tables.append(Table("how far each original buyer's tokens travelled",
                            ["original buyer", "tokens count", "moved count", "max hops count", "mean hops",
                             "wallets reached count"], rows))
    dist = Counter(hops[t] for t in minted_by)
    xs = sorted(dist)
    rep.charts.append(Chart("bar", "tokens by number of hops after mint", xs, {"tokens": [dist[x] for x in xs]}))
    wallets = {n for n in g.nodes if g.degree(n) > 0}
    rep.graph = g.subgraph(wallets).copy()
    rep.highlight = [d["wallet"] for d in found[:5]]
    rep.totals = {"wallets": g.number_of_nodes(), "moves": g.number_of_edges(), "dealers": len(found),
                  "components": sum(1 for c in components if len(c) > 1),
                  "largest_component": len(components[0]) if components else 0}
    return rep


# ------------------------------------------------------------------ 5 fans
def points_balances(engine: Engine) -> dict[str, int]:
    out: Counter = Counter()
    for r in _rows(engine, s.points):
        out[r.member] += r.delta
    return dict(out)


def fans_report(engine: Engine) -> Report:
    rep = Report("fans", "Fans")
    check_ins = _rows(engine, s.check_ins)
    daily: Counter = Counter()
    first_week: dict[str, date] = {}
    active_weeks: dict[str, set[date]] = defaultdict(set)
    best_streak: dict[str, int] = {}
    for c in check_ins:
        d = date(1970, 1, 1) + timedelta(days=int(c.day))  # the ledger's CST day number
        daily[d] += 1
        week = d - timedelta(days=d.weekday())
        first_week.setdefault(c.member, week)
        active_weeks[c.member].add(week)
        best_streak[c.member] = max(best_streak.get(c.member, 0), c.streak)
    days = sorted(daily)
    rep.tables.append(Table("daily active check-ins (CST)", ["day (CST)", "members count"],
                            [[d, daily[d]] for d in days]))
    rep.charts.append(Chart("bar", "daily active check-ins (CST days)", [d.isoformat() for d in days],
                            {"members": [daily[d] for d in days]}))
    streaks = Counter(best_streak.values())
    rep.tables.append(Table("streak distribution (best streak per member)", ["streak days", "members count"],
                            [[k, streaks[k]] for k in sorted(streaks)]))
    rep.charts.append(Chart("bar", "best streak per member (days)", sorted(streaks),
                            {"members": [streaks[k] for k in sorted(streaks)]}))
    cohorts: dict[date, list[str]] = defaultdict(list)
    for m, w in first_week.items():
        cohorts[w].append(m)
    horizon = max((len({*active_weeks[m]}) for m in active_weeks), default=0)
    weeks_all = sorted({w for ws in active_weeks.values() for w in ws})
    span = len(weeks_all)
    rows = []
    for w in sorted(cohorts):
        members = cohorts[w]
        row: list[Any] = [w.isoformat(), len(members)]
        for k in range(span):
            target = w + timedelta(weeks=k)
            row.append(100 * sum(1 for m in members if target in active_weeks[m]) / len(members))
        rows.append(row)
    del horizon
    rep.tables.append(Table("weekly cohort retention (% of cohort checking in)",
                            ["cohort week (CST)", "members count", *[f"week {k} %" for k in range(span)]], rows))
    # Referral tree.
    referrer_of = {r.member: r.referrer for r in _rows(engine, s.referrals) if r.kind == "set"}
    purchasers = {r.member for r in _rows(engine, s.points) if r.reason == "purchase"} | \
                 {r.buyer for r in _rows(engine, s.sales)}
    tree = nx.DiGraph((ref, m) for m, ref in referrer_of.items())
    rows = []
    for ref in tree.nodes:
        if tree.out_degree(ref) == 0:
            continue
        referees = list(tree.successors(ref))
        converted = sum(1 for m in referees if m in purchasers)
        depth = max(nx.single_source_shortest_path_length(tree, ref).values())
        rows.append([ref, len(referees), len(nx.descendants(tree, ref)), depth,
                     100 * converted / len(referees)])
    rows.sort(key=lambda r: (-r[1], r[0]))
    rep.tables.append(Table("top referrers", ["referrer", "referees count", "whole tree count", "depth count",
                                              "conversion to first purchase %"], rows))
    roots = [n for n in tree.nodes if tree.in_degree(n) == 0]
    max_depth = max((max(nx.single_source_shortest_path_length(tree, r).values()) for r in roots), default=0)
    # Funnel: first purchase -> certificate -> voucher -> delivered, per glaze.
    certified = {r.holder for r in _rows(engine, s.certificates) if r.kind == "minted"}
    voucher_buyer = {(r.contract, r.voucher_id): r.buyer for r in _rows(engine, s.vouchers)}
    glaze_of = {(r.contract, r.voucher_id): r.glaze_id for r in _rows(engine, s.voucher_steps) if r.step == "requested"}
    delivered = {(r.contract, r.voucher_id) for r in _rows(engine, s.voucher_steps) if r.step == "delivered"}
    glaze_names = {r.glaze_id: r.name_en for r in _rows(engine, s.glazes) if r.name_en}
    rows = [["(all)", len(purchasers), len(purchasers & certified),
             len({b for b in voucher_buyer.values() if b in purchasers}),
             len({voucher_buyer[v] for v in delivered if v in voucher_buyer})]]
    for gid in sorted(set(glaze_of.values())):
        vs = [v for v, g_ in glaze_of.items() if g_ == gid]
        buyers = {voucher_buyer[v] for v in vs if v in voucher_buyer}
        rows.append([glaze_names.get(gid, f"glaze {gid}"), len(buyers & purchasers), len(buyers & certified),
                     len(buyers), len({voucher_buyer[v] for v in vs if v in delivered})])
    rep.tables.append(Table("funnel: first purchase -> certificate -> voucher -> delivered (members)",
                            ["glaze", "purchased count", "certified count", "voucher count", "delivered count"], rows))
    rep.charts.append(Chart("bar", "funnel (members)", ["purchased", "certified", "voucher", "delivered"],
                            {"all": rows[0][1:]}))
    rep.totals = {"members_checked_in": len(best_streak), "referrals": len(referrer_of),
                  "referral_depth": max_depth, "points": points_balances(engine)}
    return rep


# ------------------------------------------------------------------ 6 kiln
def _voucher_current_states(engine: Engine) -> dict[tuple[str, int], str]:
    out = {(r.contract, r.voucher_id): "issued" for r in _rows(engine, s.vouchers)}
    for r in _rows(engine, s.voucher_states):
        out[(r.contract, r.voucher_id)] = r.to_state
    return out


def kiln_report(engine: Engine, now: datetime | None = None) -> Report:
    rep = Report("kiln", "Kiln and fulfilment")
    states = _voucher_current_states(engine)
    per_state = Counter(states.values())
    order = ["issued", "requested", "in_kiln", "fired", "shipped", "delivered", "failed", "refunded"]
    rep.tables.append(Table("vouchers per state", ["state", "vouchers count"],
                            [[st, per_state.get(st, 0)] for st in order]))
    rep.charts.append(Chart("bar", "vouchers per state", order, {"vouchers": [per_state.get(st, 0) for st in order]}))
    steps = _rows(engine, s.voucher_steps)
    glaze_of = {(r.contract, r.voucher_id): r.glaze_id for r in steps if r.step == "requested"}
    glaze_names = {r.glaze_id: r.name_en for r in _rows(engine, s.glazes) if r.name_en}
    firings: dict[Any, list[int]] = defaultdict(lambda: [0, 0])  # glaze -> [firings, failures]
    batches: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in steps:
        if r.step in ("fired", "failed"):
            g_ = glaze_of.get((r.contract, r.voucher_id))
            firings[g_][0] += 1
            batches[r.kiln_batch_id][0] += 1
            if r.step == "failed":
                firings[g_][1] += 1
                batches[r.kiln_batch_id][1] += 1
    rep.tables.append(Table("failure rate per glaze", ["glaze", "firings count", "failures count", "failure rate %"],
                            [[glaze_names.get(k, f"glaze {k}"), n, f, 100 * f / n] for k, (n, f) in sorted(
                                firings.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]))
    rep.tables.append(Table("failure rate per kiln batch", ["kiln batch", "firings count", "failures count",
                                                           "failure rate %"],
                            [[k, n, f, 100 * f / n] for k, (n, f) in sorted(batches.items())]))
    # Time in each state: from entering it to leaving it (or now, for the current state).
    entered: dict[tuple[str, int], tuple[str, datetime]] = {}
    for r in _rows(engine, s.vouchers):
        entered[(r.contract, r.voucher_id)] = ("issued", r.block_time)
    durations: dict[str, list[float]] = defaultdict(list)
    for r in _rows(engine, s.voucher_states):
        key = (r.contract, r.voucher_id)
        if key in entered:
            st, t0 = entered[key]
            durations[st].append((_aware(r.block_time) - _aware(t0)).total_seconds() / 3600)
        entered[key] = (r.to_state, r.block_time)
    rep.tables.append(Table("time in each state (left states)", ["state", "times count", "mean hours",
                                                                "median hours"],
                            [[st, len(durations[st]), statistics.fmean(durations[st]),
                              statistics.median(durations[st])] for st in order if durations.get(st)]))
    rep.charts.append(Chart("bar", "failure rate per kiln batch (%)", [str(k) for k in sorted(batches)],
                            {"failure %": [100 * f / n for _, (n, f) in sorted(batches.items())]}))
    rep.totals = {"vouchers": len(states), "per_state": dict(per_state),
                  "failures": sum(f for _, f in firings.values())}
    return rep


REPORTS: dict[str, Callable[[Engine], Report]] = {
    "sales": sales_report, "royalties": royalties_report, "holders": holders_report,
    "network": network_report, "fans": fans_report, "kiln": kiln_report,
}


def all_reports(engine: Engine, names: list[str] | None = None) -> list[Report]:
    return [REPORTS[n](engine) for n in (names or list(REPORTS))]
