"""The first part of the demo: the sample catalogue becomes metadata, addressed as `ipfs add` would
address it, kept in the local IPFS store (no server needed) with a CAR beside it."""

from __future__ import annotations

from pathlib import Path

from gaoling.demo import DemoContext
from gaoling.ipfs import publish_collection

CATALOGUE = Path("metadata/catalogue/catalogue.yaml")


def run(ctx: DemoContext, catalogue: Path = CATALOGUE) -> list[tuple[str, str]]:
    result = publish_collection(catalogue, backend="local")
    ctx.base_uri, ctx.contract_uri = result.base_uri, result.contract_uri
    return [
        ("catalogue published", f"{result.cap:,} token files, {len(result.work_uris)} 1/1 works, root {result.root_cid}"),
        ("token metadata directory", result.base_uri),
        ("collection metadata (ERC-7572)", result.contract_uri),
        ("CAR for `ipfs dag import`", f"{result.car_path} ({result.pin_status})"),
    ]
