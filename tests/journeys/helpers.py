"""The operator's world for the journey: a separate anvil standing in for "a real network", a studio
workspace of its own (catalogues with images, collection configs, platform.yaml), the real CLI as
subprocesses, and raw JSON-RPC to read the chain and to act as the Safe (impersonation)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from gaoling.catalogue.png import glaze_swatch

ROOT = Path(__file__).resolve().parents[2]
APE = shutil.which("ape") or str(Path(sys.executable).with_name("ape"))
CHAIN_ID = 777_002  # not the local dev chain: placeholder URIs are refused, as on a real network

# Ape's test accounts (the public test mnemonic), as `ape run` knows them and by address.
DEPLOYER = ("TEST::0", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
BUYER = ("TEST::2", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
STUDIO = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"  # revenue
ATTESTER = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"
KILN_STAFF = ("TEST::6", "0x976EA74026E726554dB657fA54763abd0C3a0aa9")
CURATOR = ("TEST::5", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc")
QUIZ_ATTESTER = ("TEST::8", ATTESTER)
BIDDER = ("TEST::1", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
COLLECTOR = ("TEST::3", "0x90F79bf6EB2c4f870365E785982E1f101E93b906")  # wins the auction, then resells
ARTIST = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"  # the 1/1 work's royalty receiver; sends nothing
GALLERY = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"  # sells the work in its first auction; sends nothing


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def rpc(url: str, method: str, params: list) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        reply = json.loads(response.read())
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


def call(url: str, to: str, signature: str, args: tuple = (), returns: tuple[str, ...] = ("bool",)) -> Any:
    """eth_call of `signature` (e.g. "hasRole(bytes32,address)") with `args`; the decoded result."""
    types = signature[signature.index("(") + 1:-1]
    data = keccak(text=signature)[:4] + (encode(types.split(","), list(args)) if types else b"")
    raw = rpc(url, "eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"])
    values = decode(list(returns), bytes.fromhex(raw[2:]))
    return values[0] if len(values) == 1 else values


def role(name: str) -> bytes:
    return b"\x00" * 32 if name == "DEFAULT_ADMIN_ROLE" else keccak(text=name)


def has_role(url: str, contract: str, name: str, account: str) -> bool:
    return bool(call(url, contract, "hasRole(bytes32,address)", (role(name), account)))


def send_as(url: str, sender: str, to: str, data: str, value: int = 0) -> dict:
    """Sends a transaction from `sender` by impersonation (how a Safe's batch is replayed on anvil)."""
    rpc(url, "anvil_impersonateAccount", [sender])
    rpc(url, "anvil_setBalance", [sender, hex(10**18)])
    tx = rpc(url, "eth_sendTransaction", [{"from": sender, "to": to, "data": data, "value": hex(value)}])
    rpc(url, "anvil_stopImpersonatingAccount", [sender])
    receipt = mined(url, tx)
    assert int(receipt["status"], 16) == 1, receipt
    return receipt


def mined(url: str, tx: str) -> dict:
    """The receipt of `tx`. Anvil mines each transaction as it arrives, but may answer the receipt
    query a moment before the block is sealed; ask again (bounded) rather than fail on that."""
    for _ in range(200):
        receipt = rpc(url, "eth_getTransactionReceipt", [tx])
        if receipt is not None:
            return receipt
        time.sleep(0.05)
    raise AssertionError(f"transaction {tx} was not mined")


def deploy_raw(url: str, sender: str, bytecode: bytes) -> str:
    tx = rpc(url, "eth_sendTransaction", [{"from": sender, "data": "0x" + bytecode.hex()}])
    return to_checksum_address(mined(url, tx)["contractAddress"])


def warp(url: str, timestamp: int) -> None:
    rpc(url, "evm_setNextBlockTimestamp", [hex(timestamp)])
    rpc(url, "evm_mine", [])


class Studio:
    """The operator's own folder: platform.yaml, collections/, catalogue-*/ with images."""

    def __init__(self, root: Path, url: str, safe: str) -> None:
        self.root, self.url, self.safe = root, url, safe
        self.deployments = root / "deployments"
        from cryptography.fernet import Fernet

        # No COLUMNS: the commands print as into a pipe or a log file.
        self.env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        self.env.update(GAOLING_IPFS_STORE=str(root / "ipfs"), GAOLING_SHIPPING_KEY=Fernet.generate_key().decode())
        self.opens = int(time.time()) + 3600
        self.drops: list[str] = []

    def _command(self, args: tuple[str, ...], network: bool) -> list[str]:
        # `ape run check` needs no chain and takes no --network.
        return [APE, "run", *args, *(["--network", self.url] if network and args[0] != "check" else [])]

    def ape(self, *args: str, network: bool = True) -> Run:
        # From the checkout, as an operator runs them (`ape run` finds the scripts there); the studio's
        # files and manifest are given by absolute path.
        done = subprocess.run(self._command(args, network), cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=900)
        return Run(done.returncode, done.stdout, done.stderr)

    def ape_all(self, *calls: tuple[str, ...]) -> list[Run]:
        """Independent commands two at a time (the machine has two cores; each spends most of its
        seconds starting Python and Ape), in the order given."""
        results: list[Run] = []
        for pair in (calls[i:i + 2] for i in range(0, len(calls), 2)):
            procs = [subprocess.Popen(self._command(args, True), cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True) for args in pair]
            for proc in procs:
                out, err = proc.communicate(timeout=900)
                results.append(Run(proc.returncode, out, err))
        return results

    def add_drop(self, slug: str, sizes: list[int], glaze: tuple[int, int, int], works: int = 0) -> None:
        """A collection config and a catalogue whose piece sizes add up to its cap, with images, and
        `works` 1/1 works for the artworks collection."""
        cat = self.root / f"catalogue-{slug}"
        (cat / "images").mkdir(parents=True)
        (cat / "images" / "collection.png").write_bytes(glaze_swatch(100 + len(self.drops), glaze))
        text = lambda en, zh: {"en": en, "zh-CN": zh}  # noqa: E731
        pieces = []
        for i, size in enumerate(sizes, start=1):
            (cat / "images" / f"{i:02}.png").write_bytes(glaze_swatch(i + 10 * len(self.drops), glaze))
            pieces.append({
                "id": i, "name": text(f"{slug} piece {i}", f"第{i}件瓷器"),
                "description": text("Thrown and fired in our studio.", "本工作室拉坯烧制。"),
                "artist": text("Zhou Min", "周敏"), "studio": text("Our Studio", "本工作室"),
                "kiln": text("Gas kiln", "气窑"), "glaze": text("Celadon", "青釉"),
                "technique": text("Wheel-thrown", "拉坯"), "dimensions": {"height_mm": 80 + i},
                "year": 2025, "image": f"images/{i:02}.png", "edition": {"kind": "limited", "size": size},
            })
        unique = []
        for i in range(1, works + 1):
            (cat / "images" / f"work-{i}.png").write_bytes(glaze_swatch(500 + i, glaze))
            (cat / f"work-{i}-master.png").write_bytes(glaze_swatch(900 + i, glaze, size=256))  # the master file
            unique.append({
                "id": i, "name": text(f"{slug} moon jar {i}", f"月壶{i}号"),
                "description": text("A single thrown and fired jar.", "一件拉坯烧制的独件。"),
                "artist": text("Zhou Min", "周敏"), "studio": text("Our Studio", "本工作室"),
                "kiln": text("Wood kiln", "柴窑"), "glaze": text("Celadon", "青釉"),
                "technique": text("Wheel-thrown", "拉坯"), "dimensions": {"height_mm": 300},
                "year": 2025, "image": f"images/work-{i}.png",
            })
        catalogue = {"collection": {"name": text(f"Studio {slug}", "工作室藏品"),
                                    "description": text("Our own drop.", "我们自己的系列。"),
                                    "symbol": slug.upper().replace("-", "")[:11], "image": "images/collection.png",
                                    "external_link": "https://studio.example",
                                    "token_url": "https://studio.example/pieces/{id}", "collaborators": []},
                     "pieces": pieces, "works": unique}
        (cat / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True, sort_keys=False))
        config = {
            "name": f"Studio {slug}", "symbol": slug.upper().replace("-", "")[:16], "cap": sum(sizes),
            "royalty": {"receiver": STUDIO, "bps": 500},
            "split": [{"name": "Our Studio", "role": "issuer", "address": STUDIO, "bps": 10000}],
            "transfer": {"policy": "free"},
            "phases": {"public": {"price": "0.01 ether", "start": self.opens, "end": self.opens + 30 * 86400,
                                  "max_per_wallet": 2}},
        }
        (self.root / "collections").mkdir(exist_ok=True)
        (self.root / "collections" / f"{slug}.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        self.drops.append(slug)
        self.write_platform()

    def platform(self) -> dict[str, Any]:
        return {
            "collections": [{"config": f"collections/{s}.yaml", "catalogue": f"catalogue-{s}/catalogue.yaml"}
                            for s in self.drops],
            "ipfs_backend": "local",
            "artworks": {"name": "Studio Works", "symbol": "SWORK"},
            "auction": {"fee_recipient": STUDIO, "fee_bps": 500},
            "points": {"rules": {"purchase_flat": 100}},  # a first purchase and a check-in buy a coupon
            "coupons": {},
            "certificate": {"attester": ATTESTER},
            "vouchers": {"price": "0.1 ether", "customizable": list(self.drops),
                         "payees": [{"address": STUDIO, "bps": 10000}]},
            "roles": {"vouchers": {"fulfilment": KILN_STAFF[1]}},
        }

    def write_platform(self, data: dict[str, Any] | None = None, name: str = "platform.yaml") -> Path:
        path = self.root / name
        path.write_text(yaml.safe_dump(data or self.platform(), sort_keys=False))
        return path

    def file(self, name: str) -> str:
        return str(self.root / name)

    def balance(self, address: str) -> int:
        return int(rpc(self.url, "eth_getBalance", [address, "latest"]), 16)

    def contract(self, key: str) -> str:
        return self.manifest()["contracts"][key]

    @property
    def manifest_path(self) -> str:
        return str(self.deployments / f"{CHAIN_ID}.json")

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.deployments / f"{CHAIN_ID}.json").read_text())
