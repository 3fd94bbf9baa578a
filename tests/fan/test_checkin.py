"""Direct daily check-ins: CST day boundaries (anvil time travel), streaks, double check-ins."""

from __future__ import annotations

import ape
import pytest

from gaoling.fan import cst_day, day_start, member_status


def _checked_in(ledger, receipt):
    logs = ledger.CheckedIn.from_receipt(receipt)
    assert len(logs) == 1
    return logs[0]


def test_check_in_awards_points_and_emits(ledger, alice, travel, next_midnight, rules):
    ts = travel(next_midnight() + 3600)
    receipt = ledger.checkIn(sender=alice)
    log = _checked_in(ledger, receipt)
    assert log.member == alice.address
    assert log.day == cst_day(ts)
    assert log.streak == 1
    assert log.points == rules.check_in
    assert ledger.pointsOf(alice) == rules.check_in
    assert ledger.totalIssued() == rules.check_in
    assert ledger.checkedInToday(alice)


def test_second_check_in_same_day_reverts_and_changes_nothing(ledger, alice, travel, next_midnight):
    midnight = next_midnight()
    travel(midnight)
    ledger.checkIn(sender=alice)
    before = (ledger.pointsOf(alice), ledger.totalIssued())
    travel(midnight + 86_399)  # 23:59:59 CST, still the same day
    with ape.reverts(ledger.PointsLedgerAlreadyCheckedIn, member=alice.address, day=cst_day(midnight)):
        ledger.checkIn(sender=alice)
    assert (ledger.pointsOf(alice), ledger.totalIssued()) == before


def test_day_boundary_is_midnight_china_standard_time(ledger, alice, travel, next_midnight):
    """23:59:59 and 00:00:00 CST are different days, one second apart (16:00 UTC)."""
    midnight = next_midnight(2)
    assert midnight % 86_400 == 16 * 3600  # 00:00 CST is 16:00 UTC of the previous UTC day
    travel(midnight - 1)
    first = _checked_in(ledger, ledger.checkIn(sender=alice))
    travel(midnight)
    second = _checked_in(ledger, ledger.checkIn(sender=alice))
    assert second.day == first.day + 1
    assert first.day == cst_day(midnight - 1) and second.day == cst_day(midnight)
    assert day_start(second.day) == midnight
    assert second.streak == 2


def test_utc_midnight_is_not_a_boundary(ledger, alice, travel, next_midnight):
    """00:00 UTC is 08:00 CST: a check-in just before and just after it fall on the same CST day."""
    utc_midnight = next_midnight() + 8 * 3600
    travel(utc_midnight - 1)
    ledger.checkIn(sender=alice)
    travel(utc_midnight)
    with ape.reverts(ledger.PointsLedgerAlreadyCheckedIn):
        ledger.checkIn(sender=alice)


def test_streak_bonus_grows_caps_and_resets(ledger, alice, travel, next_midnight, rules):
    start = next_midnight()
    points = []
    for day in range(6):
        travel(start + day * 86_400 + 600)
        points.append(_checked_in(ledger, ledger.checkIn(sender=alice)).points)
    # check_in 10, +2 per day after the first, at most 3 bonus days
    assert points == [10, 12, 14, 16, 16, 16]
    assert points == [rules.check_in_points(s) for s in range(1, 7)]
    # miss one day: the streak starts again
    travel(start + 7 * 86_400 + 600)
    log = _checked_in(ledger, ledger.checkIn(sender=alice))
    assert (log.streak, log.points) == (1, 10)
    status = member_status(ledger, alice)
    assert status.points == sum(points) + 10
    assert status.streak == 1


def test_members_are_independent(ledger, alice, bob, travel, next_midnight):
    travel(next_midnight())
    ledger.checkIn(sender=alice)
    ledger.checkIn(sender=bob)
    assert ledger.pointsOf(alice) == ledger.pointsOf(bob) == 10


def test_pause_stops_check_ins(ledger, admin, alice, stranger):
    with ape.reverts(ledger.AccessControlUnauthorizedAccount):
        ledger.pause(sender=stranger)
    ledger.pause(sender=admin)
    with ape.reverts(ledger.EnforcedPause):
        ledger.checkIn(sender=alice)
    ledger.unpause(sender=admin)
    ledger.checkIn(sender=alice)
    assert ledger.pointsOf(alice) == 10


def test_rules_update_is_admin_only_and_applies(ledger, admin, alice, stranger, rules):
    new = rules.model_copy(update={"check_in": 7})
    with ape.reverts(ledger.AccessControlUnauthorizedAccount):
        ledger.setRules(new.as_tuple(), sender=stranger)
    receipt = ledger.setRules(new.as_tuple(), sender=admin)
    assert len(ledger.RulesUpdated.from_receipt(receipt)) == 1
    ledger.checkIn(sender=alice)
    assert ledger.pointsOf(alice) == 7


def test_no_transfer_functions(ledger):
    names = {abi.name for abi in ledger.contract_type.abi if getattr(abi, "type", "") == "function"}
    assert not names & {"transfer", "transferFrom", "approve", "allowance"}


@pytest.mark.parametrize("ts, expected_offset", [(0, 0), (16 * 3600 - 1, 0), (16 * 3600, 1)])
def test_python_day_matches_contract_formula(ts, expected_offset):
    assert cst_day(ts) == expected_offset
