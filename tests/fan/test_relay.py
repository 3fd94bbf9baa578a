"""Gasless check-ins relayed in batches: bad entries are skipped with a reason, never replayable."""

from __future__ import annotations

import ape
import pytest

from gaoling import signing
from gaoling.fan import FanInputError, SignedCheckIn, cst_day, deploy_ledger, relay_check_ins, sign_check_in
from gaoling.fan._common import sign_typed
from gaoling.fan.checkin import CHECK_IN_TYPES


INVALID_SIGNATURE, ALREADY_CHECKED_IN = 0, 1


def _relay(ledger, day, signed, relayer):
    return ledger.relayCheckIns(day, [s.as_call_arg() for s in signed], sender=relayer)


def _outcome(ledger, receipt):
    credited = {log.member: int(log.points) for log in ledger.CheckedIn.from_receipt(receipt)}
    skipped = {log.member: int(log.reason) for log in ledger.CheckInSkipped.from_receipt(receipt)}
    return credited, skipped


def test_batch_credits_every_member_who_holds_no_gas(ledger, members, relayer, travel, next_midnight, chain):
    ts = travel(next_midnight() + 100)
    day = cst_day(ts)
    signed = [sign_check_in(m, ledger, day) for m in members[:5]]
    receipt = _relay(ledger, day, signed, relayer)
    credited, skipped = _outcome(ledger, receipt)
    assert credited == {m.address: 10 for m in members[:5]}
    assert skipped == {}
    for m in members[:5]:
        assert ledger.pointsOf(m.address) == 10
        assert chain.provider.get_balance(m.address) == 0
    assert ledger.totalIssued() == 50


def test_helper_digest_matches_contract(ledger, members):
    day = 20_000
    domain = signing.Domain.of(ledger)
    local = signing.digest(domain, "CheckIn", CHECK_IN_TYPES, {"member": members[0].address, "day": day})
    assert bytes(ledger.checkInDigest(members[0].address, day)) == local


@pytest.mark.parametrize("day", [0, 20_000, 2**32 - 1])
def test_check_in_fast_hash_matches_typed_data_and_contract(ledger, members, day):
    from eth_utils import keccak

    domain = signing.Domain.of(ledger)
    for m in members[:3]:
        signed = sign_check_in(m, ledger, day)
        msg = signed.signable()
        fast = keccak(b"\x19" + msg.version + msg.header + msg.body)
        assert fast == signing.digest(domain, "CheckIn", CHECK_IN_TYPES, {"member": m.address, "day": day})
        assert fast == bytes(ledger.checkInDigest(m.address, day))
        assert signed.signer() == m.address


def test_bad_entries_are_skipped_with_reasons_and_the_rest_credited(
    project, admin, ledger, members, relayer, travel, next_midnight, rules
):
    ts = travel(next_midnight() + 100)
    day = cst_day(ts)
    good = [sign_check_in(m, ledger, day) for m in members[:3]]
    # signed by someone else for members[3]
    impostor = SignedCheckIn(members[3].address, day, sign_check_in(members[4], ledger, day).signature,
                             good[0].ledger, good[0].chain_id)
    # members[5] signed for yesterday
    yesterday = sign_check_in(members[5], ledger, day - 1)
    # members[6] signed for another ledger
    other = deploy_ledger(project, admin, rules)
    foreign_contract = sign_check_in(members[6], other, day)
    # members[7] signed with another chain id in the domain
    domain = signing.Domain.of(ledger)
    foreign_domain = signing.Domain(domain.name, domain.version, domain.chain_id + 1, domain.verifying_contract)
    foreign_chain = SignedCheckIn(
        members[7].address, day,
        sign_typed(members[7], foreign_domain, "CheckIn", CHECK_IN_TYPES,
                   {"member": members[7].address, "day": day}),
        domain.verifying_contract, domain.chain_id)
    # members[8]: garbage signature (r = 0)
    garbage = (members[8].address, b"\x00" * 32, b"\x11" * 32)
    batch = [good[0], impostor, yesterday, good[1], foreign_contract, foreign_chain, good[2], good[0]]
    args = [s.as_call_arg() for s in batch] + [garbage]
    receipt = ledger.relayCheckIns(day, args, sender=relayer)
    credited, skipped = _outcome(ledger, receipt)
    assert credited == {m.address: 10 for m in members[:3]}
    assert skipped == {
        members[3].address: INVALID_SIGNATURE,
        members[5].address: INVALID_SIGNATURE,
        members[6].address: INVALID_SIGNATURE,
        members[7].address: INVALID_SIGNATURE,
        members[8].address: INVALID_SIGNATURE,
        members[0].address: ALREADY_CHECKED_IN,  # the duplicate entry
    }
    for m in members[3:9]:
        assert ledger.pointsOf(m.address) == 0
    assert ledger.totalIssued() == 30


def test_relay_returns_credited_count(ledger, members, relayer, travel, next_midnight):
    ts = travel(next_midnight() + 100)
    day = cst_day(ts)
    signed = [sign_check_in(m, ledger, day) for m in members[:3]]
    _relay(ledger, day, signed[:1], relayer)
    # the first is now already checked in: a static call of the same batch credits two
    assert ledger.relayCheckIns.call(day, [s.as_call_arg() for s in signed]) == 2


