"""The collector page's bundle size: `web.bundle_gzip_bytes` (target <= 150 KB gzipped).

The bundle is built by `make web` (esbuild, minified); this measures the file that is served,
gzipped at level 9, the way a reverse proxy would compress it."""

from __future__ import annotations

from typing import Any

TARGET_GZIP_BYTES = 150 * 1024


def measure() -> dict[str, Any]:
    from gaoling.web.build import BUNDLE, gzipped_size

    if not BUNDLE.exists():
        return {}
    size = gzipped_size(BUNDLE)
    return {"web.bundle_bytes": BUNDLE.stat().st_size, "web.bundle_gzip_bytes": size,
            "web.bundle_gzip_target_bytes": TARGET_GZIP_BYTES}


def markdown_row(throughput: dict[str, Any]) -> str | None:
    if "web.bundle_gzip_bytes" not in throughput:
        return None
    size = throughput["web.bundle_gzip_bytes"]
    ok = size <= TARGET_GZIP_BYTES
    return (f"| Collector page bundle, gzipped (≤ 150 KB) | {size:,} B | {TARGET_GZIP_BYTES:,} B | "
            f"{size / TARGET_GZIP_BYTES:.3f} | {'yes' if ok else '**no**'} |")
