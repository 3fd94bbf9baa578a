"""Catalogue -> token metadata (ERC-721 / OpenSea format) and ERC-7572 collection JSON.

How the zh-CN text travels (see docs/ipfs.md): wallets and marketplaces read one `name` and one
`description`, so both languages go into them ("English · 中文", and the two descriptions as
separate paragraphs). Trait values stay English so that marketplace filters are stable. The
full text in each language, trait labels included, is under `properties.locales` keyed by BCP 47
tag, for front ends that pick a language. JSON is written as UTF-8 without \\u escapes and with
a fixed key order, so the same catalogue always gives the same bytes and the same CIDs.
"""

from __future__ import annotations

import json

from .models import Bilingual, CollectionInfo, Piece, Work

TRAITS = [  # (attribute on Piece, English label, Chinese label)
    ("artist", "Artist", "艺术家"),
    ("studio", "Studio", "工作室 / 博物馆"),
    ("kiln", "Kiln", "窑口"),
    ("glaze", "Glaze", "釉色"),
    ("technique", "Technique", "工艺"),
]
LABELS_ZH = {"Dimensions": "尺寸", "Year": "年份", "Edition": "版本", "Edition size": "发行量", "Edition number": "编号"}
EDITION_ZH = {"unique": "孤品", "limited": "限量", "open": "不限量"}
SEP = " · "


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def bilingual_name(text: Bilingual) -> str:
    return f"{text.en}{SEP}{text.zh_cn}"


def bilingual_description(text: Bilingual) -> str:
    return f"{text.en}\n\n{text.zh_cn}"


def _traits(piece: Work) -> tuple[list[dict], dict[str, str], dict[str, str]]:
    """(attributes, English traits, Chinese traits) shared by edition tokens and 1/1 works."""
    dims = piece.dimensions
    attributes: list[dict] = [{"trait_type": en, "value": getattr(piece, attr).en} for attr, en, _ in TRAITS]
    attributes += [
        {"trait_type": "Dimensions", "value": dims.text()},
        {"display_type": "number", "trait_type": "Year", "value": piece.year},
    ]
    traits_en = {en: getattr(piece, attr).en for attr, en, _ in TRAITS}
    traits_zh = {zh: getattr(piece, attr).zh_cn for attr, _, zh in TRAITS}
    traits_zh.update({LABELS_ZH["Dimensions"]: dims.text(), LABELS_ZH["Year"]: str(piece.year)})
    return attributes, traits_en, traits_zh


def _dimensions(piece: Work) -> dict:
    dims = piece.dimensions
    out = {"height": _num(dims.height_mm)}
    if dims.width_mm:
        out["width"] = _num(dims.width_mm)
    if dims.depth_mm:
        out["depth"] = _num(dims.depth_mm)
    return out


def token_metadata(piece: Piece, image_uri: str, collection: CollectionInfo, token_id: int, number: int) -> dict:
    """Metadata of edition token `token_id`, copy `number` of `piece` ("#37 / 500")."""
    size = piece.edition.size
    mark = f"#{number} / {size}"
    attributes, traits_en, traits_zh = _traits(piece)
    attributes += [
        {"trait_type": "Edition", "value": piece.edition.kind},
        {"display_type": "number", "trait_type": "Edition size", "value": size},
        {"display_type": "number", "trait_type": "Edition number", "value": number, "max_value": size},
    ]
    traits_zh.update({LABELS_ZH["Edition"]: EDITION_ZH[piece.edition.kind], LABELS_ZH["Edition size"]: str(size),
                      LABELS_ZH["Edition number"]: mark})
    traits_en["Edition number"] = mark
    return {
        "name": f"{bilingual_name(piece.name)} {mark}",
        "description": bilingual_description(piece.description),
        "image": image_uri,
        "external_url": collection.token_url.replace("{id}", str(token_id)),
        "attributes": attributes,
        "properties": {
            "locales": {
                "en": {"name": f"{piece.name.en} {mark}", "description": piece.description.en, "traits": traits_en},
                "zh-CN": {"name": f"{piece.name.zh_cn} {mark}", "description": piece.description.zh_cn,
                          "traits": traits_zh},
            },
            "dimensions_mm": _dimensions(piece),
            "edition": {"kind": piece.edition.kind, "size": size, "number": number, "piece": piece.id},
        },
    }


def work_metadata(work: Work, image_uri: str, collection: CollectionInfo) -> dict:
    """Metadata of a 1/1 work (its tokenURI on the artworks collection is `ipfs://<CID of this>`)."""
    attributes, traits_en, traits_zh = _traits(work)
    attributes.append({"trait_type": "Edition", "value": "unique"})
    traits_zh[LABELS_ZH["Edition"]] = EDITION_ZH["unique"]
    return {
        "name": bilingual_name(work.name),
        "description": bilingual_description(work.description),
        "image": image_uri,
        "external_url": collection.external_link,
        "attributes": attributes,
        "properties": {
            "locales": {
                "en": {"name": work.name.en, "description": work.description.en, "traits": traits_en},
                "zh-CN": {"name": work.name.zh_cn, "description": work.description.zh_cn, "traits": traits_zh},
            },
            "dimensions_mm": _dimensions(work),
            "edition": {"kind": "unique", "size": 1, "work": work.id},
        },
    }


# When a holding period starts, per transfer policy (gaoling.collection.config.TransferPolicy values).
PERIOD_STARTS = {"holding-period": "mint", "holding-period-every-transfer": "every-acquisition"}


def transfer_rule(policy: str, holding_period: int | None) -> dict:
    """The collection's transfer rule, for wallets and indexers. A holding period ends without a
    transaction, so no ERC-5192 `Unlocked` is ever emitted: this says where the truth is instead
    (`unlocksAt(tokenId)` and `locked(tokenId)` on the contract, docs/security.md)."""
    rule: dict = {"policy": policy}
    if policy in PERIOD_STARTS:
        rule.update(holdingPeriodSeconds=int(holding_period or 0), periodStartsAt=PERIOD_STARTS[policy],
                    unlocksAt="unlocksAt(uint256)", locked="locked(uint256)")
    elif policy == "non-transferable":
        rule.update(locked="locked(uint256)")
    return rule


def collection_metadata(collection: CollectionInfo, image_uri: str, banner_uri: str | None,
                        transfer: dict | None = None) -> dict:
    out = {
        "name": bilingual_name(collection.name),
        "symbol": collection.symbol,
        "description": bilingual_description(collection.description),
        "image": image_uri,
    }
    if banner_uri:
        out["banner_image"] = banner_uri
    out["external_link"] = collection.external_link
    out["collaborators"] = list(collection.collaborators)
    if transfer is not None:
        out["transfer"] = transfer
    out["properties"] = {"locales": {
        "en": {"name": collection.name.en, "description": collection.description.en},
        "zh-CN": {"name": collection.name.zh_cn, "description": collection.description.zh_cn},
    }}
    return out


def to_json_bytes(obj: dict) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
