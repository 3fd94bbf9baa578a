"""Campaigns in platform.yaml are validated offline; `ape run crowdfund` as users run it (subprocesses
against the test chain), with errors that name the option and decoded reverts."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from gaoling.crowdfund.chain import check_pledge
from gaoling.deploy.config import PlatformConfigError, load_platform_config
from gaoling.deploy.plan import PlanContext, build_plan

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "metadata" / "platform.yaml"


def _cli():
    spec = importlib.util.spec_from_file_location("crowdfund_script", ROOT / "scripts" / "crowdfund.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- config


def test_the_sample_campaigns_validate_and_enter_the_deploy_plan():
    platform = load_platform_config(PLATFORM)
    names = [c.name for c in platform.config.crowdfund.campaigns]
    assert names == ["celadon-moon-vase", "crackle-tea-bowl"]
    steps = {s.id: s for s in build_plan(PlanContext(platform, "0x" + "11" * 20))}
    assert steps["crowdfund"].contract == "GaolingCrowdfund"
    for sid in ("crowdfund:minter:jingdezhen-blue-and-white", "crowdfund:granter", "crowdfund:recorder-role",
                "crowdfund:recorder"):
        assert sid in steps
    spec = platform.config.crowdfund.campaign("celadon-moon-vase").spec("0x" + "22" * 20, 1_000)
    assert spec.deadline == 1_000 + 7 * 86_400 and spec.goal == 5 * 10**17 and spec.payees == ()
    assert [t.physical for t in spec.tiers] == [False, True]


def _write(tmp_path, campaigns, *, vouchers=True):
    data = yaml.safe_load(PLATFORM.read_text())
    for entry in data["collections"]:
        entry["config"] = str(PLATFORM.parent / entry["config"])
        entry.pop("catalogue", None)
    if not vouchers:
        data.pop("vouchers")
    data["crowdfund"] = {"campaigns": campaigns}
    path = tmp_path / "platform.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


BASE = {"name": "vase", "collection": "jingdezhen-blue-and-white", "goal": "1 ether", "duration": "7d",
        "tiers": [{"name": "digital", "price": "0.1 ether", "cap": 20}]}


@pytest.mark.parametrize("change,field,message", [
    ({"collection": "nope"}, "crowdfund.campaigns[0].collection", "not one of the collections"),
    ({"goal": "3 ether"}, "crowdfund.campaigns[0]", "cannot be reached"),
    ({"deadline": "2026-12-20T20:00:00+08:00"}, "crowdfund.campaigns[0]", "not both"),
    ({"duration": None}, "crowdfund.campaigns[0]", "either `deadline`"),
    ({"duration": None, "deadline": "2026-12-20T20:00:00"}, "crowdfund.campaigns[0].deadline", "no timezone"),
    ({"duration": "91d"}, "crowdfund.campaigns[0].duration", "at most 90 days"),
    ({"goal": "0.5"}, "crowdfund.campaigns[0].goal", "unit"),
    ({"tiers": [{"name": "x", "price": "0.1 ether", "cap": 70000}]}, "crowdfund.campaigns[0].tiers[0].cap", "65535"),
    ({"tiers": [{"name": "x", "price": "0 ether", "cap": 10}]}, "crowdfund.campaigns[0].tiers[0].price", "above zero"),
    ({"tiers": [{"name": "x", "price": "1 ether", "cap": 10001}], "goal": "1 ether"},
     "crowdfund.campaigns[0].tiers", "more than its cap of 10000"),
    ({"payees": [{"address": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "bps": 9000}]},
     "crowdfund.campaigns[0].payees", "add up to 9000"),
    ({"tiers": [{"name": "x", "price": "0.1 ether", "cap": 20}], "stretch": 1}, "crowdfund.campaigns[0].stretch",
     "unknown field"),
])
def test_bad_campaigns_are_reported_with_their_field(tmp_path, change, field, message):
    campaign = {**BASE, **change}
    campaign = {k: v for k, v in campaign.items() if v is not None}
    with pytest.raises(PlatformConfigError) as info:
        load_platform_config(_write(tmp_path, [campaign]))
    assert any(path.startswith(field) and message in text for path, text in info.value.issues), info.value.issues


def test_a_physical_tier_needs_the_vouchers_section(tmp_path):
    campaign = {**BASE, "tiers": [{"name": "fired", "price": "0.1 ether", "cap": 20, "physical": True}]}
    with pytest.raises(PlatformConfigError, match="physical tier grants vouchers"):
        load_platform_config(_write(tmp_path, [campaign], vouchers=False))


def test_campaign_names_are_unique(tmp_path):
    with pytest.raises(PlatformConfigError, match="vase appear more than once"):
        load_platform_config(_write(tmp_path, [BASE, BASE]))


# ---------------------------------------------------------------- commands


def test_every_command_has_help():
    cli = _cli().cli
    runner = CliRunner()
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    assert set(cli.commands) == {"create", "pledge", "withdraw", "finalize", "claim", "refund", "status", "cancel",
                                 "deliver", "release"}
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output


def test_a_revert_is_shown_by_its_error_name(world, crowdfund, campaign, alice):
    from gaoling.cli import Refused, translate

    with pytest.raises(Exception) as info:
        crowdfund.refund(campaign, sender=alice, gas_limit=200_000)
    shown = translate(info.value)
    assert isinstance(shown, Refused) and "GaolingCrowdfundNotRefundable" in shown.message
    with pytest.raises(click.ClickException, match="--tier"):
        _cli()._run(check_pledge, crowdfund, campaign, 7, 1, alice, 0)


def _ape(chain, *args):
    env = {**os.environ, "GAOLING_CROWDFUND": ""}
    env.pop("GAOLING_CROWDFUND")
    return subprocess.run(["ape", "run", "crowdfund", *args, "--network", chain.provider.uri], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_create_pledge_and_status_through_ape_run(world, crowdfund, chain, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")   # addresses in full in the tables
    common = ["--crowdfund", crowdfund.address]
    created = _ape(chain, "create", "--campaign", "crackle-tea-bowl", "--edition", world.edition.address,
                   "--account", "TEST::0", *common)
    assert created.returncode == 0, created.stderr + created.stdout
    assert "Campaign #1" in created.stdout and "CST" in created.stdout
    bad = _ape(chain, "pledge", "--campaign-id", "1", "--tier", "3", "--account", "TEST::1", *common)
    assert bad.returncode == 2 and "--tier" in bad.stderr and "tiers 0..0" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout
    world.pledge(1, world.stack.admin, 0, 3)
    shown = _ape(chain, "status", "--campaign-id", "1", *common)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "7.5%" in out and "0.15 ether" in out and "CST" in out and "UTC" in out and "funding" in out
    assert "80% to 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 (on success)" in out   # the campaign's own payees
    mine = _ape(chain, "status", "--campaign-id", "1", "--pledger", world.stack.admin.address.lower(), *common)
    assert mine.returncode == 0, mine.stderr
    assert world.stack.admin.address in mine.stdout and "0.15 ether for tier 0: 3" in mine.stdout
    assert "withdraw" in mine.stdout
    bad = _ape(chain, "status", "--campaign-id", "1", "--pledger", "0x12", *common)
    assert bad.returncode == 2 and "--pledger" in bad.stderr and "Traceback" not in bad.stderr + bad.stdout


def test_the_issuer_cancels_delivers_and_releases_through_ape_run(world, crowdfund, chain, accounts):
    """The issuer's side as users run it: cancel (refused to a non-issuer), deliver every pledge of a
    succeeded campaign in batches (a rerun has nothing left), and release the payees' shares."""
    from tests.crowdfund.helpers import CANCELLED, PHYSICAL_PRICE

    common = ["--crowdfund", crowdfund.address]
    assert world.admin.address == accounts[0].address  # TEST::0
    doomed = world.create()
    world.pledge(doomed, accounts[2], 0, 1)
    refused = _ape(chain, "cancel", "--campaign-id", str(doomed), "--account", "TEST::2", *common)
    assert refused.returncode == 2 and "--account" in refused.stderr and "ISSUER_ROLE" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout
    cancelled = _ape(chain, "cancel", "--campaign-id", str(doomed), "--account", "TEST::0", *common)
    assert cancelled.returncode == 0, cancelled.stderr
    assert "cancelled" in cancelled.stdout and "0.01 ether" in cancelled.stdout
    assert int(crowdfund.campaign(doomed).status) == CANCELLED

    won = world.create()
    pledgers = (accounts[2], accounts[3], accounts[4])
    for who in pledgers:
        world.pledge(won, who, 1, 2)  # 3 x 2 physical pieces = 0.3 ether, over the 0.2 goal
    supply = int(world.edition.totalMinted())
    chain.mine(timestamp=world.deadline(won) + 1)  # a block past the deadline, as another process sees it
    delivered = _ape(chain, "deliver", "--campaign-id", str(won), "--batch-size", "2", "--account", "TEST::0", *common)
    assert delivered.returncode == 0, delivered.stderr
    assert f"Delivered campaign #{won} to 3 pledger(s)" in delivered.stdout
    assert int(world.edition.totalMinted()) == supply + 6
    assert all(int(world.edition.balanceOf(who)) >= 2 for who in pledgers)
    again = _ape(chain, "deliver", "--campaign-id", str(won), "--account", "TEST::0", *common)
    assert again.returncode == 0 and "nothing left to deliver" in again.stdout
    too_big = _ape(chain, "deliver", "--campaign-id", str(won), "--batch-size", "51", "--account", "TEST::0", *common)
    assert too_big.returncode == 2 and "--batch-size" in too_big.stderr

    before = {p: int(chain.provider.get_balance(p)) for p in (world.studio.address, world.artist.address)}
    paid = _ape(chain, "release", "--campaign-id", str(won), "--account", "TEST::2", *common)
    assert paid.returncode == 0, paid.stderr
    raised = 6 * PHYSICAL_PRICE
    assert int(chain.provider.get_balance(world.studio.address)) - before[world.studio.address] == raised * 7 // 10
    assert int(chain.provider.get_balance(world.artist.address)) - before[world.artist.address] == raised * 3 // 10
    assert world.studio.address in paid.stdout and world.artist.address in paid.stdout
    nothing = _ape(chain, "release", "--campaign-id", str(won), "--account", "TEST::2", *common)
    assert nothing.returncode == 2 and "--campaign-id" in nothing.stderr and "nothing to release" in nothing.stderr
    world.assert_conserved()

