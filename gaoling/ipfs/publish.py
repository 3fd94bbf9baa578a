"""Catalogue -> content-addressed collection -> local store, CAR, and (optionally) a pin.

Layout of one publication (a single UnixFS directory, so one recursive pin covers it all):

    <root>/
      collection.json     ERC-7572 contractURI JSON
      images/<file>       the images named in the catalogue
      metadata/<id>       token metadata, named by bare token id (tokenURI = baseURI + id)

`base_uri` is `ipfs://<CID of metadata>/` and `contract_uri` is `ipfs://<CID of collection.json>`.
The CIDs do not depend on where the files came from, only on their bytes, so a rerun of the
same catalogue gives the same CIDs and finds its pin already recorded in the manifest.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import collection_metadata, load_catalogue, to_json_bytes, token_metadata
from ..catalogue.schemas import CollectionMetadata, TokenMetadata
from . import cid as cids
from .backends import Backend, BackendError, make_backend
from .blockstore import FsBlockstore
from .car import CarWriter
from .config import IpfsConfig, load_config
from .manifest import PinManifest
from .unixfs import Entry, Importer, ImportOptions

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class PublishResult:
    base_uri: str
    contract_uri: str
    root_cid: str
    metadata_cid: str
    images_cid: str
    collection_cid: str
    token_ids: list[int]
    car_path: Path
    backend: str  # backend id, or "local"
    pin_status: str  # "pinned", "already pinned", "stored locally", or an in-progress state
    token_uris: dict[int, str] = field(default_factory=dict)


@dataclass
class BuiltCollection:
    root: bytes
    metadata: bytes
    images: bytes
    collection: bytes
    token_ids: list[int]
    files: dict[str, bytes]  # relative path -> bytes of every JSON file produced


def build_collection(catalogue_path: str | os.PathLike, importer: Importer,
                     progress: Progress | None = None) -> BuiltCollection:
    """Validate the catalogue and import it with `importer` (its `put` receives every block).
    Raises CatalogueError before any block is produced if the catalogue has problems."""
    loaded = load_catalogue(catalogue_path)
    pieces = loaded.pieces
    total = len(pieces)
    image_entries: dict[bytes, Entry] = {}
    image_cid: dict[int, bytes] = {}
    for n, piece in enumerate(pieces, 1):
        path = loaded.images[piece.id]
        entry = importer.add_file(path)
        image_entries[Path(piece.image).name.encode()] = entry
        image_cid[piece.id] = entry.cid
        if progress:
            progress("images", n, total)
    coll = loaded.catalogue.collection
    extra = {coll.image: None, **({coll.banner_image: None} if coll.banner_image else {})}
    for rel in extra:
        e = importer.add_file(loaded.root / rel)
        image_entries[Path(rel).name.encode()] = e
        extra[rel] = e.cid
    if len(image_entries) != total + len(extra):
        raise ValueError("two images share a file name; give every image in the catalogue a distinct name")
    images = importer.directory(image_entries)

    files: dict[str, bytes] = {}
    meta_entries: dict[bytes, Entry] = {}
    for n, piece in enumerate(pieces, 1):
        meta = token_metadata(piece, f"ipfs://{cids.to_str(image_cid[piece.id])}", coll)
        TokenMetadata.model_validate(meta)  # what we emit must match the published schema
        doc = to_json_bytes(meta)
        files[f"metadata/{piece.id}"] = doc
        meta_entries[str(piece.id).encode()] = importer.add_bytes(doc)
        if progress:
            progress("metadata", n, total)
    metadata = importer.directory(meta_entries)
    banner = f"ipfs://{cids.to_str(extra[coll.banner_image])}" if coll.banner_image else None
    cmeta = collection_metadata(coll, f"ipfs://{cids.to_str(extra[coll.image])}", banner)
    CollectionMetadata.model_validate(cmeta)
    cdoc = to_json_bytes(cmeta)
    files["collection.json"] = cdoc
    collection = importer.add_bytes(cdoc)
    root = importer.directory({b"collection.json": collection, b"images": images, b"metadata": metadata})
    return BuiltCollection(root.cid, metadata.cid, images.cid, collection.cid, [p.id for p in pieces], files)


def publish_collection(
    catalogue_path: str | os.PathLike,
    config: IpfsConfig | None = None,
    backend: Backend | str | None = None,
    cid_version: int = 1,
    out_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
    wait: bool = True,
) -> PublishResult:
    """Validate, content-address, store locally, write a CAR, then pin with `backend`
    (a Backend, a kind name, or None for the configured one; "local" pins nothing).

    Idempotent: a root already recorded as pinned on that backend is not sent again. Safe to
    rerun after any failure: blocks and CAR are written atomically and the manifest records
    each state change as it happens. `out_dir`, if given, also receives the JSON files."""
    cfg = config or load_config()
    if isinstance(backend, str) or backend is None:
        backend = make_backend(cfg, backend)
    store = FsBlockstore(cfg.store)
    (cfg.store / "cars").mkdir(parents=True, exist_ok=True)
    car_tmp = cfg.store / "cars" / f"building-{os.getpid()}.car"
    car = CarWriter(car_tmp, cid_version)

    def put(c: bytes, block: bytes) -> None:
        store.put(c, block)
        car.put(c, block)

    try:
        built = build_collection(catalogue_path, Importer(ImportOptions(cid_version=cid_version), put), progress)
    except BaseException:
        car.abort()
        raise
    car.close(built.root)
    root_s = cids.to_str(built.root)
    car_path = cfg.store / "cars" / f"{root_s}.car"
    os.replace(car_tmp, car_path)

    if out_dir is not None:
        _write_tree(Path(out_dir), built.files)

    manifest = PinManifest(cfg.store / "pins.json")
    meta_s = cids.to_str(built.metadata)
    manifest.record_item(root_s, f"collection {Path(catalogue_path).name}", metadata=meta_s,
                         images=cids.to_str(built.images), collection=cids.to_str(built.collection),
                         car=str(car_path))
    status = "stored locally"
    backend_id = "local"
    if backend is not None:
        backend_id = backend.id
        status = pin_root(backend, manifest, built.root, car_path, f"collection {Path(catalogue_path).name}", wait)

    return PublishResult(
        base_uri=f"ipfs://{meta_s}/",
        contract_uri=f"ipfs://{cids.to_str(built.collection)}",
        root_cid=root_s,
        metadata_cid=meta_s,
        images_cid=cids.to_str(built.images),
        collection_cid=cids.to_str(built.collection),
        token_ids=built.token_ids,
        car_path=car_path,
        backend=backend_id,
        pin_status=status,
        token_uris={t: f"ipfs://{meta_s}/{t}" for t in built.token_ids},
    )


def pin_root(backend: Backend, manifest: PinManifest, root: bytes, car_path: Path, label: str,
             wait: bool = True) -> str:
    """Pin one root with one backend, consulting and updating the manifest."""
    root_s = cids.to_str(root)
    if manifest.is_pinned(root_s, backend.id):
        return "already pinned"
    previous = manifest.pin(root_s, backend.id) or {}
    kwargs = {}
    if previous.get("requestid") and backend.kind == "pinning":
        kwargs["requestid"] = previous["requestid"]
    manifest.record_pin(root_s, backend.id, "pinning", previous.get("requestid"))
    try:
        outcome = backend.pin_car(car_path, root, label, wait=wait, **kwargs)
    except BackendError as exc:
        manifest.record_pin(root_s, backend.id, "error", previous.get("requestid"), error=str(exc))
        raise
    manifest.record_pin(root_s, backend.id, outcome.status, outcome.requestid)
    return outcome.status


def _write_tree(out: Path, files: dict[str, bytes]) -> None:
    """Write all files into `out` through a sibling temporary directory and a rename, so `out`
    holds either the previous complete output or the new one."""
    import shutil
    import tempfile

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, data in files.items():
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old.{os.getpid()}")
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
