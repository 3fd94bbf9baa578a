"""`ape run voucher` / `ape run fulfil`: every command has --help; claim-refund pays to --to."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.voucher.helpers import VOUCHER_PRICE

ROOT = Path(__file__).resolve().parents[2]


def _cli(name):
    spec = importlib.util.spec_from_file_location(f"voucher_script_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cli


@pytest.mark.parametrize("script", ["voucher", "fulfil"])
def test_every_command_has_help(script):
    cli = _cli(script)
    runner = CliRunner()
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name in cli.commands:
        sub = runner.invoke(cli, [name, "--help"])
        assert sub.exit_code == 0, sub.output
    assert "--to" in runner.invoke(cli, ["claim-refund", "--help"]).output if script == "voucher" else True


def test_claim_refund_to_another_address(world, vouchers, alice, carol, capsys):
    """Runs the command body on the test chain (through click it would open its own provider)."""
    token = world.collector(alice)
    vid = world.buy(alice, token)
    world.redeem(alice, vid)
    world.to_failed(vid)
    vouchers.refund(vid, sender=world.fulfil)
    command = _cli("voucher").commands["claim-refund"]
    with pytest.raises(click.ClickException, match="--to"):
        command.callback(account=alice, vouchers_address=vouchers.address, recipient="0x1234")
    before = carol.balance
    command.callback(account=alice, vouchers_address=vouchers.address, recipient=carol.address)
    assert carol.balance == before + VOUCHER_PRICE
    assert "paid to" in capsys.readouterr().out
    with pytest.raises(click.ClickException, match="no refund"):
        command.callback(account=alice, vouchers_address=vouchers.address, recipient=None)
