"""Catalogue -> content-addressed collection -> local store, CAR, and (optionally) a pin.

Layout of one publication (a single UnixFS directory, so one recursive pin covers it all):

    <root>/
      collection.json     ERC-7572 contractURI JSON
      images/<file>       the images named in the catalogue
      metadata/<id>       token metadata for every token id 1..cap, named by bare token id
                          (tokenURI = baseURI + id); which piece a token shows: gaoling.catalogue.tokens
      works/<id>.json     metadata of each 1/1 work (artworks tokenURI = ipfs://<CID of the file>)

`base_uri` is `ipfs://<CID of metadata>/` and `contract_uri` is `ipfs://<CID of collection.json>`.
With 10,000 tokens the metadata directory is a HAMT shard, exactly as Kubo builds it.
The CIDs do not depend on where the files came from, only on their bytes, so a rerun of the
same catalogue gives the same CIDs and finds its pin already recorded in the manifest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue import collection_metadata, load_catalogue, to_json_bytes, token_map, token_metadata, work_metadata
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
    work_uris: dict[int, str] = field(default_factory=dict)  # 1/1 work id -> ipfs://<CID of its JSON>
    cap: int = 0  # tokens 1..cap have metadata


@dataclass
class BuiltCollection:
    root: bytes
    metadata: bytes
    images: bytes
    collection: bytes
    token_ids: list[int]
    files: dict[str, bytes]  # relative path -> bytes of every JSON file produced
    works: dict[int, bytes] = field(default_factory=dict)  # work id -> CID of its metadata JSON


def build_collection(catalogue_path: str | os.PathLike, importer: Importer,
                     progress: Progress | None = None, cap: int | None = None,
                     transfer: dict | None = None) -> BuiltCollection:
    """Validate the catalogue and import it with `importer` (its `put` receives every block).
    Raises CatalogueError before any block is produced if the catalogue has problems, or if `cap`
    is given and the pieces' edition sizes do not add up to it. `transfer` (render.transfer_rule) goes
    into collection.json for wallets and indexers."""
    loaded = load_catalogue(catalogue_path)
    tmap = token_map(loaded, cap)
    pieces, works = loaded.pieces, loaded.works
    sources = [(p.image, loaded.images[p.id]) for p in pieces] + [(w.image, loaded.work_images[w.id]) for w in works]
    total = len(sources)
    image_entries: dict[bytes, Entry] = {}
    image_cid: dict[str, bytes] = {}  # catalogue image path -> CID
    for n, (rel, path) in enumerate(sources, 1):
        entry = importer.add_file(path)
        image_entries[Path(rel).name.encode()] = entry
        image_cid[rel] = entry.cid
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
    image_uri = {rel: f"ipfs://{cids.to_str(c)}" for rel, c in image_cid.items()}
    for token_id, r, number in tmap:
        meta = token_metadata(r.piece, image_uri[r.piece.image], coll, token_id, number)
        if number == 1 or token_id == r.last:  # what we emit must match the published schema
            TokenMetadata.model_validate(meta)  # (one shape per piece: its first and last token)
        doc = to_json_bytes(meta)
        files[f"metadata/{token_id}"] = doc
        meta_entries[str(token_id).encode()] = importer.add_bytes(doc)
        if progress and (token_id % 500 == 0 or token_id == tmap.cap):
            progress("metadata", token_id, tmap.cap)
    metadata = importer.directory(meta_entries)
    work_entries: dict[bytes, Entry] = {}
    for work in works:
        meta = work_metadata(work, image_uri[work.image], coll)
        TokenMetadata.model_validate(meta)
        doc = to_json_bytes(meta)
        files[f"works/{work.id}.json"] = doc
        work_entries[f"{work.id}.json".encode()] = importer.add_bytes(doc)
    banner = f"ipfs://{cids.to_str(extra[coll.banner_image])}" if coll.banner_image else None
    cmeta = collection_metadata(coll, f"ipfs://{cids.to_str(extra[coll.image])}", banner, transfer)
    CollectionMetadata.model_validate(cmeta)
    cdoc = to_json_bytes(cmeta)
    files["collection.json"] = cdoc
    collection = importer.add_bytes(cdoc)
    top = {b"collection.json": collection, b"images": images, b"metadata": metadata}
    if work_entries:
        top[b"works"] = importer.directory(work_entries)
    root = importer.directory(top)
    return BuiltCollection(root.cid, metadata.cid, images.cid, collection.cid, list(range(1, tmap.cap + 1)), files,
                           {w.id: work_entries[f"{w.id}.json".encode()].cid for w in works})


def publish_collection(
    catalogue_path: str | os.PathLike,
    config: IpfsConfig | None = None,
    backend: Backend | str | None = None,
    cid_version: int = 1,
    out_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
    wait: bool = True,
    cap: int | None = None,
    transfer: dict | None = None,
) -> PublishResult:
    """Validate, content-address, store locally, write a CAR, then pin with `backend`
    (a Backend, a kind name, or None for the configured one; "local" pins nothing).

    Idempotent: a root already recorded as pinned on that backend is not sent again. Safe to
    rerun after any failure: blocks and CAR are written atomically and the manifest records
    each state change as it happens. `out_dir`, if given, also receives the JSON files. `cap`, the
    edition's cap, makes a catalogue whose sizes do not add up to it an error; `transfer` is the
    collection's transfer rule for collection.json (render.transfer_rule)."""
    label = f"collection {Path(catalogue_path).name}"
    cfg = config or load_config()
    key = _build_key(catalogue_path, cap, cid_version, transfer)
    cached = None if out_dir is not None else _cached_build(cfg, key)
    if cached is not None:  # this store already holds exactly this build: pin (if asked) and return
        if isinstance(backend, str) or backend is None:
            backend = make_backend(cfg, backend)
        root_s, car_path = cached["root"], Path(cached["car"])
        status, backend_id = "stored locally", "local"
        if backend is not None:
            backend_id = backend.id
            status = pin_root(backend, PinManifest(cfg.store / "pins.json"), cids.parse(root_s), car_path, label, wait)
        meta_s, cap_n = cached["metadata"], cached["cap"]
        return PublishResult(
            base_uri=f"ipfs://{meta_s}/", contract_uri=f"ipfs://{cached['collection']}", root_cid=root_s,
            metadata_cid=meta_s, images_cid=cached["images"], collection_cid=cached["collection"],
            token_ids=list(range(1, cap_n + 1)), car_path=car_path, backend=backend_id, pin_status=status,
            token_uris={t: f"ipfs://{meta_s}/{t}" for t in range(1, cap_n + 1)},
            work_uris={int(w): u for w, u in cached["works"].items()}, cap=cap_n)
    stored = _store_and_pin(
        lambda importer: build_collection(catalogue_path, importer, progress, cap, transfer), lambda built: built.root,
        label, cfg, backend, cid_version, wait,
        lambda built: dict(metadata=cids.to_str(built.metadata), images=cids.to_str(built.images),
                           collection=cids.to_str(built.collection)))
    built, root_s, car_path, backend_id, status = stored
    if out_dir is not None:
        _write_tree(Path(out_dir), built.files)
    meta_s = cids.to_str(built.metadata)

    _record_build(cfg, key, {"root": root_s, "car": str(car_path), "metadata": meta_s,
                             "images": cids.to_str(built.images), "collection": cids.to_str(built.collection),
                             "cap": len(built.token_ids),
                             "works": {str(w): f"ipfs://{cids.to_str(c)}" for w, c in built.works.items()}})
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
        work_uris={w: f"ipfs://{cids.to_str(c)}" for w, c in built.works.items()},
        cap=len(built.token_ids),
    )


