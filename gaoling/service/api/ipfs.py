"""`GET /ipfs/{cid}[/{path}]`: what the platform published, from the local blockstore.

Not an open proxy: only CIDs reachable from a root recorded in the store's pin manifest
(`pins.json`, written by `ape run ipfs publish` and the deploy engine) are served; anything else is
404. Responses follow the IPFS Trustless Gateway spec for verifiable formats:
- `?format=raw` or `Accept: application/vnd.ipld.raw`: the single block, `application/vnd.ipld.raw`;
- `?format=car` or `Accept: application/vnd.ipld.car`: a CARv1 of the whole DAG under the resolved
  CID, `application/vnd.ipld.car; version=1`;
- otherwise the deserialised UnixFS file with its content type (JSON metadata is sniffed), or a JSON
  listing for a directory. `?rewrite=ipfs` turns `ipfs://` URLs inside JSON into this gateway's URLs,
  for wallets that cannot resolve `ipfs://`.
"""

from __future__ import annotations

import json
import mimetypes
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from gaoling.ipfs import cid as cids
from gaoling.ipfs.blockstore import MissingBlock, list_directory, lookup, read_file, walk_dag
from gaoling.ipfs.car import encode_header
from gaoling.ipfs.pb import decode_node, decode_unixfs, varint
from gaoling.service.problems import Problem

router = APIRouter(tags=["ipfs"])
RAW = "application/vnd.ipld.raw"
CAR = "application/vnd.ipld.car"
IMMUTABLE = "public, max-age=29030400, immutable"


def published_cids(store: Any, manifest_items: dict) -> set[str]:
    """Every CID (string form) reachable from the published roots."""
    out: set[str] = set()
    for root in manifest_items:
        try:
            for c, _ in walk_dag(store, cids.parse(root)):
                out.add(cids.to_str(c))
        except (MissingBlock, ValueError, KeyError):
            continue
    return out


def _not_found(cid: str) -> Problem:
    return Problem("not-found", "cid", en=f"cid: {cid} is not content this platform published.",
                   zh=f"cid：{cid} 不是本平台发布的内容。")


def _resolve(svc: Any, cid_text: str, path: str) -> bytes:
    try:
        root = cids.parse(cid_text)
    except Exception:
        raise Problem("invalid-field", "cid", en=f"cid: {cid_text!r} is not a CID.", zh=f"cid：{cid_text!r} 不是 CID。") \
            from None
    if svc.ipfs_store is None or cids.to_str(root) not in svc.published:
        raise _not_found(cid_text)
    current = root
    for part in [p for p in path.split("/") if p]:
        try:  # a HAMT shard (the 10,000-token folder) is searched by the name's hash, as Kubo does
            current = lookup(svc.ipfs_store, current, part)
        except (NotADirectoryError, ValueError):
            raise Problem("not-found", "path", en=f"path: {part!r} is under a file, not a directory.",
                          zh=f"path：{part!r} 位于文件之下。") from None
        except FileNotFoundError:
            raise Problem("not-found", "path", en=f"path: {cid_text}/{path} does not exist.",
                          zh=f"path：{cid_text}/{path} 不存在。") from None
    return current


def _car(svc: Any, root: bytes) -> bytes:
    header = encode_header([root])
    parts = [varint(len(header)), header]
    for c, block in walk_dag(svc.ipfs_store, root):
        parts += [varint(len(c) + len(block)), c, block]
    return b"".join(parts)


def _is_dir(svc: Any, c: bytes) -> bool:
    if cids.codec_of(c) != cids.DAG_PB:
        return False
    fs = decode_unixfs(decode_node(svc.ipfs_store.get(c)).data or b"")
    return fs.type in (1, 5)


MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
         (b"RIFF", "image/webp"), (b"<svg", "image/svg+xml"), (b"<?xml", "image/svg+xml"))


