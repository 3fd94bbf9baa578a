"""Purchases (the IPurchaseRecorder hook) and referrals: once, no self-referral, no cycles, paid on
the first purchase only, capped per referrer per CST day."""

from __future__ import annotations

import ape
import pytest

from gaoling.fan import cst_day


@pytest.fixture
def buyers(accounts):
    """Six more collectors with gas (accounts 4 and 5 are the recorder and relayer)."""
    return [accounts[i] for i in (1, 2, 3, 6, 7, 8)]


def _buy(ledger, recorder, buyer, quantity=1, value=10**16):
    return ledger.recordPurchase(buyer.address, value, quantity, sender=recorder)


# ---------------------------------------------------------------- purchases


def test_purchase_awards_flat_plus_per_item(ledger, recorder, alice, rules):
    receipt = _buy(ledger, recorder, alice, quantity=3, value=123)
    logs = ledger.PurchaseRewarded.from_receipt(receipt)
    assert len(logs) == 1
    log = logs[0]
    assert (log.buyer, log.recorder, log.value, log.quantity) == (alice.address, recorder.address, 123, 3)
    assert log.points == rules.purchase_flat + 3 * rules.purchase_per_item == 80
    assert ledger.pointsOf(alice) == 80
    assert ledger.memberOf(alice).purchased
    assert ledger.totalIssued() == 80


def test_only_recorders_record_purchases(ledger, recorder, alice, stranger):
    with ape.reverts(ledger.AccessControlUnauthorizedAccount, account=stranger.address):
        ledger.recordPurchase(alice.address, 1, 1, sender=stranger)
    with ape.reverts(ledger.PointsLedgerZeroAddress, argument="buyer"):
        ledger.recordPurchase("0x0000000000000000000000000000000000000000", 1, 1, sender=recorder)
    with ape.reverts(ledger.PointsLedgerQuantityTooLarge):
        ledger.recordPurchase(alice.address, 1, 2**64, sender=recorder)
    assert ledger.pointsOf(alice) == 0


def test_purchases_are_recorded_while_paused(ledger, admin, recorder, alice):
    """A pause must not take points away from real sales."""
    ledger.pause(sender=admin)
    _buy(ledger, recorder, alice)
    assert ledger.pointsOf(alice) == 60


def test_record_purchase_stays_cheap(ledger, recorder, admin, alice, bob, buyers):
    """The hook runs inside mints and settlements with a gas cap (e.g. 100k): its worst case,
    a first purchase by a new address that pays a referral, stays far below that."""
    _buy(ledger, recorder, alice)
    ledger.setReferrer(alice.address, sender=bob)
    receipt = _buy(ledger, recorder, bob)
    assert len(ledger.ReferralRewarded.from_receipt(receipt)) == 1
    assert receipt.gas_used < 80_000
    assert _buy(ledger, recorder, alice).gas_used < 50_000


# ---------------------------------------------------------------- referral rules


def test_referrer_is_set_once_and_emits(ledger, recorder, alice, bob, carol):
    _buy(ledger, recorder, alice)
    _buy(ledger, recorder, carol)
    receipt = ledger.setReferrer(alice.address, sender=bob)
    logs = ledger.ReferrerSet.from_receipt(receipt)
    assert [(l.member, l.referrer) for l in logs] == [(bob.address, alice.address)]
    assert ledger.memberOf(bob).referrer == alice.address
    with ape.reverts(ledger.PointsLedgerReferrerAlreadySet, member=bob.address, referrer=alice.address):
        ledger.setReferrer(carol.address, sender=bob)


def test_self_referral_is_impossible(ledger, recorder, alice, bob):
    with ape.reverts(ledger.PointsLedgerSelfReferral, member=alice.address):
        ledger.setReferrer(alice.address, sender=alice)
    # even a purchaser cannot name themself (and may not name anyone after buying)
    _buy(ledger, recorder, alice)
    with ape.reverts(ledger.PointsLedgerSelfReferral):
        ledger.setReferrer(alice.address, sender=alice)


def test_referrer_must_have_purchased(ledger, alice, bob, travel, next_midnight):
    travel(next_midnight())
    ledger.checkIn(sender=alice)  # a check-in alone does not make a referrer
    with ape.reverts(ledger.PointsLedgerReferrerNotEligible, referrer=alice.address):
        ledger.setReferrer(alice.address, sender=bob)
    with ape.reverts(ledger.PointsLedgerReferrerNotEligible):
        ledger.setReferrer("0x0000000000000000000000000000000000000000", sender=bob)


def test_no_referral_after_first_purchase(ledger, recorder, alice, bob):
    _buy(ledger, recorder, alice)
    _buy(ledger, recorder, bob)
    with ape.reverts(ledger.PointsLedgerReferralAfterFirstPurchase, member=bob.address):
        ledger.setReferrer(alice.address, sender=bob)