# Source files whose code decides the bytes of a build: a change to any of them is a new build.
_BUILD_CODE = [Path(__file__).parent / n for n in ("publish.py", "unixfs.py", "pb.py", "cid.py", "car.py")] + \
    sorted((Path(__file__).parent.parent / "catalogue").glob("*.py"))


def _build_key(catalogue_path: str | os.PathLike, cap: int | None, cid_version: int,
               transfer: dict | None = None) -> str | None:
    """A digest of everything a build depends on: the catalogue, every file it names (images,
    collection.yaml, works.csv), the cap, the CID version, the transfer rule and the code. None when the catalogue
    does not load (the build then reports every problem)."""
    import hashlib

    from ..catalogue import CatalogueError

    path = Path(catalogue_path)
    try:
        loaded = load_catalogue(path)
    except CatalogueError:
        return None
    coll = loaded.catalogue.collection
    named = [path, path.parent / "collection.yaml", path.parent / "works.csv",
             *loaded.images.values(), *loaded.work_images.values(),
             *(loaded.root / rel for rel in (coll.image, coll.banner_image) if rel)]
    digest = hashlib.sha256(f"v1 {cap} {cid_version} {json.dumps(transfer, sort_keys=True)}\n".encode())
    try:
        for code in _BUILD_CODE:
            digest.update(code.read_bytes())
        for f in named:
            if f.is_file():
                digest.update(str(f).encode() + b"\0" + f.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _cached_build(cfg: IpfsConfig, key: str | None) -> dict | None:
    """The record of an earlier identical build in this store, if its CAR and root block are still there."""
    if key is None:
        return None
    try:
        record = json.loads((cfg.store / "builds" / f"{key}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not Path(record.get("car", "")).is_file() or not FsBlockstore(cfg.store).has(cids.parse(record["root"])):
        return None
    return record


def _record_build(cfg: IpfsConfig, key: str | None, record: dict) -> None:
    if key is None:
        return
    folder = cfg.store / "builds"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record, sort_keys=True), "utf-8")
    os.replace(tmp, folder / f"{key}.json")


def _store_and_pin(build, root_of, label: str, config: IpfsConfig | None, backend: Backend | str | None,
                   cid_version: int, wait: bool, record=None):
    """Runs `build(importer)` with every block going to the local store and a CAR, renames the CAR
    to `<root>.car`, records the root in the pin manifest and pins it with `backend`.
    Returns (built, root CID text, CAR path, backend id, pin status)."""
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
        built = build(Importer(ImportOptions(cid_version=cid_version), put))
    except BaseException:
        car.abort()
        raise
    root = root_of(built)
    car.close(root)
    root_s = cids.to_str(root)
    car_path = cfg.store / "cars" / f"{root_s}.car"
    os.replace(car_tmp, car_path)

    manifest = PinManifest(cfg.store / "pins.json")
    manifest.record_item(root_s, label, **(record(built) if record else {}), car=str(car_path))
    status = "stored locally"
    backend_id = "local"
    if backend is not None:
        backend_id = backend.id
        status = pin_root(backend, manifest, root, car_path, label, wait)
    return built, root_s, car_path, backend_id, status


@dataclass
class PublishedTree:
    """A published tree of files: `cids` maps every path ("glazes", "glazes/1.json") to its CID."""

    root_cid: str
    cids: dict[str, str]
    car_path: Path
    backend: str
    pin_status: str

    def uri(self, path: str, directory: bool = False) -> str:
        """`ipfs://<CID of path>`, with a trailing slash for a directory used as a base URI."""
        return f"ipfs://{self.cids[path]}" + ("/" if directory else "")


def build_tree(files: dict[str, bytes], importer: Importer) -> tuple[bytes, dict[str, str]]:
    """Imports `files` (relative path -> bytes) as one UnixFS directory tree; returns the root CID
    and the CID of every file and sub-directory by path."""
    tree: dict = {}
    for rel, data in files.items():
        parts = rel.split("/")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = data
    out: dict[str, str] = {}

    def add(node: dict, prefix: str) -> Entry:
        entries: dict[bytes, Entry] = {}
        for name, value in node.items():
            path = f"{prefix}{name}"
            entry = add(value, path + "/") if isinstance(value, dict) else importer.add_bytes(value)
            out[path] = cids.to_str(entry.cid)
            entries[name.encode()] = entry
        return importer.directory(entries)

    root = add(tree, "")
    return root.cid, out


def publish_tree(files: dict[str, bytes], label: str, config: IpfsConfig | None = None,
                 backend: Backend | str | None = None, cid_version: int = 1, wait: bool = True) -> PublishedTree:
    """Content-addresses `files` as one directory, stores it locally with a CAR and pins it, like
    `publish_collection` (same store, manifest, idempotence and errors)."""
    built, root_s, car_path, backend_id, status = _store_and_pin(
        lambda importer: build_tree(files, importer), lambda b: b[0], label, config, backend, cid_version, wait)
    return PublishedTree(root_s, built[1], car_path, backend_id, status)


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
