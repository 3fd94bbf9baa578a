"""Collection config validation: the sample loads into the exact constructor arguments, and every
bad input is reported with its file and field path before anything could be sent."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from eth_abi import encode as abi_encode
from eth_utils import to_checksum_address

from gaoling.collection import (
    PHASE_ALLOWLIST,
    PHASE_PUBLIC,
    CollectionConfigError,
    TransferPolicy,
    load_collection_config,
)
from gaoling.collection.config import _Loader
from gaoling.merkle import build_allowlist

EDITION_INIT_ABI = "(string,string,uint256,string,string,address,uint96,address[],uint256[],uint8,uint64,address)"
PHASE_ABI = "(uint96,uint40,uint40,uint32)"
CID_V1 = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
CID_V0 = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"


@pytest.fixture
def sample_data(sample_config: Path, sample_allowlist: Path) -> dict[str, Any]:
    data = yaml.load(sample_config.read_text(encoding="utf-8"), Loader=_Loader)
    data["phases"]["allowlist"]["allowlist"] = str(sample_allowlist)  # absolute: files move to tmp
    return data


@pytest.fixture
def write(tmp_path: Path, sample_data: dict[str, Any]) -> Callable[..., Path]:
    """Writes the sample with `mutate` applied to tmp_path/collection.yaml and returns its path."""
    def _write(mutate: Callable[[dict[str, Any]], Any] = lambda d: None) -> Path:
        data = copy.deepcopy(sample_data)
        mutate(data)
        path = tmp_path / "collection.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path
    return _write


def issues(path: Path) -> dict[str, str]:
    with pytest.raises(CollectionConfigError) as caught:
        load_collection_config(path)
    for line in str(caught.value).splitlines():
        assert line.startswith(f"{path}: "), "every problem is prefixed by the file it is in"
    return dict(caught.value.issues)


# -- the sample --------------------------------------------------------------------------------------

def test_sample_config_gives_the_constructor_struct(sample_config: Path, sample_allowlist: Path,
                                                    test_address) -> None:
    config = load_collection_config(sample_config)
    init = config.edition_init(test_address(0))
    assert init == (
        "Jingdezhen Blue-and-White", "JDZBW", 10_000, "", "",
        test_address(6), 500,
        [test_address(4), test_address(5), test_address(6), test_address(7)],
        [5000, 2000, 1500, 1500],
        1, 180 * 86400,
        test_address(0),
    )
    assert TransferPolicy.HOLDING_PERIOD.code == 1
    # The tuple ABI-encodes as the Solidity EditionInit struct (types and ranges fit).
    abi_encode([EDITION_INIT_ABI], [init])


def test_sample_phases_and_allowlist_root(sample_config: Path, sample_allowlist: Path) -> None:
    config = load_collection_config(sample_config)
    phases = config.phase_args()
    assert [p[0] for p in phases] == [PHASE_ALLOWLIST, PHASE_PUBLIC]
    (_, allowlist, root), (_, public, public_root) = phases
    # 2030-12-01T20:00:00+08:00 == 2030-12-01T12:00:00Z (the sample sale lies far ahead: ended phases are errors)
    assert allowlist == (10**16, 1922356800, 1922356800 + 2 * 86400, 3)
    assert public == (2 * 10**16, 1922356800 + 2 * 86400, 1925208000, 5)
    assert root == bytes.fromhex(build_allowlist(sample_allowlist).root[2:])
    assert public_root == b"\x00" * 32
    for _, args, merkle_root in phases:
        abi_encode([PHASE_ABI, "bytes32"], [args, merkle_root])
    assert config.role_grants() == {"order_signer": "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"}


def test_admin_comes_from_argument_or_roles(write) -> None:
    config = load_collection_config(write())
    assert config.edition_init()[-1] == config.roles.admin
    assert config.edition_init("0x" + "ab" * 20)[-1] == to_checksum_address("0x" + "ab" * 20)
    no_admin = load_collection_config(write(lambda d: d["roles"].pop("admin")))
    with pytest.raises(ValueError, match="^admin: pass the admin address"):
        no_admin.edition_init()
    with pytest.raises(ValueError, match="^admin: .*not an address"):
        no_admin.edition_init("0x1234")


def test_optional_sections(write) -> None:
    def minimal(d: dict[str, Any]) -> None:
        for key in ("uris", "phases", "roles"):
            d.pop(key)
        d["transfer"] = {"policy": "non-transferable"}
    config = load_collection_config(write(minimal))
    assert config.phase_args() == []
    assert config.allowlist_tree is None
    assert config.edition_init("0x" + "11" * 20)[9:11] == (2, 0)


@pytest.mark.parametrize("base, contract", [
    (f"ipfs://{CID_V1}/", f"ipfs://{CID_V0}"),
    (f"ipfs://{CID_V0}/", ""),
])
def test_uris_accept_cids(write, base: str, contract: str) -> None:
    config = load_collection_config(write(lambda d: d.update(uris={"base": base, "contract": contract})))
    assert config.edition_init()[3:5] == (base, contract)


@pytest.mark.parametrize("text, seconds", [
    ("12h", 43200), ("1d12h", 129600), ("2w", 1209600), (3600, 3600), ("3650d", 3650 * 86400),
])
def test_holding_period_forms(write, text: Any, seconds: int) -> None:
    config = load_collection_config(write(lambda d: d["transfer"].update(holding_period=text)))
    assert config.transfer.holding_period == seconds


@pytest.mark.parametrize("price, wei", [
    ("0.01 ether", 10**16), ("10 gwei", 10**10), ("1 wei", 1), (12345, 12345), ("0", 0), ("1.5 ETHER", 15 * 10**17),
])
def test_price_forms(write, price: Any, wei: int) -> None:
    config = load_collection_config(write(lambda d: d["phases"]["public"].update(price=price)))
    assert config.phases.public.price == wei


@pytest.mark.parametrize("start, unix", [
    ("2026-12-03T12:00:00Z", 1796299200), ("2026-12-03T20:00:00+08:00", 1796299200), (1796299200, 1796299200),
])
def test_time_forms(write, start: Any, unix: int) -> None:
    config = load_collection_config(write(lambda d: d["phases"]["public"].update(start=start)))
    assert config.phases.public.start == unix


def test_lowercase_address_is_checksummed(write) -> None:
    lower = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc"
    config = load_collection_config(write(lambda d: d["split"][1].update(address=lower)))
    assert config.split[1].address == "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"


# -- every bad input names its field -------------------------------------------------------------

def _set(*path: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(d: dict[str, Any]) -> None:
        node = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _drop(*path: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(d: dict[str, Any]) -> None:
        node = d
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return mutate


BAD = [
    ("unknown top-level field", _set("colour", value="blue"), "colour", "unknown field"),
    ("unknown nested field", _set("split", 1, "wallet", value="x"), "split[1].wallet", "unknown field"),
    ("unknown role", _set("roles", "minter", value="0x" + "11" * 20), "roles.minter", "known fields here"),
    ("missing cap", _drop("cap"), "cap", "required"),
    ("cap zero", _set("cap", value=0), "cap", "1..1,000,000"),
    ("cap too large", _set("cap", value=1_000_001), "cap", "1..1,000,000"),
    ("empty name", _set("name", value=""), "name", "empty"),
    ("symbol read as bool", _set("symbol", value=True), "symbol", "quotes"),
    ("symbol with space", _set("symbol", value="JDZ BW"), "symbol", "spaces"),
    ("royalty too low", _set("royalty", "bps", value=249), "royalty.bps", "250..1000"),
    ("royalty too high", _set("royalty", "bps", value=1001), "royalty.bps", "250..1000"),
    ("royalty as text", _set("royalty", "bps", value="5%"), "royalty.bps", "whole number"),
    ("royalty receiver bad", _set("royalty", "receiver", value="0xnothex"), "royalty.receiver", "not an address"),
    ("split under 10000", _set("split", 2, "bps", value=1000), "split", "exactly 10000"),
    ("split over 10000", _set("split", 0, "bps", value=5001), "split", "remove 1 bps"),
    ("payee zero share", _set("split", 3, "bps", value=0), "split[3].bps", "1..10000"),
    ("no issuer", _set("split", 0, "role", value="artist"), "split", "issuer"),
    ("unknown payee role", _set("split", 1, "role", value="curator"), "split[1].role", "issuer"),
    ("duplicate payee", _set("split", 3, "address", value="0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"),
     "split[3].address", "already split[0]"),
    ("bad checksum", _set("split", 1, "address", value="0x9965507D1a55bcC2695C58ba16FB37d819B0A4DC"),
     "split[1].address", "checksum"),
    ("short address", _set("split", 2, "address", value="0x1234"), "split[2].address", "40 hex digits"),
    ("zero address", _set("split", 2, "address", value="0x" + "00" * 20), "split[2].address", "zero address"),
    ("too many payees", _set("split", value=[
        {"name": f"p{i}", "role": "issuer", "address": "0x" + f"{i + 1:040x}", "bps": 10000 // 20}
        for i in range(20)]), "split", "at most 16"),
    ("empty split", _set("split", value=[]), "split", "at least one payee"),
    ("bad policy", _set("transfer", "policy", value="locked"), "transfer.policy", "holding-period"),
    ("holding period missing", _drop("transfer", "holding_period"), "transfer.holding_period", "needs"),
    ("holding period on free", _set("transfer", "policy", value="free"), "transfer.holding_period",
     "only applies"),
    ("holding period too long", _set("transfer", "holding_period", value="3651d"),
     "transfer.holding_period", "3650d"),
    ("holding period zero", _set("transfer", "holding_period", value="0d"), "transfer.holding_period",
     "policy: free"),
    ("holding period gibberish", _set("transfer", "holding_period", value="six months"),
     "transfer.holding_period", "not a duration"),
    ("base not ipfs", _set("uris", "base", value="https://example.com/"), "uris.base", "ipfs://<CID>/"),
    ("base without slash", _set("uris", "base", value=f"ipfs://{CID_V1}"), "uris.base", "end with '/'"),
    ("base bad cid", _set("uris", "base", value="ipfs://bafynotacid/"), "uris.base", "not a valid CID"),
    ("base with path", _set("uris", "base", value=f"ipfs://{CID_V1}/meta/"), "uris.base", "no path"),
    ("contract uri with slash", _set("uris", "contract", value=f"ipfs://{CID_V1}/"), "uris.contract", "no path"),
    ("end before start", _set("phases", "public", "end", value="2026-12-03T19:00:00+08:00"),
     "phases.public.end", "end after it starts"),
    ("end equals start", _set("phases", "allowlist", "end", value="2026-12-01T12:00:00Z"),
     "phases.allowlist.end", "end after it starts"),
    ("time without zone", _set("phases", "public", "start", value="2026-12-03T20:00:00"),
     "phases.public.start", "timezone"),
    ("date only", _set("phases", "public", "start", value="2026-12-03"), "phases.public.start", "timezone"),
    ("time gibberish", _set("phases", "public", "end", value="next week"), "phases.public.end", "ISO-8601"),
    ("time past uint40", _set("phases", "public", "end", value=2**40), "phases.public.end", "uint40"),
    ("price float", _set("phases", "public", "price", value=0.02), "phases.public.price", "no unit"),
    ("price no unit", _set("phases", "public", "price", value="0.02"), "phases.public.price", "unit"),
    ("price bad unit", _set("phases", "public", "price", value="0.02 eth"), "phases.public.price", "unit"),
    ("price sub-wei", _set("phases", "public", "price", value="0.5 wei"), "phases.public.price", "whole number of wei"),
    ("price over uint96", _set("phases", "public", "price", value="100000000000 ether"),
     "phases.public.price", "uint96"),
    ("wallet limit zero", _set("phases", "public", "max_per_wallet", value=0), "phases.public.max_per_wallet",
     "out of range"),
    ("wallet limit over cap", _set("cap", value=4), "phases.public.max_per_wallet", "more than the cap"),
    ("public phase with allowlist", _set("phases", "public", "allowlist", value="x.csv"),
     "phases.public.allowlist", "unknown field"),
    ("allowlist missing", _drop("phases", "allowlist", "allowlist"), "phases.allowlist.allowlist", "required"),
    ("allowlist file missing", _set("phases", "allowlist", "allowlist", value="/nonexistent/list.csv"),
     "phases.allowlist.allowlist", "cannot read"),
    ("unknown phase", _set("phases", "presale", value={}), "phases.presale", "unknown field"),
    ("role bad address", _set("roles", "order_signer", value="0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8F"),
     "roles.order_signer", "checksum"),
    ("section not a mapping", _set("royalty", value=500), "royalty", "mapping"),
]


@pytest.mark.parametrize("mutate, field, words", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_its_field(write, mutate, field: str, words: str) -> None:
    found = issues(write(mutate))
    assert field in found, f"expected a problem at {field}, got {found}"
    assert words in found[field], found[field]


def test_all_problems_are_reported_together(write) -> None:
    def many(d: dict[str, Any]) -> None:
        d["royalty"]["bps"] = 5
        d["split"][0]["bps"] = 1
        d["transfer"]["policy"] = "free"
        d["oops"] = 1
    found = issues(write(many))
    assert {"royalty.bps", "split", "transfer.holding_period", "oops"} <= set(found)


def test_allowlist_quantity_above_cap(tmp_path: Path, write) -> None:
    csv = tmp_path / "big.csv"
    csv.write_text("address,quantity\n0x70997970C51812dc3A010C7d01b50e0d17dc79C8,5000\n")
    path = write(lambda d: (d.update(cap=100), d["phases"]["public"].update(max_per_wallet=5),
                            d["phases"]["allowlist"].update(allowlist=str(csv))))
    found = issues(path)
    assert "more than the cap of 100" in found["phases.allowlist.allowlist"]
    assert f"{csv}:2" in found["phases.allowlist.allowlist"]


def test_allowlist_csv_error_is_located(tmp_path: Path, write) -> None:
    csv = tmp_path / "typo.csv"
    csv.write_text("address,quantity\n0x70997970C51812dc3A010C7d01b50e0d17dc79C8,two\n")
    found = issues(write(lambda d: d["phases"]["allowlist"].update(allowlist=str(csv))))
    assert f"{csv}:2: column 2 (quantity)" in found["phases.allowlist.allowlist"]


def test_allowlist_path_is_relative_to_the_config(tmp_path: Path, write, sample_allowlist: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "a.csv").write_bytes(sample_allowlist.read_bytes())
    config = load_collection_config(write(lambda d: d["phases"]["allowlist"].update(allowlist="lists/a.csv")))
    assert config.allowlist_path == tmp_path / "lists" / "a.csv"
    assert config.allowlist_tree.root == build_allowlist(sample_allowlist).root


# -- YAML-level traps ----------------------------------------------------------------------------

def test_unquoted_address_stays_an_address(tmp_path: Path, sample_config: Path, sample_allowlist: Path) -> None:
    text = sample_config.read_text(encoding="utf-8")
    text = text.replace('"0x976EA74026E726554dB657fA54763abd0C3a0aa9"', "0x976EA74026E726554dB657fA54763abd0C3a0aa9")
    text = text.replace("../allowlists/jingdezhen-blue-and-white.csv", str(sample_allowlist))
    path = tmp_path / "unquoted.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_collection_config(path).royalty.receiver == "0x976EA74026E726554dB657fA54763abd0C3a0aa9"


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("name: A\nsymbol: A\nname: B\n")
    with pytest.raises(CollectionConfigError, match=r"line 3, column 1: .*'name' appears twice"):
        load_collection_config(path)


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(CollectionConfigError, match=r"broken.yaml: line 2, column 1: not valid YAML"):
        load_collection_config(path)


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(CollectionConfigError, match="must be a YAML mapping"):
        load_collection_config(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CollectionConfigError, match="cannot read the config"):
        load_collection_config(tmp_path / "absent.yaml")
