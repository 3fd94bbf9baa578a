"""The thin `ape run allowlist` and `ape run sign_order` commands, driven without a chain: the
allowlist command needs none, and sign_order's contract and chain are replaced by stand-ins that
answer the two calls it makes (eip712Domain, hasRole)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType, SimpleNamespace

import click
import pytest
from click.testing import CliRunner

from gaoling.collection.orders import ORDER_SIGNER_ROLE, SignedOrder
from gaoling.merkle import StandardMerkleTree, build_allowlist

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
EDITION = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
BUYER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
NOW = 1_796_000_000


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"gaoling_script_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def allowlist_cli() -> click.Group:
    return _script("allowlist").cli


def test_allowlist_build_and_proof(allowlist_cli, tmp_path: Path, sample_allowlist: Path) -> None:
    out = tmp_path / "tree.json"
    runner = CliRunner()
    built = runner.invoke(allowlist_cli, ["build", str(sample_allowlist), "--out", str(out)])
    assert built.exit_code == 0, built.output
    expected = build_allowlist(sample_allowlist)
    assert built.stdout.strip().splitlines()[-1] == expected.root
    assert StandardMerkleTree.load_json(out).dump() == expected.dump()

    for source in (["--tree", str(out)], ["--csv", str(sample_allowlist)]):
        shown = runner.invoke(allowlist_cli, ["proof", BUYER.lower(), *source])
        assert shown.exit_code == 0, shown.output
        data = json.loads(shown.stdout)
        assert data == {"root": expected.root, "address": BUYER, "quantity": "3",
                        "proof": expected.get_proof([BUYER, "3"])}


def test_allowlist_errors(allowlist_cli, tmp_path: Path, sample_allowlist: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text("address,quantity\n0x1234,1\n")
    result = runner.invoke(allowlist_cli, ["build", str(bad)])
    assert result.exit_code == 1 and f"{bad}:2: column 1 (address)" in result.output
    assert not (tmp_path / "bad.tree.json").exists(), "nothing is written for a bad CSV"

    result = runner.invoke(allowlist_cli, ["proof", "0x" + "12" * 20, "--csv", str(sample_allowlist)])
    assert result.exit_code == 1 and "is not on the allowlist" in result.output
    result = runner.invoke(allowlist_cli, ["proof", BUYER])
    assert result.exit_code == 2 and "exactly one of --tree FILE or --csv FILE" in result.output
    result = runner.invoke(allowlist_cli, ["proof", "0x12", "--csv", str(sample_allowlist)])
    assert result.exit_code == 2 and "Invalid value for ADDRESS" in result.output


class _FakeEdition:
    def __init__(self, signer: str, *, name: str = "GaolingEdition", chain_id: int = 31337) -> None:
        self.signer, self.name, self.chain_id = signer, name, chain_id

    def eip712Domain(self):  # noqa: N802 - the contract's function name
        return (b"\x0f", self.name, "1", self.chain_id, EDITION, b"\x00" * 32, [])

    def hasRole(self, role: bytes, account: str) -> bool:  # noqa: N802
        return role == ORDER_SIGNER_ROLE and account == self.signer

    def cap(self) -> int:
        return 50

    def totalMinted(self) -> int:  # noqa: N802
        return 38

    def paused(self) -> bool:
        return False

    def maxMintQuantity(self) -> int:  # noqa: N802
        return 20


@pytest.fixture
def sign_order(monkeypatch):
    """The sign_order command's body, with the chain and contract replaced."""
    module = _script("sign_order")

    def run(signer, edition: _FakeEdition, **options):
        monkeypatch.setattr(module, "Contract", lambda address, abi: edition)
        monkeypatch.setattr(module, "chain", SimpleNamespace(
            chain_id=31337, blocks=SimpleNamespace(head=SimpleNamespace(timestamp=NOW)),
            provider=SimpleNamespace(get_code=lambda address: b"\x60")))
        monkeypatch.setattr(module, "Deployment", lambda path: SimpleNamespace(address=lambda kind, explicit: explicit))
        args = {"contract_address": EDITION, "deployment": None, "recipient": BUYER, "quantity": 2, "expires_in": 3600,
                "nonce": None, "out": None, "skip_role_check": False, **options}
        return module.cli.callback(account=signer, **args)
    return run


def test_sign_order_prints_a_verifiable_order(order_signer, sign_order, tmp_path: Path, capsys) -> None:
    out = tmp_path / "order.json"
    sign_order(order_signer, _FakeEdition(order_signer.address), nonce=5, out=out)
    printed = capsys.readouterr().out
    signed = SignedOrder.from_json(printed)
    assert signed.signer == order_signer.address
    assert signed.order.as_struct() == (BUYER, 2, 5, NOW + 3600)  # expiry counts from chain time
    assert signed.domain.verifying_contract == EDITION and signed.domain.chain_id == 31337
    assert SignedOrder.from_json(out.read_text()) == signed


def test_sign_order_refuses_without_role_or_wrong_contract(order_signer, sign_order) -> None:
    with pytest.raises(click.ClickException, match="does not hold ORDER_SIGNER_ROLE"):
        sign_order(order_signer, _FakeEdition("0x" + "11" * 20))
    with pytest.raises(ValueError, match="is it a GaolingEdition"):
        sign_order(order_signer, _FakeEdition(order_signer.address, name="SomethingElse"))
    with pytest.raises(click.ClickException, match="names chain 1"):
        sign_order(order_signer, _FakeEdition(order_signer.address, chain_id=1))
    # With the check skipped, a signer without the role still gets an order (e.g. before granting).
    sign_order(order_signer, _FakeEdition("0x" + "11" * 20), skip_role_check=True)


def test_sign_order_refuses_more_than_the_chain_can_mint(order_signer, sign_order, capsys) -> None:
    """12 of 50 left: an order for 13 would be paid for off chain and never minted."""
    with pytest.raises(ValueError, match="13 tokens asked for, but only 12 are left of the cap of 50"):
        sign_order(order_signer, _FakeEdition(order_signer.address), quantity=13)
    assert capsys.readouterr().out == ""  # nothing signed, nothing printed
    sign_order(order_signer, _FakeEdition(order_signer.address), quantity=12)
