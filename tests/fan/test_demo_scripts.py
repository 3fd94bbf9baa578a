"""The demo story runs end to end, and every script command has --help."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from gaoling.demo import fan as demo

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
    ("coupons", ["list", "exchange", "add-glaze"]),
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
