"""Catalogue validation (every error names file, line and field; errors produce nothing) and
the metadata it becomes."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
import yaml
from tests.ipfs.paths import ROOT, SAMPLE

from gaoling.catalogue import CatalogueError, load_catalogue
from gaoling.catalogue.schemas import SCHEMAS, CollectionMetadata, TokenMetadata, schema_text
from gaoling.ipfs import cid as cids
from gaoling.ipfs.blockstore import FsBlockstore, list_directory, read_file
from gaoling.ipfs.publish import publish_collection
from gaoling.ipfs.unixfs import Importer, ImportOptions


@pytest.fixture
def sample(tmp_path):
    """A private copy of the sample catalogue that a test may break."""
    d = tmp_path / "cat"
    shutil.copytree(SAMPLE.parent, d)
    return d / "catalogue.yaml"


def _edit(path, fn):
    doc = yaml.safe_load(path.read_text("utf-8"))
    fn(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def test_sample_catalogue_is_valid_with_15_edition_pieces_and_5_works():
    loaded = load_catalogue(SAMPLE)
    assert [p.id for p in loaded.pieces] == list(range(1, 16))
    assert sum(p.edition.size for p in loaded.pieces) == 10_000  # the sample edition's cap
    assert [w.id for w in loaded.works] == list(range(1, 6))
    assert all(p.name.zh_cn and p.name.en for p in loaded.pieces + loaded.works)


def _problems(path):
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(path)
    return exc.value.problems


def test_yaml_errors_name_file_line_and_field(sample):
    def breakit(doc):
        doc["pieces"][2]["name"]["zh-CN"] = "Langyao red"      # no Chinese characters
        del doc["pieces"][4]["glaze"]                           # missing field
        doc["pieces"][6]["year"] = 2999                         # future
        doc["pieces"][7]["id"] = 1                              # duplicate id
        doc["pieces"][8]["image"] = "images/missing.png"        # no such file
        doc["pieces"][9]["edition"] = {"kind": "unique", "size": 1}     # a 1/1 among edition pieces

    _edit(sample, breakit)
    problems = _problems(sample)
    by_field = {p.field: p for p in problems}
    text = sample.read_text("utf-8").splitlines()

    p = by_field["piece 3: name.zh-CN"]
    assert p.file == str(sample) and "Chinese" in p.message
    assert text[p.line - 1].strip().startswith("zh-CN: Langyao red")
    assert by_field["piece 5: glaze"].message == "Field required"
    assert "in the future" in by_field["piece 7: year"].message
    assert text[by_field["piece 7: year"].line - 1].strip() == "year: 2999"
    assert "duplicate id" in by_field["piece 1: id"].message
    assert "file not found" in by_field["piece 9: image"].message
    assert "move it to the `works:` section" in by_field["piece 10: edition.kind"].message
    assert len(problems) == 6
    # the message the user sees lists every problem with file:line
    with pytest.raises(CatalogueError, match=r"catalogue\.yaml:\d+: piece 3: name\.zh-CN"):
        load_catalogue(sample)


def test_image_must_really_be_an_image_and_unique(sample):
    d = sample.parent
    (d / "images" / "05.png").write_bytes(b"not a png")
    shutil.copy(d / "images" / "01.png", d / "images" / "02.png")
    problems = {p.field: p.message for p in _problems(sample)}
    assert "is not a PNG file" in problems["piece 4: image"]
    assert "same image content as piece 1" in problems["piece 2: image"]


def _write_csv(d, rows, header):
    with open(d / "pieces.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return d / "pieces.csv"


def _csv_from_sample(sample):
    doc = yaml.safe_load(sample.read_text("utf-8"))
    (sample.parent / "collection.yaml").write_text(
        yaml.safe_dump(doc["collection"], allow_unicode=True), "utf-8")
    header = ["id"] + [f"{g}.{k}" for g in ("name", "description", "artist", "studio", "kiln", "glaze", "technique")
                       for k in ("en", "zh-CN")] + ["dimensions.height_mm", "dimensions.width_mm", "dimensions.depth_mm",
                                                   "year", "image", "edition.kind", "edition.size"]
    rows = []
    for p in doc["pieces"]:
        rows.append([p["id"]] + [p[g][k] for g in ("name", "description", "artist", "studio", "kiln", "glaze", "technique")
                                 for k in ("en", "zh-CN")]
                    + [p["dimensions"]["height_mm"], p["dimensions"]["width_mm"],
                       p["dimensions"].get("depth_mm", ""), p["year"], p["image"],
                       p["edition"]["kind"], p["edition"]["size"]])
    return header, rows


def test_csv_catalogue_gives_the_same_metadata_as_yaml(sample, tmp_path, cfg):
    def small(doc):  # 3 tokens a piece: the point here is CSV = YAML, not the number of files
        for piece in doc["pieces"]:
            piece["edition"]["size"] = 3

    _edit(sample, small)
    header, rows = _csv_from_sample(sample)
    path = _write_csv(sample.parent, rows, header)
    doc = yaml.safe_load(sample.read_text("utf-8"))
    work_header = [h for h in header if not h.startswith("edition.")]
    _write_csv(sample.parent, [[w[h] if "." not in h else w[h.split(".")[0]].get(h.split(".")[1], "")
                                for h in work_header] for w in doc["works"]], work_header)
    (sample.parent / "pieces.csv").rename(sample.parent / "works.csv")
    path = _write_csv(sample.parent, rows, header)
    a = publish_collection(sample, cfg, "local")
    b = publish_collection(path, cfg, "local")
    assert a.base_uri == b.base_uri and a.contract_uri == b.contract_uri
    assert a.work_uris == b.work_uris and len(a.work_uris) == 5 and a.root_cid == b.root_cid


def test_csv_errors_name_row_line_and_column(sample):
    header, rows = _csv_from_sample(sample)
    rows[3][header.index("year")] = "nineteen"
    rows[5][header.index("edition.size")] = ""
    path = _write_csv(sample.parent, rows, header + ["colour"])
    problems = {p.field: p for p in _problems(path)}
    assert problems["colour"].line == 1 and problems["colour"].message == "unknown column"
    assert problems["piece 4: year"].line == 5  # header is line 1, piece 4 is the 4th row
    assert problems["piece 6: edition.size"].message == "Field required"


def test_catalogue_with_errors_produces_nothing(sample, cfg, tmp_path):
    _edit(sample, lambda doc: doc["pieces"][0].pop("artist"))
    out = tmp_path / "out"
    with pytest.raises(CatalogueError):
        publish_collection(sample, cfg, "local", out_dir=out)
    assert not out.exists()
    assert not (cfg.store / "blocks").exists()
    assert not (cfg.store / "pins.json").exists()
    assert list((cfg.store / "cars").glob("*")) == []


def test_published_metadata(cfg, tmp_path):
    out = tmp_path / "out"
    r = publish_collection(SAMPLE, cfg, "local", out_dir=out)
    store = FsBlockstore(cfg.store)
    meta_dir = list_directory(store, cids.parse(r.metadata_cid))
    assert sorted(meta_dir, key=int) == [str(i) for i in range(1, 10_001)]  # bare token ids, 1..cap
    assert r.base_uri == f"ipfs://{r.metadata_cid}/" and r.token_uris[7] == r.base_uri + "7"

    token = json.loads(read_file(store, meta_dir["103"]))  # piece 2 has tokens 101..150
    TokenMetadata.model_validate(token)
    assert token["name"] == "Celadon plum vase · 青釉梅瓶 #3 / 50"
    assert token["properties"]["locales"]["zh-CN"]["traits"]["釉色"] == "青釉"
    assert {"trait_type": "Glaze", "value": "Celadon"} in token["attributes"]
    # the image URI is the CID `ipfs add --cid-version 1` gives the image file
    image = SAMPLE.parent / "images" / "02.png"
    assert token["image"] == "ipfs://" + cids.to_str(Importer(ImportOptions(cid_version=1)).add_file(image).cid)
    assert (out / "metadata" / "103").read_bytes() == read_file(store, meta_dir["103"])
    assert "青釉梅瓶" in (out / "metadata" / "103").read_text("utf-8")  # UTF-8, not \\u escapes

    work = json.loads((out / "works" / "1.json").read_text("utf-8"))  # a 1/1, never an edition token
    assert work["name"] == "Langyao red jar · 郎窑红罐" and work["properties"]["edition"]["kind"] == "unique"
    assert r.work_uris[1] == "ipfs://" + cids.to_str(Importer(ImportOptions(cid_version=1)).add_bytes(
        (out / "works" / "1.json").read_bytes()).cid)

    coll = json.loads(read_file(store, cids.parse(r.contract_uri.removeprefix("ipfs://"))))
    CollectionMetadata.model_validate(coll)
    assert coll["symbol"] == "GAOLING" and coll["name"].endswith("高岭：景德镇瓷器")

    again = publish_collection(SAMPLE, cfg, "local")
    assert (again.base_uri, again.contract_uri, again.root_cid) == (r.base_uri, r.contract_uri, r.root_cid)


def test_schema_files_are_up_to_date():
    for name, model in SCHEMAS.items():
        assert (ROOT / "metadata" / "schemas" / name).read_text("utf-8") == schema_text(model), (
            f"metadata/schemas/{name} is stale: run gaoling.catalogue.schemas.write_schemas('metadata/schemas')")
