"""What to index: the contracts of a deployment manifest, with the ABIs that decode their logs.

ABIs come from the compiled project (`.build/__local__.json`, written by `ape compile`) or from an
`abis` object in the manifest (`{"GaolingEdition": [...abi...]}`), so an analyst can index a
deployment without its sources. Decoding is driven only by the ABI: a contract type added to the
platform is indexed as soon as its ABI is known (into `an_other_events` until a table maps it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from gaoling.analytics.errors import AnalyticsInputError

COMPILED = Path(".build/__local__.json")


def _type(entry: dict[str, Any]) -> str:
    t = entry["type"]
    if t.startswith("tuple"):
        return "(" + ",".join(_type(c) for c in entry["components"]) + ")" + t[len("tuple"):]
    return t


@lru_cache(maxsize=65536)
def checksum(address: str) -> str:
    return to_checksum_address(address)


def _plain(value: Any, abi_type: str) -> Any:
    """Decoded ABI values as plain Python: checksummed addresses, 0x hex bytes, lists for tuples."""
    if abi_type == "address":
        return checksum(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (tuple, list)):
        return [_plain(v, "") for v in value]
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return checksum(value)
    return value


@dataclass(frozen=True)
class EventDecoder:
    name: str
    signature: str
    indexed: tuple[tuple[str, str], ...]  # (name, type)
    data: tuple[tuple[str, str], ...]

    @property
    def topic0(self) -> str:
        return "0x" + keccak(text=self.signature).hex()

    def decode(self, topics: list[str], data: str) -> dict[str, Any]:
        if len(topics) != len(self.indexed) + 1:
            raise ValueError(f"{self.name}: {len(topics) - 1} indexed topics, the ABI has {len(self.indexed)}")
        args: dict[str, Any] = {}
        for (name, t), topic in zip(self.indexed, topics[1:]):
            raw = bytes.fromhex(topic[2:])
            if t in ("string", "bytes") or t.endswith("]") or t.startswith("("):
                args[name] = "0x" + raw.hex()  # indexed dynamic values are only their hash
            else:
                args[name] = _plain(abi_decode([t], raw)[0], t)
        if self.data:
            values = abi_decode([t for _, t in self.data], bytes.fromhex(data[2:]))
            for (name, t), value in zip(self.data, values):
                args[name] = _plain(value, t)
        return args


def decoders(abi: list[dict[str, Any]]) -> dict[str, EventDecoder]:
    """topic0 -> decoder for every non-anonymous event in `abi`."""
    out: dict[str, EventDecoder] = {}
    for entry in abi:
        if entry.get("type") != "event" or entry.get("anonymous"):
            continue
        inputs = entry.get("inputs", [])
        signature = f"{entry['name']}({','.join(_type(i) for i in inputs)})"
        dec = EventDecoder(
            name=entry["name"], signature=signature,
            indexed=tuple((i["name"], _type(i)) for i in inputs if i.get("indexed")),
            data=tuple((i["name"], _type(i)) for i in inputs if not i.get("indexed")),
        )
        out[dec.topic0] = dec
    return out


@dataclass
class Source:
    """One contract to index."""

    address: str
    name: str  # contract type
    label: str  # manifest step id
    start_block: int
    events: dict[str, EventDecoder] = field(default_factory=dict)


def load_compiled_abis(path: Path = COMPILED) -> dict[str, list[dict[str, Any]]]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: ct.get("abi", []) for name, ct in data.get("contractTypes", {}).items()}


def load_manifest(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise AnalyticsInputError(f"--manifest: {path} does not exist; deploy first (`ape run deploy`) or "
                                  "give the path of deployments/<chainId>.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AnalyticsInputError(f"--manifest: {path} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or "chain_id" not in data or not isinstance(data.get("contracts"), dict):
        raise AnalyticsInputError(f"--manifest: {path} is not a Gaoling deployment manifest "
                                  "(it needs chain_id and contracts)")
    return data


def sources_from_manifest(manifest: dict[str, Any], abis: dict[str, list[dict[str, Any]]] | None = None
                          ) -> list[Source]:
    """Every contract the manifest records, with its deploy block and its type's events."""
    known = dict(load_compiled_abis() if abis is None else abis)
    known.update(manifest.get("abis") or {})
    out = []
    for label, address in manifest["contracts"].items():
        step = manifest.get("steps", {}).get(label, {})
        name = step.get("contract") or label
        if name not in known:
            raise AnalyticsInputError(
                f"manifest contract {label!r} ({name}) has no ABI: run `ape compile` in the project, or add "
                f"\"abis\": {{\"{name}\": [...]}} to the manifest")
        out.append(Source(address=checksum(address), name=name, label=label,
                          start_block=int(step.get("block") or 0), events=decoders(known[name])))
    if not out:
        raise AnalyticsInputError("the manifest records no contracts; nothing to index")
    return out