def test_two_member_cycle_is_impossible(ledger, recorder, alice, bob):
    _buy(ledger, recorder, alice)
    ledger.setReferrer(alice.address, sender=bob)  # bob -> alice
    # before bob buys, bob is not eligible as a referrer
    with ape.reverts(ledger.PointsLedgerReferralAfterFirstPurchase):
        ledger.setReferrer(bob.address, sender=alice)
    _buy(ledger, recorder, bob)
    # after bob buys, alice has long purchased, so she can name nobody
    with ape.reverts(ledger.PointsLedgerReferralAfterFirstPurchase):
        ledger.setReferrer(bob.address, sender=alice)


def test_three_member_cycle_is_impossible(ledger, recorder, alice, bob, carol, stranger):
    _buy(ledger, recorder, alice)
    ledger.setReferrer(alice.address, sender=bob)  # bob -> alice
    _buy(ledger, recorder, bob)
    ledger.setReferrer(bob.address, sender=carol)  # carol -> bob
    _buy(ledger, recorder, carol)
    # closing alice -> carol would make a cycle
    with ape.reverts(ledger.PointsLedgerReferralAfterFirstPurchase):
        ledger.setReferrer(carol.address, sender=alice)
    # the chain only grows at its new end: a member who has not bought yet may name carol
    ledger.setReferrer(carol.address, sender=stranger)
    assert ledger.memberOf(stranger).referrer == carol.address


# ---------------------------------------------------------------- referral rewards


def test_referrer_paid_on_first_purchase_only(ledger, recorder, alice, bob, travel, next_midnight, rules):
    _buy(ledger, recorder, alice)
    ledger.setReferrer(alice.address, sender=bob)
    travel(next_midnight())
    ledger.checkIn(sender=bob)  # activity that is not a purchase pays nothing
    assert ledger.pointsOf(alice) == 60
    receipt = _buy(ledger, recorder, bob, quantity=2)
    logs = ledger.ReferralRewarded.from_receipt(receipt)
    assert [(l.referrer, l.referee, l.points) for l in logs] == [(alice.address, bob.address, rules.referral)]
    assert ledger.pointsOf(alice) == 60 + rules.referral
    assert ledger.pointsOf(bob) == 10 + 70  # check-in + purchase; the referee earns no referral points
    # a second purchase: no double reward
    receipt = _buy(ledger, recorder, bob)
    assert ledger.ReferralRewarded.from_receipt(receipt) == []
    assert ledger.pointsOf(alice) == 60 + rules.referral
    assert ledger.totalIssued() == 60 + 10 + 70 + 60 + rules.referral


def test_referral_daily_cap(ledger, recorder, alice, buyers, travel, next_midnight, rules):
    assert rules.referral_daily_cap == 2
    _buy(ledger, recorder, alice)
    referees = buyers[1:5]
    for referee in referees:
        ledger.setReferrer(alice.address, sender=referee)
    midnight = next_midnight()
    day = cst_day(midnight)
    travel(midnight)
    _buy(ledger, recorder, referees[0])
    _buy(ledger, recorder, referees[1])
    travel(midnight + 86_399)  # 23:59:59, same CST day: the cap is reached
    receipt = _buy(ledger, recorder, referees[2])
    capped = ledger.ReferralCapped.from_receipt(receipt)
    assert [(l.referrer, l.referee, l.day) for l in capped] == [(alice.address, referees[2].address, day)]
    assert ledger.ReferralRewarded.from_receipt(receipt) == []
    assert ledger.pointsOf(alice) == 60 + 2 * rules.referral
    # the capped reward is forfeited, not deferred: the referee's first purchase has happened
    _buy(ledger, recorder, referees[2])
    assert ledger.pointsOf(alice) == 60 + 2 * rules.referral
    # next CST day the counter starts again
    travel(midnight + 86_400)
    receipt = _buy(ledger, recorder, referees[3])
    assert len(ledger.ReferralRewarded.from_receipt(receipt)) == 1
    info = ledger.memberOf(alice)
    assert (info.referralDay, info.referralsOnDay) == (day + 1, 1)
    assert ledger.pointsOf(alice) == 60 + 3 * rules.referral


def test_referral_points_do_not_disturb_referrer_check_in_state(ledger, recorder, alice, bob, travel,
                                                                 next_midnight):
    """Referral counters and check-in fields share the referrer's slot; neither clobbers the other."""
    midnight = next_midnight()
    travel(midnight)
    ledger.checkIn(sender=alice)
    _buy(ledger, recorder, alice)
    ledger.setReferrer(alice.address, sender=bob)
    _buy(ledger, recorder, bob)
    travel(midnight + 86_400)
    log = ledger.CheckedIn.from_receipt(ledger.checkIn(sender=alice))[0]
    assert log.streak == 2
    assert ledger.pointsOf(alice) == 10 + 60 + 100 + 12


def test_setting_a_referrer_is_paused_with_the_ledger(ledger, admin, recorder, alice, bob):
    _buy(ledger, recorder, alice)
    ledger.pause(sender=admin)
    with ape.reverts(ledger.EnforcedPause):
        ledger.setReferrer(alice.address, sender=bob)
