"""`python -m gaoling.collection CONFIG...`: validates collection configs without any chain."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from rich.console import Console
from rich.table import Table

from gaoling.collection.config import CollectionConfigError, load_collection_config


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def main(argv: list[str]) -> int:
    console = Console()
    if not argv or argv[0] in ("-h", "--help"):
        console.print("usage: python -m gaoling.collection metadata/collections/<slug>.yaml ...")
        return 0 if argv else 2
    failed = False
    for path in argv:
        try:
            config = load_collection_config(path)
        except CollectionConfigError as exc:
            failed = True
            console.print(f"[red]✗ {path}[/red]: {len(exc.issues)} problem(s)")
            for line in str(exc).splitlines():
                console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
            continue
        table = Table(title=f"✓ {path}", show_header=False)
        table.add_row("collection", f"{config.name} ({config.symbol}), cap {config.cap:,}")
        table.add_row("royalty", f"{config.royalty.bps} bps to {config.royalty.receiver}")
        for payee in config.split:
            table.add_row(f"split: {payee.role.value}", f"{payee.bps} bps {payee.name} {payee.address}")
        period = f" {config.transfer.holding_period}s" if config.transfer.holding_period else ""
        table.add_row("transfer", config.transfer.policy.value + period)
        for phase_id, (price, start, end, limit), root in config.phase_args():
            name = "allowlist" if phase_id == 0 else "public"
            table.add_row(f"phase {phase_id} {name}",
                          f"{price} wei, {_when(start)} .. {_when(end)}, max {limit}/wallet"
                          + (f", root 0x{root.hex()}" if phase_id == 0 else ""))
        console.print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