def test_signature_cannot_be_replayed_the_next_day(ledger, members, relayer, travel, next_midnight):
    midnight = next_midnight()
    travel(midnight + 100)
    day = cst_day(midnight)
    signed = sign_check_in(members[0], ledger, day)
    _relay(ledger, day, [signed], relayer)
    travel(midnight + 86_400 + 100)
    receipt = ledger.relayCheckIns(day + 1, [signed.as_call_arg()], sender=relayer)
    credited, skipped = _outcome(ledger, receipt)
    assert credited == {} and skipped == {members[0].address: INVALID_SIGNATURE}
    assert ledger.pointsOf(members[0].address) == 10


def test_signature_cannot_be_replayed_on_another_ledger(project, admin, ledger, members, relayer, travel,
                                                         next_midnight, rules):
    second = deploy_ledger(project, admin, rules)
    ts = travel(next_midnight() + 100)
    day = cst_day(ts)
    signed = sign_check_in(members[0], ledger, day)
    _relay(ledger, day, [signed], relayer)
    receipt = second.relayCheckIns(day, [signed.as_call_arg()], sender=relayer)
    assert _outcome(second, receipt) == ({}, {members[0].address: INVALID_SIGNATURE})
    assert second.pointsOf(members[0].address) == 0


def test_batch_for_a_day_that_is_not_today_reverts(ledger, members, relayer, travel, next_midnight):
    """A batch built before midnight and mined after it is refused as a whole: nothing changes."""
    midnight = next_midnight()
    day = cst_day(midnight - 1)
    signed = [sign_check_in(m, ledger, day) for m in members[:2]]
    travel(midnight)
    with ape.reverts(ledger.PointsLedgerWrongDay, day=day, today=day + 1):
        _relay(ledger, day, signed, relayer)
    with ape.reverts(ledger.PointsLedgerEmptyBatch):
        ledger.relayCheckIns(day + 1, [], sender=relayer)
    assert ledger.totalIssued() == 0


def test_relayed_and_direct_check_in_share_the_once_per_day_rule(ledger, members, alice, relayer, travel,
                                                                   next_midnight):
    ts = travel(next_midnight() + 100)
    day = cst_day(ts)
    ledger.checkIn(sender=alice)
    receipt = _relay(ledger, day, [sign_check_in(alice, ledger, day)], relayer)
    assert _outcome(ledger, receipt) == ({}, {alice.address: ALREADY_CHECKED_IN})
    assert ledger.pointsOf(alice) == 10


def test_relayed_streak(ledger, members, relayer, travel, next_midnight):
    start = next_midnight()
    for offset in range(3):
        ts = travel(start + offset * 86_400 + 50)
        _relay(ledger, cst_day(ts), [sign_check_in(members[0], ledger, cst_day(ts))], relayer)
    assert ledger.pointsOf(members[0].address) == 10 + 12 + 14
    assert ledger.memberOf(members[0].address).streak == 3


def test_python_relayer_drops_bad_entries_before_sending(ledger, members, relayer, chain):
    chain.mine()
    day = int(ledger.today())
    good = [sign_check_in(m, ledger) for m in members[:3]]
    impostor = SignedCheckIn(members[3].address, day, good[0].signature, good[0].ledger, good[0].chain_id)
    report = relay_check_ins(ledger, good + [impostor, good[1]], relayer, batch_size=2)
    assert report.credited == {m.address: 10 for m in members[:3]}
    assert report.dropped == {members[3].address: "invalid signature", members[1].address: "duplicate in this relay"}
    assert len(report.transactions) == 2  # three entries in batches of two
    assert report.gas_used > 0


def test_python_relayer_reports_on_chain_skips_without_prefilter(ledger, members, relayer, chain):
    chain.mine()
    day = int(ledger.today())
    good = sign_check_in(members[0], ledger)
    impostor = SignedCheckIn(members[3].address, day, good.signature, good.ledger, good.chain_id)
    report = relay_check_ins(ledger, [good, impostor], relayer, prefilter=False)
    assert report.credited == {members[0].address: 10}
    assert report.skipped == {members[3].address: "invalid signature"}


def test_python_relayer_refuses_stale_or_foreign_input(project, admin, ledger, members, relayer, chain, rules):
    chain.mine()
    day = int(ledger.today())
    stale = sign_check_in(members[0], ledger, day - 1)
    with pytest.raises(FanInputError, match=r"check_ins\[0\]: signed for day"):
        relay_check_ins(ledger, [stale], relayer)
    other = deploy_ledger(project, admin, rules)
    with pytest.raises(FanInputError, match=r"check_ins\[0\]: signed for ledger"):
        relay_check_ins(ledger, [sign_check_in(members[0], other, day)], relayer)
    with pytest.raises(FanInputError, match="batch_size"):
        relay_check_ins(ledger, [sign_check_in(members[0], ledger, day)], relayer, batch_size=0)
    with pytest.raises(FanInputError, match="check_ins: nothing to relay"):
        relay_check_ins(ledger, [], relayer)


def test_signed_check_in_json_round_trip_and_errors(ledger, members):
    signed = sign_check_in(members[0], ledger, 20_000)
    assert SignedCheckIn.from_json(signed.to_json()) == signed
    with pytest.raises(FanInputError, match="line.txt:3: missing field"):
        SignedCheckIn.from_json('{"member": "0x0"}', "line.txt:3")
    with pytest.raises(FanInputError, match="member"):
        SignedCheckIn.from_json(signed.to_json().replace(signed.member, "0x1234"), "x")
    with pytest.raises(FanInputError, match="signature must be"):
        SignedCheckIn.from_json(signed.to_json().replace(signed.signature.hex(), "abcd"), "x")
