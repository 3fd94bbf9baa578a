"""Metadata of everything the platform issues besides edition tokens: glaze coupons (ERC-1155),
firing vouchers in each state, the firing certificate, and the ERC-7572 collection JSON of every
token contract. The catalogue's edition and 1/1 works are rendered in `render.py`.

`platform_files(...)` returns the whole tree as relative path -> bytes, images included
(generated PNGs, so the platform needs no artwork of its own to launch):

    images/<name>.png
    glazes/<id>.json            GlazeCoupons.uri(id) = <base><id>.json, base = ipfs://<CID of glazes>/
    vouchers/<status>.json      GaolingVouchers.tokenURI(id) = <base><status name>.json
    certificate.json            FiringCertificate.tokenURI(id), the same for every certificate
    contracts/<component>.json  contractURI() of coupons, vouchers, certificate and artworks

The same rules as token metadata: `name` carries both languages ("English · 中文"), attributes keep
English values, `properties.locales` holds the full text per language, and the bytes are fixed for
the same inputs, so a rerun of the deploy finds the same CIDs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .png import glaze_swatch
from .render import SEP, to_json_bytes

# Voucher states, in GaolingVouchers.Status order, by their `statusName`:
# (English label, Chinese label, English description, Chinese description, image colour)
VOUCHER_STATES: dict[str, tuple[str, str, str, str, tuple[int, int, int]]] = {
    "issued": ("Issued", "已发行",
               "The right to have the studio fire this digital piece as a real one. Redeem it with a glaze coupon.",
               "凭此券可请工作室将对应的数字藏品烧制成实物。使用一张釉券即可兑换。", (200, 190, 170)),
    "requested": ("Requested", "已申请",
                  "Redeemed: the studio has the request and the glaze chosen. The voucher is locked from now on.",
                  "已兑换：工作室已收到申请和所选釉色。此券自此锁定，不可转让。", (180, 170, 140)),
    "in-kiln": ("In the kiln", "入窑烧制",
                "The piece is in a kiln batch at the studio in Jingdezhen.",
                "作品已随一窑批次入窑，正在景德镇工作室烧制。", (190, 90, 50)),
    "fired": ("Fired", "已出窑",
              "The piece came out of the kiln well. Its photo is published with the firing "
              "(the PieceFired event's photo CID); this image shows a fired piece.",
              "作品顺利出窑。其照片随出窑记录发布（PieceFired 事件中的照片 CID）；此图为出窑作品示意。",
              (40, 80, 160)),
    "shipped": ("Shipped", "已发货",
                "The fired piece is on its way to the holder.", "烧制完成的作品正在寄往持有人。", (90, 120, 150)),
    "delivered": ("Delivered", "已送达",
                  "The holder has the fired piece. This voucher is a record of it.",
                  "持有人已收到实物作品。此券作为其记录保存。", (60, 130, 90)),
    "failed": ("Firing failed", "烧制失败",
               "The firing did not succeed. The studio will fire the piece again or refund the voucher.",
               "本次烧制未成功。工作室将重新烧制或退款。", (120, 110, 110)),
    "refunded": ("Refunded", "已退款",
                 "The price was refunded and the glaze coupon returned.", "已退还价款并返还釉券。", (150, 150, 150)),
}

# Descriptions of the default glazes (gaoling.fan.coupons.DEFAULT_GLAZES), by English name.
GLAZE_TEXT: dict[str, tuple[str, str, tuple[int, int, int]]] = {
    "Transparent glaze": ("A clear glaze that shows the body and the painting beneath it, as on blue-and-white ware.",
                          "透明釉，釉层清澈，透出胎体与釉下彩绘，如青花瓷。", (214, 226, 232)),
    "Opalescent glaze": ("A milky, softly opaque glaze that diffuses light across the surface.",
                         "乳浊釉，釉色乳白、半透，光线柔和散射。", (232, 228, 214)),
    "Colour glaze": ("A coloured glaze of Jingdezhen's tradition, such as copper red or cobalt blue.",
                     "颜色釉，景德镇传统色釉，如铜红、霁蓝。", (150, 40, 40)),
    "Crackle glaze": ("A glaze that crazes as it cools into a fine web of lines, stained to show them.",
                      "开片釉，冷却时釉面开裂成细密纹路，着色后纹理分明。", (196, 184, 150)),
}
GLAZE_FALLBACK = ("A glaze coupon: spend it to have a voucher's piece fired in this glaze.",
                  "釉券：兑换烧制券时使用，以此釉色烧制作品。", (170, 170, 200))

# Token contracts other than editions, and the names they show (English, Chinese, description en, zh).
CONTRACTS: dict[str, tuple[str, str, str, str]] = {
    "coupons": ("Gaoling Glaze Coupons", "高岭釉券",
                "Glaze coupons exchanged for fan points. A coupon chooses the glaze of a piece fired from a voucher.",
                "以粉丝积分兑换的釉券。兑换烧制券时，釉券决定作品的釉色。"),
    "vouchers": ("Gaoling Firing Voucher", "高岭烧制券",
                 "The right to have a digital piece fired as a real one, followed from request to delivery.",
                 "将数字藏品烧制成实物的权利，从申请到送达全程可查。"),
    "certificate": ("Gaoling Firing Certificate", "高岭烧制工艺证书",
                    "A soulbound badge for collectors who passed the quiz on the firing process.",
                    "通过烧制工艺问答的藏家所获的不可转让徽章。"),
    "artworks": ("Gaoling Artworks", "高岭孤品",
                 "Unique (1/1) works, each registered once by the content hash of its master file.",
                 "孤品（1/1）作品，每件以母版文件的内容哈希登记一次。"),
}


@dataclass(frozen=True)
class GlazeText:
    """What a glaze coupon's metadata shows: the names from the contract's glaze config."""

    glaze_id: int | None
    name_en: str
    name_zh: str


def _image(seed: int, colour: tuple[int, int, int]) -> bytes:
    return glaze_swatch(seed, colour, size=64)


def _locales(en_name: str, zh_name: str, en_desc: str, zh_desc: str, traits: dict | None = None) -> dict:
    en = {"name": en_name, "description": en_desc}
    zh = {"name": zh_name, "description": zh_desc}
    if traits:
        en["traits"], zh["traits"] = traits["en"], traits["zh-CN"]
    return {"locales": {"en": en, "zh-CN": zh}}


def glaze_json(glaze: GlazeText, image_uri: str) -> dict:
    desc_en, desc_zh, _ = GLAZE_TEXT.get(glaze.name_en, GLAZE_FALLBACK)
    out = {
        "name": f"{glaze.name_en}{SEP}{glaze.name_zh}",
        "description": f"{desc_en}\n\n{desc_zh}",
        "image": image_uri,
        "attributes": [{"trait_type": "Glaze", "value": glaze.name_en}],
        "properties": {**_locales(glaze.name_en, glaze.name_zh, desc_en, desc_zh,
                                  {"en": {"Glaze": glaze.name_en}, "zh-CN": {"釉色": glaze.name_zh}})},
    }
    if glaze.glaze_id is not None:
        out["properties"]["glaze_id"] = glaze.glaze_id
    return out


def voucher_json(status: str, image_uri: str, name_en: str, name_zh: str) -> dict:
    label_en, label_zh, desc_en, desc_zh, _ = VOUCHER_STATES[status]
    return {
        "name": f"{name_en} · {label_en}{SEP}{name_zh} · {label_zh}",
        "description": f"{desc_en}\n\n{desc_zh}",
        "image": image_uri,
        "attributes": [{"trait_type": "Status", "value": label_en}],
        "properties": {**_locales(f"{name_en} · {label_en}", f"{name_zh} · {label_zh}", desc_en, desc_zh,
                                  {"en": {"Status": label_en}, "zh-CN": {"状态": label_zh}}),
                       "status": status},
    }


def certificate_json(image_uri: str) -> dict:
    en, zh, desc_en, desc_zh = CONTRACTS["certificate"]
    desc_en += " It cannot be transferred; the holder's quiz version and score are on chain (certificateOf)."
    desc_zh += "证书不可转让；持有人的问答版本与分数记录在链上（certificateOf）。"
    return {
        "name": f"{en}{SEP}{zh}",
        "description": f"{desc_en}\n\n{desc_zh}",
        "image": image_uri,
        "attributes": [{"trait_type": "Soulbound", "value": "yes"}],
        "properties": _locales(en, zh, desc_en, desc_zh),
    }


def contract_json(component: str, symbol: str, image_uri: str, external_link: str | None,
                  name_en: str | None = None) -> dict:
    """ERC-7572 collection JSON of a token contract (`name_en` overrides the configured name)."""
    en, zh, desc_en, desc_zh = CONTRACTS[component]
    en = name_en or en
    out = {"name": f"{en}{SEP}{zh}", "symbol": symbol, "description": f"{desc_en}\n\n{desc_zh}", "image": image_uri}
    if external_link:
        out["external_link"] = external_link
    out["collaborators"] = []
    out["properties"] = _locales(en, zh, desc_en, desc_zh)
    return out


@dataclass(frozen=True)
class PlatformNames:
    """Names and symbols the contracts are deployed with (from platform.yaml)."""

    vouchers: tuple[str, str] = ("Gaoling Firing Voucher", "GLVOUCHER")
    artworks: tuple[str, str] = ("Gaoling Artworks", "GLA")
    coupons: tuple[str, str] = ("Gaoling Glaze Coupons", "GLAZE")
    certificate: tuple[str, str] = ("Gaoling Firing Certificate", "GLFIRE")


def glaze_files(glazes: list[GlazeText], image_uri) -> dict[str, bytes]:
    """`glazes/<id>.json` and `images/glaze-<id>.png` for each glaze: the part of the platform tree
    that is published again when a glaze is added after the deploy (gaoling.fan.coupons)."""
    files: dict[str, bytes] = {}
    for g in glazes:
        data = _image(100 + g.glaze_id, GLAZE_TEXT.get(g.name_en, GLAZE_FALLBACK)[2])
        files[f"images/glaze-{g.glaze_id}.png"] = data
        files[f"glazes/{g.glaze_id}.json"] = to_json_bytes(glaze_json(g, image_uri(data)))
    return files


def platform_files(glazes: list[GlazeText], names: PlatformNames = PlatformNames(),
                   external_link: str | None = None, image_uri=None) -> dict[str, bytes]:
    """Every file of the platform metadata tree (see the module docstring).

    `image_uri(png_bytes) -> "ipfs://<CID>"` addresses an image; images are also written under
    `images/` so that one pin covers them."""
    files: dict[str, bytes] = {}

    def image(name: str, seed: int, colour: tuple[int, int, int]) -> str:
        data = _image(seed, colour)
        files[f"images/{name}.png"] = data
        return image_uri(data)

    files.update(glaze_files(glazes, image_uri))
    name_en, name_zh = names.vouchers[0], CONTRACTS["vouchers"][1]
    for n, (status, spec) in enumerate(VOUCHER_STATES.items()):
        uri = image(f"voucher-{status}", 200 + n, spec[4])
        files[f"vouchers/{status}.json"] = to_json_bytes(voucher_json(status, uri, name_en, name_zh))
    files["certificate.json"] = to_json_bytes(certificate_json(image("certificate", 300, (176, 132, 60))))
    for n, component in enumerate(CONTRACTS):
        name, symbol = getattr(names, component)
        uri = image(f"contract-{component}", 400 + n, (60 + 40 * n, 90, 140))
        files[f"contracts/{component}.json"] = to_json_bytes(
            contract_json(component, symbol, uri, external_link, name))
    return files
