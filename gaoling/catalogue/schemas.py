"""Schemas of what we produce (token metadata, ERC-7572 collection JSON) and of what we read
(the catalogue). `metadata/schemas/*.schema.json` are generated from these models by
`write_schemas()`; a test keeps the files in step with the code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .models import Catalogue

IpfsUri = Annotated[str, StringConstraints(pattern=r"^ipfs://[a-zA-Z0-9]+(/.*)?$")]


class Attribute(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_type: Literal["number"] | None = None
    trait_type: str
    value: str | int | float
    max_value: int | None = None


class LocaleText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str
    traits: dict[str, str] | None = None


class TokenProperties(BaseModel):
    model_config = ConfigDict(extra="forbid")
    locales: dict[Literal["en", "zh-CN"], LocaleText]
    dimensions_mm: dict[Literal["height", "width", "depth"], float]
    edition: dict[str, str | int]


class TokenMetadata(BaseModel):
    """ERC-721 metadata JSON with OpenSea's fields; bilingual text as documented in docs/ipfs.md."""

    model_config = ConfigDict(extra="forbid", title="Gaoling token metadata")
    name: str
    description: str
    image: IpfsUri
    external_url: Annotated[str, StringConstraints(pattern=r"^https://")]
    attributes: list[Attribute] = Field(min_length=1)
    properties: TokenProperties


class TransferRule(BaseModel):
    """How the collection's tokens may move (the deploy's transfer policy). A holding period ends
    without an ERC-5192 `Unlocked` event; `unlocksAt` names the view that gives the unix time."""

    model_config = ConfigDict(extra="forbid")
    policy: Literal["free", "holding-period", "non-transferable", "holding-period-every-transfer"]
    holdingPeriodSeconds: int | None = Field(None, gt=0)
    periodStartsAt: Literal["mint", "every-acquisition"] | None = None
    unlocksAt: Literal["unlocksAt(uint256)"] | None = None
    locked: Literal["locked(uint256)"] | None = None


class CollectionMetadata(BaseModel):
    """ERC-7572 contractURI JSON (name, symbol, description, image, banner_image,
    external_link, collaborators), plus the per-language text."""

    model_config = ConfigDict(extra="forbid", title="Gaoling collection metadata (ERC-7572)")
    name: str
    symbol: str
    description: str
    image: IpfsUri
    banner_image: IpfsUri | None = None
    external_link: str
    collaborators: list[str]
    transfer: TransferRule | None = None
    properties: dict[str, dict[Literal["en", "zh-CN"], LocaleText]]


SCHEMAS = {
    "catalogue.schema.json": Catalogue,
    "token-metadata.schema.json": TokenMetadata,
    "collection-metadata.schema.json": CollectionMetadata,
}


def schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: str | Path) -> None:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    for name, model in SCHEMAS.items():
        (d / name).write_text(schema_text(model), encoding="utf-8")
