"""The demo story runs end to end, and every script command has --help."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner

from gaoling.demo import fan as demo
from gaoling.ipfs import FsBlockstore, resolve_uri

ROOT = Path(__file__).resolve().parents[2]


def test_demo_story(project, accounts, chain):
    with chain.isolate():
        rows = demo.run(SimpleNamespace(project=project, accounts=accounts, chain=chain))
    text = "\n".join(f"{a}: {b}" for a, b in rows)
    assert "gasless check-in" in text and "+10 points" in text
    assert "referrer +100 points" in text
    assert "开片釉 Crackle glaze" in text and "balance 1" in text


def _cli(name):
    spec = importlib.util.spec_from_file_location(f"fan_script_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cli


@pytest.mark.parametrize("script, commands", [
    ("checkin", ["sign", "relay", "status"]),
    ("coupons", ["list", "exchange", "add-glaze", "publish-metadata"]),
])
def test_every_command_has_help(script, commands):
    cli = _cli(script)
    runner = CliRunner()
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for command in commands:
        assert command in result.output
        sub = runner.invoke(cli, [command, "--help"])
        assert sub.exit_code == 0, sub.output
        assert "--network" in sub.output



def _call(cli, name, **params):
    """Runs a command's body on the test chain. (`ape run` would open its own provider; option
    parsing is covered by the --help test above.)"""
    command = cli.commands[name]
    with click.Context(command):
        return command.callback(**params)


def test_scripts_end_to_end(ledger, coupons, recorder, admin, alice, bob, relayer, chain, tmp_path, capsys,
                            monkeypatch):
    """sign -> relay -> status, and coupons list / exchange / add-glaze, through the command bodies."""
    checkin, coupons_cli = _cli("checkin"), _cli("coupons")
    ipfs_store = tmp_path / "ipfs"
    monkeypatch.setenv("GAOLING_IPFS_STORE", str(ipfs_store))
    out_path = tmp_path / "checkins.jsonl"
    chain.mine()
    for member in (alice, bob):
        with out_path.open("a", encoding="utf-8") as out:
            _call(checkin, "sign", deployment=None, account=member, ledger_address=ledger.address, day=None, out=out)
    with out_path.open(encoding="utf-8") as f:
        _call(checkin, "relay", deployment=None, account=relayer, ledger_address=ledger.address, files=(f,), batch_size=100,
              no_prefilter=False)
    assert "2 credited" in capsys.readouterr().out
    assert ledger.pointsOf(alice) == ledger.pointsOf(bob) == 10
    _call(checkin, "status", deployment=None, ledger_address=ledger.address, members=(alice.address,))
    assert "yes" in capsys.readouterr().out
    with pytest.raises(click.ClickException, match="member"):
        _call(checkin, "status", deployment=None, ledger_address=ledger.address, members=("0xnope",))
    with pytest.raises(click.ClickException, match="--ledger"):
        _call(checkin, "status", deployment=None, ledger_address="0x12", members=(alice.address,))

    ledger.recordPurchase(alice.address, 0, 30, sender=recorder)
    _call(coupons_cli, "exchange", deployment=None, account=alice, coupons_address=coupons.address, glaze_id=1, amount=1,
          sign_only=False, ttl=3600, relay_file=None)
    assert coupons.balanceOf(alice, 1) == 1
    with pytest.raises(click.ClickException, match="--glaze: 9"):
        _call(coupons_cli, "exchange", deployment=None, account=alice, coupons_address=coupons.address, glaze_id=9, amount=1,
              sign_only=False, ttl=3600, relay_file=None)
    with pytest.raises(click.ClickException, match="--price"):
        _call(coupons_cli, "add-glaze", deployment=None, account=admin, coupons_address=coupons.address, name_zh="青釉",
              name_en="Celadon glaze", price=0, stock=5)
    capsys.readouterr()
    _call(coupons_cli, "add-glaze", deployment=None, account=admin, coupons_address=coupons.address, name_zh="青釉",
          name_en="Celadon glaze", price=250, stock=5)
    added = capsys.readouterr().out
    assert "added glaze 5" in added and "base URI set to ipfs://" in added
    _call(coupons_cli, "list", deployment=None, coupons_address=coupons.address)
    listing = capsys.readouterr().out
    assert "Celadon glaze" in listing and "999" in listing
    # Every glaze, the new one included, has its metadata file in the published folder (ERC-1155: the
    # URI MUST point to a JSON file), with its names and an image that resolves too.
    store = FsBlockstore(ipfs_store)
    for glaze_id in range(1, 6):
        meta = json.loads(resolve_uri(store, coupons.uri(glaze_id)))
        assert meta["properties"]["glaze_id"] == glaze_id
        assert resolve_uri(store, meta["image"]).startswith(b"\x89PNG")
    assert json.loads(resolve_uri(store, coupons.uri(5)))["name"] == "Celadon glaze · 青釉"
    # Run again: the same folder (same CID), so nothing is sent.
    _call(coupons_cli, "publish-metadata", deployment=None, account=admin, coupons_address=coupons.address)
    assert "base URI already ipfs://" in capsys.readouterr().out
