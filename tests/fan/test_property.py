"""Property: whatever members do, points issued - points spent == the sum of all balances, and the
on-chain totals agree with the award and spend events."""

from __future__ import annotations

from ape.exceptions import ContractLogicError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoling.fan import cst_day, sign_check_in


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("check_in"), st.integers(0, 2)),
        st.tuples(st.just("relay"), st.lists(st.integers(0, 5), min_size=1, max_size=4)),
        st.tuples(st.just("next_day"), st.integers(1, 2)),
        st.tuples(st.just("buy"), st.integers(0, 5), st.integers(0, 30)),
        st.tuples(st.just("refer"), st.integers(0, 5), st.integers(0, 5)),
        st.tuples(st.just("exchange"), st.integers(0, 2), st.integers(1, 4), st.integers(1, 3)),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_issued_minus_spent_equals_sum_of_balances(chain, ledger, coupons, recorder, relayer, alice, bob, carol,
                                                   members, actions):
    collectors = [alice, bob, carol]  # have gas: check in, refer and exchange themselves
    gasless = members[:3]
    everyone = [a.address for a in collectors] + [m.address for m in gasless]
    with chain.isolate():
        issued = spent = 0
        for action in actions:
            kind = action[0]
            receipt = None
            try:
                if kind == "check_in":
                    receipt = ledger.checkIn(sender=collectors[action[1]])
                elif kind == "relay":
                    chain.mine()
                    day = int(ledger.today())
                    batch = [sign_check_in(gasless[i % 3], ledger, day).as_call_arg() for i in action[1]]
                    receipt = ledger.relayCheckIns(day, batch, sender=relayer)
                elif kind == "next_day":
                    now = chain.pending_timestamp
                    chain.pending_timestamp = ((now + 8 * 3600) // 86_400 + action[1]) * 86_400 - 8 * 3600 + 30
                    chain.mine()
                elif kind == "buy":
                    receipt = ledger.recordPurchase(everyone[action[1]], 0, action[2], sender=recorder)
                elif kind == "refer":
                    if action[1] < 3:
                        receipt = ledger.setReferrer(everyone[action[2]], sender=collectors[action[1]])
                elif kind == "exchange":
                    receipt = coupons.exchange(action[2], action[3], sender=collectors[action[1]])
            except ContractLogicError:
                receipt = None  # a refused action must change nothing; the invariant below checks it
            if receipt is not None:
                issued += sum(int(log.points) for log in ledger.CheckedIn.from_receipt(receipt))
                issued += sum(int(log.points) for log in ledger.PurchaseRewarded.from_receipt(receipt))
                issued += sum(int(log.points) for log in ledger.ReferralRewarded.from_receipt(receipt))
                spent += sum(int(log.amount) for log in ledger.PointsSpent.from_receipt(receipt))
            balances = sum(int(ledger.pointsOf(a)) for a in everyone)
            assert ledger.totalIssued() == issued
            assert ledger.totalSpent() == spent
            assert issued - spent == balances
            assert cst_day(chain.blocks.head.timestamp) == int(ledger.today())
