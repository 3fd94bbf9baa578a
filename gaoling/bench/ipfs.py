"""Throughput: our CID + CAR build against `ipfs-car pack` (npm) on the same 10,000-item
collection, in the same run, requiring the same root CID.

The collection is 10,000 token metadata JSON files (named by bare token id) plus 10,000 small
generated PNG images. Both tools are timed as separate processes, start-up included, since
that is how an issuer runs either of them. ipfs-car uses CIDv1 with raw leaves and shards
directories of more than 1,000 entries; our importer with `--cid-version 1` produces the
same DAG here (both 10,000-entry directories are past Kubo's 256 KiB shard threshold too),
which the equal root CIDs confirm.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..catalogue.png import encode_png

ROOT = Path(__file__).resolve().parents[2]


def _image(i: int) -> bytes:
    # 16x16 swatch, colour and a crackle line derived from the token id: small, distinct, valid PNG.
    r, g, b = (i * 37) % 256, (i * 91) % 256, (i * 53) % 256
    rows = []
    for y in range(16):
        rows.append(b"".join(bytes((r, g, b)) if (x + y + i) % 7 else b"\x20\x20\x20" for x in range(16)))
    # the first pixel spells the id, so that every image (and its CID) is distinct
    rows[0] = i.to_bytes(3, "big") + rows[0][3:]
    return encode_png(16, 16, rows)


def generate(workdir: str | os.PathLike, n: int = 10_000) -> Path:
    """Write the benchmark collection under workdir/collection (deterministic)."""
    from ..ipfs.cid import raw_cid, to_str

    src = Path(workdir) / "collection"
    if src.exists():
        shutil.rmtree(src)
    (src / "images").mkdir(parents=True)
    (src / "metadata").mkdir()
    for i in range(1, n + 1):
        png = _image(i)
        (src / "images" / f"{i}.png").write_bytes(png)
        doc = {"name": f"Piece {i} · 作品 {i}", "description": f"Benchmark piece {i}.\n\n基准测试作品 {i}。",
               "image": f"ipfs://{to_str(raw_cid(png))}", "external_url": f"https://gaoling.example/pieces/{i}",
               "attributes": [{"trait_type": "Glaze", "value": ["Celadon", "Copper red", "Qingbai"][i % 3]},
                              {"display_type": "number", "trait_type": "Edition size", "value": n}]}
        (src / "metadata" / str(i)).write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), "utf-8")
    return src


_OURS = """
import sys
from gaoling.ipfs.car import CarWriter
from gaoling.ipfs.cid import to_str
from gaoling.ipfs.unixfs import Importer, ImportOptions
car = CarWriter(sys.argv[2], 1)
root = Importer(ImportOptions(cid_version=1), car.put).add_path(sys.argv[1]).cid
car.close(root)
print(to_str(root))
"""


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    return elapsed, (out.stdout.strip() or out.stderr.strip()).split()[-1]


def measure_throughput(workdir: str | os.PathLike, n: int = 10_000, repeats: int = 3) -> dict:
    """Generate the collection in `workdir`, then pack it with both tools `repeats` times each
    (alternating, best time kept). Raises if the root CIDs differ."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    src = generate(workdir, n)
    ipfs_car = ROOT / "node_modules" / ".bin" / "ipfs-car"
    if not ipfs_car.exists():
        raise FileNotFoundError(f"{ipfs_car} is missing: run `npm ci` (ipfs-car is a devDependency)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    ours_t, theirs_t = [], []
    ours_cid = theirs_cid = ""
    for _ in range(repeats):
        t, ours_cid = _timed([sys.executable, "-c", _OURS, str(src), str(workdir / "ours.car")], env)
        ours_t.append(t)
        t, theirs_cid = _timed([str(ipfs_car), "pack", str(src), "--output", str(workdir / "ipfs-car.car")])
        theirs_t.append(t)
    if ours_cid != theirs_cid:
        raise AssertionError(f"root CIDs differ: ours {ours_cid}, ipfs-car {theirs_cid}")
    ours, theirs = min(ours_t), min(theirs_t)
    return {
        "ipfs.items": 2 * n,
        "ipfs.ours_s": round(ours, 3),
        "ipfs.ipfs_car_s": round(theirs, 3),
        "ipfs.speedup": round(theirs / ours, 2),
        "root_cid_ours": ours_cid,
        "root_cid_ipfs_car": theirs_cid,
        "ipfs.car_bytes_ours": (workdir / "ours.car").stat().st_size,
        "ipfs.car_bytes_ipfs_car": (workdir / "ipfs-car.car").stat().st_size,
    }


if __name__ == "__main__":  # python -m gaoling.bench.ipfs [WORKDIR] [N]
    wd = sys.argv[1] if len(sys.argv) > 1 else ".cache/gaoling/bench-ipfs"
    print(json.dumps(measure_throughput(wd, int(sys.argv[2]) if len(sys.argv) > 2 else 10_000), indent=2))
