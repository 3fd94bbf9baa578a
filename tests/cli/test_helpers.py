"""gaoling.cli and gaoling.display in-process, where a subprocess adds nothing: address resolution
from the default manifest, the checks on what an address holds, and how values are shown."""

from __future__ import annotations

import json

import click
import pytest

from gaoling import display
from gaoling.cli import Deployment, UserError, group, journal


def test_default_manifest_is_deployments_chain_id_json(world, chain, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match=f"deployments/{chain.chain_id}.json does not exist") as missing:
        Deployment().address("vouchers")
    assert missing.value.exit_code == 2 and "--vouchers" in str(missing.value)
    (tmp_path / "deployments").mkdir()
    (tmp_path / "deployments" / f"{chain.chain_id}.json").write_text(json.dumps({
        "chain_id": chain.chain_id,
        "contracts": {"vouchers": world.vouchers.address, "edition:a": world.edition.address,
                      "edition:b": world.ledger.address}}))
    d = Deployment()
    assert d.open("vouchers").address == world.vouchers.address
    assert d.address("vouchers", world.ledger.address) == world.ledger.address  # explicit wins
    with pytest.raises(UserError, match=r"has 2 editions \(a, b\)"):
        d.address("edition")
    assert d.address("edition", "a") == world.edition.address
    with pytest.raises(UserError, match="no PointsLedger address"):
        d.address("points")
    # an address that holds another contract, or none
    with pytest.raises(UserError, match="is not a GaolingEdition"):
        d.open("edition", "b")
    with pytest.raises(UserError, match="no contract at"):
        d.open("vouchers", "0x" + "12" * 20)
    with pytest.raises(UserError, match="fails the EIP-55 checksum"):
        d.open("vouchers", world.vouchers.address[:-1] + ("a" if world.vouchers.address[-1] != "a" else "b"))
    # a manifest of another chain
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"chain_id": 1, "contracts": {}}))
    with pytest.raises(UserError, match="records chain 1, but --network is chain"):
        Deployment(other).address("vouchers")


def test_guard_turns_domain_errors_and_ctrl_c_into_messages():
    from click.testing import CliRunner

    @group()
    def cli():
        pass

    @cli.command()
    def bad():
        raise ValueError("not ours: a bug keeps its traceback")

    @cli.command()
    def ours():
        from gaoling.fan import FanInputError

        raise FanInputError("--glaze: 9 is not a glaze")

    @cli.command()
    def stopped():
        journal.did("released 1 ether to 0xabc")
        raise KeyboardInterrupt

    runner = CliRunner()
    result = runner.invoke(cli, ["ours"])
    assert result.exit_code == 2 and "--glaze: 9 is not a glaze" in result.output
    assert isinstance(runner.invoke(cli, ["bad"]).exception, ValueError)
    result = runner.invoke(cli, ["stopped"])
    assert result.exit_code == 130
    assert "Confirmed before the interruption (1)" in result.output and "released 1 ether to 0xabc" in result.output
    assert "run the same command again" in result.output


def test_display():
    assert display.when(1_764_763_200) == "2025-12-03 20:00:00 CST (12:00:00 UTC)"
    assert display.when(1_764_720_000) == "2025-12-03 08:00:00 CST (00:00:00 UTC)"
    assert display.when(1_764_700_000) == "2025-12-03 02:26:40 CST (2025-12-02 18:26:40 UTC)"
    assert display.duration(7 * 86_400) == "7 days"
    assert display.duration(93_784) == "1 day 2 hours"
    assert display.duration(90 * 86_400) == "12 weeks 6 days"
    assert display.window(1000 + 3 * 86_400, 1000 + 10 * 86_400, 1000).startswith("opens in 3 days (")
    assert display.window(0, 5000, 1000).startswith("open, closes in 1 hour (")
    assert display.window(0, 500, 1000 + 86_400).startswith("closed 1 day ago (")
    assert display.ether(5 * 10**16) == "0.05 ether" and display.ether(0) == "0 ether"
    assert display.role_name(display.role_id("FULFILMENT_ROLE")) == "FULFILMENT_ROLE"
