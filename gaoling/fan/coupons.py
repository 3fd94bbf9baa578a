"""Glaze coupons: glaze definitions, bilingual metadata, signed (gasless) exchanges, deployment."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gaoling import signing
from gaoling.fan._common import FanInputError, address_arg, sign_typed, uint_arg

U64 = 2**64 - 1
U96 = 2**96 - 1

EXCHANGE_TYPES = {
    "Exchange": [
        {"name": "member", "type": "address"},
        {"name": "glazeId", "type": "uint256"},
        {"name": "amount", "type": "uint256"},
        {"name": "maxPoints", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
}


class GlazeSpec(BaseModel):
    """One glaze type. Names are required in both Simplified Chinese and English."""

    model_config = ConfigDict(extra="forbid")

    name_zh: str = Field(min_length=1, max_length=64, description="zh-CN name, e.g. 透明釉")
    name_en: str = Field(min_length=1, max_length=64, description="English name, e.g. Transparent glaze")
    price: int = Field(ge=1, le=U96, description="points per coupon")
    stock: int = Field(ge=0, le=U64, description="coupons that can be exchanged")

    @field_validator("name_zh", "name_en")
    @classmethod
    def _no_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    def as_tuple(self) -> tuple[str, str, int, int]:
        return (self.name_zh, self.name_en, self.price, self.stock)


# Ids 1-4, in this order, at deployment.
DEFAULT_GLAZES = [
    GlazeSpec(name_zh="透明釉", name_en="Transparent glaze", price=100, stock=1000),
    GlazeSpec(name_zh="乳浊釉", name_en="Opalescent glaze", price=150, stock=500),
    GlazeSpec(name_zh="颜色釉", name_en="Colour glaze", price=200, stock=300),
    GlazeSpec(name_zh="开片釉", name_en="Crackle glaze", price=300, stock=100),
]
CELADON = GlazeSpec(name_zh="青釉", name_en="Celadon glaze", price=250, stock=200)


@dataclass(frozen=True)
class GlazeView:
    glaze_id: int
    name_zh: str
    name_en: str
    price: int
    stock: int
    exchanged: int
    uri: str


def list_glazes(coupons: Any) -> list[GlazeView]:
    """Every glaze type with its price, remaining stock and metadata URI."""
    out = []
    for glaze_id in range(1, int(coupons.glazeCount()) + 1):
        info = coupons.glaze(glaze_id)
        out.append(GlazeView(glaze_id, str(info[0]), str(info[1]), int(info[2]), int(info[3]), int(info[4]),
                             str(coupons.uri(glaze_id))))
    return out


def glaze_metadata(glaze: GlazeSpec | GlazeView, image: str | None = None) -> dict[str, Any]:
    """ERC-1155 metadata JSON for one glaze (`<base><id>.json`), bilingual zh-CN / en, exactly as
    the deploy publishes it (gaoling.catalogue.platform renders it)."""
    from gaoling.catalogue.platform import GlazeText, glaze_json

    glaze_id = glaze.glaze_id if isinstance(glaze, GlazeView) else None
    meta = glaze_json(GlazeText(glaze_id, glaze.name_en, glaze.name_zh), image or "")
    if not image:
        del meta["image"]
    return meta


def write_metadata(glazes: list[GlazeSpec | GlazeView], directory: str | Path) -> list[str]:
    """Writes `<id>.json` for each glaze (ids from 1, in order) into `directory`, for pinning."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, glaze in enumerate(glazes, start=1):
        glaze_id = glaze.glaze_id if isinstance(glaze, GlazeView) else index
        path = out_dir / f"{glaze_id}.json"
        path.write_text(json.dumps(glaze_metadata(glaze), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(str(path))
    return written


@dataclass(frozen=True)
class SignedExchange:
    """A member's signed request to exchange points for coupons; anyone may relay it."""

    member: str
    glaze_id: int
    amount: int
    max_points: int  # the most points the member agreed to pay; a later price rise cannot take more
    nonce: int
    deadline: int
    signature: bytes

    def request(self) -> tuple[str, int, int, int, int, int]:
        return (self.member, self.glaze_id, self.amount, self.max_points, self.nonce, self.deadline)

    def to_json(self) -> str:
        return json.dumps({"member": self.member, "glazeId": self.glaze_id, "amount": self.amount,
                           "maxPoints": self.max_points, "nonce": self.nonce, "deadline": self.deadline,
                           "signature": "0x" + self.signature.hex()})

    @classmethod
    def from_json(cls, text: str, source: str = "exchange") -> "SignedExchange":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FanInputError(f"{source}: not valid JSON ({exc.msg})") from None
        if not isinstance(raw, dict):
            raise FanInputError(f"{source}: expected a JSON object")
        missing = [k for k in ("member", "glazeId", "amount", "maxPoints", "nonce", "deadline", "signature")
                   if k not in raw]
        if missing:
            raise FanInputError(f"{source}: missing field(s) {', '.join(missing)}")
        sig = raw["signature"]
        try:
            signature = bytes.fromhex(sig.removeprefix("0x")) if isinstance(sig, str) else b""
        except ValueError:
            signature = b""
        if not signature:
            raise FanInputError(f"{source}: signature must be 0x-prefixed hex")
        return cls(address_arg(raw["member"], f"{source}: member"),
                   uint_arg(raw["glazeId"], f"{source}: glazeId", minimum=1),
                   uint_arg(raw["amount"], f"{source}: amount", minimum=1),
                   uint_arg(raw["maxPoints"], f"{source}: maxPoints", minimum=1),
                   uint_arg(raw["nonce"], f"{source}: nonce"),
                   uint_arg(raw["deadline"], f"{source}: deadline"), signature)


def sign_exchange(member: Any, coupons: Any, glaze_id: int, amount: int = 1, *, nonce: int | None = None,
                  deadline: int | None = None, ttl: int = 3600, max_points: int | None = None) -> SignedExchange:
    """Signs an exchange of `amount` coupons of `glaze_id` for `member`.

    `nonce` defaults to a random 64-bit number (nonces are unordered and single-use);
    `deadline` defaults to the chain's latest block time plus `ttl` seconds;
    `max_points` (the most points the exchange may take) defaults to today's price times `amount`.
    """
    member_address = address_arg(member, "member")
    uint_arg(glaze_id, "glaze_id", minimum=1)
    uint_arg(amount, "amount", minimum=1, bits=64)
    if not coupons.glazeExists(glaze_id):
        raise FanInputError(f"glaze_id: {glaze_id} is not a glaze type; list them with `ape run coupons list`")
    nonce = secrets.randbits(64) if nonce is None else uint_arg(nonce, "nonce")
    if deadline is None:
        from ape import chain

        deadline = int(chain.blocks.head.timestamp) + uint_arg(ttl, "ttl", minimum=1)
    uint_arg(deadline, "deadline")
    if max_points is None:
        max_points = int(coupons.glaze(glaze_id).price) * amount
    uint_arg(max_points, "max_points", minimum=1)
    message = {"member": member_address, "glazeId": glaze_id, "amount": amount, "maxPoints": max_points,
               "nonce": nonce, "deadline": deadline}
    signature = sign_typed(member, signing.Domain.of(coupons), "Exchange", EXCHANGE_TYPES, message)
    return SignedExchange(member_address, glaze_id, amount, max_points, nonce, deadline, signature)


def relay_exchange(coupons: Any, signed: SignedExchange, sender: Any) -> Any:
    """Submits a signed exchange from `sender` (who pays the gas). Returns the receipt."""
    if coupons.nonceUsed(signed.member, signed.nonce):
        raise FanInputError(f"nonce: {signed.nonce} of {signed.member} is already used; sign a new request")
    return coupons.exchangeWithSignature(signed.request(), signed.signature, sender=sender)


def deploy_coupons(project: Any, admin: Any, ledger: Any, base_uri: str = "ipfs://glazes/",
                   glazes: list[GlazeSpec] | None = None) -> Any:
    """Deploys GlazeCoupons on `ledger` and grants it the ledger's SPENDER_ROLE."""
    address_arg(admin, "admin")
    if not isinstance(base_uri, str) or not base_uri:
        raise FanInputError("base_uri: give the metadata base, e.g. ipfs://<cid>/")
    specs = DEFAULT_GLAZES if glazes is None else glazes
    coupons = admin.deploy(project.GlazeCoupons, admin.address, ledger.address, base_uri,
                           [g.as_tuple() for g in specs])
    ledger.grantRole(ledger.SPENDER_ROLE(), coupons.address, sender=admin)
    return coupons


def publish_glaze_metadata(coupons: Any, adding: GlazeSpec | None = None, backend: str | None = None,
                           cid_version: int = 1) -> tuple[str, Any]:
    """Publishes the glazes folder (one JSON and one swatch per glaze) for every glaze on chain, plus
    `adding` as the next id, with the configured IPFS backend (or `backend`); returns the base URI to
    set with `setBaseURI` and the published tree. The text of a glaze added after the deploy is its
    on-chain names and a general glaze description (descriptions are not stored on chain)."""
    from gaoling.catalogue.platform import GlazeText, glaze_files
    from gaoling.ipfs import cid as cids
    from gaoling.ipfs import publish_tree
    from gaoling.ipfs.unixfs import Importer, ImportOptions

    glazes = [GlazeText(g.glaze_id, g.name_en, g.name_zh) for g in list_glazes(coupons)]
    if adding is not None:
        glazes.append(GlazeText(len(glazes) + 1, adding.name_en, adding.name_zh))
    hasher = Importer(ImportOptions(cid_version=cid_version))  # hashes only: the images' own CIDs
    files = glaze_files(glazes, lambda data: f"ipfs://{cids.to_str(hasher.add_bytes(data).cid)}")
    tree = publish_tree(files, "glaze coupons", backend=backend, cid_version=cid_version)
    return tree.uri("glazes", directory=True), tree


def base_uri(coupons: Any) -> str | None:
    """The base the contract builds `uri(id)` from (read from glaze 1), or None without glazes."""
    if int(coupons.glazeCount()) == 0:
        return None
    return str(coupons.uri(1)).removesuffix("1.json")


def add_glaze(coupons: Any, spec: GlazeSpec, admin: Any) -> int:
    """Adds a glaze type (e.g. CELADON); returns its id."""
    receipt = coupons.addGlaze(spec.as_tuple(), sender=admin)
    return int(coupons.GlazeAdded.from_receipt(receipt)[0].glazeId)
