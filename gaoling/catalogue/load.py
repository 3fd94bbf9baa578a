"""Read a catalogue (YAML, or CSV plus a collection.yaml beside it) and validate all of it.

Every problem found is reported, each with the file, the line (YAML) or row's line (CSV), and
the field, and nothing is produced unless there are none. Line numbers are 1-based.

YAML layout: {collection: {...}, pieces: [{...}, ...], works: [{...}, ...]}.
CSV layout: one piece per row, nested fields as dotted headers (`name.en`, `name.zh-CN`,
`dimensions.height_mm`, `edition.size`, ...); the collection block lives in `collection.yaml`
in the same folder, and 1/1 works, if any, in `works.csv` (the same columns without `edition.*`).

`pieces` are the edition's (their sizes add up to the edition's cap, see `tokens.py`); `works`
are 1/1s for the artworks collection, with ids of their own, and never edition tokens.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import ValidationError

from .models import Catalogue, CollectionInfo, Piece, Work

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
    work_images: dict[int, Path] = field(default_factory=dict)  # work id -> image file

    @property
    def pieces(self) -> list[Piece]:
        return self.catalogue.pieces

    @property
    def works(self) -> list[Work]:
        return self.catalogue.works


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
    work_rows: list[tuple[dict, Any]] = []  # the same for the `works` section
    csv_files: dict[str, Path] = {}  # section -> CSV file that holds it
    collection = None

    if path.suffix.lower() in (".yaml", ".yml"):
        data, lines = _yaml(path, problems)
        if data is not None:
            if not isinstance(data, dict):
                problems.append(Problem(str(path), 1, "(document)", "must be a mapping with 'collection' and 'pieces'"))
            else:
                for extra in sorted(set(data) - {"collection", "pieces", "works"}):
                    problems.append(Problem(str(path), lines.line(extra), extra, "unknown top-level key"))
                collection = _validate_collection(data.get("collection"), str(path), lines, ("collection",), problems)
                pieces = data.get("pieces")
                if not isinstance(pieces, list) or not pieces:
                    problems.append(Problem(str(path), lines.line("pieces"), "pieces", "must be a non-empty list"))
                else:
                    for i, raw in enumerate(pieces):
                        rows.append((raw, (lambda i: lambda *p: lines.line("pieces", i, *p))(i)))
                works = data.get("works")
                if works is not None and not isinstance(works, list):
                    problems.append(Problem(str(path), lines.line("works"), "works", "must be a list of 1/1 works"))
                for i, raw in enumerate(works or []):
                    work_rows.append((raw, (lambda i: lambda *p: lines.line("works", i, *p))(i)))
    elif path.suffix.lower() == ".csv":
        cpath = root / "collection.yaml"
        if not cpath.is_file():
            problems.append(Problem(str(cpath), None, "collection", "a CSV catalogue needs collection.yaml beside it"))
        else:
            cdata, clines = _yaml(cpath, problems)
            if cdata is not None:
                collection = _validate_collection(cdata, str(cpath), clines, (), problems)
        _read_csv(path, rows, problems, with_edition=True)
        csv_files["pieces"] = path
        wpath = root / "works.csv"
        if wpath.is_file() and wpath != path:
            _read_csv(wpath, work_rows, problems, with_edition=False)
            csv_files["works"] = wpath
        if not rows:
            problems.append(Problem(str(path), None, "pieces", "the CSV has no rows"))
    else:
        raise CatalogueError([Problem(str(path), None, "(file)", "catalogue must be .yaml, .yml or .csv")])

    seen_images: dict[str, str] = {}  # image sha256 -> "piece 3" / "work 1", across both sections
    pieces: list[Piece] = []
    images: dict[int, Path] = {}
    works: list[Work] = []
    work_images: dict[int, Path] = {}
    for model, section_rows, kind, out, out_images in ((Piece, rows, "piece", pieces, images),
                                                       (Work, work_rows, "work", works, work_images)):
        seen_ids: dict[int, int | None] = {}
        file = str(csv_files.get(f"{kind}s", path))
        for raw, line_of in section_rows:
            if not isinstance(raw, dict):
                problems.append(Problem(file, line_of(), kind, "must be a mapping of fields"))
                continue
            label = f"{kind} {raw.get('id', '?')}"
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    problems.append(Problem(file, line_of(*err["loc"]), f"{label}: {_loc(err['loc'])}", err["msg"]))
                continue
            if item.id in seen_ids:
                problems.append(Problem(file, line_of("id"), f"{label}: id",
                                        f"duplicate id (first used on line {seen_ids[item.id]})"))
                continue
            seen_ids[item.id] = line_of("id")
            img = root / item.image
            if not img.is_file():
                problems.append(Problem(file, line_of("image"), f"{label}: image", f"file not found: {img}"))
                continue
            content = img.read_bytes()
            if not content.startswith(_SIGNATURES[img.suffix.lower()]):
                problems.append(Problem(file, line_of("image"), f"{label}: image",
                                        f"{img.name} is not a {img.suffix.lower()[1:].upper()} file"))
                continue
            digest = hashlib.sha256(content).hexdigest()
            if digest in seen_images:
                problems.append(Problem(file, line_of("image"), f"{label}: image",
                                        f"same image content as {seen_images[digest]}; every piece needs its own master image"))
                continue
            seen_images[digest] = label
            out_images[item.id] = img
            out.append(item)

    if collection is not None:
        for attr in ("image", "banner_image"):
            rel = getattr(collection, attr)
            if rel and not (root / rel).is_file():
                problems.append(Problem(str(path), None, f"collection.{attr}", f"file not found: {root / rel}"))
    if problems:
        raise CatalogueError(problems)
    pieces.sort(key=lambda p: p.id)
    works.sort(key=lambda w: w.id)
    return LoadedCatalogue(Catalogue(collection=collection, pieces=pieces, works=works), path, root, images,
                           work_images)


_CSV_TEXT_GROUPS = ("name", "description", "artist", "studio", "kiln", "glaze", "technique")


def _read_csv(path: Path, rows: list[tuple[dict, Any]], problems: list[Problem], with_edition: bool) -> None:
    """Appends (nested row, line finder) for every row of `path`; unknown columns are problems."""
    groups: dict[str, tuple[str, ...]] = {g: ("en", "zh-CN") for g in _CSV_TEXT_GROUPS}
    groups["dimensions"] = ("height_mm", "width_mm", "depth_mm")
    if with_edition:
        groups["edition"] = ("kind", "size")
    known = {"id", "year", "image"} | {f"{group}.{k}" for group, ks in groups.items() for k in ks}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        for col in reader.fieldnames or []:
            if col.strip() not in known:
                hint = " (a 1/1 work has no edition)" if col.strip().startswith("edition.") else ""
                problems.append(Problem(str(path), 1, col, "unknown column" + hint))
        start = reader.line_num + 1
        for row in reader:
            if None in row:
                problems.append(Problem(str(path), start, "(row)", "more cells than header columns"))
            line = start
            rows.append((_nest({k: v for k, v in row.items() if k is not None}), lambda *p, line=line: line))
            start = reader.line_num + 1
