"""The deploy's metadata step: build everything the platform issues, publish it with the configured
IPFS backend, and decide the URI every contract gets - before the plan is built, so the plan, the
dry run and the checks all see the same URIs.

What is published (docs/ipfs.md):
- each collection's catalogue: one JSON per token id 1..cap (the sizes must add up to the
  collection's cap), the collection JSON, the 1/1 works' JSON (gaoling.ipfs.publish_collection);
- the platform tree: glaze coupons, voucher states, the firing certificate and the ERC-7572 JSON
  of coupons, vouchers, certificate and artworks (gaoling.catalogue.platform).

A URI written in platform.yaml (or a collection config) wins over the published one. On any chain
but the local dev chain, every URI a contract gets must be `ipfs://<valid CID>...` or
`https://...`; anything else (empty, `ipfs://glazes/`, ...) stops the deploy before anything is
sent. With the `local` IPFS backend the deploy warns: that content is on this machine only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from multiformats import CID

from gaoling.deploy.config import LoadedPlatform, PlatformConfigError

#: The local development chains (anvil / Hardhat / Ape's local network): placeholders are fine there.
LOCAL_CHAIN_IDS = frozenset({31337, 1337})

PIN_HINT = ("nobody else can fetch that content. Pin it before anyone looks: `ape run ipfs pin <root> "
            "--backend kubo|pinning|cluster`, or set `ipfs_backend` in platform.yaml (docs/ipfs.md, "
            "\"Backends\")")


@dataclass
class PublishedMetadata:
    """The URIs to set, by key: `edition:<slug>.base`, `edition:<slug>.contract`, `coupons.base`,
    `coupons.contract`, `vouchers.base`, `vouchers.contract`, `certificate.token`,
    `certificate.contract`, `artworks.contract`."""

    uris: dict[str, str] = field(default_factory=dict)
    record: dict[str, Any] = field(default_factory=dict)  # what the manifest keeps under "metadata"
    warnings: list[str] = field(default_factory=list)

    def collection_uris(self) -> dict[str, tuple[str, str]]:
        """slug -> (base, contract) of every collection whose catalogue was published."""
        out = {}
        for slug in self.record.get("collections", {}):
            out[slug] = (self.uris[f"edition:{slug}.base"], self.uris[f"edition:{slug}.contract"])
        return out


def is_content_uri(uri: str) -> bool:
    """True for `https://...` and for `ipfs://<valid CID>` with any path after it."""
    if uri.startswith("https://") and len(uri) > len("https://"):
        return True
    if not uri.startswith("ipfs://"):
        return False
    head = uri[len("ipfs://"):].split("/", 1)[0]
    try:
        CID.decode(head)
    except Exception:  # multiformats raises several unrelated types for malformed input
        return False
    return True


def platform_tree(platform: LoadedPlatform, cid_version: int = 1) -> dict[str, bytes]:
    """The platform metadata tree for this config (glazes as deployed, configured names)."""
    from gaoling.catalogue.platform import GlazeText, PlatformNames, platform_files
    from gaoling.fan.coupons import DEFAULT_GLAZES
    from gaoling.ipfs import cid as cids
    from gaoling.ipfs.unixfs import Importer, ImportOptions

    cfg = platform.config
    hasher = Importer(ImportOptions(cid_version=cid_version))  # no `put`: hashes only, like --only-hash
    names = PlatformNames(
        vouchers=(cfg.vouchers.name, cfg.vouchers.symbol) if cfg.vouchers else PlatformNames.vouchers,
        artworks=(cfg.artworks.name, cfg.artworks.symbol) if cfg.artworks else PlatformNames.artworks,
    )
    glazes = [GlazeText(i, g.name_en, g.name_zh) for i, g in enumerate(DEFAULT_GLAZES, 1)]
    return platform_files(glazes, names, external_link=_external_link(platform),
                          image_uri=lambda data: f"ipfs://{cids.to_str(hasher.add_bytes(data).cid)}")


def _external_link(platform: LoadedPlatform) -> str | None:
    """The studio's site, from the first published catalogue's collection block."""
    from gaoling.catalogue import load_catalogue

    for _slug, _config, catalogue in platform.collections:
        if catalogue is not None:
            return load_catalogue(catalogue).catalogue.collection.external_link
    return None


def publish_metadata(platform: LoadedPlatform, backend: str | None, chain_id: int,
                     say: Callable[[str], None] | None = None) -> PublishedMetadata:
    """Publishes every catalogue and the platform tree with `backend`, returns the URIs to set
    and raises PlatformConfigError, before anything is sent, for a catalogue whose sizes do not
    add up to its collection's cap or a URI a non-local chain must not get."""
    from gaoling.catalogue import transfer_rule
    from gaoling.ipfs import publish_collection, publish_tree

    say = say or (lambda _m: None)
    out = PublishedMetadata(record={"collections": {}})
    for slug, config, catalogue in platform.collections:
        if catalogue is None:
            out.uris[f"edition:{slug}.base"] = config.uris.base
            out.uris[f"edition:{slug}.contract"] = config.uris.contract
            continue
        try:
            rule = transfer_rule(config.transfer.policy.value, config.transfer.holding_period)
            result = publish_collection(catalogue, backend=backend, cap=config.cap, transfer=rule)
        except ValueError as exc:  # CatalogueError: every problem, with file and line
            raise PlatformConfigError(str(platform.source), [(f"collection {slug}", str(exc))]) from None
        say(f"catalogue {catalogue.name}: {result.cap:,} token files (tokens 1..{result.cap:,}), "
            f"{len(result.work_uris)} 1/1 works, root {result.root_cid} ({result.pin_status})")
        out.uris[f"edition:{slug}.base"] = result.base_uri
        out.uris[f"edition:{slug}.contract"] = result.contract_uri
        out.record["collections"][slug] = {
            "root": result.root_cid, "base_uri": result.base_uri, "contract_uri": result.contract_uri,
            "tokens": result.cap, "works": {str(k): v for k, v in result.work_uris.items()},
            "backend": result.backend, "pin_status": result.pin_status}

    cfg = platform.config
    tree = None
    if any((cfg.coupons, cfg.vouchers, cfg.certificate, cfg.artworks)):
        tree = publish_tree(platform_tree(platform), "platform metadata", backend=backend)
        say(f"platform metadata: {len(tree.cids)} files and folders, root {tree.root_cid} ({tree.pin_status})")
        out.record["platform"] = {"root": tree.root_cid, "backend": tree.backend, "pin_status": tree.pin_status}

    def pick(key: str, configured: str | None, path: str, directory: bool = False) -> None:
        out.uris[key] = configured or (tree.uri(path, directory) if tree is not None else "")

    if cfg.coupons is not None:
        pick("coupons.base", cfg.coupons.base_uri, "glazes", directory=True)
        pick("coupons.contract", cfg.coupons.contract_uri, "contracts/coupons.json")
    if cfg.vouchers is not None:
        pick("vouchers.base", cfg.vouchers.base_uri, "vouchers", directory=True)
        pick("vouchers.contract", cfg.vouchers.contract_uri, "contracts/vouchers.json")
    if cfg.certificate is not None:
        pick("certificate.token", cfg.certificate.token_uri, "certificate.json")
        pick("certificate.contract", cfg.certificate.contract_uri, "contracts/certificate.json")
    if cfg.artworks is not None:
        pick("artworks.contract", cfg.artworks.contract_uri, "contracts/artworks.json")

    check_uris(platform, out.uris, chain_id)
    roots = [c["root"] for c in out.record["collections"].values()]
    roots += [out.record["platform"]["root"]] if "platform" in out.record else []
    if roots and (backend or "local") == "local" and chain_id not in LOCAL_CHAIN_IDS:
        out.warnings.append(f"ipfs_backend is `local`: the metadata ({', '.join(roots)}) is only in this "
                            f"machine's IPFS store; {PIN_HINT}")
    return out


def check_uris(platform: LoadedPlatform, uris: dict[str, str], chain_id: int) -> None:
    """On a non-local chain, every URI must be `ipfs://<valid CID>...` or `https://...`."""
    if chain_id in LOCAL_CHAIN_IDS:
        return
    issues = []
    for key, uri in uris.items():
        if not is_content_uri(uri):
            shown = repr(uri) if uri else "empty"
            issues.append((_field_of(key),
                           f"{shown} is not a URI anyone can fetch on chain {chain_id}: use ipfs://<CID>... or "
                           f"https://..., or leave it unset so the deploy publishes the metadata itself"))
    if issues:
        raise PlatformConfigError(str(platform.source), issues)


def _field_of(key: str) -> str:
    """The config field a URI key comes from, for error messages."""
    component, _, which = key.partition(".")
    if component.startswith("edition:"):
        slug = component.split(":", 1)[1]
        return f"collection {slug}: uris.{which} (or name its catalogue in platform.yaml)"
    field_name = {"base": "base_uri", "contract": "contract_uri", "token": "token_uri"}[which]
    return f"{component}.{field_name}"
