"""The catalogue schema: what an issuer writes about each piece, validated with pydantic."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


def check_image_path(v: str) -> str:
    if v.startswith("/") or ".." in v.split("/") or "\\" in v:
        raise ValueError("image must be a relative path inside the catalogue folder")
    if not v.lower().endswith(IMAGE_SUFFIXES):
        raise ValueError(f"image must end with one of {', '.join(IMAGE_SUFFIXES)}")
    return v


class Bilingual(BaseModel):
    """The same text in English and Simplified Chinese."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    en: Text
    zh_cn: Text = Field(alias="zh-CN")

    @field_validator("zh_cn")
    @classmethod
    def _has_chinese(cls, v: str) -> str:
        if not _CJK.search(v):
            raise ValueError("zh-CN text contains no Chinese characters (are the columns swapped?)")
        return v


class Dimensions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    height_mm: float = Field(gt=0, le=10_000)
    width_mm: float | None = Field(None, gt=0, le=10_000)  # diameter for round pieces
    depth_mm: float | None = Field(None, gt=0, le=10_000)

    def text(self) -> str:
        parts = [f"H {self.height_mm:g}"]
        if self.width_mm:
            parts.append(f"W {self.width_mm:g}")
        if self.depth_mm:
            parts.append(f"D {self.depth_mm:g}")
        return " × ".join(parts) + " mm"


class Edition(BaseModel):
    """How many tokens of the capped edition show this piece. `unique` is accepted only to say
    where a 1/1 belongs: in the catalogue's `works` section, never among the edition's tokens."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["unique", "limited", "open"] = "limited"
    size: int = Field(ge=1, le=1_000_000)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v == "unique":
            raise ValueError("a unique (1/1) work is never an edition token: move it to the `works:` section "
                             "of the catalogue (it is minted on the artworks collection and auctioned there)")
        return v


class Work(BaseModel):
    """A piece described in both languages. In `works:` it is a 1/1 for the artworks collection;
    `Piece` adds the edition size for an edition piece."""

    model_config = ConfigDict(extra="forbid")
    id: int = Field(ge=1, le=2**64)
    name: Bilingual
    description: Bilingual
    artist: Bilingual
    studio: Bilingual  # the museum or studio that issues the piece
    kiln: Bilingual
    glaze: Bilingual
    technique: Bilingual
    dimensions: Dimensions
    year: int = Field(ge=1000)
    image: str = Field(min_length=1)

    @field_validator("year")
    @classmethod
    def _not_future(cls, v: int) -> int:
        if v > date.today().year:
            raise ValueError(f"year {v} is in the future")
        return v

    @field_validator("image")
    @classmethod
    def _image(cls, v: str) -> str:
        return check_image_path(v)


class Piece(Work):
    """An edition piece: tokens of the capped edition, `edition.size` of them (see
    gaoling.catalogue.tokens for which token ids)."""

    edition: Edition


class CollectionInfo(BaseModel):
    """Collection-level facts, rendered as the ERC-7572 contractURI JSON."""

    model_config = ConfigDict(extra="forbid")
    name: Bilingual
    description: Bilingual
    symbol: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,11}$")]
    image: str
    banner_image: str | None = None
    external_link: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    # Token page, with {id} replaced by the token id, e.g. https://studio.example/pieces/{id}
    token_url: Annotated[str, StringConstraints(pattern=r"^https://\S*\{id\}\S*$")]
    collaborators: list[Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{40}$")]] = []

    @field_validator("image", "banner_image")
    @classmethod
    def _image(cls, v: str | None) -> str | None:
        return check_image_path(v) if v is not None else v


class Catalogue(BaseModel):
    """`pieces` are the edition's, in token order (sizes add up to the edition's cap); `works`
    are 1/1s with ids of their own, published for the artworks collection."""

    model_config = ConfigDict(extra="forbid")
    collection: CollectionInfo
    pieces: list[Piece] = Field(min_length=1)
    works: list[Work] = []
