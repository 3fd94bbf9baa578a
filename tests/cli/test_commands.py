"""Every bad input named in issue 12, through the real commands: the message names the argument
and what to do next, the exit code says who must act, no traceback, nothing half-written."""

from __future__ import annotations

from gaoling.fan import sign_exchange
from tests.cli.conftest import ALICE, BOB, assert_clean_error


def test_coupons_relay_without_points_is_refused_before_sending(world, accounts, ape_run, tmp_path):
    alice = accounts[1]
    request = tmp_path / "req.json"
    request.write_text(sign_exchange(alice, world.coupons, 4, 1).to_json())
    result = ape_run("coupons", "exchange", "--account", BOB, "--relay", str(request))
    assert_clean_error(result, 2, "--relay", f"{alice.address} has 0 points", "costs 300", "ape run checkin")
    assert world.coupons.balanceOf(alice.address, 4) == 0