def sniff(data: bytes) -> str:
    """Content type of a file published without an extension (token metadata, bare image CIDs)."""
    for magic, media in MAGIC:
        if data.startswith(magic):
            return media
    return "application/json" if data.lstrip()[:1] in (b"{", b"[") else "application/octet-stream"


def rewrite_ipfs(value: Any, base: str) -> Any:
    """ipfs://<cid>/<path> -> <base>/ipfs/<cid>/<path>, recursively in JSON values."""
    if isinstance(value, str) and value.startswith("ipfs://"):
        return f"{base}/ipfs/{value[len('ipfs://'):]}"
    if isinstance(value, list):
        return [rewrite_ipfs(v, base) for v in value]
    if isinstance(value, dict):
        return {k: rewrite_ipfs(v, base) for k, v in value.items()}
    return value


def load_ipfs_json(svc: Any, uri: str) -> Any:
    """The JSON at an ipfs:// URI, if the platform published it (token metadata), else None."""
    if not uri.startswith("ipfs://") or svc.ipfs_store is None:
        return None
    cid_text, _, path = uri[len("ipfs://"):].partition("/")
    try:
        return json.loads(read_file(svc.ipfs_store, _resolve(svc, cid_text, path)))
    except (Problem, ValueError, MissingBlock, IsADirectoryError):
        return None


@router.get("/ipfs/{cid}", summary="Published content by CID (Trustless Gateway: raw blocks and CARs)")
@router.get("/ipfs/{cid}/{path:path}", include_in_schema=False)
def get_ipfs(cid: str, request: Request, path: str = "",
             format: str | None = Query(None, description="raw | car"),
             rewrite: str | None = Query(None, description="`ipfs` rewrites ipfs:// URLs in JSON")) -> Response:
    svc = request.app.state.svc
    accept = request.headers.get("accept", "")
    wanted = format or ("raw" if RAW in accept else "car" if CAR in accept else None)
    if wanted not in (None, "raw", "car"):
        raise Problem("not-acceptable", "format", en=f"format: {wanted!r} is not served; use raw or car.",
                      zh=f"format：不支持 {wanted!r}；请使用 raw 或 car。", status=400)
    target = _resolve(svc, cid, path)
    target_s = cids.to_str(target)
    headers = {"Cache-Control": IMMUTABLE, "X-Ipfs-Path": f"/ipfs/{cid}/{path}".rstrip("/"),
               "X-Ipfs-Roots": target_s, "X-Content-Type-Options": "nosniff", "Vary": "Accept",
               # published SVG or HTML must never run script on the service's origin
               "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"}
    if wanted == "raw":
        return Response(svc.ipfs_store.get(target), media_type=RAW,
                        headers={**headers, "ETag": f'"{target_s}.raw"',
                                 "Content-Disposition": f'attachment; filename="{target_s}.bin"'})
    if wanted == "car":
        return Response(_car(svc, target), media_type=f"{CAR}; version=1",
                        headers={**headers, "ETag": f'"{target_s}.car"',
                                 "Content-Disposition": f'attachment; filename="{target_s}.car"'})
    if _is_dir(svc, target):
        entries = list_directory(svc.ipfs_store, target)
        return JSONResponse({"cid": target_s, "entries": {k: cids.to_str(v) for k, v in sorted(entries.items())}},
                            headers={**headers, "ETag": f'"{target_s}.dir"'})
    data = read_file(svc.ipfs_store, target)
    name = path.rsplit("/", 1)[-1]
    media = mimetypes.guess_type(name)[0] if "." in name else None
    if media is None:
        media = sniff(data)
    if rewrite == "ipfs" and media == "application/json":
        try:
            data = json.dumps(rewrite_ipfs(json.loads(data), str(request.base_url).rstrip("/")),
                              ensure_ascii=False).encode()
        except ValueError:
            pass
    return Response(data, media_type=media, headers={**headers, "ETag": f'"{target_s}"'})
