"""Read a catalogue (YAML, or CSV plus a collection.yaml beside it) and validate all of it.

Every problem found is reported, each with the file, the line (YAML) or row's line (CSV), and
the field, and nothing is produced unless there are none. Line numbers are 1-based.

YAML layout: {collection: {...}, pieces: [{...}, ...]}.
CSV layout: one piece per row, nested fields as dotted headers (`name.en`, `name.zh-CN`,
`dimensions.height_mm`, `edition.size`, ...); the collection block lives in `collection.yaml`
in the same folder.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import ValidationError

from .models import Catalogue, CollectionInfo, Piece

_SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}


class Problem(NamedTuple):
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class CatalogueError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            f"the catalogue has {len(problems)} problem(s); nothing was produced. Fix these and rerun:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


@dataclass
class LoadedCatalogue:
    catalogue: Catalogue
    path: Path
    root: Path  # folder that image paths are relative to
    images: dict[int, Path] = field(default_factory=dict)  # piece id -> image file

    @property
    def pieces(self) -> list[Piece]:
        return self.catalogue.pieces


class _Lines:
    """Maps a path of keys/indexes inside a YAML document to the line it starts on."""

    def __init__(self, node: yaml.Node | None) -> None:
        self.node = node

    def line(self, *path: Any) -> int | None:
        node = self.node
        best = node.start_mark.line + 1 if node is not None else None
        for key in path:
            if isinstance(node, yaml.MappingNode):
                nxt = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                nxt = node.value[key]
            else:
                nxt = None
            if nxt is None:
                break
            node = nxt
            best = node.start_mark.line + 1
        return best


def _loc(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(whole entry)"


def _yaml(path: Path, problems: list[Problem]) -> tuple[Any, _Lines]:
    text = path.read_text("utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(str(path), mark.line + 1 if mark else None, "(syntax)",
                                f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None, _Lines(None)
    return data, _Lines(node)


def _nest(row: dict[str, str]) -> dict:
    out: dict = {}
    for key, value in row.items():
        if value is None or value.strip() == "":
            continue  # an empty cell is a missing value
        parts = key.strip().split(".")
        cur = out
        for p in parts[:-1]:
            cur = cur.setdefault(p, {})
        cur[parts[-1]] = value.strip()
    return out


def _validate_collection(data: Any, file: str, lines: _Lines, base: tuple, problems: list[Problem]):
    if not isinstance(data, dict):
        problems.append(Problem(file, lines.line(*base), "collection", "must be a mapping of collection fields"))
        return None
    try:
        return CollectionInfo.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(Problem(file, lines.line(*base, *err["loc"]), f"collection.{_loc(err['loc'])}", err["msg"]))
    return None


def load_catalogue(path: str | Path) -> LoadedCatalogue:
    """Validate the whole catalogue at `path`; raise CatalogueError listing every problem."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.is_file():
        raise CatalogueError([Problem(str(path), None, "(file)", "no such catalogue file")])
    root = path.parent
    rows: list[tuple[dict, Any]] = []  # (raw piece dict, line finder for its fields)
    collection = None

    if path.suffix.lower() in (".yaml", ".yml"):
        data, lines = _yaml(path, problems)
        if data is not None:
            if not isinstance(data, dict):
                problems.append(Problem(str(path), 1, "(document)", "must be a mapping with 'collection' and 'pieces'"))
            else:
                for extra in sorted(set(data) - {"collection", "pieces"}):
                    problems.append(Problem(str(path), lines.line(extra), extra, "unknown top-level key"))
                collection = _validate_collection(data.get("collection"), str(path), lines, ("collection",), problems)
                pieces = data.get("pieces")
                if not isinstance(pieces, list) or not pieces:
                    problems.append(Problem(str(path), lines.line("pieces"), "pieces", "must be a non-empty list"))
                else:
                    for i, raw in enumerate(pieces):
                        rows.append((raw, (lambda i: lambda *p: lines.line("pieces", i, *p))(i)))
    elif path.suffix.lower() == ".csv":
        cpath = root / "collection.yaml"
        if not cpath.is_file():
            problems.append(Problem(str(cpath), None, "collection", "a CSV catalogue needs collection.yaml beside it"))
        else:
            cdata, clines = _yaml(cpath, problems)
            if cdata is not None:
                collection = _validate_collection(cdata, str(cpath), clines, (), problems)
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            known = {"id", "year", "image"} | {
                f"{group}.{k}" for group, ks in {
                    **{g: ("en", "zh-CN") for g in ("name", "description", "artist", "studio", "kiln", "glaze", "technique")},
                    "dimensions": ("height_mm", "width_mm", "depth_mm"), "edition": ("kind", "size"),
                }.items() for k in ks}
            for col in reader.fieldnames or []:
                if col.strip() not in known:
                    problems.append(Problem(str(path), 1, col, "unknown column"))
            start = reader.line_num + 1
            for row in reader:
                if None in row:
                    problems.append(Problem(str(path), start, "(row)", "more cells than header columns"))
                line = start
                rows.append((_nest({k: v for k, v in row.items() if k is not None}), lambda *p, line=line: line))
                start = reader.line_num + 1
        if not rows:
            problems.append(Problem(str(path), None, "pieces", "the CSV has no rows"))
    else:
        raise CatalogueError([Problem(str(path), None, "(file)", "catalogue must be .yaml, .yml or .csv")])

    pieces: list[Piece] = []
    seen_ids: dict[int, int | None] = {}
    seen_images: dict[str, int] = {}
    images: dict[int, Path] = {}
    for raw, line_of in rows:
        if not isinstance(raw, dict):
            problems.append(Problem(str(path), line_of(), "piece", "must be a mapping of fields"))
            continue
        label = f"piece {raw.get('id', '?')}"
        try:
            piece = Piece.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(Problem(str(path), line_of(*err["loc"]), f"{label}: {_loc(err['loc'])}", err["msg"]))
            continue
        if piece.id in seen_ids:
            problems.append(Problem(str(path), line_of("id"), f"{label}: id",
                                    f"duplicate id (first used on line {seen_ids[piece.id]})"))
            continue
        seen_ids[piece.id] = line_of("id")
        img = root / piece.image
        if not img.is_file():
            problems.append(Problem(str(path), line_of("image"), f"{label}: image", f"file not found: {img}"))
            continue
        content = img.read_bytes()
        if not content.startswith(_SIGNATURES[img.suffix.lower()]):
            problems.append(Problem(str(path), line_of("image"), f"{label}: image",
                                    f"{img.name} is not a {img.suffix.lower()[1:].upper()} file"))
            continue
        digest = hashlib.sha256(content).hexdigest()
        if digest in seen_images:
            problems.append(Problem(str(path), line_of("image"), f"{label}: image",
                                    f"same image content as piece {seen_images[digest]}; every piece needs its own master image"))
            continue
        seen_images[digest] = piece.id
        images[piece.id] = img
        pieces.append(piece)

    if collection is not None:
        for attr in ("image", "banner_image"):
            rel = getattr(collection, attr)
            if rel and not (root / rel).is_file():
                problems.append(Problem(str(path), None, f"collection.{attr}", f"file not found: {root / rel}"))
    if problems:
        raise CatalogueError(problems)
    pieces.sort(key=lambda p: p.id)
    return LoadedCatalogue(Catalogue(collection=collection, pieces=pieces), path, root, images)
